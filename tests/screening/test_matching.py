"""Swedish-aware normalisation and the explainable scorer."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trygg.screening.matching import DEFAULT_THRESHOLD, compare
from trygg.screening.matching.normalise import normalise


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Åsa Öberg", "Asa Oberg"),
        ("Åsa Öberg", "Aasa Oeberg"),
        ("Asa", "Aasa"),
        ("Jönsson", "Jonsson"),
        ("Jönsson", "Joensson"),
        ("Bäckström", "Baeckstroem"),
    ],
)
def test_swedish_letters_written_three_ways_are_the_same(a, b):
    assert normalise(a).tokens == normalise(b).tokens
    assert compare(a, b).score == 1.0


def test_legal_forms_are_taken_out_and_compared_on_their_own():
    assert normalise("Bygg AB", company=True).tokens == normalise("Bygg Aktiebolag", company=True).tokens == ("bygg",)
    assert compare("Jönssons Bygg AB", "Joenssons Bygg Aktiebolag", "Company").score == 1.0
    handelsbolag = compare("Jönssons Bygg AB", "Jönssons Bygg HB", "Company")
    assert handelsbolag.score < DEFAULT_THRESHOLD
    assert "legal_forms_differ" in handelsbolag.features
    assert compare("Ek. för. Karlstads Bostäder", "Karlstads Bostäder Ekonomisk förening", "Company").score == 1.0


def test_word_order_initials_and_double_surnames():
    assert compare("Svensson, Anna", "Anna Svensson").score == 1.0
    assert compare("A. Svensson", "Anna Svensson").match()
    assert compare("Anna Lind-Svensson", "Anna Lind Svensson").score == 1.0
    assert compare("Anna Lind-Svensson", "Anna Svensson").match()
    assert not compare("Anna Svensson", "Karin Svensson").match()


def test_numbered_companies_are_different_companies():
    result = compare("Bygg 1 i Karlstad AB", "Bygg 2 i Karlstad AB", "Company")
    assert not result.match()
    assert result.features["numbers_differ"]


def test_identifiers_raise_or_veto_and_birth_dates_raise_or_cap():
    assert compare("A Svensson", "Kalle Karlsson", id1="198001011234", id2="198001011234").score == 1.0
    veto = compare("Anna Svensson", "Anna Svensson", id1="198001011234", id2="197502021111")
    assert veto.score == 0.0 and veto.features["identifier"] == "different"
    same_birth = compare("Anna Svenson", "Anna Svensson", birth1="1980-01-01", birth2="1980-01-01")
    plain = compare("Anna Svenson", "Anna Svensson")
    assert same_birth.score > plain.score
    other_birth = compare("Anna Svensson", "Anna Svensson", birth1="1980-01-01", birth2="1975-02-02")
    assert other_birth.score <= 0.3 and other_birth.features["birth_date"] == "different"


def test_scores_are_in_range_and_explained():
    result = compare("Mohammed Al-Hassan", "Mohamed al Hasan")
    assert 0 <= result.score <= 1
    assert {"coverage_shorter", "coverage_longer", "tokens_matched"} <= set(result.features)
    assert compare("Владимир Путин", "Vladimir Putin").score == 1.0  # transliterated


def test_match_names_command(tmp_path):
    source = tmp_path / "pairs.csv"
    source.write_text(
        "schema,name1,name2,extra\nPerson,Åsa Öberg,Aasa Oeberg,x\nCompany,Bygg AB,Måleri HB,y\n", encoding="utf-8"
    )
    target = tmp_path / "out.csv"
    call_command("match_names", str(source), "-o", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r["match"] for r in rows] == ["true", "false"]
    assert rows[0]["extra"] == "x" and float(rows[0]["score"]) == 1.0
    bad = tmp_path / "bad.csv"
    bad.write_text("name1,name2\na,b\n", encoding="utf-8")
    with pytest.raises(CommandError, match="schema"):
        call_command("match_names", str(bad))


def bench_metrics(rows: list[dict]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the default threshold on labelled pairs."""
    tp = fp = fn = 0
    for row in rows:
        predicted = compare(row["name1"], row["name2"], row["schema"]).match()
        actual = row["is_match"] == "true"
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


def bench_rows(shared_data) -> list[dict]:
    with open(shared_data / "matching" / "name_bench_cases.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_benchmark_quality_on_the_labelled_pairs(shared_data):
    """F1 on OpenSanctions' labelled pairs stays at or above 0.80 at the default threshold."""
    precision, _recall, f1 = bench_metrics(bench_rows(shared_data))
    assert f1 >= 0.80 and precision >= 0.85


def test_benchmark_held_out_half(shared_data):
    """On the half of the shared bench the threshold was not chosen on (odd rows): F1 and a precision well
    above nomenklatura logic-v2's (0.753 on the same half at its default threshold)."""
    precision, _recall, f1 = bench_metrics(bench_rows(shared_data)[1::2])
    assert f1 >= 0.84 and precision >= 0.88
