"""axe-core in the page under test: the WCAG 2.1 A/AA violations of serious or critical impact."""

from __future__ import annotations

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """async () => {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def violations(page) -> list[dict]:
    page.evaluate(AXE + "\n;true")  # DevTools evaluation: not subject to the page's Content-Security-Policy
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
