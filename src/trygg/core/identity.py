"""Swedish identity numbers and a guard against personal data in free text.

Personnummer and samordningsnummer (the day plus 60) are checked here, by Skatteverket's rules (SKV 704):
the Luhn check digit of the ten-digit form (computed with python-stdnum's ``luhn``), a date that exists and
is not in the future, and the century read from the full date. python-stdnum's own ``se.personnummer``
is not used because it refuses samordningsnummer, which screening must accept. Organisation numbers are
validated with ``stdnum.se.orgnr``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

_CANDIDATE = re.compile(r"(?<![\d-])((?:19|20)?\d{6})\s?([-+])?\s?(\d{4})(?![\d-])")


@dataclass(frozen=True)
class PersonalNumber:
    """A validated personal identity number in its 12-digit form ``YYYYMMDDNNNN``."""

    digits: str
    kind: str  # "personnummer" or "samordningsnummer"

    @property
    def birth_date(self) -> str:
        day = int(self.digits[6:8]) - (60 if self.kind == "samordningsnummer" else 0)
        return f"{self.digits[:4]}-{self.digits[4:6]}-{day:02d}"


class IdentityError(ValueError):
    pass


def parse_personal_number(value: str, today: dt.date | None = None) -> PersonalNumber:
    """Validate a personnummer or samordningsnummer; raises IdentityError saying what is wrong.

    The check digit is the Luhn digit of the ten-digit form (for a samordningsnummer, with the day plus 60);
    the date must exist. Without a century the birth date is the latest one not after ``today`` — so on
    2026-12-02, 261206-… is 1926 and 261202-… is 2026 — and the separator "+" (a person of 100 or more)
    moves it a further hundred years back (Skatteverket SKV 704).
    """
    compact = re.sub(r"\s", "", value or "")
    match = re.fullmatch(r"((?:19|20)?\d{6})([-+]?)(\d{4})", compact)
    if not match:
        raise IdentityError(_("%(value)r is not written as YYMMDD-NNNN or YYYYMMDD-NNNN") % {"value": value})
    date, sep, tail = match.groups()
    if not luhn.is_valid(date[-6:] + tail):
        raise IdentityError(_("%(value)r has a wrong check digit") % {"value": value})
    day = int(date[-2:])
    kind = "samordningsnummer" if day > 60 else "personnummer"
    month = int(date[-4:-2])
    today = today or dt.date.today()
    birth_day = day - 60 if kind == "samordningsnummer" else day
    try:
        if len(date) == 8:
            born = dt.date(int(date[:4]), month, birth_day)
        else:
            born = _latest_birth_date(int(date[:2]), month, birth_day, today)
            if sep == "+":
                born = dt.date(born.year - 100, month, birth_day)
    except ValueError as exc:
        raise IdentityError(_("%(value)r does not contain a valid date") % {"value": value}) from exc
    if born > today:
        raise IdentityError(_("%(value)r gives a birth date in the future") % {"value": value})
    return PersonalNumber(digits=f"{born.year}{date[-4:]}{tail}", kind=kind)


def _latest_birth_date(yy: int, month: int, day: int, today: dt.date) -> dt.date:
    """The latest date with these two year digits, month and day that is not after ``today``."""
    for century in (today.year // 100 * 100, today.year // 100 * 100 - 100, today.year // 100 * 100 - 200):
        try:
            candidate = dt.date(century + yy, month, day)
        except ValueError:
            continue  # 29 February in a year that is not a leap year: try the century before
        if candidate <= today:
            return candidate
    raise ValueError("no such date")


def parse_organisation_number(value: str) -> str:
    """Validate an organisation number (Luhn, third digit ≥ 2); return ``NNNNNN-NNNN``."""
    try:
        return orgnr.format(orgnr.validate(value))
    except InvalidChecksum as exc:
        raise IdentityError(
            _("%(value)r is not a valid organisation number (wrong check digit)") % {"value": value}
        ) from exc
    except InvalidLength as exc:
        raise IdentityError(
            _("%(value)r is not a valid organisation number (wrong length)") % {"value": value}
        ) from exc
    except StdnumError as exc:
        raise IdentityError(
            _("%(value)r is not a valid organisation number (not ten digits of the right form)") % {"value": value}
        ) from exc


def find_personal_numbers(text: str) -> list[str]:
    """Substrings of ``text`` that are valid personnummer or samordningsnummer."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        try:
            parse_personal_number(match.group(0))
        except IdentityError:
            continue
        found.append(match.group(0).strip())
    return found


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "common_first_names.txt"
    return frozenset(
        line.strip().casefold()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


_WORD_PAIR = re.compile(r"\b([A-ZÅÄÖÉ][a-zåäöéü]+)\s+([A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ][a-zåäöéü]+)?)\b")


def find_person_names(text: str) -> list[str]:
    """Likely full names: a common Swedish first name followed by a capitalised word.

    A heuristic to prompt the reporter, not a detector to rely on.
    """
    names = _first_names()
    return [m.group(0) for m in _WORD_PAIR.finditer(text or "") if m.group(1).casefold() in names]
