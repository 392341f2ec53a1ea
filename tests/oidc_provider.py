"""A real OpenID Connect provider on loopback for the tests: discovery, a login form, the authorisation code flow
with PKCE (S256), RS256-signed ID tokens, a key set and userinfo — the parts of OpenID Connect Core 1.0 and
Discovery 1.0 a relying party uses. It keeps people and their groups in memory; a test changes a person's groups
between two sign-ins the way an IT department would at its directory.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class Person:
    subject: str
    password: str
    email: str
    given_name: str
    family_name: str
    groups: list[str] = field(default_factory=list)


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    username: str
    issued: float


class Provider:
    """The provider's state: one client, people by username, codes and access tokens issued."""

    def __init__(self, client_id: str = "trygg", client_secret: str | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.redirect_uris: set[str] = set()
        self.people: dict[str, Person] = {}
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, str] = {}
        self.key = RSAKey.generate_key(2048, parameters={"kid": "loopback-1", "use": "sig", "alg": "RS256"})
        self.issuer = ""
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def add(self, username: str, *, groups: list[str], email: str | None = None, subject: str | None = None) -> Person:
        person = Person(
            subject=subject or secrets.token_hex(8),
            password=secrets.token_urlsafe(9),
            email=email or f"{username}@idp.example",
            given_name=username.capitalize(),
            family_name="Testsson",
            groups=list(groups),
        )
        self.people[username] = person
        return person

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        }

    def claims(self, person: Person) -> dict:
        return {
            "sub": person.subject,
            "email": person.email,
            "email_verified": True,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "preferred_username": person.email.split("@")[0],
            "groups": list(person.groups),
        }

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        person = self.people[grant.username]
        payload = self.claims(person) | {
            "iss": self.issuer,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "auth_time": int(grant.issued),
        }
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, payload, self.key)


def _b64url_sha256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


