"""Company basics from Bolagsverket's open API "Värdefulla datamängder" (v1), on an officer's request.

The API (free, no agreement; Bolagsverket's "kundanmälan" gives a client id and secret) answers ``POST
/organisationer`` with ``{"identitetsbeteckning": "5560000000"}`` for one organisation number: its names, form,
registration date, postal address, whether it is deregistered (with the reason) and any bankruptcy, liquidation
or reconstruction in progress (with the day it began). Access is OAuth2 client credentials at Bolagsverket's
token endpoint with the scopes ``vardefulla-datamangder:read vardefulla-datamangder:ping`` asked for together;
the token lasts ``expires_in`` seconds (an hour). At most 60 requests a minute are allowed.

An answer with HTTP 200 may still carry no data: every block of it has its own ``fel`` (error), e.g.
``ORGANISATION_FINNS_EJ`` (not registered in searchable form) or ``OTILLGANGLIG_UPPGIFTSKALLA`` (the source was
unreachable). This module says which, and never turns a missing answer into "active".

What the free API does not give — board, managing director, signatories, owners, beneficial owners — comes
from the paid "Företagsinformation" API and the register of beneficial owners (README, "Registry sources").

:func:`company_from_answer` is pure (the answer's JSON in, a :class:`Company` out); :class:`Client` does the
HTTP; :func:`store` keeps the answers as a registry extract (dataset "Bolagsverket", version = the day fetched).

Reference: Bolagsverket, "VärdefullaDatamängder" OpenAPI 3.0.3 v1 and its connection guide (2025).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

SCOPES = "vardefulla-datamangder:read vardefulla-datamangder:ping"
PRODUCTION_TOKEN_URL = "https://portal.api.bolagsverket.se/oauth2/token"  # noqa: S105 - a URL, not a secret
PRODUCTION_BASE_URL = "https://gw.api.bolagsverket.se/vardefulla-datamangder/v1"
REQUESTS_PER_MINUTE = 60
DATASET = "Bolagsverket (värdefulla datamängder)"

# ongoing procedures (pagaendeAvvecklingsEllerOmstruktureringsforfarande) as Trygg's company status
PROCEDURE_STATUS = {"KK": "bankrupt", "LI": "liquidation"}
NOT_FOUND = "ORGANISATION_FINNS_EJ"


class BolagsverketError(Exception):
    """The API could not answer (credentials, network, a refused request); the message says which, in Swedish."""


@dataclass(frozen=True)
class Company:
    """What the open API says of one organisation, as Trygg's registry keeps it."""

    org_number: str
    name: str
    form: str = ""  # organisationsform kod, e.g. AB
    form_text: str = ""
    registered_on: dt.date | None = None
    address: str = ""
    country: str = "SE"
    status: str = "active"  # active, bankrupt, liquidation, deregistered
    status_date: dt.date | None = None
    deregistration_reason: str = ""  # klartext, e.g. "Konkurs"
    procedures: tuple[str, ...] = ()  # every ongoing procedure, e.g. ("Konkurs från 2024-01-26",)
    unavailable: tuple[str, ...] = ()  # parts the API could not give (their fel), so not known
    producers: dict[str, str] = field(default_factory=dict)  # block → Bolagsverket or SCB


