"""Reading incidents for a lägesbild into numpy arrays (the thin database layer under the analysis)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.core import geo
from trygg.core.dbfunc import EpochSeconds, numeric_rows
from trygg.incidents.models import PRECISION_RADIUS_M, Category, Incident, Precision, shared_with_partners
from trygg.orgs import access
from trygg.orgs.models import Municipality, Place

LOCAL = ZoneInfo(settings.TIME_ZONE)
PRECISE = [Precision.EXACT, Precision.STREET, Precision.DISTRICT]
T = TypeVar("T")


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, LOCAL)


@dataclass(frozen=True)
class Scope:
    """Whose view of the data a report shows: a user (what they may see) or, without one, what partners see.

    In one municipality a user sees what every partner sees plus the *internal* reports of their own
    organisations there; a report is therefore shared by everybody whose organisations add the same internal
    reports (most often none: the partners' view), not computed per user (``key_in``)."""

    user: object | None = None

    def internal_orgs(self, municipality: Municipality) -> tuple[int, ...]:
        """The user's organisations with internal reports in the municipality (or county-level ones in its county)."""
        if self.user is None or getattr(self.user, "is_superuser", False):
            return ()
        orgs = access.reach(self.user).org_ids()
        if not orgs:
            return ()
        where = Q(municipality=municipality) | Q(municipality__isnull=True, county=municipality.county_id)
        return tuple(
            sorted(
                Incident.objects.filter(where, reporter_org__in=orgs)
                .exclude(shared_with_partners())
                .values_list("reporter_org", flat=True)
                .distinct()
            )
        )

    def key_in(self, municipality: Municipality) -> str:
        if getattr(self.user, "is_superuser", False):
            return "all"
        orgs = self.internal_orgs(municipality)
        return "partners" if not orgs else "partners+" + "-".join(str(o) for o in orgs)

    def description_in(self, municipality: Municipality) -> str:
        if getattr(self.user, "is_superuser", False):
            return str(_("All incidents, internal reports of every organisation included."))
        orgs = self.internal_orgs(municipality)
        partners = str(_("Incidents visible to partners (internal reports of single organisations are not included)."))
        if not orgs:
            return partners
        from trygg.orgs.models import Organisation

        names = ", ".join(Organisation.objects.filter(pk__in=orgs).order_by("name").values_list("name", flat=True))
        return str(_("Incidents visible to partners, and the internal reports of %(orgs)s.") % {"orgs": names})

    @property
    def description(self) -> str:
        if self.user is None:
            return str(_("Incidents visible to partners (internal reports of single organisations are not included)."))
        return str(_("Incidents visible to %(user)s.") % {"user": self.user.get_username()})

    def queryset(self) -> QuerySet:
        base = Incident.objects.in_statistics()
        if self.user is None:
            return base.filter(shared_with_partners())
        return base.restrict(self.user, "view")


@dataclass
class Frame:
    """Incidents as parallel arrays."""

    ids: np.ndarray
    category: np.ndarray  # category codes (object)
    lat: np.ndarray
    lon: np.ndarray
    radius: np.ndarray  # location uncertainty in metres
    occurred: list[dt.datetime]  # local time
    organisation: np.ndarray  # reporting organisation name or "" (object)
    source: np.ndarray
    generated: np.ndarray
    place: np.ndarray  # the named place the reporter chose, or "" (object)

    def __len__(self) -> int:
        return int(self.ids.size)

    def subset(self, mask: np.ndarray) -> Frame:
        idx = np.flatnonzero(mask)
        return Frame(
            self.ids[idx], self.category[idx], self.lat[idx], self.lon[idx], self.radius[idx],
            [self.occurred[i] for i in idx], self.organisation[idx], self.source[idx], self.generated[idx],
            self.place[idx],
        )  # fmt: skip

    @property
    def weekday(self) -> np.ndarray:
        return np.array([t.weekday() for t in self.occurred], dtype=int)

    @property
    def hour(self) -> np.ndarray:
        return np.array([t.hour for t in self.occurred], dtype=int)

    def days_since(self, origin: dt.datetime) -> np.ndarray:
        return np.array([(t - origin).total_seconds() / 86400 for t in self.occurred], dtype=float)


FIELDS = (
    "id",
    "category__code",
    "lat",
    "lon",
    "precision",
    "occurred_start",
    "reporter_org__name",
    "source",
    "is_generated",
    "place__name",
)


def frame(qs: QuerySet) -> Frame:
    rows = list(qs.values_list(*FIELDS))
    if not rows:
        empty = np.array([], dtype=object)
        return Frame(np.array([], int), empty, np.array([]), np.array([]), np.array([]), [], empty, empty,
                     np.array([], bool), empty)  # fmt: skip
    ids, cats, lat, lon, prec, occurred, org, source, gen, place = zip(*rows, strict=True)
    return Frame(
        ids=np.array(ids),
        category=np.array(cats, dtype=object),
        lat=np.array(lat, float),
        lon=np.array(lon, float),
        radius=np.array([PRECISION_RADIUS_M[p] for p in prec], float),
        occurred=[timezone.localtime(t, LOCAL) for t in occurred],
        organisation=np.array([o or "" for o in org], dtype=object),
        source=np.array(source, dtype=object),
        generated=np.array(gen, bool),
        place=np.array([p or "" for p in place], dtype=object),
    )


@dataclass
class Points:
    """Precisely located incidents as plain arrays: what a scan over many weeks needs, read cheaply (no
    per-row time-zone conversion; weeks are found by comparing instants with local midnights)."""

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    seconds: np.ndarray  # POSIX time of occurred_start

    def __len__(self) -> int:
        return int(self.lon.size)

    def subset(self, mask: np.ndarray) -> Points:
        return Points(self.ids[mask], self.lon[mask], self.lat[mask], self.seconds[mask])

    def between(self, start: dt.date, end: dt.date) -> Points:
        """The incidents from local midnight of ``start`` up to (not including) that of ``end``."""
        return self.subset((self.seconds >= local_midnight(start).timestamp())
                           & (self.seconds < local_midnight(end).timestamp()))  # fmt: skip

    def bounds_lonlat(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of the incidents, None when there are none."""
        if not len(self):
            return None
        return (float(self.lon.min()), float(self.lat.min()), float(self.lon.max()), float(self.lat.max()))

    def week_of(self, first: dt.date, weeks: int) -> np.ndarray:
        """The week (0 … weeks − 1) from local midnight of ``first`` each incident falls in; −1 outside."""
        edges = np.array([local_midnight(first + dt.timedelta(weeks=k)).timestamp() for k in range(weeks + 1)])
        index = np.searchsorted(edges, self.seconds, side="right") - 1
        return np.where((index >= 0) & (index < weeks), index, -1)


def points(qs: QuerySet) -> Points:
    """No join: what the few incidents of a finding are is read afterwards by their ids. Newest first (ties by
    id), as the incident list is ordered; sorted here rather than by the database, which would sort on disk."""
    qs = qs.filter(precision__in=PRECISE).annotate(seconds=EpochSeconds("occurred_start")).order_by()
    rows = numeric_rows(qs, "id", "lon", "lat", "seconds")
    rows = rows[np.lexsort((-rows[:, 0], -rows[:, 3]))] if len(rows) else rows
    return Points(rows[:, 0].astype(np.int64), rows[:, 1], rows[:, 2], rows[:, 3])


def kinds(ids) -> tuple[Counter, int]:
    """The categories and the number of generated (demo) incidents among the incidents ``ids``."""
    rows = list(Incident.objects.filter(pk__in=[int(i) for i in ids]).values_list("category__code", "is_generated"))
    return Counter(code for code, _ in rows), sum(1 for _, generated in rows if generated)


def in_period(qs: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    return qs.filter(occurred_start__gte=local_midnight(start), occurred_start__lt=local_midnight(end))


def in_area(data: Frame, place: Place | None) -> tuple[Frame, int]:
    """Keep precisely located incidents inside the place's polygon; returns the frame and how many were
    dropped because their location is too coarse to place inside the area."""
    if place is None:
        return data, 0
    shape = geo.shape_of(f"place:{place.pk}:{hash(place.geometry_json())}", place.geometry)
    precise = data.radius <= PRECISION_RADIUS_M[Precision.DISTRICT]
    inside = np.array([precise[i] and shape.covers(geo.point(data.lon[i], data.lat[i])) for i in range(len(data))],
                      dtype=bool)  # fmt: skip
    return data.subset(inside), int((~precise).sum())


SourceKey = tuple[str, int | None]  # (source, reporting organisation)


@dataclass(frozen=True)
class DayCounts:
    """Incidents per (category, source, reporting organisation) and local day from ``first``, read once: what
    the source check and every category count of the comparison and the series are summed from."""

    first: dt.date
    days: int
    counts: dict[tuple[str, str, int | None], np.ndarray]

    def covers(self, start: dt.date, end: dt.date) -> bool:
        return self.first <= start and end <= self.first + dt.timedelta(days=self.days)

    def categories(
        self,
        start: dt.date,
        end: dt.date,
        leave_out: frozenset[SourceKey] = frozenset(),
        days: np.ndarray | None = None,
    ) -> Counter:
        """Incidents per category in ``[start, end)`` (on the days where ``days`` is true, if given), without the
        sources ``leave_out``."""
        a, b = (start - self.first).days, (end - self.first).days
        out: Counter = Counter()
        for (category, source, org), daily in self.counts.items():
            if (source, org) not in leave_out:
                n = int(daily[a:b].sum() if days is None else daily[a:b][days].sum())
                if n:
                    out[category] += n
        return out

    def total(self, leave_out: frozenset[SourceKey] = frozenset()) -> np.ndarray:
        """Incidents per day of every category, without the sources ``leave_out``."""
        out = np.zeros(self.days, dtype=np.int64)
        for (_category, source, org), daily in self.counts.items():
            if (source, org) not in leave_out:
                out += daily
        return out

    def months(self) -> np.ndarray:
        """Each day's calendar month (1–12)."""
        first = np.datetime64(self.first, "D")
        days = first + np.arange(self.days)
        return (days.astype("datetime64[M]").astype(int) % 12 + 1).astype(int)

    def by_source(self) -> dict[SourceKey, np.ndarray]:
        out: dict[SourceKey, np.ndarray] = {}
        for (_category, source, org), daily in self.counts.items():
            out[(source, org)] = out[(source, org)] + daily if (source, org) in out else daily.copy()
        return out


# for a grouped read over years (half a million rows): hashed in memory, not sorted on disk, and scanned by parallel
# workers (the planner, which overestimates the groups of a day's date a hundredfold, would not)
ROOMY_SETTINGS = {"work_mem": "64MB", "parallel_setup_cost": "0", "parallel_tuple_cost": "0"}


@contextmanager
def roomy_memory():
    """PostgreSQL's settings for one large grouped read in what runs inside (``SET LOCAL``: this transaction only)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for name, value in ROOMY_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield


def read_beside(read: Callable[[], T]) -> Callable[[], T]:
    """Start ``read`` (a database read) now, in a thread with a connection of its own, and return a function that
    waits for its result — where that connection sees what this one does: PostgreSQL outside a transaction (two
    reads then take the time of the longer, not of both). Elsewhere ``read`` runs when its result is first asked
    for, here. An error in the thread is raised where the result is asked for."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        done: list[T] = []

        def later() -> T:
            if not done:
                done.append(read())
            return done[0]

        return later
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = read()
        except BaseException as exc:  # raised in the asking thread
            outcome["error"] = exc
        finally:
            connections.close_all()  # this thread's connections only

    worker = threading.Thread(target=run, name="report-read-beside", daemon=True)
    worker.start()

    def result() -> T:
        worker.join()
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["value"]  # type: ignore[return-value]

    return result


def day_counts(qs: QuerySet, first: dt.date, last: dt.date) -> DayCounts:
    """One grouped query over ``[first, last)`` (local days); grouped by the category's id, not its code, so the
    database groups integers."""
    span = max(0, (last - first).days)
    rows = (
        in_period(qs, first, last)
        .annotate(day=TruncDate("occurred_start", tzinfo=LOCAL))
        .values_list("category_id", "source", "reporter_org", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    with roomy_memory():
        rows = list(rows)
    codes = dict(Category.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "code"))
    counts: dict[tuple[str, str, int | None], np.ndarray] = {}
    for category, source, org, day, n in rows:
        index = (day - first).days
        if 0 <= index < span:
            counts.setdefault((codes[category], source, org), np.zeros(span, dtype=np.int64))[index] += n
    return DayCounts(first, span, counts)


def has_events_before(qs: QuerySet, day: dt.date) -> Callable[[SourceKey, int], bool]:
    """Asks whether a source (source, reporting organisation) has at least ``n`` incidents in ``qs`` in the year
    before ``day`` (counted no further than ``n``: a bounded read)."""

    def earlier(key: SourceKey, n: int) -> bool:
        source, org = key  # reporter_org=None is IS NULL
        year = in_period(qs.filter(source=source, reporter_org=org), day - dt.timedelta(days=365), day)
        return len(year.order_by().values_list("pk", flat=True)[:n]) >= n

    return earlier


def has_events_after(qs: QuerySet, day: dt.date) -> Callable[[SourceKey], bool]:
    """Asks whether a source has an incident in ``qs`` on ``day`` or later."""

    def later(key: SourceKey) -> bool:
        source, org = key
        return qs.filter(source=source, reporter_org=org, occurred_start__gte=local_midnight(day)).exists()

    return later


def counts_by_category(qs: QuerySet) -> dict[str, int]:
    return dict(qs.values_list("category__code").annotate(n=Count("id")))


def fingerprint(municipality: Municipality, since: dt.date, until: dt.date) -> str:
    """Changes whenever an incident of the municipality occurring in ``[since, until)`` is added, edited, moved
    or removed — whatever its visibility or status, so it covers every user's view of the data. Counted on
    the covering index (municipality, occurred_start) INCLUDE (updated_at, id): an index-only scan."""
    qs = in_period(Incident.objects.filter(municipality=municipality), since, until)
    agg = qs.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    last = agg["last"].isoformat() if agg["last"] else "-"
    return f"{agg['n']}:{agg['top']}:{last}"


def first_day(qs: QuerySet) -> dt.date | None:
    """The local date of the earliest incident in ``qs`` (ORDER BY … LIMIT 1 walks the index; MIN() scans)."""
    first = qs.order_by("occurred_start").values_list("occurred_start", flat=True).first()
    return timezone.localtime(first).date() if first else None


def municipality_scope(qs: QuerySet, municipality: Municipality) -> QuerySet:
    return qs.filter(Q(municipality=municipality))
