"""FollowTheMoney (FtM) entities in and out: the mapping between FtM objects and Trygg's entities and relations.

FtM is the data model of OpenSanctions, Aleph and nomenklatura (https://followthemoney.tech/explorer/). An FtM
file is one JSON object per line: ``{"id", "schema", "properties": {name: [values]}}``. This module reads and
writes that shape without depending on the followthemoney package (which the tests use to validate what is
written here):

* **ids** are ``trygg-`` and a SHA-1 over the dataset's name and the entity's key, as FtM's ``make_id`` does
  (stable between exports, valid by FtM's id rule ``[0-9a-zA-Z.-]``, and never carrying a name or a
  personnummer);
* **edges**: owners as ``Ownership`` (``owner``, ``asset``, ``percentage``), board, managing director,
  signatory and auditor as ``Directorship`` (``director``, ``organization``, ``role``), lessor and financier as
  ``UnknownLink`` (``subject``, ``object``, ``role``), registered addresses as ``Address`` entities linked by the
  company's ``addressEntity``;
* **kept on import**: names and aliases, first/middle/last and father's names, ``idNumber`` and
  ``registrationNumber`` (Swedish numbers checked and normalised, others kept as given), partial dates (``1972``,
  ``1972-03``), country, ``addressEntity`` links and the address text, topics as Trygg's flags.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from trygg.core.identity import IdentityError, parse_organisation_number, parse_personal_number
from trygg.core.importing import RecordError

ENTITY_SCHEMATA = {"Person", "Company", "Organization", "LegalEntity", "Address", "Vessel", "Airplane"}
RELATION_SCHEMATA = {"Ownership", "Directorship", "UnknownLink", "Family", "Associate", "Representation"}
PERSON_LINKS = {  # FtM schema: (its two ends, Trygg's role)
    "Family": ("person", "relative", "relative"),
    "Associate": ("person", "associate", "associate"),
    "Representation": ("agent", "client", "representative"),
}
# a company's status in FtM's or the registry's words (English or Swedish) -> Trygg's
COMPANY_STATUS = {
    "active": "active", "aktiv": "active", "registrerad": "active", "registered": "active",
    "bankrupt": "bankrupt", "bankruptcy": "bankrupt", "konkurs": "bankrupt", "i konkurs": "bankrupt",
    "liquidation": "liquidation", "in liquidation": "liquidation", "likvidation": "liquidation",
    "i likvidation": "liquidation", "dissolved": "deregistered", "deregistered": "deregistered",
    "avregistrerad": "deregistered", "struck off": "deregistered", "inactive": "deregistered",
}  # fmt: skip


def company_status(text: str) -> str:
    """Trygg's status (active, bankrupt, liquidation, deregistered) for a status text; "" when unknown."""
    return COMPANY_STATUS.get(" ".join(text.casefold().split()), "")


def sanction_values(record: dict) -> tuple[str, dict[str, str]]:
    """``(entity id, {authority, program, start, end, reason})`` of an FtM Sanction; raises RecordError."""
    props = record.get("properties") or {}
    entity = _first(props, "entity")
    if not entity:
        raise RecordError(_("Sanction %(key)s names no 'entity'") % {"key": record["id"]})
    values = {
        "authority": "; ".join(_values(props, "authority")),
        "program": "; ".join(_values(props, "program")),
        "start": _partial_date(_first(props, "startDate"), "startDate"),
        "end": _partial_date(_first(props, "endDate"), "endDate"),
        "reason": "; ".join(_values(props, "reason"))[:500],
    }
    return entity, {k: v for k, v in values.items() if v}


COMPANY_SCHEMATA = {"Company", "Organization", "LegalEntity"}

# FtM properties kept as given (under ``properties["ftm"]``) and written back on export.
KEPT_PROPERTIES = {
    "Person": ("firstName", "middleName", "lastName", "fatherName", "title", "nationality", "birthPlace"),
    "Company": ("legalForm", "jurisdiction"),
    "Organization": ("legalForm", "jurisdiction"),
    "LegalEntity": ("legalForm", "jurisdiction"),
    "Address": ("street", "postalCode", "city", "region", "postOfficeBox"),
    "Vessel": ("imoNumber", "flag", "callSign"),
    "Airplane": ("registrationNumber", "serialNumber"),
}

