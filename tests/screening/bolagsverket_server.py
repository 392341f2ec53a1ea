"""A loopback Bolagsverket "Värdefulla datamängder" v1, built from its published description: an OAuth2 token
endpoint (client credentials, both scopes asked for together) and ``POST /organisationer`` answering in the
published shape — every block with its ``dataproducent`` and ``fel``; an unknown company is HTTP 200 with
``ORGANISATION_FINNS_EJ``; a bad check digit is an RFC 7807 error (400); a missing or revoked token is 401.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from stdnum.se import orgnr

SCOPES = {"vardefulla-datamangder:read", "vardefulla-datamangder:ping"}
NOT_FOUND = {
    "typ": "ORGANISATION_FINNS_EJ",
    "felBeskrivning": "Begärd organisation finns inte registrerad i sökbar form.",
}


def block(producer: str = "Bolagsverket", **values) -> dict:
    return {**values, "dataproducent": producer, "fel": None}


def company(number: str, name: str, registered: str, street: str, postcode: str, town: str, form=("AB", "Aktiebolag"),
            procedures=(), deregistered=None, reason=None) -> dict:  # fmt: skip
    """One organisation of the answer, as the published AB example is laid out."""
    return {
        "organisationsidentitet": {"identitetsbeteckning": number,
                                   "typ": {"kod": "ORGANISATIONSNUMMER", "klartext": "Organisationsnummer"}},
        "namnskyddslopnummer": None,
        "organisationsnamn": block(organisationsnamnLista=[{
            "namn": name, "organisationsnamntyp": {"kod": "FORETAGSNAMN", "klartext": "Företagsnamn"},
            "registreringsdatum": registered, "verksamhetsbeskrivningSarskiltForetagsnamn": None}]),
        "registreringsland": {"kod": "SE-LAND", "klartext": "Sverige"},
        "reklamsparr": block("SCB", kod="NEJ"),
        "organisationsform": block(kod=form[0], klartext=form[1]),
        "avregistreradOrganisation": block(avregistreringsdatum=deregistered) if deregistered else None,
        "avregistreringsorsak": block(kod=reason[0], klartext=reason[1]) if reason else None,
        "pagaendeAvvecklingsEllerOmstruktureringsforfarande": block(
            pagaendeAvvecklingsEllerOmstruktureringsforfarandeLista=[
                {"kod": k, "klartext": t, "fromDatum": d} for k, t, d in procedures]) if procedures else None,
        "juridiskForm": block("SCB", kod="49", klartext="Övriga aktiebolag"),
        "verksamOrganisation": block("SCB", kod="JA"),
        "organisationsdatum": block(registreringsdatum=registered, infortHosScb=registered),
        "verksamhetsbeskrivning": block(beskrivning="\n   Restaurangverksamhet."),
        "naringsgrenOrganisation": block(sni=[{"kod": "56100", "klartext": "Restaurangverksamhet"}]),
        "postadressOrganisation": block("SCB", postadress={"postnummer": postcode, "utdelningsadress": street,
                                                           "land": None, "coAdress": None, "postort": town}),
    }  # fmt: skip


def not_found(number: str) -> dict:
    empty = {"dataproducent": "Bolagsverket", "fel": NOT_FOUND}
    return {
        "organisationsidentitet": {"identitetsbeteckning": number, "typ": None},
        "namnskyddslopnummer": None,
        "organisationsnamn": {"organisationsnamnLista": [], **empty},
        "organisationsform": {"kod": None, "klartext": None, **empty},
        "avregistreradOrganisation": {"avregistreringsdatum": None, **empty},
        "organisationsdatum": {"registreringsdatum": None, "infortHosScb": None, **empty},
        "postadressOrganisation": {"postadress": None, **empty},
    }


class Bolagsverket:
    """``with Bolagsverket(companies, client_id, secret) as bv: bv.token_url, bv.base_url``; counts tokens issued
    and requests served; :meth:`revoke` makes every issued token invalid (as when one expires)."""

    def __init__(self, companies: dict[str, dict], client_id: str = "trygg-test", secret: str = "hemligt"):
        self.companies, self.client_id, self.secret = companies, client_id, secret
        self.tokens: set[str] = set()
        self.issued = 0
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body, content_type: str = "application/json") -> None:
                data = json.dumps(body, ensure_ascii=False).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, title: str, detail: str, instance: str) -> None:
                self._send(status, {"type": "about:blank", "instance": instance, "status": status, "title": title,
                                    "detail": detail, "requestId": self.headers.get("X-Request-Id")},
                           "application/problem+json")  # fmt: skip

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/oauth2/token":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    if form.get("client_id") != outer.client_id or form.get("client_secret") != outer.secret:
                        return self._send(401, {"error": "invalid_client"})
                    if form.get("grant_type") != "client_credentials":
                        return self._send(400, {"error": "unsupported_grant_type"})
                    asked = set(form.get("scope", "").split())
                    granted = asked & SCOPES if asked >= SCOPES else {"default"}
                    token = secrets.token_hex(16)
                    outer.tokens.add(token)
                    outer.issued += 1
                    return self._send(200, {"access_token": token, "scope": " ".join(sorted(granted)),
                                            "token_type": "Bearer", "expires_in": 3600})  # fmt: skip
                if self.path != "/vardefulla-datamangder/v1/organisationer":
                    return self._error(404, "Not Found", "Resursen finns inte.", "not.found")
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in outer.tokens:
                    return self._error(401, "Unauthorized", "Anroparen saknar giltiga autentiseringsuppgifter.",
                                       "auth.error")  # fmt: skip
                try:
                    number = json.loads(body)["identitetsbeteckning"]
                except (ValueError, KeyError, TypeError):
                    return self._error(400, "Bad Request", "Felaktig begäran.", "client.error")
                outer.requests.append({"number": number, "request_id": self.headers.get("X-Request-Id")})
                if not isinstance(number, str) or not number.isdigit() or len(number) != 10:
                    return self._error(400, "Bad Request", "Identitetsbeteckning har ogiltigt format.", "client.error")
                if not orgnr.is_valid(number):
                    return self._error(400, "Bad Request", "Identitetsbeteckning har ogiltig kontrollsiffra.",
                                       "client.error")  # fmt: skip
                answer = outer.companies.get(number) or not_found(number)
                return self._send(200, {"organisationer": [answer]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/oauth2/token"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/vardefulla-datamangder/v1"

    def revoke(self) -> None:
        self.tokens.clear()

    def __enter__(self) -> Bolagsverket:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
