"""Numbers as the reader reads them: Django's ``number_format`` in the active language, rounded.

Django's own cuts the decimals off (395.9 with no decimals is "395", 1.996 with two is "1,99"); here the value is
rounded half up first, so a table and the sentence quoting it agree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def number(value: float | int | Decimal, digits: int = 0, **options) -> str:
    """``value`` rounded to ``digits`` decimals and formatted for the active language, thousands grouped as
    Swedish prose and tables write them ("13 915", "2 290,9") unless ``force_grouping=False``."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    options.setdefault("force_grouping", True)
    return number_format(rounded, digits, **options)
