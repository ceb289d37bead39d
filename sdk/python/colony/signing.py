"""Signatures of records and of API requests, exactly as the Java side makes and checks them."""
import base64
import hashlib
import os

RECORD_PREFIX = b"colony-record-v1:"
REQUEST_PREFIX = "colony-request-v1"


def sign_record(key, body):
    """The JSON wire form of a signed record: ``{"body", "signer", "signature"}``.

    ``signature = Ed25519(key, "colony-record-v1:" || body)``; ``body`` is a serialized Record, sent as is.
    """
    return {"body": base64.b64encode(body).decode("ascii"), "signer": key.member_id,
            "signature": key.sign(RECORD_PREFIX + body).hex()}


def record_id(body):
    """SHA-256 of a record body, hex: a Submit's record id is its process id."""
    return hashlib.sha256(body).hexdigest()


def request_payload(method, path_and_query, timestamp_ms, nonce_hex, body):
    """The bytes a request signature covers."""
    digest = hashlib.sha256(body or b"").hexdigest()
    text = "\n".join([REQUEST_PREFIX, method.upper(), path_and_query, str(timestamp_ms), nonce_hex, digest])
    return text.encode("utf-8")


def request_headers(key, method, path_and_query, timestamp_ms, body, nonce_hex=None):
    """The ``Colony-*`` headers of a signed API request."""
    nonce_hex = nonce_hex or os.urandom(16).hex()
    sig = key.sign(request_payload(method, path_and_query, timestamp_ms, nonce_hex, body))
    return {"Colony-Key": key.member_id, "Colony-Timestamp": str(timestamp_ms), "Colony-Nonce": nonce_hex,
            "Colony-Signature": sig.hex()}
