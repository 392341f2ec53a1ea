"""The safety survey's questions and results (indices from :mod:`trygg.analysis.survey`).

One answer per person and wave: with one-time codes (a sample gets printed codes; a used code cannot be used
again, and the answer is not linked to it), or on the open web with a signed cookie (one answer per browser —
weaker, documented as such on the survey page).
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext

from trygg.analysis.survey import change_between_waves, group_index, respondent_index

from .models import Survey, SurveyCode, SurveyResponse

PROBLEM = (
    ("0", "Inget problem"),
    ("2", "Ganska litet problem"),
    ("4", "Ganska stort problem"),
    ("6", "Mycket stort problem"),
    ("", "Vet inte"),
)
SAFETY = (
    ("0", "Mycket trygg"),
    ("2", "Ganska trygg"),
    ("4", "Ganska otrygg"),
    ("6", "Mycket otrygg"),
    ("", "Går aldrig ut / vet inte"),
)
WORRY = (("0", "Aldrig"), ("2", "Någon gång"), ("4", "Ganska ofta"), ("6", "Mycket ofta"), ("", "Vet inte"))


@dataclass(frozen=True)
class Item:
    code: str
    question: str
    choices: tuple[tuple[str, str], ...]


ITEMS = (
    Item("oro_brott", "Hur ofta har du det senaste året känt dig orolig för att utsättas för brott?", WORRY),
    Item("trygg_ute", "Hur trygg skulle du känna dig om du gick ut ensam en sen kväll i ditt område?", SAFETY),
    Item("nedskrapning", "Hur stort problem är nedskräpning i ditt område?", PROBLEM),
    Item("klotter", "Hur stort problem är klotter i ditt område?", PROBLEM),
    Item("narkotika", "Hur stort problem är narkotikahandel eller påverkade personer i ditt område?", PROBLEM),
    Item("storande_grupper", "Hur stort problem är grupper som stör ordningen i ditt område?", PROBLEM),
    Item("belysning", "Hur stort problem är dålig belysning i ditt område?", PROBLEM),
)
INDICES = {
    "otrygghet": ("Otrygghetsindex", ("oro_brott", "trygg_ute")),
    "problem": (
        "Problemindex (ordningsstörningar)",
        ("nedskrapning", "klotter", "narkotika", "storande_grupper", "belysning"),
    ),
}


def code_hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{code.strip().upper()}".encode()).hexdigest()


def issue_codes(survey: Survey, count: int) -> list[str]:
    """New one-time codes (shown once, for printing); only their hashes are stored."""
    codes = [secrets.token_hex(4).upper() for _ in range(count)]
    SurveyCode.objects.bulk_create([SurveyCode(survey=survey, code_hash=code_hash(c)) for c in codes])
    return codes


COOKIE_SALT = "trygg.survey"


def answered_cookie_name(survey: Survey) -> str:
    return f"trygg_survey_{survey.pk}"


def has_answered(request, survey: Survey) -> bool:
    try:
        value = request.get_signed_cookie(answered_cookie_name(survey), salt=COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return False
    return value == str(survey.pk)


class SurveyError(ValueError):
    pass


def chosen_area(survey: Survey, value: str | None):
    """The answer to "Which area do you live in?": one of the survey's areas, or ``None`` when not answered.
    Anything else (another municipality's place, a park that is not a residential area) is refused."""
    if not value:
        return None
    area = survey.areas.filter(pk=int(value)).first() if str(value).isdigit() else None
    if area is None:
        raise SurveyError(gettext("Choose one of the survey's areas."))
    return area


def record_answer(survey: Survey, answers: dict, area=None, unsafe_places=None, code: str | None = None) -> None:
    clean = {}
    for item in ITEMS:
        value = answers.get(item.code, "")
        if value not in {v for v, _ in item.choices}:
            raise SurveyError(gettext("“%(question)s”: choose one of the answers.") % {"question": item.question})
        clean[item.code] = int(value) if value != "" else None
    places = [[round(float(a), 5), round(float(b), 5)] for a, b in (unsafe_places or [])][:10]
    with transaction.atomic():
        if survey.mode == Survey.Mode.CODE:
            used = (
                SurveyCode.objects.select_for_update()
                .filter(survey=survey, code_hash=code_hash(code or ""), used=False)
                .first()
            )
            if used is None:
                raise SurveyError(gettext("The code is not valid or has already been used."))
            used.used = True
            used.save(update_fields=["used"])
        SurveyResponse.objects.create(survey=survey, area=area, answers=clean, unsafe_places=places)


def results(survey: Survey, previous: Survey | None = None, min_n: int | None = None) -> dict:
    """Indices per area (and in total) for this wave, with the change since the previous wave."""
    min_n = min_n or getattr(settings, "TRYGG_SURVEY_MIN_N", 15)

    def by_area(s: Survey | None) -> dict:
        groups: dict = defaultdict(lambda: defaultdict(list))
        if s is None:
            return groups
        for response in s.responses.select_related("area"):
            label = response.area.name if response.area else "Okänt område"
            for key, (_, items) in INDICES.items():
                value = respondent_index(response.answers, items)
                groups[label][key].append(value)
                groups["Hela kommunen"][key].append(value)
        return groups

    now, before = by_area(survey), by_area(previous)
    rows = []
    for area in sorted(now, key=lambda a: (a != "Hela kommunen", a)):
        row = {"area": area, "indices": {}}
        for key, (label, _) in INDICES.items():
            current = group_index(now[area][key], min_n)
            change = change_between_waves(before.get(area, {}).get(key, []), now[area][key], min_n)
            row["indices"][key] = {
                "label": label,
                "n": current.n,
                "mean": current.mean,
                "low": current.low,
                "high": current.high,
                "suppressed": current.suppressed,
                "change": change.difference,
                "change_low": change.low,
                "change_high": change.high,
                "change_p": change.p_value,
            }
        rows.append(row)
    places = unsafe_place_cells([r.unsafe_places for r in survey.responses.all()])
    return {"rows": rows, "min_n": min_n, "responses": survey.responses.count(), **places}


def unsafe_place_cells(marks: list[list[list[float]]], k: int | None = None, cell_m: int | None = None) -> dict:
    """The places respondents marked as unsafe, as fixed grid cells (SWEREF 99 TM) marked by at least ``k``
    respondents — counted once each, however many marks they put in a cell. Nothing finer leaves the server:
    no single respondent's mark (often near their home) can be told from the cells shown.

    ``marks`` holds each respondent's list of ``[lat, lon]``. Returns the shown cells (polygon as ``[lat, lon]``
    corners, count), ``k``, the cell size and how many marks are in cells with fewer than ``k`` respondents.
    """
    from trygg.analysis.grid import to_lonlat, to_projected

    k = k or getattr(settings, "TRYGG_SURVEY_PLACES_K", 5)
    cell_m = cell_m or getattr(settings, "TRYGG_SURVEY_PLACES_CELL", 250)
    respondents: dict[tuple[int, int], int] = defaultdict(int)
    marks_in: dict[tuple[int, int], int] = defaultdict(int)
    for points in marks:
        if not points:
            continue
        x, y = to_projected([p[1] for p in points], [p[0] for p in points])
        cells = [(int(cx // cell_m), int(cy // cell_m)) for cx, cy in zip(x, y, strict=True)]
        for c in cells:
            marks_in[c] += 1
        for c in set(cells):
            respondents[c] += 1
    shown = []
    for (cx, cy), n in sorted(respondents.items()):
        if n < k:
            continue
        xs = [cx * cell_m, (cx + 1) * cell_m, (cx + 1) * cell_m, cx * cell_m]
        ys = [cy * cell_m, cy * cell_m, (cy + 1) * cell_m, (cy + 1) * cell_m]
        lon, lat = to_lonlat(xs, ys)
        shown.append({"respondents": n, "polygon": [[round(a, 6), round(b, 6)] for a, b in zip(lat, lon, strict=True)]})
    hidden = sum(m for c, m in marks_in.items() if respondents[c] < k)
    return {
        "unsafe_cells": shown,
        "unsafe_k": k,
        "unsafe_cell_m": cell_m,
        "unsafe_places_total": sum(marks_in.values()),
        "unsafe_places_hidden": hidden,
    }
