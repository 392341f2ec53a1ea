"""Importing and exporting screening data: OFAC SDN (official CSV), FollowTheMoney entities (JSON lines),
the cooperation's own lists (CSV) and registry extracts (CSV).

Every importer reads through :mod:`trygg.core.importing`, rejects bad records with their line and reason, and
synchronises a whole dataset: a re-import reports what was added, changed and removed. Imports are all or
nothing: a file with a rejected record stores nothing and removes nothing (a truncated list must not shrink the
list screening matches against), and the report says so; otherwise the whole file is written in one
transaction.

Registry CSV (documented in README.md):

* ``companies.csv``: ``org_number,name,registered_on,address,postal_code,city,country`` (a company of another
  country with its own registration number in ``org_number``; role rows name it by that number) and, optionally,
  ``status`` (active, bankrupt, liquidation, deregistered — or aktiv, konkurs, likvidation, avregistrerad) with
  ``status_date`` (the day of the bankruptcy, liquidation or deregistration)
* ``roles.csv``: ``org_number,role,personal_number,name,birth_date,country,share,valid_from,valid_to`` where a
  company owner is given with ``owner_org_number`` instead of a person (a foreign one with its own registration
  number and ``country``; one named with a legal form and no number is a company too); ``role`` is one of board_member,
  deputy, ceo, signatory, owner, beneficial_owner, financier, lessor, auditor.

Own-list CSV: ``name,org_number,personal_number,birth_date,flag,date,reference`` with flag refused, revoked,
debarred, trading_ban (näringsförbud) or bankruptcy (konkurs).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.core.bulk import insert_rows
from trygg.core.identity import IdentityError, parse_organisation_number, parse_personal_number
from trygg.core.importing import (
    ImportReport,
    ReadError,
    RecordError,
    at_line,
    iter_csv_records,
    iter_json_records,
    not_a_date,
    refuse_nul,
)
from trygg.screening import ftm, registry_import
from trygg.screening.index import index_entities, refresh_frequencies
from trygg.screening.models import Dataset, Entity, Relation, Schema

ENTITY_FIELDS = (
    "schema",
    "name",
    "aliases",
    "org_number",
    "personal_number",
    "id_kind",
    "birth_date",
    "country",
    "address",
    "registered_on",
    "flag",
    "properties",
)
ROLES = {choice for choice, _ in Relation.Role.choices}
OWN_LIST_FLAGS = {"refused", "revoked", "debarred", "trading_ban", "bankruptcy"}
FLAG_WORDS = {"näringsförbud": "trading_ban", "konkurs": "bankruptcy", "nekat": "refused", "återkallat": "revoked"}


@dataclass
class SyncReport(ImportReport):
    added: int = 0
    changed: int = 0
    removed: int = 0
    relations: int = 0
    extra: dict = field(default_factory=dict)
    refusal: str = ""  # why a whole file was refused although no record was (see _guard_removals)

    def summary(self) -> str:
        """One line for people, in the active language."""
        read = _("%(source)s: read %(n)s") % {"source": self.source, "n": self.read}
        if self.refusal:
            return f"{read} — {self.refusal}"
        if not self.stored:
            return _("%(read)s, rejected %(n)s — nothing stored, the dataset is as it was") % {
                "read": read,
                "n": len(self.rejected),
            }
        text = _(
            "%(read)s, added %(added)s, changed %(changed)s, removed %(removed)s, unchanged %(unchanged)s, "
            "rejected %(rejected)s"
        ) % {
            "read": read,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.already_present,
            "rejected": len(self.rejected),
        }
        if self.relations:
            text += _(", relations %(n)s") % {"n": self.relations}
        return text


def _org(value: str, line: int, column: str) -> str:
    try:
        return parse_organisation_number(value)
    except IdentityError as exc:
        raise RecordError(f"'{column}': {exc}") from exc


def _person(value: str) -> tuple[str, str, str]:
    """(12 digits, kind, birth date) of a personnummer or samordningsnummer; raises RecordError."""
    try:
        number = parse_personal_number(value)
    except IdentityError as exc:
        raise RecordError(f"'personal_number': {exc}") from exc
    return number.digits, number.kind, number.birth_date


def _date(value: str, column: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise RecordError(not_a_date(column, value)) from exc


def _field_value(values: dict[str, Any], name: str) -> Any:
    if name in values and values[name] is not None:
        return values[name]
    return {"aliases": [], "properties": {}, "registered_on": None}.get(name, "")


def sync_entities(dataset: Dataset, records: dict[str, dict[str, Any]], report: SyncReport) -> dict[str, int]:
    """Make the dataset's entities equal to ``records`` (key → fields); returns entity ids by key.

    Counts added, changed, removed and unchanged entities on ``report``; re-indexes what changed.
    """
    existing = {e.key: e for e in Entity.objects.filter(dataset=dataset)}
    to_create, to_update = [], []
    for key, values in records.items():
        entity = existing.get(key)
        if entity is None:
            to_create.append(Entity(dataset=dataset, key=key, **{f: _field_value(values, f) for f in ENTITY_FIELDS}))
            continue
        changed = False
        for f in ENTITY_FIELDS:
            new = _field_value(values, f)
            if getattr(entity, f) != new:
                setattr(entity, f, new)
                changed = True
        if changed:
            to_update.append(entity)
        else:
            report.already_present += 1
    removed = [e.pk for key, e in existing.items() if key not in records]
    Entity.objects.filter(pk__in=removed).delete()
    if not existing and len(to_create) > 10_000:  # a first import of a large list: stream it in
        fields = ("key", *ENTITY_FIELDS)
        count = insert_rows(
            Entity, ("dataset", *fields), ((dataset.pk, *(getattr(e, f) for f in fields)) for e in to_create)
        )
        report.added = count
        index_entities(dataset=dataset)
        return dict(Entity.objects.filter(dataset=dataset).values_list("key", "pk"))
    created = Entity.objects.bulk_create(to_create, batch_size=2000)
    Entity.objects.bulk_update(to_update, list(ENTITY_FIELDS), batch_size=2000)
    report.added, report.changed, report.removed = len(created), len(to_update), len(removed)
    if not existing and created:
        index_entities(dataset=dataset)
    elif created or to_update:
        index_entities(entity_ids=[e.pk for e in created] + [e.pk for e in to_update])
    return dict(Entity.objects.filter(dataset=dataset).values_list("key", "pk"))


def _dataset(name: str, kind: str, **defaults) -> Dataset:
    dataset, _ = Dataset.objects.get_or_create(name=name, defaults={"kind": kind, **defaults})
    if dataset.kind != kind:
        raise RecordError(
            _("dataset %(name)r exists as %(kind)s, not %(wanted)s")
            % {"name": name, "kind": dataset.kind, "wanted": kind}
        )
    return dataset


# -- OFAC SDN ----------------------------------------------------------------------------------------------

_AKA = re.compile(r"\b[af]\.k\.a\. '([^']+)'")
_DOB = re.compile(r"\bDOB (?:(\d{1,2}) ([A-Z][a-z]{2}) )?(\d{4})")
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_OFAC_SCHEMA = {
    "individual": Schema.PERSON,
    "-0-": Schema.COMPANY,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRPLANE,
}


def _ofac_value(value: str) -> str:
    value = (value or "").strip()
    return "" if value == "-0-" else value


def ofac_programs(value: str) -> str:
    """OFAC's programme field as words: the SDN file joins several as ``FTO] [SDGT`` (brackets around each, the
    outer ones dropped) — read as "FTO, SDGT"."""
    return ", ".join(p for p in (part.strip("[] ") for part in _ofac_value(value).split("] [")) if p)


def ofac_record(row: list[str]) -> tuple[str, dict[str, Any]]:
    if len(row) != 12:
        raise RecordError(_("expected 12 columns (official SDN CSV layout), found %(n)s") % {"n": len(row)})
    ent_num, name, kind = row[0].strip(), row[1].strip(), row[2].strip()
    if not ent_num.isdigit():
        raise RecordError(_("ent_num is not a number: %(value)r") % {"value": ent_num})
    if not name:
        raise RecordError(_("the name is empty"))
    if kind not in _OFAC_SCHEMA:
        raise RecordError(_("unknown SDN type %(kind)r") % {"kind": kind})
    remarks = _ofac_value(row[11])
    birth = ""
    match = _DOB.search(remarks)
    if match:
        day, month, year = match.groups()
        birth = f"{year}-{_MONTHS[month]:02d}-{int(day):02d}" if day and month in _MONTHS else year
    return ent_num, {
        "schema": _OFAC_SCHEMA[kind],
        "name": name,
        "aliases": _AKA.findall(remarks),
        "birth_date": birth,
        "flag": "sanction",
        "properties": {"program": ofac_programs(row[3]), "title": _ofac_value(row[4]), "remarks": remarks[:2000]},
    }


def _csv_rows(stream) -> Iterator[tuple[int, list[str]]]:
    """``(line, row)`` of a CSV without a header; a file that breaks off inside a quoted field (a truncated
    download) or is otherwise malformed raises ReadError with the line, instead of passing a cut record on."""
    import csv
    import io

    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text, strict=True)
    try:
        for row in reader:
            yield reader.line_num, refuse_nul(row, reader.line_num)
    except csv.Error as exc:
        raise ReadError(
            reader.line_num, _("the file breaks off or is malformed here (%(error)s)") % {"error": exc}
        ) from exc


def import_ofac(
    stream, name: str = "OFAC SDN", version: str = "", allow_removals: bool = False, legal_basis: str = ""
) -> SyncReport:
    report = SyncReport(source=name)
    records: dict[str, dict] = {}
    try:
        for line, row in _csv_rows(stream):
            if not row or (len(row) == 1 and row[0].strip() in ("", "\x1a")):
                continue  # blank line or the DOS end-of-file marker
            report.read += 1
            try:
                key, values = ofac_record(row)
            except RecordError as exc:
                report.reject(line, str(exc))
                continue
            if key in records:
                report.reject(line, _("duplicate ent_num %(key)s") % {"key": key})
                continue
            records[key] = values
    except UnicodeDecodeError as exc:
        raise RecordError(_("not UTF-8 text (%(reason)s)") % {"reason": exc.reason}) from exc
    except ReadError as exc:
        report.reject(exc.line, str(exc))
    _guard_removals(name, records, report, allow_removals)
    if _refused(report):
        return report
    with transaction.atomic():
        dataset = _dataset(name, Dataset.Kind.WATCHLIST, source="US Treasury OFAC SDN list")
        sync_entities(dataset, records, report)
        dataset.version, dataset.imported_at = version, timezone.now()
        dataset.legal_basis = legal_basis.strip() or dataset.legal_basis
        dataset.save()
        refresh_frequencies()
    return report


# -- FollowTheMoney ------------------------------------------------------------------------------------------


def import_ftm(
    stream,
    name: str,
    kind: str = Dataset.Kind.WATCHLIST,
    source: str = "",
    allow_removals: bool = False,
    version: str = "",
    legal_basis: str = "",
) -> SyncReport:
    """FollowTheMoney entities, one JSON object per line (see :mod:`trygg.screening.ftm`): Company, Person,
    Organization, LegalEntity, Address, Vessel, Airplane as entities; Ownership, Directorship and UnknownLink
    (lessor, financier), Family, Associate and Representation as relations; ``addressEntity`` as address links;
    each ``Sanction`` kept on its entity (authority, programme, dates, reason). Other schemata are counted as
    skipped, by schema, and named in the report. A file with a rejected record stores nothing."""
    report = SyncReport(source=name)
    entities: dict[str, dict] = {}
    lines: dict[str, int] = {}
    sanctions: list[tuple[int, str, dict]] = []
    skipped: dict[str, int] = {}
    links: list[tuple[int, str, str]] = []  # (line, entity id, address id)
    edges: list[tuple[int, str, dict]] = []
    for line, record in iter_json_records(stream):
        if isinstance(record, ReadError):
            report.reject(record.line, str(record))
            continue
        report.read += 1
        try:
            if not isinstance(record, dict) or not isinstance(record.get("id"), str) or "schema" not in record:
                raise RecordError(_("expected an object with 'id' (string) and 'schema'"))
            schema, key = record["schema"], record["id"].strip()
            if not key or len(key) > 200:
                raise RecordError(_("'id' must be 1 to 200 characters"))
            if key in lines:
                raise RecordError(_("the id %(key)r is also used on line %(line)s") % {"key": key, "line": lines[key]})
            lines[key] = line
            if schema in ftm.RELATION_SCHEMATA:
                values = ftm.relation_values(record)
                if values is None:  # an UnknownLink of a role Trygg does not use
                    report.skipped += 1
                    label = f"{schema} ({ftm.link_role(record) or '–'})"
                    skipped[label] = skipped.get(label, 0) + 1
                else:
                    edges.append((line, key, values))
            elif schema == "Sanction":
                sanctions.append((line, *ftm.sanction_values(record)))
            elif schema in ftm.ENTITY_SCHEMATA:
                entities[key] = ftm.entity_values(record)
                report.warnings.extend(at_line(line, w) for w in entities[key].pop("warnings"))
                links.extend((line, key, address) for address in ftm.address_links(record))
            else:
                report.skipped += 1
                skipped[str(schema)[:40]] = skipped.get(str(schema)[:40], 0) + 1
        except RecordError as exc:
            report.reject(line, str(exc))
    for line, entity, sanction in sanctions:
        if entity not in entities:
            report.reject(line, _("the Sanction's entity %(key)r is not an entity in the file") % {"key": entity})
            continue
        kept = entities[entity].setdefault("properties", {})
        kept.setdefault("sanctions", []).append(sanction)
        if sanction.get("program") and not kept.get("program"):
            kept["program"] = sanction["program"]
        entities[entity]["flag"] = entities[entity].get("flag") or "sanction"
    if skipped:
        report.extra["skipped"] = skipped
        report.warnings.append(
            "skipped (not used by Trygg): " + ", ".join(f"{n} × {schema}" for schema, n in sorted(skipped.items()))
        )
    for line, key, values in edges:
        missing = [k for k in (values["source"], values["target"]) if k not in entities]
        if missing:
            report.reject(
                line,
                _("%(key)s refers to %(missing)s, which is not an entity in the file")
                % {"key": key, "missing": ", ".join(missing)},
            )
    for line, key, address in links:
        if entities.get(address, {}).get("schema") != "Address":
            report.reject(
                line,
                _("%(key)s: 'addressEntity' %(address)r is not an Address in the file")
                % {"key": key, "address": address},
            )
        elif not entities[key]["address"]:
            entities[key]["address"] = entities[address]["address"][:300]
    _guard_removals(name, entities, report, allow_removals)
    if _refused(report):
        return report
    with transaction.atomic():
        dataset = _dataset(name, kind, source=source)
        by_key = sync_entities(dataset, entities, report)
        Relation.objects.filter(dataset=dataset).delete()
        new = [
            Relation(dataset=dataset, source_id=by_key[key], target_id=by_key[address], role="address")
            for _, key, address in links
        ]
        new += [
            Relation(
                dataset=dataset,
                key=key,
                source_id=by_key[v["source"]],
                target_id=by_key[v["target"]],
                role=v["role"],
                share=v["share"],
                valid_from=v["valid_from"],
                valid_to=v["valid_to"],
                detail=v["detail"],
            )
            for _, key, v in edges
        ]
        Relation.objects.bulk_create(new, batch_size=2000)
        report.relations = len(new)
        dataset.version, dataset.imported_at = version or dataset.version, timezone.now()
        dataset.legal_basis = legal_basis.strip() or dataset.legal_basis
        dataset.save()
        refresh_frequencies()
    return report


def export_ftm(entities: Iterable[Entity], relations: Iterable[Relation] = ()) -> Iterator[dict]:
    """FollowTheMoney objects for entities and their relations (ends loaded), ids by dataset name and key."""
    names: dict[int, str] = {}

    def dataset_name(pk: int) -> str:
        if pk not in names:
            names[pk] = Dataset.objects.values_list("name", flat=True).get(pk=pk)
        return names[pk]

    return ftm.export(entities, relations, dataset_name)


# -- own lists and registry extracts --------------------------------------------------------------------------


def import_own_list(
    stream, name: str, owner=None, shared_with=None, version: str = "", legal_basis: str = ""
) -> SyncReport:
    """The cooperation's own list (CSV: name, flag, date, reference, org_number or personal_number or birth_date);
    ``version`` names the release (its date, say), recorded with each screening that reads it."""
    report = SyncReport(source=name)
    records: dict[str, dict] = {}
    try:
        rows = list(iter_csv_records(stream, required=("name", "flag")))
    except ReadError as exc:
        raise RecordError(str(exc)) from exc
    for line, row in rows:
        report.read += 1
        try:
            flag = (row.get("flag") or "").strip().lower()
            flag = FLAG_WORDS.get(flag, flag)
            if flag not in OWN_LIST_FLAGS:
                raise RecordError(
                    _("'flag' must be one of %(flags)s, not %(value)r")
                    % {"flags": ", ".join(sorted(OWN_LIST_FLAGS)), "value": flag}
                )
            values: dict[str, Any] = {
                "name": row["name"].strip(),
                "flag": flag,
                "properties": {
                    "date": (row.get("date") or "").strip(),
                    "reference": (row.get("reference") or "").strip(),
                },
            }
            if not values["name"]:
                raise RecordError(_("'name' is empty"))
            if (row.get("org_number") or "").strip():
                values |= {"schema": Schema.COMPANY, "org_number": _org(row["org_number"], line, "org_number")}
                key = values["org_number"]
            else:
                values["schema"] = Schema.PERSON
                if (row.get("personal_number") or "").strip():
                    values["personal_number"], values["id_kind"], values["birth_date"] = _person(row["personal_number"])
                    key = values["personal_number"]
                else:
                    values["birth_date"] = (row.get("birth_date") or "").strip()
                    key = f"{values['name'].casefold()}|{values['birth_date']}"
            records[key] = values
        except RecordError as exc:
            report.reject(line, str(exc))
    if _refused(report):
        return report
    with transaction.atomic():
        dataset = _dataset(name, Dataset.Kind.OWN_LIST, owner=owner, shared_with=shared_with)
        sync_entities(dataset, records, report)
        dataset.version, dataset.imported_at = version or dataset.version, timezone.now()
        dataset.legal_basis = legal_basis.strip() or dataset.legal_basis
        dataset.save()
        refresh_frequencies()
    return report


def import_registry(
    companies_stream,
    roles_stream,
    name: str = "Registerutdrag",
    generated: bool = False,
    allow_removals: bool = False,
    version: str = "",
) -> SyncReport:
    """The registry extract (companies.csv, roles.csv), streamed and synchronised in the database
    (:mod:`trygg.screening.registry_import`); ``version`` names it (the extract's date, say), and each screening
    run records it."""
    report = SyncReport(source=name)
    return registry_import.import_registry_stream(companies_stream, roles_stream, report, name, generated,
                                                  allow_removals, version)  # fmt: skip


def _refused(report: SyncReport) -> bool:
    """All or nothing: with a rejected record (or a refusal) the import stores nothing, and says so."""
    if report.rejected or report.refusal:
        report.stored = False
    return not report.stored


MAX_REMOVED_SHARE = 0.10  # a re-sync that would remove more of a list than this is refused without --allow-removals


def _guard_removals(name: str, records: dict, report: SyncReport, allow: bool) -> None:
    """Refuse a re-sync that would remove more than a tenth of a list or registry (and more than ten entries):
    a file cut at a line boundary is valid CSV or JSON, and would otherwise shrink what screening matches
    against without a word."""
    existing = list(Entity.objects.filter(dataset__name=name).values_list("key", flat=True))
    removed = sum(1 for key in existing if key not in records)
    if allow or removed <= max(10, MAX_REMOVED_SHARE * len(existing)):
        return
    report.refusal = registry_import.removal_refusal(removed, len(existing), name)
