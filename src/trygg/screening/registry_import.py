"""The registry extract (companies.csv, roles.csv) imported in bounded memory, at the size of a national registry.

Rows are read, checked and turned into entities and relations as they stream past (:func:`company_row`,
:func:`role_row`, pure), and staged in two temporary tables — by ``COPY`` on PostgreSQL, in batches on SQLite.
Nothing of the registry is held in Python but the foreign companies' numbers (a role row may name one) and the
rejections. The dataset is then made equal to the staged rows with set-based SQL in one transaction:

* the rows of one key become one entity: a company's own row first (the last of its rows when repeated), then
  the first row that named it as an owner or person;
* a role whose company is not in companies.csv is a rejection with its line; with any rejection, nothing is
  stored (all or nothing, as every screening import);
* a re-import that would remove more than a tenth of the registry is refused unless removals are allowed;
* entities added or changed (any field differs) are written and re-indexed, those no longer in the file removed;
  the dataset's relations are replaced by the staged ones, joined to the entities by key (on a re-import, only
  those that differ are deleted or written).

A first import of a large registry on PostgreSQL loads entities, relations and name keys as bulk loads
(:mod:`trygg.screening.bulkload`: indexes built and foreign keys checked once, after the rows are in, in the same
transaction); screening waits for it to commit.

Staging and comparing in the database keep memory flat whatever the file's size (``benchmarks/registry_import.py``
prints the time and peak memory at 1 M and 6 M rows).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import nullcontext
from functools import lru_cache
from typing import BinaryIO

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from trygg.core.identity import IdentityError, parse_organisation_number, parse_personal_number
from trygg.core.importing import ReadError, RecordError, at_line, csv_rows, damaged_compression, not_a_date
from trygg.screening import ftm
from trygg.screening.bulkload import is_bulk_load, without_indexes
from trygg.screening.index import index_entities, refresh_frequencies
from trygg.screening.matching.normalise import has_legal_form
from trygg.screening.models import Dataset, Entity, Relation, Schema

ROLES = {choice for choice, _ in Relation.Role.choices}
MAX_REJECTIONS_KEPT = 10_000  # a file of millions of bad rows is refused without holding every reason
BATCH = 20_000
MAX_REMOVED_SHARE = 0.10
COMPANY_ROW, OWNER_COMPANY, NAMED = 0, 1, 2  # which row of a key becomes the entity: the lowest kind first

_ENTITY = ("key", "kind", "rank", "schema", "name", "org_number", "personal_number", "id_kind", "birth_date",
           "country", "address", "registered_on", "properties")  # fmt: skip
_RELATION = ("line", "source_key", "target_key", "role", "share", "valid_from", "valid_to")
_FIELDS = ("schema", "name", "org_number", "personal_number", "id_kind", "birth_date", "country", "address",
           "registered_on", "properties")  # fmt: skip


# -- reading -----------------------------------------------------------------------------------------------
def iter_csv_stream(stream: BinaryIO, required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` of a CSV with a header row, read as it streams (comma, semicolon or tab; UTF-8, else
    Windows-1252 when the first megabyte is not UTF-8). A file that turns out not to be UTF-8 after the first
    megabyte, or whose structure breaks, raises ReadError with the line."""
    try:
        head = stream.read(1 << 20)
    except (EOFError, OSError) as exc:  # a damaged gzip file
        raise ReadError(1, damaged_compression(exc)) from exc
    try:
        head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        encoding = "utf-8-sig" if exc.start >= len(head) - 4 else "cp1252"  # a character cut at the megabyte's end
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = [1]  # the line being decoded, for a decoding error

    def chunks() -> Iterator[str]:
        data = head
        while data:
            try:
                text = decoder.decode(data)
            except UnicodeDecodeError as exc:
                line = lines[0] + data[: max(0, exc.start)].count(b"\n")
                reason = gettext("the file is not UTF-8 text after all (%(reason)s); save it as 'CSV UTF-8'")
                reason = reason % {"reason": exc.reason}
                raise ReadError(line, at_line(line, reason)) from exc
            lines[0] += text.count("\n")
            yield text
            data = stream.read(1 << 20)
        yield decoder.decode(b"", final=True)

    text = _ChunkReader(chunks())
    yield from csv_rows(text, text.peek(4096), required)