LOGIN_PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Loopback IdP</title></head>
<body><main><h1>Kommunens inloggning (test)</h1>{error}
<form method="post" action="/authorize"><input type="hidden" name="query" value="{query}">
<label for="u">Användarnamn</label><input id="u" name="username">
<label for="p">Lösenord</label><input id="p" name="password" type="password">
<button type="submit">Logga in</button></form></main></body></html>"""


def handler_for(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, body: str | bytes, content_type: str = "application/json", headers=()) -> None:
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, obj: dict) -> None:
            self._send(status, json.dumps(obj))

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

        def do_GET(self) -> None:
            url = urlparse(self.path)
            provider.requests.append(f"GET {url.path}")
            if url.path == "/.well-known/openid-configuration":
                return self._json(200, provider.metadata())
            if url.path == "/jwks":
                return self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            if url.path == "/authorize":
                return self._authorize_page(url.query, "")
            if url.path == "/userinfo":
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
                username = provider.tokens.get(token)
                if username is None:
                    return self._json(401, {"error": "invalid_token"})
                return self._json(200, provider.claims(provider.people[username]))
            return self._json(404, {"error": "not_found"})

        def _authorize_page(self, query: str, error: str) -> None:
            params = {k: v[0] for k, v in parse_qs(query).items()}
            known = (
                params.get("client_id") == provider.client_id and params.get("redirect_uri") in provider.redirect_uris
            )
            if not known:
                return self._send(400, "unknown client or redirect_uri", "text/plain")
            if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256":
                return self._send(400, "only the code flow with PKCE S256", "text/plain")
            page = LOGIN_PAGE.format(error=error, query=html.escape(query))
            return self._send(200, page, "text/html; charset=utf-8")

        def do_POST(self) -> None:
            url = urlparse(self.path)
            provider.requests.append(f"POST {url.path}")
            form = self._form()
            if url.path == "/authorize":
                return self._login(form)
            if url.path == "/token":
                return self._token(form)
            return self._json(404, {"error": "not_found"})

        def _login(self, form: dict[str, str]) -> None:
            query = form.get("query", "")
            params = {k: v[0] for k, v in parse_qs(query).items()}
            person = provider.people.get(form.get("username", ""))
            if person is None or not secrets.compare_digest(person.password, form.get("password", "")):
                return self._authorize_page(query, "<p role='alert'>Fel användarnamn eller lösenord.</p>")
            if params.get("redirect_uri") not in provider.redirect_uris:
                return self._send(400, "unknown redirect_uri", "text/plain")
            code = secrets.token_urlsafe(24)
            with provider.lock:
                provider.codes[code] = Grant(
                    client_id=params["client_id"],
                    redirect_uri=params["redirect_uri"],
                    nonce=params.get("nonce", ""),
                    challenge=params.get("code_challenge", ""),
                    username=form["username"],
                    issued=time.time(),
                )
            target = params["redirect_uri"] + "?" + urlencode({"code": code, "state": params.get("state", "")})
            return self._send(302, "", "text/plain", headers=[("Location", target)])

        def _client_authenticated(self, form: dict[str, str]) -> bool:
            auth = self.headers.get("Authorization") or ""
            if auth.startswith("Basic "):
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            else:
                client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
            return client_id == provider.client_id and secrets.compare_digest(secret, provider.client_secret)

        def _token(self, form: dict[str, str]) -> None:
            if not self._client_authenticated(form):
                return self._json(401, {"error": "invalid_client"})
            with provider.lock:
                grant = provider.codes.pop(form.get("code", ""), None)  # a code is used once (RFC 6749 §4.1.2)
            if grant is None or form.get("grant_type") != "authorization_code":
                return self._json(400, {"error": "invalid_grant"})
            if form.get("redirect_uri") != grant.redirect_uri:
                return self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
            if _b64url_sha256(form.get("code_verifier", "")) != grant.challenge:  # RFC 7636 §4.6
                return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
            access = secrets.token_urlsafe(24)
            provider.tokens[access] = grant.username
            answer = {"access_token": access, "token_type": "Bearer", "expires_in": 300}
            return self._json(200, answer | {"id_token": provider.id_token(grant)})

    return Handler


def configure(settings, provider: Provider, redirect_uri: str, name: str = "kommun", **options) -> None:
    """Point Trygg's settings at this provider as ``name`` (label "Karlstads kommun" unless given) and accept
    ``redirect_uri`` as the client's."""
    from trygg.sso.config import Provider as Configured

    provider.redirect_uris.add(redirect_uri)
    settings.TRYGG_OIDC_PROVIDERS = {
        name: Configured(
            name=name,
            label=options.pop("label", "Karlstads kommun"),
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            **options,
        )
    }


@pytest.fixture
def oidc_provider():
    """A provider serving on a free loopback port for the duration of a test."""
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield provider
    server.shutdown()
    server.server_close()


def sign_in(client, provider: Provider, username: str, name: str = "kommun") -> tuple[object, str]:
    """The browser's part of a sign-in with the configured provider ``name``: Trygg (the Django test ``client``)
    → the provider's login form → back to Trygg with a code. Returns Trygg's answer and the callback's URL."""
    import re

    start = client.get(f"/accounts/sso/{name}/")
    assert start.status_code == 302, start
    authorize = start["Location"]
    assert authorize.startswith(provider.issuer + "/authorize?")
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0]
    form = requests.get(authorize, timeout=10)
    assert form.status_code == 200
    hidden = html.unescape(re.search(r'name="query" value="([^"]*)"', form.text).group(1))
    person = provider.people[username]
    back = requests.post(
        provider.issuer + "/authorize",
        data={"query": hidden, "username": username, "password": person.password},
        allow_redirects=False,
        timeout=10,
    )
    assert back.status_code == 302
    location = back.headers["Location"]
    assert location.startswith(f"http://testserver/accounts/sso/{name}/klar/")
    return client.get(location.removeprefix("http://testserver")), location
