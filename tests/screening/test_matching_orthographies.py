"""Names an officer in Karlstad meets (issue 25): Swedish transliteration of Russian patronymics, Kurdish and
Persian orthographies, Slavic surnames of one stem that are different family names, and company words that say
the same thing. Each pair is labelled by what it is, not by what the scorer gives."""

from __future__ import annotations

import pytest

from trygg.screening.matching.scorer import compare

SAME = [
    ("Vasilij Aleksandrovitj Christoforov", "KHRISTOFOROV, Vasiliy Aleksandrovich", "Person"),
    ("Sergej Nikolajevitj Sjtjerbakov", "Sergey Nikolayevich Shcherbakov", "Person"),
    ("Xalid Ehmed", "Khalid Ahmed", "Person"),
    ("Şêxmûs Xelîl", "Sheikhmous Khalil", "Person"),
    ("Hêvî Xidir", "Hevi Khidir", "Person"),
    ("Mohammad Reza Ghasemi", "Mohammed Reza Qasemi", "Person"),
    ("Gholamreza Sadeghi", "Qolamreza Sadeqi", "Person"),
    ("Ali Hosseinzadeh", "Ali Hosseinzade", "Person"),
    ("Milan Petrović", "Milan Petrovic", "Person"),
    ("Nordic Trade AB", "Nordic Trading AB", "Company"),
    ("Baltic Trading Ltd", "Baltic Trade Limited", "Company"),
]
DIFFERENT = [
    ("Milan Petrović", "Milan Petrovski", "Person"),
    ("Dragan Jovanović", "Dragan Jovanovski", "Person"),
    ("Alexander Lukashevich", "Alexander Lukashenko", "Person"),
    ("Taras Kovalchuk", "Taras Kovalenko", "Person"),
    ("Ivan Petrov", "Ivan Petrova", "Person"),
    ("Oleksandr Petrenko", "Oleksandrovych Petrenko", "Person"),
    ("Nordic Trade AB", "Nordic Bygg AB", "Company"),
]


@pytest.mark.parametrize(("a", "b", "schema"), SAME)
def test_the_same_name_in_another_orthography_is_a_match(a, b, schema):
    result = compare(a, b, schema)
    assert result.score >= 0.80, (result.score, result.explanation)


@pytest.mark.parametrize(("a", "b", "schema"), DIFFERENT)
def test_a_near_namesake_is_not_a_match_and_says_why(a, b, schema):
    result = compare(a, b, schema)
    assert result.score < 0.80, (result.score, result.explanation)
    assert schema == "Company" or result.features.get("distinguishing"), result.explanation


def test_the_married_double_surname_is_not_called_a_patronymic():
    result = compare("Anna Lindqvist-Kuznetsova", "Anna Petrovna Kuznetsova")
    assert "förnamn mot fadersnamn" not in " ".join(result.explanation)