class _ChunkReader(io.TextIOBase):
    """Lines from an iterator of text chunks (what csv.reader reads), with a peek at the start for the sniffer.

    Lines are cut from the current chunk by position; the rest of a chunk is copied only once, when the next one
    is joined to it (cutting each line off the front of a megabyte would copy the megabyte for every line)."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks, self._buffer, self._pos = chunks, "", 0

    def peek(self, size: int) -> str:
        while len(self._buffer) - self._pos < size:
            more = next(self._chunks, None)
            if more is None:
                break
            self._buffer = self._buffer[self._pos :] + more
            self._pos = 0
        return self._buffer[self._pos : self._pos + size]

    def __iter__(self):
        return self

    def __next__(self) -> str:
        while True:
            end = self._buffer.find("\n", self._pos)
            if end >= 0:
                line, self._pos = self._buffer[self._pos : end + 1], end + 1
                return line
            more = next(self._chunks, None)
            if more is None:
                if self._pos < len(self._buffer):
                    line, self._buffer, self._pos = self._buffer[self._pos :], "", 0
                    return line
                raise StopIteration
            self._buffer = self._buffer[self._pos :] + more
            self._pos = 0


# -- rows ----------------------------------------------------------------------------------------------------
def _date(value: str | None, column: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError as exc:
        raise RecordError(not_a_date(column, value)) from exc


def number_text(value: str) -> str:
    """A foreign registration number as given, in capitals with single spaces ("HE 412345")."""
    return " ".join(value.upper().split())


@lru_cache(maxsize=1 << 16)
def _organisation_number(value: str) -> str:
    """parse_organisation_number, remembered: the role rows of a company name it again and again."""
    return parse_organisation_number(value)


@lru_cache(maxsize=1 << 16)
def _personal_number(value: str):
    return parse_personal_number(value)


def _org(value: str, column: str) -> str:
    try:
        return _organisation_number(value)
    except IdentityError as exc:
        raise RecordError(f"'{column}': {exc}") from exc


def _status(row: dict) -> dict[str, str]:
    text, day = (row.get("status") or "").strip(), (row.get("status_date") or "").strip()
    if not text:
        if day:
            raise RecordError(gettext("'status_date' without a 'status'"))
        return {}
    status = ftm.company_status(text)
    if not status:
        raise RecordError(
            gettext("'status' must be active, bankrupt, liquidation or deregistered, not %(value)r") % {"value": text}
        )
    dated = _date(day, "status_date")
    return {"status": status, **({"status_date": dated} if dated else {})}


def company_row(row: dict, line: int) -> tuple[tuple, tuple | None, tuple | None]:
    """A companies.csv row as (entity, its address entity or None, the address relation or None)."""
    country = (row.get("country") or "SE").strip().upper()[:2]
    raw = row.get("org_number") or ""
    properties = _status(row)
    try:
        key = number = _organisation_number(raw)
    except IdentityError as exc:
        if country in ("", "SE"):
            raise RecordError(f"'org_number': {exc}") from exc
        if not number_text(raw):
            raise RecordError(gettext("'org_number': a foreign company needs its registration number")) from None
        key, number = f"foreign:{country}:{number_text(raw)}", ""
        properties["registration_number"] = raw.strip()
    name = (row.get("name") or "").strip()
    if not name:
        raise RecordError(gettext("a company needs a 'name'"))
    parts = (row.get("address"), row.get("postal_code"), row.get("city"))
    full = ", ".join(p.strip() for p in parts if p and p.strip())
    entity = (key, COMPANY_ROW, -line, Schema.COMPANY.value, name[:400], number, "", "", "", country, full[:300],
              _date(row.get("registered_on"), "registered_on"), json.dumps(properties))  # fmt: skip
    if not full:
        return entity, None, None
    address_key = "address:" + " ".join(full.casefold().split())
    address = (address_key[:200], NAMED, line, Schema.ADDRESS.value, full[:400], "", "", "", "", "", full[:300], None,
               "{}")  # fmt: skip
    return entity, address, (line, key, address_key[:200], "address", None, None, None)


def role_target(value: str, foreign: dict[str, list[str]]) -> str:
    """The company a role row is about: a Swedish organisation number, or a foreign company's own number as
    companies.csv gives it."""
    try:
        return _organisation_number(value)
    except IdentityError as exc:
        keys = foreign.get(number_text(value), [])
        if len(keys) == 1:
            return keys[0]
        if len(keys) > 1:
            countries = ", ".join(k.split(":")[1] for k in keys)
            text = gettext("'org_number': %(number)s is the number of companies in several countries (%(countries)s)")
            raise RecordError(text % {"number": value.strip(), "countries": countries}) from None
        raise RecordError(
            gettext("'org_number': %(error)s (nor the number of a foreign company in companies.csv)") % {"error": exc}
        ) from exc


def role_row(row: dict, line: int, foreign: dict[str, list[str]]) -> tuple[tuple, tuple]:
    """A roles.csv row as (the holder's entity, the relation)."""
    org = role_target(row.get("org_number") or "", foreign)
    role = (row.get("role") or "").strip()
    if role not in ROLES or role == "address":
        raise RecordError(gettext("unknown role %(role)r") % {"role": role})
    country = (row.get("country") or "").strip().upper()[:2]
    number = (row.get("owner_org_number") or "").strip()
    name = (row.get("name") or "").strip()
    if number and country not in ("", "SE"):  # a foreign company: its own registration number, as given
        key = f"foreign:{country}:{number_text(number)}"
        holder = (key, OWNER_COMPANY, line, Schema.COMPANY.value, (name or number)[:400], "", "", "", "", country, "",
                  None, json.dumps({"registration_number": number}))  # fmt: skip
    elif number:
        key = _org(number, "owner_org_number")
        holder = (key, OWNER_COMPANY, line, Schema.COMPANY.value, (name or key)[:400], key, "", "", "", country, "",
                  None, "{}")  # fmt: skip
    elif not (row.get("personal_number") or "").strip() and has_legal_form(name):
        key = f"company:{country or 'SE'}:{name.casefold()}"  # a company named without its number
        holder = (key[:200], NAMED, line, Schema.COMPANY.value, name[:400], "", "", "", "", country or "SE", "", None,
                  "{}")  # fmt: skip
        key = key[:200]
    else:
        if not name:
            raise RecordError(gettext("a person needs a 'name'"))
        if (row.get("personal_number") or "").strip():
            try:
                person = _personal_number(row["personal_number"].strip())
            except IdentityError as exc:
                raise RecordError(f"'personal_number': {exc}") from exc
            digits, kind, birth = person.digits, person.kind, person.birth_date
            key = digits
        else:
            digits, kind, birth = "", "", (row.get("birth_date") or "").strip()[:10]
            key = f"{name.casefold()}|{birth}"[:200]
        holder = (key, NAMED, line, Schema.PERSON.value, name[:400], "", digits, kind, birth,
                  (row.get("country") or "SE").strip().upper()[:2], "", None, "{}")  # fmt: skip
    share_text = (row.get("share") or "").strip().replace(",", ".")
    try:
        share = float(share_text) if share_text else None
    except ValueError as exc:
        raise RecordError(gettext("'share' is not a number: %(value)r") % {"value": share_text}) from exc
    relation = (line, key, org, role, share, _date(row.get("valid_from"), "valid_from"),
                _date(row.get("valid_to"), "valid_to"))  # fmt: skip
    return holder, relation


# -- staging -------------------------------------------------------------------------------------------------
def _drop(cursor, table: str) -> None:
    """Drop a staging table of this session only (the temporary schema: never a real table of that name)."""
    schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
    cursor.execute(f"DROP TABLE IF EXISTS {schema}.{table}")


class Stage:
    """Two temporary tables filled in batches (``COPY`` on PostgreSQL)."""

    def __init__(self) -> None:
        pg = connection.vendor == "postgresql"
        json_type, date_type = ("jsonb", "date") if pg else ("text", "date")
        self.entities: list[tuple] = []
        self.relations: list[tuple] = []
        with connection.cursor() as cursor:
            _drop(cursor, "stage_entity")
            _drop(cursor, "stage_relation")
            cursor.execute(
                "CREATE TEMP TABLE stage_entity (key varchar(200), kind integer, rank integer, schema varchar(16), "
                "name varchar(400), org_number varchar(11), personal_number varchar(12), id_kind varchar(20), "
                f"birth_date varchar(10), country varchar(2), address varchar(300), registered_on {date_type}, "
                f"properties {json_type})"
            )
            cursor.execute(
                "CREATE TEMP TABLE stage_relation (line integer, source_key varchar(200), target_key varchar(200), "
                f"role varchar(20), share double precision, valid_from {date_type}, valid_to {date_type})"
            )

    def entity(self, row: tuple) -> None:
        self.entities.append(row)
        if len(self.entities) >= BATCH:
            self._flush("stage_entity", _ENTITY, self.entities)

    def relation(self, row: tuple) -> None:
        self.relations.append(row)
        if len(self.relations) >= BATCH:
            self._flush("stage_relation", _RELATION, self.relations)

    def close(self) -> None:
        self._flush("stage_entity", _ENTITY, self.entities)
        self._flush("stage_relation", _RELATION, self.relations)
        with connection.cursor() as cursor:
            cursor.execute("CREATE INDEX stage_entity_key ON stage_entity (key, kind, rank)")
            cursor.execute("CREATE INDEX stage_relation_target ON stage_relation (target_key)")
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE stage_entity")
                cursor.execute("ANALYZE stage_relation")

    @staticmethod
    def _flush(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608
        rows.clear()


# -- the import ----------------------------------------------------------------------------------------------
def import_registry_stream(companies_stream, roles_stream, report, name: str, generated: bool, allow_removals: bool,
                           version: str):  # fmt: skip
    """Fill ``report`` (a SyncReport) while importing; see the module docstring."""

    def reject(line: int, reason: str) -> None:
        if len(report.rejected) < MAX_REJECTIONS_KEPT:
            report.reject(line, reason)
        else:
            report.extra["rejections_not_kept"] = report.extra.get("rejections_not_kept", 0) + 1

    with transaction.atomic():
        stage = Stage()
        foreign: dict[str, list[str]] = {}
        try:
            for line, row in iter_csv_stream(companies_stream, required=("org_number", "name")):
                report.read += 1
                try:
                    entity, address, link = company_row(row, line)
                except RecordError as exc:
                    reject(line, f"companies: {exc}")
                    continue
                if entity[0].startswith("foreign:"):
                    foreign.setdefault(number_text(row["org_number"]), []).append(entity[0])
                stage.entity(entity)
                if address is not None:
                    stage.entity(address)
                    stage.relation(link)
            for line, row in iter_csv_stream(roles_stream, required=("org_number", "role")):
                report.read += 1
                try:
                    holder, relation = role_row(row, line, foreign)
                except RecordError as exc:
                    reject(line, f"roles: {exc}")
                    continue
                stage.entity(holder)
                stage.relation(relation)
        except ReadError as exc:
            raise RecordError(str(exc)) from exc
        stage.close()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.line, r.target_key FROM stage_relation r WHERE r.role <> 'address' AND NOT EXISTS "
                "(SELECT 1 FROM stage_entity e WHERE e.key = r.target_key AND e.kind = 0) ORDER BY r.line"
            )
            for line, target in cursor.fetchall():
                reject(line, gettext("roles: the company %(number)s is not in companies.csv") % {"number": target})
        if report.rejected:
            report.stored = False
            transaction.set_rollback(True)
            return report
        dataset, _ = Dataset.objects.get_or_create(name=name, defaults={"kind": Dataset.Kind.REGISTRY,
                                                                        "is_generated": generated})  # fmt: skip
        if dataset.kind != Dataset.Kind.REGISTRY:
            raise RecordError(
                gettext("dataset %(name)r exists as %(kind)s, not registry") % {"name": name, "kind": dataset.kind}
            )
        _sync(dataset, report, allow_removals)
        if not report.stored:
            transaction.set_rollback(True)
            return report
        dataset.version, dataset.imported_at = version, timezone.now()
        dataset.save()
        with connection.cursor() as cursor:
            for table in ("stage_entity", "stage_relation", "stage_final", "stage_changed", "stage_links"):
                _drop(cursor, table)
    refresh_frequencies()
    return report


def removal_refusal(removed: int, existing: int, name: str) -> str:
    """Why a re-import that would remove too much of a list or registry was refused (nothing stored)."""
    text = gettext(
        "this file would remove %(removed)s of the %(existing)s entries of %(name)r (%(share)s %%); a truncated or "
        "partial file? Nothing was stored. If the list really shrank, import it again with --allow-removals."
    )
    return text % {"removed": removed, "existing": existing, "name": name, "share": round(100 * removed / existing)}


def _sync(dataset: Dataset, report, allow_removals: bool) -> None:
    pg = connection.vendor == "postgresql"
    differs = "IS DISTINCT FROM" if pg else "IS NOT"
    qn = connection.ops.quote_name
    entity_table, relation_table = qn(Entity._meta.db_table), qn(Relation._meta.db_table)
    d = int(dataset.pk)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    empty_list = "'[]'::jsonb" if pg else "'[]'"
    with connection.cursor() as cursor:
        _drop(cursor, "stage_final")
        cursor.execute(
            "CREATE TEMP TABLE stage_final AS SELECT * FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY key "
            "ORDER BY kind, rank) AS pick FROM stage_entity s) ranked WHERE pick = 1"
        )
        cursor.execute("CREATE UNIQUE INDEX stage_final_key ON stage_final (key)")
        cursor.execute(f"SELECT COUNT(*) FROM {entity_table} WHERE dataset_id = %s", [d])  # noqa: S608
        existing = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT e.id FROM {entity_table} e WHERE e.dataset_id = %s AND NOT EXISTS "  # noqa: S608
            "(SELECT 1 FROM stage_final f WHERE f.key = e.key)",
            [d],
        )
        removed = [row[0] for row in cursor.fetchall()]
        if removed and not allow_removals and len(removed) > max(10, MAX_REMOVED_SHARE * existing):
            report.refusal = removal_refusal(len(removed), existing, dataset.name)
            report.stored = False
            return
        for start in range(0, len(removed), 5000):
            Entity.objects.filter(pk__in=removed[start : start + 5000]).delete()
        _drop(cursor, "stage_changed")
        cursor.execute("CREATE TEMP TABLE stage_changed (id bigint)")
        same_json = (
            "e.properties IS DISTINCT FROM f.properties" if pg else "json(e.properties) IS NOT json(f.properties)"
        )
        compare = " OR ".join([*(f"e.{qn(c)} {differs} f.{qn(c)}" for c in _FIELDS if c != "properties"), same_json])
        cursor.execute(
            f"INSERT INTO stage_changed (id) SELECT e.id FROM {entity_table} e JOIN stage_final f "  # noqa: S608
            f"ON f.key = e.key WHERE e.dataset_id = %s AND ({compare})",
            [d],
        )
        cursor.execute("SELECT COUNT(*) FROM stage_changed")
        changed = cursor.fetchone()[0]
        assignments = ", ".join(f"{qn(c)} = f.{qn(c)}" for c in _FIELDS)
        cursor.execute(
            f"UPDATE {entity_table} SET {assignments}, updated_at = %s FROM stage_final f "  # noqa: S608
            f"WHERE {entity_table}.dataset_id = %s AND {entity_table}.key = f.key "
            f"AND {entity_table}.id IN (SELECT id FROM stage_changed)",
            [now, d],
        )
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {entity_table}")  # noqa: S608
        before = cursor.fetchone()[0]
        columns = ", ".join(qn(c) for c in _FIELDS)
        cursor.execute("SELECT COUNT(*) FROM stage_final")
        total = cursor.fetchone()[0]
        bulk = existing == 0 and is_bulk_load(Entity._meta.db_table, total)  # a first import of a large registry
        with without_indexes(Entity._meta.db_table) if bulk else nullcontext():
            cursor.execute(
                f"INSERT INTO {entity_table} (dataset_id, key, aliases, flag, updated_at, {columns}) "  # noqa: S608
                f"SELECT %s, f.key, {empty_list}, '', %s, {', '.join('f.' + qn(c) for c in _FIELDS)} "
                f"FROM stage_final f WHERE NOT EXISTS (SELECT 1 FROM {entity_table} e WHERE e.dataset_id = %s "
                "AND e.key = f.key) ORDER BY f.key",
                [d, now, d],
            )
            added = cursor.rowcount
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {relation_table} WHERE dataset_id = %s)", [d])  # noqa: S608
        if not cursor.fetchone()[0]:  # a first import: every relation is new
            _insert_relations(cursor, d)
        else:
            _diff_relations(cursor, d)
        cursor.execute(f"SELECT COUNT(*) FROM {relation_table} WHERE dataset_id = %s", [d])  # noqa: S608
        report.relations = cursor.fetchone()[0]
        cursor.execute(f"SELECT id FROM {entity_table} WHERE dataset_id = %s AND id > %s", [d, before])  # noqa: S608
        new_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM stage_changed")
        changed_ids = [row[0] for row in cursor.fetchall()]
    report.added, report.changed, report.removed = added, changed, len(removed)
    report.already_present = total - added - changed
    if existing == 0:
        index_entities(dataset=dataset)
        return
    ids = new_ids + changed_ids
    for start in range(0, len(ids), 10_000):  # SQLite takes at most some 30 000 parameters a statement
        index_entities(entity_ids=ids[start : start + 10_000])