def _day(value: Any) -> dt.date | None:
    """A date as the API writes it: ``2024-01-26``, ``2024-01-26T00:00:00.000+00:00`` or epoch milliseconds."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC).date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _block(answer: dict, name: str) -> dict:
    value = answer.get(name)
    return value if isinstance(value, dict) else {}


def company_from_answer(payload: dict, org_number: str) -> Company | None:
    """The company of an ``/organisationer`` answer; None when the API says it is not registered (an answer
    whose every block failed for another reason raises :class:`BolagsverketError`)."""
    organisations = payload.get("organisationer") if isinstance(payload, dict) else None
    if not isinstance(organisations, list) or not organisations:
        raise BolagsverketError("Bolagsverkets svar saknade 'organisationer'.")
    answer = organisations[0]
    names = _block(answer, "organisationsnamn")
    name_error = (names.get("fel") or {}).get("typ")
    listed = names.get("organisationsnamnLista") or []
    if not listed and name_error == NOT_FOUND:
        return None
    unavailable, producers = [], {}
    for key in ("organisationsnamn", "organisationsform", "organisationsdatum", "avregistreradOrganisation",
                "pagaendeAvvecklingsEllerOmstruktureringsforfarande", "postadressOrganisation"):  # fmt: skip
        block = _block(answer, key)
        error = (block.get("fel") or {}).get("typ")
        if error and error != NOT_FOUND:
            unavailable.append(f"{key}: {error}")
        if block.get("dataproducent"):
            producers[key] = block["dataproducent"]
    main = next((n for n in listed if (n.get("organisationsnamntyp") or {}).get("kod") == "FORETAGSNAMN"), None)
    main = main or (listed[0] if listed else {})
    if not main.get("namn"):
        raise BolagsverketError("Bolagsverket kunde inte ge bolagets namn: " + ("; ".join(unavailable) or "tomt svar"))
    form = _block(answer, "organisationsform")
    post = _block(answer, "postadressOrganisation").get("postadress") or {}
    address = ", ".join(
        part.strip()
        for part in (post.get("coAdress"), post.get("utdelningsadress"), post.get("postnummer"), post.get("postort"))
        if isinstance(part, str) and part.strip()
    )
    status, status_date, procedures = "active", None, []
    ongoing = _block(answer, "pagaendeAvvecklingsEllerOmstruktureringsforfarande")
    entries = ongoing.get("pagaendeAvvecklingsEllerOmstruktureringsforfarandeLista") or []
    for entry in sorted(entries, key=lambda e: str(e.get("fromDatum") or "")):
        since = _day(entry.get("fromDatum"))
        procedures.append(f"{entry.get('klartext') or entry.get('kod')}" + (f" från {since}" if since else ""))
        if entry.get("kod") in PROCEDURE_STATUS and status == "active":  # the earliest of bankruptcy, liquidation
            status, status_date = PROCEDURE_STATUS[entry["kod"]], since
    deregistered = _day(_block(answer, "avregistreradOrganisation").get("avregistreringsdatum"))
    reason = _block(answer, "avregistreringsorsak")
    if deregistered is not None:
        # a company deregistered after its bankruptcy or liquidation is deregistered, with the reason kept
        status, status_date = "deregistered", deregistered
    return Company(
        org_number=org_number,
        name=main["namn"].strip(),
        form=str(form.get("kod") or ""),
        form_text=str(form.get("klartext") or ""),
        registered_on=_day(_block(answer, "organisationsdatum").get("registreringsdatum")),
        address=address[:300],
        country="SE",
        status=status,
        status_date=status_date,
        deregistration_reason=str(reason.get("klartext") or ""),
        procedures=tuple(procedures),
        unavailable=tuple(unavailable),
        producers=producers,
    )


class Client:
    """The HTTP side: one token kept until a minute before it expires (fetched anew once on a 401), at most
    ``REQUESTS_PER_MINUTE`` requests a minute, an ``X-Request-Id`` on each call."""

    def __init__(self, client_id: str, client_secret: str, token_url: str = PRODUCTION_TOKEN_URL,
                 base_url: str = PRODUCTION_BASE_URL, timeout: float = 20.0) -> None:  # fmt: skip
        if not client_id or not client_secret:
            raise BolagsverketError(
                "Bolagsverkets API är inte uppsatt: TRYGG_BOLAGSVERKET_CLIENT_ID och "
                "TRYGG_BOLAGSVERKET_CLIENT_SECRET saknas i miljön."
            )
        self.client_id, self.client_secret = client_id, client_secret
        self.token_url, self.base_url, self.timeout = token_url, base_url.rstrip("/"), timeout
        self.session = requests.Session()
        self._token: str | None = None
        self._expires = 0.0
        self._calls: list[float] = []
        self._lock = threading.Lock()

    def _new_token(self) -> str:
        try:
            response = self.session.post(
                self.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "scope": SCOPES,
                },
                headers={"Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise BolagsverketError(f"Bolagsverkets inloggning svarade inte ({exc.__class__.__name__}).") from exc
        if response.status_code != 200:
            raise BolagsverketError(f"Bolagsverkets inloggning nekade (HTTP {response.status_code}): kontrollera "
                                    "klient-id och hemlighet.")  # fmt: skip
        body = response.json()
        granted = set(str(body.get("scope", "")).split())
        if "vardefulla-datamangder:read" not in granted:
            raise BolagsverketError(f"Bolagsverket gav inte läsrätt (scope {body.get('scope')!r}).")
        self._token = body["access_token"]
        self._expires = time.monotonic() + float(body.get("expires_in", 3600)) - 60
        return self._token

    def _pace(self) -> None:
        """Wait so that no more than REQUESTS_PER_MINUTE calls fall within any minute."""
        now = time.monotonic()
        self._calls = [t for t in self._calls if now - t < 60]
        if len(self._calls) >= REQUESTS_PER_MINUTE:
            time.sleep(60 - (now - self._calls[0]))
        self._calls.append(time.monotonic())

    def organisation(self, org_number: str) -> dict:
        """The raw answer of ``POST /organisationer`` for a 10-digit organisation number."""
        digits = "".join(ch for ch in org_number if ch.isdigit())
        with self._lock:
            for attempt in (1, 2):
                token = self._token if self._token and time.monotonic() < self._expires else self._new_token()
                self._pace()
                try:
                    response = self.session.post(
                        f"{self.base_url}/organisationer",
                        json={"identitetsbeteckning": digits},
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Accept": "application/json",
                            "X-Request-Id": str(uuid.uuid4()),
                        },
                        timeout=self.timeout,
                    )
                except requests.RequestException as exc:
                    raise BolagsverketError(f"Bolagsverket svarade inte ({exc.__class__.__name__}).") from exc
                if response.status_code == 401 and attempt == 1:
                    self._token = None  # expired or revoked: one new token
                    continue
                break
        if response.status_code != 200:
            detail = ""
            try:
                detail = str(response.json().get("detail") or "")
            except ValueError:
                detail = response.text[:200]
            raise BolagsverketError(f"Bolagsverket nekade frågan om {digits} (HTTP {response.status_code})"
                                    + (f": {detail}" if detail else "."))  # fmt: skip
        try:
            return response.json()
        except ValueError as exc:
            raise BolagsverketError("Bolagsverkets svar var inte JSON.") from exc

    def company(self, org_number: str) -> Company | None:
        digits = "".join(ch for ch in org_number if ch.isdigit())
        return company_from_answer(self.organisation(digits), digits)


def client_from_settings() -> Client:
    from django.conf import settings

    return Client(
        settings.TRYGG_BOLAGSVERKET_CLIENT_ID,
        settings.TRYGG_BOLAGSVERKET_CLIENT_SECRET,
        token_url=settings.TRYGG_BOLAGSVERKET_TOKEN_URL,
        base_url=settings.TRYGG_BOLAGSVERKET_BASE_URL,
    )


# -- keeping the answers ---------------------------------------------------------------------------------
def store(companies: list[Company], fetched_on: dt.date) -> list[int]:
    """Keep the answers as a registry extract of their own (dataset :data:`DATASET`, version "API <day>"): each
    company with its status, form and address, and where the answer came from; returns the entity ids. The
    registry extracts with board and owners are read first when a party is resolved; this one adds what it
    knows of status (see :func:`trygg.screening.engine.gather_facts`)."""
    from django.db import transaction
    from django.utils import timezone

    from trygg.core.identity import parse_organisation_number
    from trygg.screening.index import index_entities, refresh_frequencies
    from trygg.screening.models import Dataset, Entity, NameKey, Relation, Schema

    ids = []
    with transaction.atomic():
        dataset, _ = Dataset.objects.get_or_create(name=DATASET, defaults={"kind": Dataset.Kind.REGISTRY})
        if dataset.kind != Dataset.Kind.REGISTRY:
            raise BolagsverketError(f"Datamängden {DATASET!r} finns redan men är inget registerutdrag.")
        for c in companies:
            properties = {
                "status": c.status,
                **({"status_date": c.status_date.isoformat()} if c.status_date else {}),
                "form": c.form,
                "form_text": c.form_text,
                "deregistration_reason": c.deregistration_reason,
                "procedures": list(c.procedures),
                "unavailable": list(c.unavailable),
                "source": "Bolagsverket, värdefulla datamängder (API)",
                "fetched_on": fetched_on.isoformat(),
            }
            number = parse_organisation_number(c.org_number)  # NNNNNN-NNNN, as every registry keeps it
            entity, _ = Entity.objects.update_or_create(
                dataset=dataset, key=number,
                defaults={"schema": Schema.COMPANY, "name": c.name, "org_number": number,
                          "registered_on": c.registered_on, "country": c.country, "address": c.address,
                          "properties": properties},
            )  # fmt: skip
            Relation.objects.filter(dataset=dataset, source=entity, role="address").delete()
            if c.address:
                place, _ = Entity.objects.get_or_create(
                    dataset=dataset, key="address:" + " ".join(c.address.casefold().split()),
                    defaults={"schema": Schema.ADDRESS, "name": c.address, "address": c.address},
                )  # fmt: skip
                Relation.objects.create(dataset=dataset, source=entity, target=place, role="address")
            ids.append(entity.pk)
        dataset.version, dataset.imported_at = f"API {fetched_on.isoformat()}", timezone.now()
        dataset.save()
        index_entities(entity_ids=ids)
        refresh_frequencies(NameKey.objects.filter(entity__in=ids).values_list("key", flat=True))
    return ids