OWNER_ROLES = ("owner", "beneficial_owner")
DIRECTOR_ROLES = {
    "board_member": "board member",
    "deputy": "deputy board member",
    "ceo": "CEO",
    "signatory": "authorised signatory",
    "auditor": "auditor",
}
LINK_ROLES = ("lessor", "financier")
_DIRECTOR_WORDS = (  # (role, words in an FtM role text that mean it), first match wins
    ("deputy", ("deputy", "suppleant", "alternate")),
    ("ceo", ("ceo", "verkställande", "managing director", "chief executive", "vd")),
    ("signatory", ("signator", "firmatecknare", "prokurist")),
    ("auditor", ("auditor", "revisor")),
    ("board_member", ("board", "director", "styrelse", "ledamot", "ordförande", "chair")),
)
SWEDISH_SHAPE = re.compile(r"^(16)?\d{6}[-\s]?\d{4}$")  # 10 or 12 digits as Swedish numbers are written
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
FLAG_TOPICS = {"sanction": "sanction", "debarred": "debarment", "refused": "reg.action", "revoked": "reg.action"}


def ftm_id(*parts: str) -> str:
    """A stable FtM entity id: ``trygg-`` and the SHA-1 of the parts (cf. followthemoney's ``make_entity_id``)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for part in parts:
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\x1f")
    return f"trygg-{digest.hexdigest()}"


def _values(props: dict, name: str) -> list[str]:
    values = props.get(name) or []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise RecordError(_("property %(name)r must be a list of values") % {"name": name})
    return [str(v).strip() for v in values if str(v).strip()]


def _first(props: dict, name: str) -> str:
    values = _values(props, name)
    return values[0] if values else ""


def _partial_date(value: str, name: str) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a timestamp is cut to its date); raises RecordError."""
    value = value[:10]
    if not value:
        return ""
    if not _PARTIAL_DATE.match(value):
        raise RecordError(
            _("%(name)r is not a date (YYYY, YYYY-MM or YYYY-MM-DD): %(value)r") % {"name": name, "value": value}
        )
    if len(value) == 10:
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            raise RecordError(_("%(name)r is not a date: %(value)r") % {"name": name, "value": value}) from exc
    return value


def _address_name(props: dict) -> str:
    full = _first(props, "full") or _first(props, "name")
    if full:
        return full
    parts = [_first(props, p) for p in ("street", "postalCode", "city", "country")]
    return ", ".join(p for p in parts if p)


def entity_values(record: dict) -> dict[str, Any]:
    """Trygg's entity fields from an FtM entity object; raises RecordError saying what is wrong."""
    schema, props = record["schema"], record.get("properties") or {}
    if not isinstance(props, dict):
        raise RecordError(_("'properties' must be an object"))
    kept = {p: _values(props, p) for p in KEPT_PROPERTIES.get(schema, ()) if _values(props, p)}
    names = _values(props, "name")
    if schema == "Address":
        names = [_address_name(props)] if _address_name(props) else []
    elif not names and schema == "Person":
        names = [" ".join(_first(props, p) for p in ("firstName", "middleName", "lastName") if _first(props, p))]
        names = [n for n in names if n]
    if not names:
        raise RecordError(_("%(schema)s %(key)s has no name") % {"schema": schema, "key": record["id"]})
    values: dict[str, Any] = {
        "schema": schema,
        "name": names[0][:400],
        "aliases": [*names[1:], *_values(props, "alias"), *_values(props, "previousName")],
    }
    registration = _first(props, "registrationNumber") or (
        _first(props, "idNumber") if schema in COMPANY_SCHEMATA else ""
    )
    warnings: list[str] = []
    if schema in COMPANY_SCHEMATA and registration:
        try:
            values["org_number"] = parse_organisation_number(registration)
        except IdentityError as exc:
            kept["registrationNumber"] = _values(props, "registrationNumber") or [registration]
            if SWEDISH_SHAPE.match(registration):
                text = _(
                    "%(number)s looks Swedish but is not an organisation number (%(error)s): kept as given, "
                    "not used to find the company by number"
                )
                warnings.append(text % {"number": registration, "error": exc})
    if schema == "Person":
        id_number = _first(props, "idNumber") or _first(props, "nationalId")
        if id_number:
            try:
                number = parse_personal_number(id_number)
            except IdentityError:
                kept["idNumber"] = _values(props, "idNumber") or [id_number]
            else:
                values |= {"personal_number": number.digits, "id_kind": number.kind, "birth_date": number.birth_date}
        values["birth_date"] = values.get("birth_date") or _partial_date(_first(props, "birthDate"), "birthDate")
    country = _first(props, "country") or _first(props, "jurisdiction") or _first(props, "nationality")
    values["country"] = country.upper()[:2] if country else ""
    values["address"] = (_first(props, "address") or (_address_name(props) if schema == "Address" else ""))[:300]
    incorporated = _partial_date(_first(props, "incorporationDate"), "incorporationDate")
    values["registered_on"] = dt.date.fromisoformat(incorporated) if len(incorporated) == 10 else None
    if incorporated and len(incorporated) < 10:
        kept["incorporationDate"] = [incorporated]
    topics = _values(props, "topics")
    if any(t.startswith("sanction") for t in topics):
        values["flag"] = "sanction"
    elif "debarment" in topics:
        values["flag"] = "debarred"
    elif "reg.action" in topics:
        values["flag"] = "revoked"
    else:
        values["flag"] = ""
    properties: dict[str, Any] = {}
    if _first(props, "program"):
        properties["program"] = "; ".join(_values(props, "program"))
    if schema in COMPANY_SCHEMATA and _first(props, "status"):
        status = company_status(_first(props, "status"))
        if status:
            properties["status"] = status
        else:
            warnings.append(f"status {_first(props, 'status')!r} not understood: kept as given")
            kept["status"] = _values(props, "status")
    if schema in COMPANY_SCHEMATA and _first(props, "dissolutionDate"):
        properties["status_date"] = _partial_date(_first(props, "dissolutionDate"), "dissolutionDate")
        properties.setdefault("status", "deregistered")
    if kept:
        properties["ftm"] = kept
    values["properties"] = properties
    values["warnings"] = warnings
    return values


