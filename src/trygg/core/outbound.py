"""Outbound HTTP calls: the one guarded client for every call to an address that a user typed (a department's
Open311 endpoint), and the same caps for the calls to addresses that IT configured (the police events feed).

What a call to a *guarded* address goes through (OWASP Server-Side Request Forgery Prevention Cheat Sheet):

1. **One parse.** :func:`parse_target` reads the address with urllib3's ``parse_url`` and refuses it unless
   ``urllib.parse.urlsplit`` reads the same scheme, host, port and path, and unless it is plain ASCII without
   user info (``@``), backslashes, spaces, control characters or a fragment — the characters that parsers
   disagree on (``https://127.0.0.1:8443\\@open311.example.se/`` is 127.0.0.1 to urllib3). The connection is
   made to the host and port of this parse, by this module, and to nothing else.
2. **Allowed origins.** The scheme, host and port must be among the origins IT lists (:func:`parse_origins`:
   ``host`` is https on 443, ``host:8443`` https on that port, ``http://host:8080`` plain http on that port).
3. **Public addresses.** The host is resolved once; every address must be public (not loopback, private
   RFC 1918/ULA, link-local with the cloud metadata address 169.254.169.254, CGNAT, multicast, reserved,
   documentation, unspecified, nor IPv4 inside IPv6 — mapped, 6to4, NAT64, Teredo; RFC 6890), unless it lies in a
   network IT lists explicitly (``TRYGG_OUTBOUND_ALLOW_NETWORKS``).
4. **Pinned.** The connection goes to the checked address (no second lookup: DNS rebinding), while TLS verifies
   the certificate for the host *name* (SNI, ``server_hostname``). Redirects are not followed.
5. **Capped.** The whole exchange — connecting, TLS, the request, the headers and the body — has one deadline (a
   watchdog cuts the socket when it passes: an answer trickled a byte at a time stops there), and the body is
   read in pieces up to a maximum size, never whole. :func:`loads_json` parses with a depth limit.

Every error is an :class:`OutboundError` whose message is plain words fit to show a coordinator: an address
refused by the policy is refused before any connection is tried (so the messages cannot tell an open port from
a closed one), and connection problems are told as what they mean, not as the socket's own words.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import logging
import os
import socket
import ssl
import string
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

logger = logging.getLogger(__name__)

MAX_BYTES = 1_000_000  # an answer's body, by default
DEADLINE = 20.0  # seconds for the whole exchange, by default
CONNECT_TIMEOUT = 5.0  # seconds for one TCP connection attempt
MAX_JSON_DEPTH = 32
CHUNK = 64 * 1024
DEFAULT_PORTS = {"https": 443, "http": 80}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

# Not reachable from the internet, or IPv4 carried inside IPv6 (RFC 6890 and the IANA special-purpose
# registries). Listed because the ``ipaddress`` tables of Python 3.11 miss some of them (192.0.0.0/24, 2002::/16,
# 64:ff9b::/96, fec0::/10 are "global" there).
BLOCKED_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/8", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
        "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip

_HOST_CHARS = frozenset(string.ascii_lowercase + string.digits + ".-")
_URL_CHARS = frozenset(string.ascii_letters + string.digits + "-._~:/?[]@!$&'()*+,;=%")  # RFC 3986, no #


class OutboundError(Exception):
    """A call that could not be made or whose answer cannot be used; the message is fit to show a user."""


class AddressRefused(OutboundError):
    """Refused by the policy before any connection was tried; ``code`` and ``params`` let a form say it in the
    user's language (codes: characters, userinfo, unreadable, scheme, host, origin, port, internal, dns, setting)."""

    def __init__(self, message: str, code: str = "", **params: str):
        super().__init__(message)
        self.code, self.params = code, params


class ConnectionFailed(OutboundError):
    """No connection to an allowed address, or it broke off."""


class DeadlinePassed(OutboundError):
    """No complete answer before the deadline."""


class AnswerTooLarge(OutboundError):
    """The answer is larger than the call accepts."""


