"""Name matching quality: Trygg's scorer and OpenSanctions' nomenklatura ``logic-v2`` in the same run.

On ``../shared/data/matching/name_bench_cases.csv`` (826 labelled pairs of person, company, organisation and
vessel names, from nomenklatura's contrib/name_bench, MIT) prints precision, recall and F1 of each at its
default threshold (Trygg 0.80; logic-v2 0.70, yente's default match threshold), the best F1 over thresholds,
and Trygg's numbers on the half of the pairs its threshold was *not* chosen on.

nomenklatura is installed only in the benchmark environment::

    make bench-matching        # creates .venv-bench with nomenklatura, then runs this script

Aim (issue 6): F1 ≥ 0.80 and precision at the default threshold above logic-v2's.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import shared_data, table  # noqa: E402
from trygg.screening.matching import DEFAULT_THRESHOLD, compare  # noqa: E402

LOGIC_V2_THRESHOLD = 0.70


def load() -> list[dict]:
    with open(shared_data() / "matching" / "name_bench_cases.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def metrics(scores: list[float], truth: list[bool], threshold: float) -> tuple[float, float, float]:
    tp = sum(s >= threshold and t for s, t in zip(scores, truth, strict=True))
    fp = sum(s >= threshold and not t for s, t in zip(scores, truth, strict=True))
    fn = sum(s < threshold and t for s, t in zip(scores, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best(scores, truth):
    return max((metrics(scores, truth, t / 100)[2], t / 100) for t in range(30, 100))


def logic_v2_scores(rows: list[dict]) -> list[float] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2
    except ImportError:
        return None
    config = LogicV2.default_config()
    scores = []
    for i, row in enumerate(rows):
        schema = row["schema"] if row["schema"] in model.schemata else "LegalEntity"
        a, b = model.make_entity(schema), model.make_entity(schema)
        a.id, b.id = f"query-{i}", f"result-{i}"  # distinct ids: nomenklatura caches comparisons by id
        a.add("name", row["name1"])
        b.add("name", row["name2"])
        scores.append(LogicV2.compare(a, b, config).score)
    return scores


def main() -> None:
    rows = load()
    truth = [r["is_match"] == "true" for r in rows]
    start = time.perf_counter()
    ours = [compare(r["name1"], r["name2"], r["schema"]).score for r in rows]
    ours_time = time.perf_counter() - start
    start = time.perf_counter()
    theirs = logic_v2_scores(rows)
    theirs_time = time.perf_counter() - start
    out = []
    p, r, f = metrics(ours, truth, DEFAULT_THRESHOLD)
    bf, bt = best(ours, truth)
    out.append(
        [
            "Trygg",
            f"{DEFAULT_THRESHOLD:.2f}",
            f"{p:.3f}",
            f"{r:.3f}",
            f"{f:.3f}",
            f"{bf:.3f} @ {bt:.2f}",
            f"{1000 * ours_time / len(rows):.2f}",
        ]
    )
    if theirs is not None:
        p, r, f = metrics(theirs, truth, LOGIC_V2_THRESHOLD)
        bf, bt = best(theirs, truth)
        out.append(
            [
                "nomenklatura logic-v2",
                f"{LOGIC_V2_THRESHOLD:.2f}",
                f"{p:.3f}",
                f"{r:.3f}",
                f"{f:.3f}",
                f"{bf:.3f} @ {bt:.2f}",
                f"{1000 * theirs_time / len(rows):.2f}",
            ]
        )
    print(f"Name matching on {len(rows)} labelled pairs ({sum(truth)} matches)")
    print(table(["matcher", "threshold", "precision", "recall", "F1", "best F1", "ms/pair"], out))
    held_out = slice(1, None, 2)  # the threshold was chosen on rows[0::2]
    p, r, f = metrics(ours[held_out], truth[held_out], DEFAULT_THRESHOLD)
    line = f"Trygg on the held-out half (threshold not tuned on it): precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}"
    if theirs is not None:
        p2, r2, f2 = metrics(theirs[held_out], truth[held_out], LOGIC_V2_THRESHOLD)
        line += f"; logic-v2 on the same half: precision {p2:.3f}, recall {r2:.3f}, F1 {f2:.3f}"
    print(line)
    if theirs is None:
        print("nomenklatura is not installed here: run 'make bench-matching' for the comparison")


if __name__ == "__main__":
    main()
