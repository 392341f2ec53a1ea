"""The plain answers a lägesbild opens with: "Det viktigaste" and this period against the same period last year.

Every key point restates a result that is tested elsewhere on the page — a source gap (the source check), a new
hot spot (the space–time scan), a category or the total above or below the usual (the change test), the
busiest hot spot (the hot-spot test) — and says how sure it is; nothing is claimed that the page does not
show. The year-on-year table is plain counts for a council: no verdict, small rows folded into one line.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trygg.core.numbers import number
from trygg.core.periods import MONTHS_SV, Period

KEY_POINTS = 5
FOLD_BELOW = 5  # categories with fewer events than this both years are one line of the year-on-year table
PERCENT_FROM = 10  # a change in percent only from this many events last year: "+400 %" on 1 → 5 says nothing


def axis_label(period: Period) -> str:
    """A period as a chart axis names it, by its dates: 'v. 49 (30/11–6/12)', 'nov 2026', 'T1 2025 (jan–apr)'."""
    if period.kind == "week":
        last = period.end - dt.timedelta(days=1)
        return f"v. {period.number} ({period.start.day}/{period.start.month}–{last.day}/{last.month})"
    if period.kind == "month":
        return f"{MONTHS_SV[period.number - 1][:3]} {period.year}"
    if period.kind == "tertial":
        first, last = MONTHS_SV[(period.number - 1) * 4][:3], MONTHS_SV[period.number * 4 - 1][:3]
        return f"T{period.number} {period.year} ({first}–{last})"
    return str(period.year)


def _percent(ratio: float) -> str:
    change = round((ratio - 1) * 100)
    return f"+{change} %" if change > 0 else f"−{abs(change)} %"


def key_points(report: dict) -> list[str]:
    """At most ``KEY_POINTS`` sentences, the most important first (module docstring)."""
    points: list[str] = []
    check = report.get("sources_check") or {}
    if "sources" in check and not check["sources"]:
        # not a measured zero: no source has any event in the period nor in the periods it is compared with
        return [_("No source holds any incidents in this period or in the periods it is compared with: there are no "
                  "data to report, which is not the same as no incidents.")]  # fmt: skip
    period, days = report.get("period") or {}, (report.get("coverage") or {}).get("days")
    if period.get("start") and days is not None:
        start, end = dt.date.fromisoformat(period["start"]), dt.date.fromisoformat(period["end"])
        if days <= (end - start).days:  # a period in progress: what follows is so far
            last_day = date_format(start + dt.timedelta(days=max(days, 1) - 1), "j F")
            text = _("The period is not over: %(n)s incidents up to and including %(day)s, compared as a rate per day.")
            points.append(text % {"n": (report.get("totals") or {}).get("incidents", 0), "day": last_day})
    if check.get("missing_now"):
        points.append(
            _("%(sources)s missing or far below the usual in this period: fewer incidents may come from that.")
            % {"sources": ", ".join(check["missing_now"])}
        )
    scan = (report.get("spatial") or {}).get("new_hotspots")
    if scan and scan.get("enough_history"):
        for cluster in scan["clusters"][:2]:
            points.append(
                _("New hot spot %(where)s: %(n)s incidents since %(since)s where about %(e)s were to be expected.")
                % {
                    "where": _where(cluster["where"]),
                    "n": cluster["observed"],
                    "since": date_format(dt.date.fromisoformat(cluster["since"]), "j F"),
                    "e": number(cluster["expected"], 1),
                }
            )
        if not scan["clusters"]:
            points.append(_("No new hot spot: no place has clearly more incidents than its own history."))
    rows = [r for r in report.get("categories", []) if r["code"] != "_total" and r["direction"] in ("up", "down")]
    for row in sorted(rows, key=lambda r: r["q_value"] or 1)[:2]:
        values = {
            "label": row["label"],
            "n": number(row["count"]),
            "e": number(row["expected"], 1),
            "low": _percent(row["low"]),
            "high": _percent(row["high"]),
        }
        text = (
            _("%(label)s: more than usual, %(n)s against about %(e)s (with 95 %% certainty %(low)s to %(high)s).")
            if row["direction"] == "up"
            else _("%(label)s: fewer than usual, %(n)s against about %(e)s (with 95 %% certainty %(low)s to %(high)s).")
        )
        points.append(text % values)
    total = next((r for r in report.get("categories", []) if r["code"] == "_total"), None)
    incidents = (report.get("totals") or {}).get("incidents")
    if total is not None and not total["count"] and incidents and check.get("excluded"):
        points.append(
            _("No comparison with earlier periods: without %(sources)s, which is missing in a period compared with, "
              "nothing is left to compare.") % {"sources": ", ".join(check["excluded"])}
        )  # fmt: skip
    if total is not None and total["direction"] == "short_history":
        compared = ", ".join((report.get("coverage") or {}).get("compared_labels") or []) or "–"
        points.append(
            _("In all %(n)s incidents, about %(e)s expected from %(compared)s: one earlier period only, too short a "
              "history to tell a change from the ordinary variation between periods.")
            % {"n": number(total["count"]), "e": number(total["expected"], 0), "compared": compared}
        )  # fmt: skip
    if total is not None and total["direction"] in ("up", "down", "no_change"):
        if total["direction"] == "no_change" and total.get("wide"):
            text = _(
                "In all %(n)s incidents: too uncertain to say whether more or fewer than usual (about %(e)s expected)."
            )
            points.append(text % {"n": number(total["count"]), "e": number(total["expected"], 0)})
        elif total["direction"] == "no_change":
            points.append(
                _("In all %(n)s incidents, no clear difference from the usual at this time (about %(e)s expected).")
                % {"n": number(total["count"]), "e": number(total["expected"], 0)}
            )
        else:
            word = _("more") if total["direction"] == "up" else _("fewer")
            points.append(
                _("In all %(n)s incidents, %(word)s than usual (about %(e)s expected, %(low)s to %(high)s).")
                % {
                    "n": number(total["count"]),
                    "word": word,
                    "e": number(total["expected"], 0),
                    "low": _percent(total["low"]),
                    "high": _percent(total["high"]),
                }
            )
    if total is not None and check.get("excluded") and points and total["direction"] in ("up", "down", "no_change"):
        index = len(points) - 1
        points[index] = _("Without %(sources)s: %(point)s") % {
            "sources": ", ".join(check["excluded"]),
            "point": points[index][0].lower() + points[index][1:],
        }
    tested = [r for r in report.get("categories", []) if r["code"] != "_total" and r["direction"] == "no_change"]
    if not rows and tested:
        points.append(_("Nothing stands out: no category has clearly more or fewer incidents than usual."))
    hotspots = (report.get("spatial") or {}).get("hotspots") or []
    if hotspots:
        values = {"where": _where(hotspots[0]["where"]), "n": hotspots[0]["count"], "sure": _sure(hotspots[0]["level"])}
        if (report.get("spatial") or {}).get("new_hotspots"):  # the weekly report: the scan has its own section
            text = _(
                "Incidents lie closest together %(where)s: %(n)s within about 150 m, more than an even spread would "
                "give, %(sure)s. "
                "That says where incidents gather, not that it is new: that is under “New hot spots”."
            )
        else:
            text = _(
                "Incidents lie closest together %(where)s: %(n)s within about 150 m, more than an even spread would "
                "give, %(sure)s. "
                "That says where incidents gather, not that the place is new."
            )
        points.append(text % values)
    return points[:KEY_POINTS]


def _sure(level: int) -> str:
    from trygg.situation.templatetags.situation_extras import sure_text

    return str(sure_text(level))


def _where(place: dict | None) -> str:
    from trygg.situation.templatetags.situation_extras import where

    return str(where(place))


def year_on_year(now: dict[str, int], last: dict[str, int] | None, labels: dict[str, str]) -> dict:
    """Counts this period and the same period last year per category, small rows folded (module docstring)."""
    if last is None:
        return {"available": False, "rows": []}
    codes = sorted(set(now) | set(last), key=lambda c: (-now.get(c, 0), c))
    rows, folded = [], {"now": 0, "last": 0, "categories": 0}
    for code in codes:
        a, b = now.get(code, 0), last.get(code, 0)
        if max(a, b) < FOLD_BELOW:
            folded["now"] += a
            folded["last"] += b
            folded["categories"] += 1
            continue
        rows.append(
            {
                "label": labels.get(code, code),
                "now": a,
                "last": b,
                "change": a - b,
                "percent": round((a - b) * 100 / b) if b >= PERCENT_FROM else None,
            }
        )
    total_now, total_last = sum(now.values()), sum(last.values())
    return {
        "available": True,
        "rows": rows,
        "folded": {**folded, "change": folded["now"] - folded["last"]} if folded["categories"] else None,
        "total": {
            "now": total_now,
            "last": total_last,
            "change": total_now - total_last,
            "percent": round((total_now - total_last) * 100 / total_last) if total_last >= PERCENT_FROM else None,
        },
    }
