"""The floors (issue 23): imports flow down — the ground floor (``orgs``, ``core``, ``audit``, ``analysis``) knows
nothing above it, no two apps import each other — as the layers contract in ``pyproject.toml`` declares. The
contract is checked by import-linter, which reads every import, those inside functions included."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_flow_down_the_floors():
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_every_app_stands_on_a_floor():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    on_a_floor = {name.strip() for layer in config["layers"] for name in layer.split("|")}
    packages = {p.name for p in (ROOT / "src" / "trygg").iterdir() if (p / "__init__.py").exists()}
    assert packages <= on_a_floor, f"apps on no floor of the layers contract: {sorted(packages - on_a_floor)}"
