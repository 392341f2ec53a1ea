"""Name matching quality: Trygg's scorer and OpenSanctions' nomenklatura ``logic-v2`` in the same run.

On ``../shared/data/matching/name_bench_cases.csv`` (826 labelled pairs of person, company, organisation and
vessel names, from nomenklatura's contrib/name_bench, MIT) prints precision, recall and F1 of each at its
default threshold (Trygg 0.80; logic-v2 0.70, yente's default match threshold), the best F1 over thresholds,
and Trygg's numbers on the half of the pairs its threshold was *not* chosen on.

nomenklatura is installed only in the benchmark environment::

    make bench-matching        # creates .venv-bench with nomenklatura, then runs this script

Then, on Trygg's own hand-labelled Swedish licensing pairs (``tests/data/matching/swedish_licensing_pairs.csv``:
diacritics, legal forms, distinguishing words, Arabic/Cyrillic/Greek script, Russian transliteration, Somali
orthography, nicknames, gendered near-namesakes, word order and initials), precision, recall and F1 per
category for Trygg, logic-v2 and rapidfuzz's ``fuzz.token_sort_ratio`` on casefolded names, each at the
threshold chosen on the even rows of the shared bench (Trygg: its default). Also the scorer's throughput.

Aim (issue 11): F1 ≥ 0.87 on the held-out half and precision at the default threshold above logic-v2's.
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
SWEDISH = ROOT / "tests" / "data" / "matching" / "swedish_licensing_pairs.csv"


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


def rapidfuzz_scores(rows: list[dict]) -> list[float]:
    from rapidfuzz import fuzz

    return [fuzz.token_sort_ratio(r["name1"].casefold(), r["name2"].casefold()) / 100 for r in rows]


def tuned_threshold(scores: list[float], truth: list[bool]) -> float:
    """The threshold with the best F1 on the even rows (the half Trygg's default was chosen on)."""
    return best(scores[0::2], truth[0::2])[1]


def throughput(rows: list[dict], rounds: int = 3) -> tuple[float, float]:
    """Pairs per second of ``compare``: cold (caches emptied first) and warm (the same pairs again)."""
    from trygg.screening.matching import normalise as normalise_module
    from trygg.screening.matching import scorer, variants

    caches = [normalise_module.normalise, scorer.token_match, variants.sound_key, variants.distinguishing]
    cold = []
    for _ in range(rounds):
        for cache in caches:
            cache.cache_clear()
        start = time.perf_counter()
        for r in rows:
            compare(r["name1"], r["name2"], r["schema"])
        cold.append(len(rows) / (time.perf_counter() - start))
    start = time.perf_counter()
    for r in rows:
        compare(r["name1"], r["name2"], r["schema"])
    warm = len(rows) / (time.perf_counter() - start)
    return max(cold), warm


def per_category(rows: list[dict], matchers: dict[str, tuple[list[float], float]]) -> str:
    truth = [r["is_match"] == "true" for r in rows]
    categories = [*sorted({r["category"] for r in rows}), "all"]
    out = []
    for category in categories:
        idx = [i for i, r in enumerate(rows) if category in ("all", r["category"])]
        line = [category, str(len(idx)), str(sum(not truth[i] for i in idx))]
        for scores, threshold in matchers.values():
            p, r, f = metrics([scores[i] for i in idx], [truth[i] for i in idx], threshold)
            line.append(f"{p:.2f} / {r:.2f} / {f:.2f}")
        out.append(line)
    head = ["category", "pairs", "negatives"] + [f"{name} P / R / F1" for name in matchers]
    return table(head, out)


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
    cold, warm = throughput(rows)
    print(f"compare() throughput on the bench: {cold:,.0f} pairs/s cold (caches emptied), {warm:,.0f} warm")

    swedish = list(csv.DictReader(SWEDISH.open(encoding="utf-8")))
    fuzzy = rapidfuzz_scores(rows)
    matchers = {"Trygg": ([compare(r["name1"], r["name2"], r["schema"]).score for r in swedish], DEFAULT_THRESHOLD)}
    thresholds = [f"Trygg {DEFAULT_THRESHOLD:.2f} (default)"]
    swedish_v2 = logic_v2_scores(swedish)
    if swedish_v2 is not None and theirs is not None:
        t = tuned_threshold(theirs, truth)
        matchers["logic-v2"] = (swedish_v2, t)
        thresholds.append(f"logic-v2 {t:.2f}")
    t = tuned_threshold(fuzzy, truth)
    matchers["rapidfuzz"] = (rapidfuzz_scores(swedish), t)
    thresholds.append(f"rapidfuzz token_sort_ratio {t:.2f}")
    print()
    print(f"Swedish licensing pairs ({len(swedish)}, {SWEDISH.relative_to(ROOT)}), per category;")
    print("thresholds chosen on the even rows of the shared bench: " + ", ".join(thresholds))
    print(per_category(swedish, matchers))


if __name__ == "__main__":
    main()
