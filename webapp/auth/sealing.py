"""Secrets the server must read back (an authenticator app's shared secret), sealed for storage.

AES-GCM under a key derived from SECRET_KEY with HKDF, bound to what the secret belongs to
(the user's id, as associated data), so a copy of the database alone opens nothing and a
sealed value moved to another row does not open either. Rotating SECRET_KEY makes every
sealed secret unreadable: those people must set up their authenticator app again.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


def _key(secret_key: str, purpose: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"fieldbook {purpose} v1".encode()
    ).derive(secret_key.encode())
    return AESGCM(derived)


def seal(plaintext: bytes, secret_key: str, purpose: str, bound_to: str) -> str:
    """``plaintext`` encrypted for storage (base64url), openable only for ``bound_to``."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _key(secret_key, purpose).encrypt(nonce, plaintext, bound_to.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(sealed: str, secret_key: str, purpose: str, bound_to: str) -> bytes | None:
    """The plaintext, or None when it cannot be opened (another SECRET_KEY, another owner, tampered)."""
    try:
        raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
        return _key(secret_key, purpose).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound_to.encode())
    except (InvalidTag, ValueError):
        return None