def address_links(record: dict) -> list[str]:
    """The FtM ids of the Address entities an entity points to (``addressEntity``)."""
    return _values(record.get("properties") or {}, "addressEntity")


def director_role(text: str) -> str:
    """Trygg's role for an FtM Directorship ``role`` text (English or Swedish); board member when unsaid."""
    text = text.casefold().strip()
    if text in DIRECTOR_ROLES:
        return text
    words = set(re.findall(r"\w+", text))
    for role, markers in _DIRECTOR_WORDS:
        if any((m in text) if " " in m or len(m) > 3 else (m in words) for m in markers):
            return role
    return "board_member"


def link_role(record: dict) -> str:
    """An UnknownLink's role as Trygg spells roles (``lessor``, ``financier``)."""
    return _first(record.get("properties") or {}, "role").casefold().replace(" ", "_")


def relation_values(record: dict) -> dict[str, Any] | None:
    """``{source, target, role, share, valid_from, valid_to}`` (ends as FtM ids) of an FtM edge, or None for an
    UnknownLink whose role Trygg does not use; raises RecordError."""
    schema, props = record["schema"], record.get("properties") or {}
    share = None
    if schema == "Ownership":
        source, target = _first(props, "owner"), _first(props, "asset")
        kind = f"{_first(props, 'role')} {_first(props, 'ownershipType')}".casefold()
        role = "beneficial_owner" if "beneficial" in kind or "verklig" in kind else "owner"
        share_text = _first(props, "percentage").rstrip("%").replace(",", ".").strip()
        try:
            share = float(share_text) if share_text else None
        except ValueError as exc:
            raise RecordError(_("'percentage' is not a number: %(value)r") % {"value": share_text}) from exc
        if share is not None and not 0 <= share <= 100:
            raise RecordError(_("'percentage' must be between 0 and 100, not %(value)s") % {"value": share_text})
    elif schema == "Directorship":
        source, target = _first(props, "director"), _first(props, "organization")
        role = director_role(_first(props, "role"))
    elif schema in PERSON_LINKS:
        one, other, role = PERSON_LINKS[schema]
        source, target = _first(props, one), _first(props, other)
    else:
        source, target = _first(props, "subject"), _first(props, "object")
        role = link_role(record)
        if role not in LINK_ROLES:
            return None
    if not source or not target:
        raise RecordError(_("%(schema)s %(key)s lacks one of its two ends") % {"schema": schema, "key": record["id"]})
    start = _partial_date(_first(props, "startDate"), "startDate")
    end = _partial_date(_first(props, "endDate"), "endDate")
    return {
        "source": source,
        "target": target,
        "role": role,
        "share": share,
        # a relation that started some time in a year is taken as current from the year's first day; one that ended
        # some time in a year, as ended on its last day
        "valid_from": _start_of(start) if start else None,
        "valid_to": _end_of(end) if end else None,
        "detail": (_first(props, "relationship") or (_first(props, "role") if schema in PERSON_LINKS else ""))[:100],
    }


def _start_of(value: str) -> dt.date:
    return dt.date.fromisoformat({4: f"{value}-01-01", 7: f"{value}-01"}.get(len(value), value))


