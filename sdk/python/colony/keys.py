"""Ed25519 keys: a private key is 64 hex characters (its 32-byte seed), as the CLI prints and stores it."""
import os
import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .errors import ColonyError

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


class Key:
    """A member's key pair."""

    def __init__(self, seed):
        if not isinstance(seed, (bytes, bytearray)) or len(seed) != 32:
            raise ColonyError("private key: must be 32 bytes")
        self._private = Ed25519PrivateKey.from_private_bytes(bytes(seed))
        self.public_key = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self._seed = bytes(seed)

    @staticmethod
    def generate():
        """A fresh random key."""
        return Key(os.urandom(32))

    @staticmethod
    def parse(text):
        """A key from 64 hex characters, or from a file holding them."""
        if text is None:
            raise ColonyError("no private key: set COLONY_PRVKEY (64 hex characters or a key file)")
        t = str(text).strip()
        if not _HEX64.match(t):
            if os.path.isfile(t):
                with open(t, "r", encoding="utf-8") as f:
                    t = f.read().strip()
            if not _HEX64.match(t):
                raise ColonyError("private key: must be 64 hex characters or a file holding them")
        return Key(bytes.fromhex(t))

    @property
    def member_id(self):
        """The public key as 64 hex characters (the member id)."""
        return self.public_key.hex()

    @property
    def private_hex(self):
        """The seed as 64 hex characters. Secret."""
        return self._seed.hex()

    def sign(self, message):
        """Ed25519 signature (64 bytes) of ``message``."""
        return self._private.sign(bytes(message))
