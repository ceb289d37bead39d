"""TLS pinning: the client talks only to a server whose certificate has the pinned SHA-256 fingerprint."""
import datetime
import hashlib
import http.server
import json
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import colony


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "colony-test")])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    (d / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            seen.append(dict(self.headers))
            body = json.dumps({"status": "ok"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(d / "c.pem"), str(d / "k.pem"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    yield srv.server_address[1], fingerprint, seen
    srv.shutdown()


def test_the_pinned_certificate_connects(tls_server):
    port, fp, seen = tls_server
    colon = ":".join(fp[i:i + 2] for i in range(0, 64, 2)).upper()
    c = colony.Client.from_env({"COLONY_HOST": "127.0.0.1", "COLONY_PORT": str(port),
                                "COLONY_PRVKEY": colony.Key.generate().private_hex, "COLONY_TLS_FINGERPRINT": colon})
    assert c.transport.base_url.startswith("https://")
    assert c.health() == {"status": "ok"}
    assert seen[-1]["Colony-Key"] == c.key.member_id and len(seen[-1]["Colony-Signature"]) == 128


def test_another_certificate_is_refused(tls_server):
    port, fp, _ = tls_server
    wrong = ("0" if fp[0] != "0" else "1") + fp[1:]
    c = colony.Client("127.0.0.1", port, colony.Key.generate(), fingerprint=wrong)
    with pytest.raises(colony.ConnectError) as e:
        c.health()
    assert "not the pinned" in str(e.value) and fp in str(e.value)


def test_without_a_pin_a_self_signed_certificate_is_not_trusted(tls_server):
    port, _, _ = tls_server
    c = colony.Client("127.0.0.1", port, None, tls=True)
    with pytest.raises(colony.ConnectError) as e:
        c.health()
    assert "TLS" in str(e.value) or "certificate" in str(e.value)


def test_plain_http_to_a_tls_port_is_one_clear_error(tls_server):
    port, _, _ = tls_server
    c = colony.Client("127.0.0.1", port, None, timeout=3)
    with pytest.raises(colony.ColonyError):
        c.health()
