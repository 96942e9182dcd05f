"""Each phone's escrow key: held by the server, released only to that phone.

The phone wraps its data key (the one that encrypts its client data at rest) with this key as
well as with the practitioner's PIN, so a forgotten PIN, or a phone that must sign in again
after weeks away, loses nothing that was not yet synced: a sign-in online on the same phone
gets the key back (docs/security.md). Once the phone is revoked the key is never released
again. The server stores it sealed with a key derived from SECRET_KEY, so a copy of the
database alone does not open it; rotating SECRET_KEY therefore ends every phone's escrow.
"""

from __future__ import annotations

import base64
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sealing_key(secret_key: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"fieldbook device escrow v1"
    ).derive(secret_key.encode())
    return AESGCM(derived)


def new_escrow_key() -> str:
    """A fresh escrow key, base64url (as the phone receives it)."""
    return _b64(secrets.token_bytes(KEY_BYTES))


def seal(escrow_key: str, secret_key: str, device_id: str) -> str:
    """``escrow_key`` as stored: AES-GCM under SECRET_KEY's derived key, bound to the device."""
    nonce = os.urandom(12)
    return _b64(nonce + _sealing_key(secret_key).encrypt(nonce, _unb64(escrow_key), device_id.encode()))


def unseal(sealed: str, secret_key: str, device_id: str) -> str | None:
    """The escrow key, or None when it cannot be opened (another SECRET_KEY, or tampered)."""
    try:
        raw = _unb64(sealed)
        return _b64(_sealing_key(secret_key).decrypt(raw[:12], raw[12:], device_id.encode()))
    except (InvalidTag, ValueError):
        return None