_RELATION_COLUMNS = "dataset_id, key, source_id, target_id, role, share, valid_from, valid_to, detail"


def _insert_relations(cursor, d: int) -> None:
    """The staged relations of a dataset that has none yet, joined to its entities by key, in the file's order; a
    bulk load when they are many (:mod:`trygg.screening.bulkload`)."""
    qn = connection.ops.quote_name
    entity_table, relation_table = qn(Entity._meta.db_table), qn(Relation._meta.db_table)
    cursor.execute("SELECT COUNT(*) FROM stage_relation")
    bulk = is_bulk_load(Relation._meta.db_table, cursor.fetchone()[0])
    with without_indexes(Relation._meta.db_table) if bulk else nullcontext():
        cursor.execute(
            f"INSERT INTO {relation_table} ({_RELATION_COLUMNS}) "  # noqa: S608
            "SELECT %s, '', s.id, t.id, r.role, r.share, r.valid_from, r.valid_to, '' FROM stage_relation r "
            f"JOIN {entity_table} s ON s.dataset_id = %s AND s.key = r.source_key "
            f"JOIN {entity_table} t ON t.dataset_id = %s AND t.key = r.target_key ORDER BY r.line",
            [d, d, d],
        )


def _diff_relations(cursor, d: int) -> None:
    """A re-import's relations: only those that differ from the staged ones are deleted or written (a re-import
    changes a few in a million)."""
    pg = connection.vendor == "postgresql"
    qn = connection.ops.quote_name
    entity_table, relation_table = qn(Entity._meta.db_table), qn(Relation._meta.db_table)
    same = "IS NOT DISTINCT FROM" if pg else "IS"
    _drop(cursor, "stage_links")
    cursor.execute(
        "CREATE TEMP TABLE stage_links AS SELECT s.id AS source_id, t.id AS target_id, r.role, r.share, "  # noqa: S608
        f"r.valid_from, r.valid_to, r.line FROM stage_relation r "
        f"JOIN {entity_table} s ON s.dataset_id = %s AND s.key = r.source_key "
        f"JOIN {entity_table} t ON t.dataset_id = %s AND t.key = r.target_key",
        [d, d],
    )
    cursor.execute("CREATE INDEX stage_links_pair ON stage_links (source_id, target_id)")
    match = (
        "k.source_id = x.source_id AND k.target_id = x.target_id AND k.role = x.role "
        f"AND k.share {same} x.share AND k.valid_from {same} x.valid_from AND k.valid_to {same} x.valid_to"
    )
    cursor.execute(
        f"DELETE FROM {relation_table} WHERE id IN (SELECT x.id FROM {relation_table} x "  # noqa: S608
        f"WHERE x.dataset_id = %s AND NOT EXISTS (SELECT 1 FROM stage_links k WHERE {match}))",
        [d],
    )
    cursor.execute(
        f"INSERT INTO {relation_table} (dataset_id, key, source_id, target_id, role, share, valid_from, "  # noqa: S608
        "valid_to, detail) "
        "SELECT %s, '', k.source_id, k.target_id, k.role, k.share, k.valid_from, k.valid_to, '' FROM stage_links k "
        f"WHERE NOT EXISTS (SELECT 1 FROM {relation_table} x WHERE x.dataset_id = %s AND {match}) ORDER BY k.line",
        [d, d],
    )
