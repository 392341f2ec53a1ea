"""The guarded outbound client (``trygg.core.outbound``): how addresses are read and which are refused, and real
exchanges with servers on loopback — TLS verified for the host name while the connection goes to the address
checked once (a resolver hook stands in for DNS), redirects, and the deadline over a TLS handshake that never
ends."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from trygg.core import outbound
from trygg.core.outbound import AddressRefused, Origin, Policy

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)


# -- reading an address ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://127.0.0.1:8443\\@open311.example.se/v2/", "characters"),  # urllib3: 127.0.0.1; urlsplit: the other
        ("https://open311.example.se\\.evil.example/v2/", "characters"),
        ("https://user:pw@open311.example.se/v2/", "userinfo"),
        ("https://open311.example.se@127.0.0.1/v2/", "userinfo"),
        ("https://open311.example.se/v2/ x", "characters"),
        ("https://open311.example.se/v2/\t", "characters"),
        ("https://open311.example.se\r\nHost: x/v2/", "characters"),
        ("https://öppen.example.se/v2/", "characters"),
        ("https://open311.example.se/v2/#x", "characters"),
        ("javascript:alert(1)", "scheme"),
        ("ftp://open311.example.se/", "scheme"),
        ("//open311.example.se/v2/", "scheme"),
        ("https://2130706433/", "host"),  # 127.0.0.1 as one number: inet_aton reads it, a person does not
        ("https://0x7f.1/", "host"),
        ("https://127.1/", "host"),
        ("https://open311_example.se/", "host"),
        ("https://[::1/", "unreadable"),
        ("https://open311.example.se:0/", "unreadable"),
        ("https://open311.example.se:99999/", "unreadable"),
        ("https:///v2/", "unreadable"),
        ("https://open311.example.se/a/../../b", "unreadable"),  # urllib3 removes the dots, urlsplit does not
    ],
)
def test_an_address_that_parsers_may_read_differently_is_refused_saying_why(url, code):
    with pytest.raises(AddressRefused) as caught:
        outbound.parse_target(url)
    assert caught.value.code == code, str(caught.value)


def test_a_plain_address_is_read_once_into_what_is_connected_to():
    target = outbound.parse_target("HTTPS://Open311.Example.SE/v2/requests.json?service_request_id=a%2Cb")
    assert (target.scheme, target.host, target.port) == ("https", "open311.example.se", 443)
    assert target.request_target == "/v2/requests.json?service_request_id=a%2Cb"
    assert target.host_header == "open311.example.se"
    six = outbound.parse_target("https://[2001:db8::1]:8443/v2/")
    assert (six.host, six.port, six.host_header) == ("2001:db8::1", 8443, "[2001:db8::1]:8443")


def test_allow_list_entries_name_scheme_host_and_port():
    origins = outbound.parse_origins(["open311.karlstad.se", "open311.orebro.se:8443", "http://10.1.2.3:8080", " "])
    assert origins == {
        Origin("https", "open311.karlstad.se", 443),
        Origin("https", "open311.orebro.se", 8443),
        Origin("http", "10.1.2.3", 8080),
    }
    policy = Policy(origins=origins, origins_setting="TRYGG_OPEN311_HOSTS")
    outbound.check_url("https://open311.karlstad.se:443/v2/", policy, resolve_names=False)
    for url, words in [
        ("https://open311.karlstad.se:8443/v2/", "names the host, but not this scheme and port"),
        ("http://open311.karlstad.se/v2/", "must start with https://"),
        ("https://10.1.2.3:8080/v2/", "names the host, but not this scheme and port"),
        ("https://intranet.karlstad.se/", "not among the hosts allowed in TRYGG_OPEN311_HOSTS"),
    ]:
        with pytest.raises(AddressRefused, match=words):
            outbound.check_url(url, policy, resolve_names=False)
    with pytest.raises(AddressRefused, match="TRYGG_OPEN311_HOSTS has an entry with a path"):
        outbound.parse_origins(["open311.karlstad.se/v2"], "TRYGG_OPEN311_HOSTS")
    with pytest.raises(AddressRefused, match=r"not a network: '10\.0\.0\.0/33'"):
        outbound.parse_networks(["10.0.0.0/33"])


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "255.255.255.255", "224.0.0.1", "233.252.0.1", "240.0.0.1", "192.0.0.8", "198.18.0.1",
        "192.0.2.1", "::", "::1", "fd00::1", "fe80::1", "fec0::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "::127.0.0.1", "2002:7f00:1::1", "64:ff9b::a00:1", "2001::1", "2001:db8::1",
    ],
)  # fmt: skip
def test_internal_reserved_and_embedded_addresses_are_refused(address):
    assert not outbound.address_allowed(address)


def test_public_addresses_are_allowed_and_a_listed_network_is_allowed_exactly():
    assert outbound.address_allowed("193.183.99.10") and outbound.address_allowed("2a00:1450:4001::1")
    assert outbound.address_allowed("127.0.0.1", LOOPBACK)
    assert outbound.address_allowed("::ffff:127.0.0.1", LOOPBACK)  # the same address, written for IPv6
    assert not outbound.address_allowed("127.0.0.2", LOOPBACK) and not outbound.address_allowed("::1", LOOPBACK)


def test_a_name_is_refused_when_any_of_its_addresses_is_not_allowed():
    policy = Policy(origins=frozenset({Origin("https", "open311.test", 443)}), allow_networks=LOOPBACK)
    target = outbound.parse_target("https://open311.test/v2/")
    assert outbound.resolve(target, policy, lambda host, port: ["127.0.0.1"]) == ["127.0.0.1"]
    with pytest.raises(AddressRefused) as caught:
        outbound.resolve(target, policy, lambda host, port: ["127.0.0.1", "10.0.0.7"])
    assert caught.value.code == "internal" and "10.0.0.7" not in str(caught.value)

    def no_such_name(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(AddressRefused, match="cannot be found"):
        outbound.resolve(target, policy, no_such_name)


# -- JSON ----------------------------------------------------------------------------------------------------------


def test_json_is_read_with_a_depth_limit():
    assert outbound.loads_json('[{"a": [1, 2.5, "x", null]}]') == [{"a": [1, 2.5, "x", None]}]
    assert outbound.loads_json("[" * 32 + "]" * 32) is not None
    for text, words in [
        ("[" * 33 + "]" * 33, "nested deeper than 32"),
        ("[" * 200_000, "nested deeper than 32"),
        ('{"a": ' * 100_000, "nested deeper than 32"),
        ("[NaN]", "NaN"),
        ("[-Infinity]", "-Infinity"),
        ("1" * 5000, "more than 4300 digits"),
        ("<html>", "not JSON"),
    ]:
        with pytest.raises(outbound.BadJSON, match=words):
            outbound.loads_json(text)


# -- real exchanges ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A test CA and a certificate of it for ``open311.test`` (files: the CA, the server's chain and key)."""
    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Trygg test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "open311.test")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("open311.test")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "server.pem").write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    (folder / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder


class Seen:
    def __init__(self):
        self.server_names: list[str | None] = []
        self.requests: list[dict] = []


@pytest.fixture
def tls_server(certificates):
    """An https server on loopback with the certificate of ``open311.test``: answers what it was asked, and
    ``/go-away`` with a redirect."""
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            seen.requests.append({"path": self.path, "host": self.headers["Host"]})
            if self.path == "/go-away":
                self.send_response(302)
                self.send_header("Location", "/v2/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.dumps([{"path": self.path}]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    context.sni_callback = lambda sock, name, ctx: seen.server_names.append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


class Rebinding:
    """A DNS that answers loopback (allowed in the test) once, and an internal address after that."""

    def __init__(self):
        self.asked = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked += 1
        return ["127.0.0.1"] if self.asked == 1 else ["10.0.0.7"]


def test_https_goes_to_the_address_checked_once_and_verifies_the_certificate_for_the_name(certificates, tls_server):
    port, seen = tls_server
    policy = Policy(origins=frozenset({Origin("https", "open311.test", port)}), allow_networks=LOOPBACK)
    dns = Rebinding()
    answer = outbound.request("GET", f"https://open311.test:{port}/v2/requests.json?x=1", policy=policy,
                              resolver=dns, ca_file=str(certificates / "ca.pem"), deadline=5)  # fmt: skip
    assert answer.status == 200 and json.loads(answer.text()) == [{"path": "/v2/requests.json?x=1"}]
    assert dns.asked == 1  # one lookup: nothing to rebind between the check and the connection
    assert seen.server_names == ["open311.test"]  # SNI: the name, though the connection went to 127.0.0.1
    assert seen.requests[0]["host"] == f"open311.test:{port}"


def test_a_certificate_for_another_name_is_refused(certificates, tls_server):
    port, seen = tls_server
    policy = Policy(origins=frozenset({Origin("https", "other.test", port)}), allow_networks=LOOPBACK)
    with pytest.raises(outbound.ConnectionFailed, match=r"certificate of other\.test could not be verified"):
        outbound.request("GET", f"https://other.test:{port}/v2/", policy=policy,
                         resolver=lambda host, port: ["127.0.0.1"], ca_file=str(certificates / "ca.pem"))  # fmt: skip
    assert seen.requests == []


def test_a_guarded_call_does_not_follow_a_redirect_and_an_unguarded_one_does(certificates, tls_server):
    port, seen = tls_server
    dns = lambda host, port: ["127.0.0.1"]  # noqa: E731
    guarded = Policy(origins=frozenset({Origin("https", "open311.test", port)}), allow_networks=LOOPBACK)
    with pytest.raises(outbound.OutboundError, match=r"redirect \(HTTP 302\), which Trygg does not follow"):
        outbound.request("GET", f"https://open311.test:{port}/go-away", policy=guarded, resolver=dns,
                         ca_file=str(certificates / "ca.pem"))  # fmt: skip
    assert [r["path"] for r in seen.requests] == ["/go-away"]
    answer = outbound.request("GET", f"https://open311.test:{port}/go-away", policy=outbound.UNGUARDED,
                              resolver=dns, ca_file=str(certificates / "ca.pem"))  # fmt: skip
    assert json.loads(answer.body) == [{"path": "/v2/"}] and answer.url == f"https://open311.test:{port}/v2/"


def test_the_deadline_covers_a_tls_handshake_that_never_ends():
    """A server that accepts the connection and says nothing: the handshake waits, the deadline cuts it."""
    with socket.socket() as mute:
        mute.bind(("127.0.0.1", 0))
        mute.listen(1)
        port = mute.getsockname()[1]
        policy = Policy(origins=frozenset({Origin("https", "127.0.0.1", port)}), allow_networks=LOOPBACK)
        started = time.monotonic()
        with pytest.raises(outbound.DeadlinePassed, match=r"within 0\.8 s"):
            outbound.request("GET", f"https://127.0.0.1:{port}/", policy=policy, deadline=0.8)
        assert 0.7 < time.monotonic() - started < 1.5


@pytest.fixture
def feed():
    """A feed on loopback (IT's own address, as the police events'): answers ``feed.body`` with ``feed.headers``."""

    class Feed:
        body, headers = b"[]", {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            for name, value in Feed.headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(OSError):  # the client stopped reading
                self.wfile.write(Feed.body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Feed.url = f"http://127.0.0.1:{server.server_port}/api/events"
    yield Feed
    server.shutdown()
    server.server_close()


def test_the_police_feed_is_fetched_through_the_same_caps(feed, monkeypatch):
    """IT's own addresses get no address policy, but the size cap (after un-gzipping too) and the deadline."""
    import gzip

    from trygg.core import importing

    feed.body = json.dumps([{"id": 1}]).encode()
    assert importing.fetch_url(feed.url) == feed.body  # loopback: IT's address is not checked
    monkeypatch.setattr(importing, "FETCH_MAX_BYTES", 100_000)
    feed.body = b"[" + b"0," * 100_000 + b"0]"
    with pytest.raises(importing.RecordError, match="larger than 100 kB; Trygg stopped reading"):
        importing.fetch_url(feed.url)
    feed.body = gzip.compress(b" " * 10_000_000)  # 10 kB packed, 10 MB unpacked
    with pytest.raises(importing.RecordError, match="större än 100000 byte uppackat"):
        importing.fetch_url(feed.url)