class BadJSON(ValueError):
    """An answer that is not JSON, or JSON nested deeper than allowed."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        default = DEFAULT_PORTS[self.scheme] == self.port
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" + ("" if default else f":{self.port}")


@dataclass(frozen=True)
class Target:
    """An address as this module reads it: where to connect and what to ask for there."""

    scheme: str
    host: str  # lower case; an IPv6 address without brackets
    port: int
    request_target: str  # the path and query, as sent on the request line

    @property
    def origin(self) -> Origin:
        return Origin(self.scheme, self.host, self.port)

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"


@dataclass(frozen=True)
class Policy:
    """Where calls may go. ``origins`` None: anywhere IT configured (no address checks; redirects followed)."""

    origins: frozenset[Origin] | None
    allow_networks: tuple[IPNetwork, ...] = ()
    origins_setting: str = "the allowed hosts"  # named in messages, e.g. "TRYGG_OPEN311_HOSTS"

    @property
    def guarded(self) -> bool:
        return self.origins is not None


UNGUARDED = Policy(origins=None)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    url: str = ""

    def text(self) -> str:
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


# -- the policy: pure functions ----------------------------------------------------------------------------------


def parse_target(url: str) -> Target:
    """The scheme, host, port and request target of an http(s) address, or :class:`AddressRefused` saying why."""
    if not isinstance(url, str) or not url:
        raise AddressRefused("no address given", "unreadable")
    odd = sorted({c for c in url if c not in _URL_CHARS})
    if odd:
        shown = ", ".join("space" if c == " " else repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in odd)
        raise AddressRefused(
            f"the address contains characters that are not allowed in it: {shown}", "characters", chars=shown
        )
    if "@" in url:
        raise AddressRefused(
            "the address may not contain @ (a user name or password in an address is refused)", "userinfo"
        )
    try:
        parsed = parse_url(url)
        split = urlsplit(url)
        split_port = split.port
    except (LocationParseError, ValueError):
        raise AddressRefused("the address cannot be read as an http(s) address", "unreadable") from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in DEFAULT_PORTS:
        raise AddressRefused("the address must start with https:// (or http:// where IT allows it)", "scheme")
    host = (parsed.host or "").lower().strip("[]")
    port = DEFAULT_PORTS[scheme] if parsed.port is None else parsed.port
    path = parsed.path or "/"
    agree = (
        split.scheme.lower() == scheme
        and (split.hostname or "").lower() == host
        and (DEFAULT_PORTS[scheme] if split_port is None else split_port) == port
        and (split.path or "/") == path
        and (split.query or None) == parsed.query
    )
    if not agree:
        raise AddressRefused(
            "the address is ambiguous (URL parsers read it differently); write it plainly", "unreadable"
        )
    _check_host(host)
    if not 0 < port < 65536:
        raise AddressRefused(f"the port {port} does not exist", "unreadable")
    return Target(scheme, host, port, path + (f"?{parsed.query}" if parsed.query else ""))


def _check_host(host: str) -> None:
    if not host:
        raise AddressRefused("the address has no host name", "unreadable")
    if ":" in host:  # an IPv6 literal
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise AddressRefused("the address's host is not a valid IPv6 address", "host") from None
        return
    if not set(host) <= _HOST_CHARS or ".." in host or host.startswith((".", "-")) or host.endswith("-"):
        raise AddressRefused("the host name may contain only letters a–z, digits, dots and hyphens", "host")
    last = host.rstrip(".").rsplit(".", 1)[-1]
    if last.isdigit() or host.startswith("0x"):  # a number: only a plain dotted IPv4 address, not 2130706433
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise AddressRefused("a numeric host must be a plain IPv4 address such as 192.0.2.10", "host") from None


def parse_origins(entries: Iterable[str], setting: str = "the allowed hosts") -> frozenset[Origin]:
    """The origins of an allow-list: ``host`` (https, 443), ``host:port`` (https), ``http://host[:port]``."""
    origins = set()
    for entry in entries:
        text = entry.strip().lower()
        if not text:
            continue
        if "://" not in text:
            text = "https://" + text
        try:
            target = parse_target(text.rstrip("/") + "/")
        except AddressRefused as exc:
            raise AddressRefused(f"{setting} has an entry that is not a host: {entry!r} ({exc})", "setting") from None
        if target.request_target != "/":
            raise AddressRefused(f"{setting} has an entry with a path: {entry!r} (give host or host:port)", "setting")
        origins.add(target.origin)
    return frozenset(origins)


