"""Signatures exactly as the Java side makes and checks them."""
import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import colony
from colony import signing
from colony._pb import colony_pb2 as pb

SEED = bytes([1]) * 32
PUBLIC = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
GOLDEN = ("cc6ac90ff394f08382e12dabe233c6c03e0bf4a3118a18db0fd26e3432fb4760"
          "f2c164c3187c19bdfef9262031521bc0a9f017ecb64f2e237d6950c2803dcf03")


def test_request_signature_matches_the_golden_vector():
    k = colony.Key(SEED)
    assert k.member_id == PUBLIC
    body = b'{"a":1}'
    assert hashlib.sha256(body).hexdigest() == "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
    h = signing.request_headers(k, "post", "/api/v1/processes?limit=10", 1700000000000, body,
                                "00112233445566778899aabbccddeeff")
    assert h == {"Colony-Key": PUBLIC, "Colony-Timestamp": "1700000000000",
                 "Colony-Nonce": "00112233445566778899aabbccddeeff", "Colony-Signature": GOLDEN}


def test_request_headers_have_a_fresh_nonce_and_sign_the_empty_body():
    k = colony.Key(SEED)
    a = signing.request_headers(k, "GET", "/api/v1/node", 1, b"")
    b = signing.request_headers(k, "GET", "/api/v1/node", 1, b"")
    assert len(a["Colony-Nonce"]) == 32 and a["Colony-Nonce"] != b["Colony-Nonce"]
    payload = signing.request_payload("GET", "/api/v1/node", 1, a["Colony-Nonce"], b"")
    assert payload.endswith(hashlib.sha256(b"").hexdigest().encode())
    Ed25519PublicKey.from_public_bytes(k.public_key).verify(bytes.fromhex(a["Colony-Signature"]), payload)


def test_record_signature_covers_the_prefix_and_the_body_bytes():
    k = colony.Key(SEED)
    body = pb.Record(colony=k.public_key, timestamp_ms=5,
                     cancel=pb.Cancel(process_id=bytes(32), reason="x")).SerializeToString()
    wire = signing.sign_record(k, body)
    assert base64.b64decode(wire["body"]) == body
    assert wire["signer"] == PUBLIC
    Ed25519PublicKey.from_public_bytes(k.public_key).verify(bytes.fromhex(wire["signature"]),
                                                            b"colony-record-v1:" + body)
    assert signing.record_id(body) == hashlib.sha256(body).hexdigest()


def test_keys_parse_hex_and_key_files_and_refuse_garbage(tmp_path):
    f = tmp_path / "k.key"
    f.write_text(SEED.hex() + "\n")
    assert colony.Key.parse(str(f)).member_id == PUBLIC
    assert colony.Key.parse(SEED.hex().upper()).member_id == PUBLIC
    for bad in ("abc", "zz" * 32, str(tmp_path / "missing")):
        try:
            colony.Key.parse(bad)
            raise AssertionError("accepted " + bad)
        except colony.ColonyError as e:
            assert "64 hex characters" in str(e)