def _end_of(value: str) -> dt.date:
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    if len(value) == 4:
        return dt.date(int(value), 12, 31)
    year, month = int(value[:4]), int(value[5:7])
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


# -- export ------------------------------------------------------------------------------------------------


def export(
    entities: Iterable, relations: Iterable = (), dataset_name: Callable[[int], str] | None = None
) -> Iterator[dict]:
    """FtM objects for ``entities`` and ``relations`` (model instances with ``source``/``target`` loaded).

    Every edge is kept: a relation end that is not among ``entities`` is written as a stub carrying only its
    schema and name, so that the file stands on its own. Registered addresses become ``addressEntity`` links.
    """
    name_of = dataset_name or (lambda pk: str(pk))
    relations = list(relations)

    def ident(entity) -> str:
        return ftm_id(name_of(entity.dataset_id), entity.key)

    address_links_of: dict[int, list[str]] = {}
    for r in relations:
        if r.role == "address":
            address_links_of.setdefault(r.source_id, []).append(ident(r.target))
    written: set[int] = set()
    for entity in entities:
        written.add(entity.pk)
        yield entity_object(entity, ident(entity), address_links_of.get(entity.pk, []))
    for r in relations:
        for end in (r.source, r.target):
            if end.pk not in written:
                written.add(end.pk)
                yield {"id": ident(end), "schema": end.schema, "properties": _name_props(end)}
        if r.role != "address":
            yield relation_object(r, ident(r.source), ident(r.target), name_of(r.dataset_id))


def _name_props(entity) -> dict[str, list[str]]:
    if entity.schema == "Address":
        return {"full": [entity.name]}
    return {"name": [entity.name]}


def entity_object(entity, ident: str, addresses: list[str] = ()) -> dict:
    """One FtM entity object for a Trygg entity."""
    props: dict[str, list[str]] = _name_props(entity)
    if entity.schema != "Address" and len(entity.names) > 1:
        props["alias"] = entity.names[1:]
    stored = entity.properties or {}
    for name, values in (stored.get("ftm") or {}).items():
        props[name] = list(values)
    if entity.org_number:
        props["registrationNumber"] = [entity.org_number]
    if entity.personal_number:
        props["idNumber"] = [entity.personal_number]
    if entity.birth_date and entity.schema == "Person":
        props["birthDate"] = [entity.birth_date]
    if entity.country:
        props["country"] = [entity.country.lower()]
    if entity.address and entity.schema != "Address":
        props["address"] = [entity.address]
    if entity.registered_on and entity.schema in COMPANY_SCHEMATA:
        props["incorporationDate"] = [entity.registered_on.isoformat()]
    if addresses:
        props["addressEntity"] = list(addresses)
    if entity.flag in FLAG_TOPICS:
        props["topics"] = [FLAG_TOPICS[entity.flag]]
    if stored.get("program"):
        props["program"] = [str(stored["program"])]
    if stored.get("title") and entity.schema == "Person":
        props["title"] = [str(stored["title"])]
    if stored.get("remarks"):
        props["notes"] = [str(stored["remarks"])]
    return {"id": ident, "schema": entity.schema, "properties": props}


def relation_object(relation, source: str, target: str, dataset: str) -> dict:
    """One FtM edge object for a Trygg relation (not an address link: those are ``addressEntity``)."""
    r = relation
    props: dict[str, list[str]] = {
        k: [v.isoformat()] for k, v in (("startDate", r.valid_from), ("endDate", r.valid_to)) if v
    }
    if r.role in OWNER_ROLES:
        schema = "Ownership"
        props |= {"owner": [source], "asset": [target]}
        if r.share is not None:
            props["percentage"] = [f"{r.share:g}"]
        if r.role == "beneficial_owner":
            props["role"] = ["beneficial owner"]
    elif r.role in DIRECTOR_ROLES:
        schema = "Directorship"
        props |= {"director": [source], "organization": [target], "role": [DIRECTOR_ROLES[r.role]]}
    elif (link := next((s for s, (_a, _b, role) in PERSON_LINKS.items() if role == r.role), None)) is not None:
        schema, (one, other, _role) = link, PERSON_LINKS[link]
        props |= {one: [source], other: [target]}
        if r.detail:
            props["relationship" if schema != "Representation" else "role"] = [r.detail]
    else:
        schema = "UnknownLink"
        props |= {"subject": [source], "object": [target], "role": [r.role]}
    key = r.key or f"{r.role}:{r.share}:{r.valid_from}:{r.valid_to}"
    return {"id": ftm_id(dataset, "relation", source, target, key), "schema": schema, "properties": props}
