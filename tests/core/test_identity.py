import pytest

from trygg.core.identity import (
    IdentityError,
    find_person_names,
    find_personal_numbers,
    parse_organisation_number,
    parse_personal_number,
)


@pytest.mark.parametrize("value", ["811228-9874", "19811228-9874", "8112289874", "198112289874", "811228 9874"])
def test_valid_personnummer_in_its_forms(value):
    number = parse_personal_number(value)
    assert number.digits == "198112289874"
    assert number.kind == "personnummer"
    assert number.birth_date == "1981-12-28"


def test_samordningsnummer_is_the_day_plus_sixty():
    number = parse_personal_number("811288-9871")  # Luhn over 8112889 87: digit 1 (hand computed)
    assert number.kind == "samordningsnummer"
    assert number.birth_date == "1981-12-28"


def test_plus_sign_means_a_hundred_years_or_older():
    assert parse_personal_number("121212+1212").digits.startswith("19")
    assert parse_personal_number("121212-1212").digits.startswith("20")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("811228-9875", "fel kontrollsiffra"),
        ("811328-9873", "inget giltigt datum"),
        ("81122-9874", "skrivet som"),
        ("", "skrivet som"),
    ],
)
def test_invalid_numbers_say_what_is_wrong(value, message):
    with pytest.raises(IdentityError, match=message):
        parse_personal_number(value)


def test_organisation_numbers():
    assert parse_organisation_number("5560360793") == "556036-0793"
    with pytest.raises(IdentityError):
        parse_organisation_number("556036-0794")


def test_personal_numbers_are_found_in_text_but_not_other_digit_runs():
    text = "Han (811228-9874) och 19811228 9874. Telefon 070-123 45 67, ordernr 123456-7890."
    assert find_personal_numbers(text) == ["811228-9874", "19811228 9874"]


def test_full_names_are_flagged_places_are_not():
    assert find_person_names("Jag såg Anna Svensson vid Stora Torget") == ["Anna Svensson"]
    assert find_person_names("Klotter vid Stora Torget och Karlstad C") == []


TODAY = __import__("datetime").date(2026, 12, 2)


def with_check_digit(first_nine: str) -> str:
    from stdnum import luhn

    return f"{first_nine[:6]}-{first_nine[6:]}{luhn.calc_check_digit(first_nine)}"


@pytest.mark.parametrize(
    ("born", "separator", "expected_year"),
    [
        ("261202", "-", "2026"),  # born today
        ("261203", "-", "1926"),  # born tomorrow's date: a hundred years ago
        ("261206", "-", "1926"),  # the case: later in the current year
        ("261201", "-", "2026"),  # yesterday
        ("261202", "+", "1926"),  # a hundred years old today
        ("261203", "+", "1826"),  # 100 or more, with a birthday later this year
        ("000229", "-", "2000"),  # a leap day in a leap year
    ],
)
def test_the_century_follows_the_full_date(born, separator, expected_year):
    number = with_check_digit(born + "123").replace("-", separator)
    assert parse_personal_number(number, today=TODAY).digits[:4] == expected_year


def test_a_full_date_in_the_future_is_refused():
    twelve = "2026" + with_check_digit("261203123").replace("-", "")[2:]
    with pytest.raises(IdentityError, match="i framtiden"):
        parse_personal_number(twelve, today=TODAY)