def parse_networks(entries: Iterable[str], setting: str = "TRYGG_OUTBOUND_ALLOW_NETWORKS") -> tuple[IPNetwork, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise AddressRefused(f"{setting} has an entry that is not a network: {entry!r}", "setting") from None
    return tuple(networks)


def address_allowed(address: str | IPAddress, allow_networks: Iterable[IPNetwork] = ()) -> bool:
    """Whether a call may connect to this address: a public one, or one inside a network IT listed."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    inner = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else None
    listed = tuple(allow_networks)
    for candidate in (ip, inner):
        if candidate is not None and any(candidate.version == n.version and candidate in n for n in listed):
            return True
    if inner is not None:
        return False  # ::ffff:a.b.c.d is refused unless listed: it reaches the IPv4 address a.b.c.d
    if not ip.is_global or ip.is_multicast:
        return False
    return not any(ip.version == n.version and ip in n for n in BLOCKED_NETWORKS)


def check_origin(target: Target, policy: Policy) -> None:
    """:class:`AddressRefused` unless the target's scheme, host and port are among the policy's origins."""
    if policy.origins is None or target.origin in policy.origins:
        return
    same_host = {o for o in policy.origins if o.host == target.host}
    if not same_host:
        raise AddressRefused(
            f"the host {target.host} is not among the hosts allowed in {policy.origins_setting}",
            "origin",
            host=target.host,
        )
    if target.scheme == "http" and all(o.scheme == "https" for o in same_host):
        raise AddressRefused("the address must start with https:// (plain http:// only where IT allows it)", "scheme")
    raise AddressRefused(
        f"{target.origin} is not allowed: {policy.origins_setting} names the host, but not this scheme and port",
        "port",
        origin=str(target.origin),
    )


def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the system's resolver (``getaddrinfo``), in its order, each once."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in found if info[0] in _FAMILIES))


_FAMILIES = (socket.AF_INET, socket.AF_INET6)


def resolve(target: Target, policy: Policy, resolver: Resolver | None = None) -> list[str]:
    """The target's addresses, each checked; :class:`AddressRefused` when the host resolves to an address that
    is not allowed (the address is logged for IT, not told to the user), or to none."""
    try:
        literal = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = (resolver or system_resolver)(target.host, target.port)
        except (OSError, UnicodeError):
            raise AddressRefused(
                f"the host name {target.host} cannot be found (DNS)", "dns", host=target.host
            ) from None
        if not addresses:
            raise AddressRefused(f"the host name {target.host} cannot be found (DNS)", "dns", host=target.host)
    if policy.guarded:
        refused = [a for a in addresses if not address_allowed(a, policy.allow_networks)]
        if refused:
            logger.warning("outbound call to %s refused: it resolves to %s", target.host, ", ".join(refused))
            raise AddressRefused(
                f"{target.host} leads to an address inside the server's own network or a reserved range, which "
                "Trygg does not call (IT can list a network in TRYGG_OUTBOUND_ALLOW_NETWORKS)",
                "internal",
                host=target.host,
            )
    return addresses


def check_url(url: str, policy: Policy, *, resolver: Resolver | None = None, resolve_names: bool = True) -> Target:
    """Everything the policy says about an address, without connecting: what a form checks at saving and every
    call checks again (:func:`request`)."""
    target = parse_target(url)
    check_origin(target, policy)
    if resolve_names:
        resolve(target, policy, resolver)
    return target


# -- the call -----------------------------------------------------------------------------------------------------


@dataclass
class _Watchdog:
    """Cuts a connection when the deadline passes: a blocked read (of TLS too) then returns at once. It holds its
    own duplicate of the socket, since wrapping a socket in TLS hands its descriptor to a new object."""

    deadline_at: float
    fired: bool = False
    timer: threading.Timer | None = None
    handle: socket.socket | None = None

    def remaining(self) -> float:
        return self.deadline_at - time.monotonic()

    def arm(self, sock: socket.socket) -> None:
        self.handle = sock.dup()
        self.timer = threading.Timer(max(self.remaining(), 0.0), self._cut)
        self.timer.daemon = True
        self.timer.start()

    def _cut(self) -> None:
        self.fired = True
        with contextlib.suppress(OSError):
            self.handle.shutdown(socket.SHUT_RDWR)  # shuts the connection for every descriptor of it

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer.join()
        if self.handle is not None:
            self.handle.close()


def _ssl_context(ca_file: str | None) -> ssl.SSLContext:
    cafile = ca_file or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    if not cafile:
        try:
            import certifi

            cafile = certifi.where()
        except ImportError:  # the system's store
            cafile = None
    return ssl.create_default_context(cafile=cafile)


def request(
    method: str,
    url: str,
    *,
    policy: Policy,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE,
    connect_timeout: float = CONNECT_TIMEOUT,
    resolver: Resolver | None = None,
    ca_file: str | None = None,
    max_redirects: int = 3,
) -> Answer:
    """One HTTP exchange within ``deadline`` seconds whose body is at most ``max_bytes``.

    A guarded policy checks the address (:func:`check_url`) and never follows a redirect; the unguarded one (IT's
    own addresses) follows up to ``max_redirects`` redirects of a GET, never from https to http."""
    started = time.monotonic()
    current = url
    for hop in range(max_redirects + 1):
        remaining = deadline - (time.monotonic() - started)
        answer = _exchange(method, current, policy, dict(headers or {}), body, max_bytes, remaining, deadline,
                           connect_timeout, resolver, ca_file)  # fmt: skip
        if not 300 <= answer.status < 400 or answer.status == 304 or "location" not in answer.headers:
            return answer
        if policy.guarded:
            raise OutboundError(
                f"the address answered with a redirect (HTTP {answer.status}), which Trygg does not follow: "
                "enter the address the department gives for its endpoint"
            )
        if method != "GET" or hop == max_redirects:
            raise OutboundError(f"too many redirects, or a redirect of a {method} (HTTP {answer.status})")
        following = urljoin(current, answer.headers["location"])
        if urlsplit(current).scheme == "https" and urlsplit(following).scheme != "https":
            raise OutboundError("the address redirects from https to an address without https")
        current = following
    raise AssertionError("unreachable")  # pragma: no cover


def _exchange(method, url, policy, headers, body, max_bytes, remaining, deadline, connect_timeout, resolver, ca_file):
    target = parse_target(url)
    check_origin(target, policy)
    if remaining <= 0:
        raise DeadlinePassed(f"no answer, or not all of it, within {deadline:g} s")
    watchdog = _Watchdog(time.monotonic() + remaining)
    addresses = resolve(target, policy, resolver)
    sock = _connect(target, addresses, watchdog, connect_timeout, deadline)
    where = target.host
    try:
        watchdog.arm(sock)
        sock.settimeout(max(watchdog.remaining(), 0.001))
        if target.scheme == "https":
            sock = _ssl_context(ca_file).wrap_socket(sock, server_hostname=target.host)
        connection = http.client.HTTPConnection(target.host, target.port)
        connection.sock = sock  # connected, checked and pinned here: http.client only speaks HTTP on it
        sent = {"Host": target.host_header, "Accept-Encoding": "identity", "Connection": "close", **headers}
        connection.request(method, target.request_target, body=body, headers=sent)
        response = connection.getresponse()
        answer_headers = {name.lower(): value for name, value in reversed(response.getheaders())}
        declared = answer_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise AnswerTooLarge(f"the answer is larger than {_size(max_bytes)} ({_size(int(declared))})")
        data = bytearray()
        while chunk := response.read1(CHUNK):
            data += chunk
            if len(data) > max_bytes:
                raise AnswerTooLarge(f"the answer is larger than {_size(max_bytes)}; Trygg stopped reading it")
        if watchdog.fired:  # the cut connection ended the body early: it is not the whole answer
            raise DeadlinePassed(f"no answer, or not all of it, within {deadline:g} s")
        return Answer(response.status, answer_headers, bytes(data), url)
    except OutboundError:
        raise
    except ssl.SSLCertVerificationError:
        if watchdog.fired:
            raise DeadlinePassed(f"no answer, or not all of it, within {deadline:g} s") from None
        raise ConnectionFailed(f"the certificate of {where} could not be verified for that name") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if watchdog.fired:
            raise DeadlinePassed(f"no answer, or not all of it, within {deadline:g} s") from None
        if isinstance(exc, ssl.SSLError):
            raise ConnectionFailed(f"the secure connection (TLS) to {where} failed") from None
        if isinstance(exc, socket.timeout):
            raise DeadlinePassed(f"no answer, or not all of it, within {deadline:g} s") from None
        if isinstance(exc, http.client.HTTPException | ValueError):
            raise OutboundError(f"the answer from {where} is not valid HTTP") from None
        raise ConnectionFailed(f"the connection to {where} broke off before the answer was complete") from None
    finally:
        watchdog.disarm()
        with contextlib.suppress(OSError):
            sock.close()


def _connect(
    target: Target, addresses: list[str], watchdog: _Watchdog, connect_timeout: float, deadline: float
) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers (never a new lookup of the name)."""
    for address in addresses:
        remaining = watchdog.remaining()
        if remaining <= 0:
            break
        try:
            return socket.create_connection((address, target.port), timeout=min(connect_timeout, remaining))
        except OSError:
            continue
    if watchdog.remaining() <= 0:
        raise DeadlinePassed(f"no answer, or not all of it, within {deadline:g} s")
    raise ConnectionFailed(f"could not connect to {target.origin}")


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n / 1000:g} kB"


# -- reading JSON defensively --------------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise BadJSON(f"the answer holds {name}, which is not JSON")


def loads_json(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """JSON from an answer that may be hostile: :class:`BadJSON` for what is not JSON, for NaN/Infinity, for
    integers of more than 4300 digits (Python's limit) and for nesting deeper than ``max_depth``."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadJSON(f"the answer is nested deeper than {max_depth} levels") from None
    except BadJSON:
        raise
    except ValueError as exc:
        if "Exceeds the limit" in str(exc):
            raise BadJSON(f"the answer holds a number of more than {sys.get_int_max_str_digits()} digits") from None
        raise BadJSON(f"the answer is not JSON ({_first_words(str(exc))})") from None
    stack = [(data, 1)]
    while stack:  # iterative: a deep answer cannot exhaust the stack here either
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise BadJSON(f"the answer is nested deeper than {max_depth} levels")
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return data


def _first_words(text: str, length: int = 80) -> str:
    return " ".join(text.split())[:length]
