"""The secret key and VAPID key pair, made in the instance folder on first start; and the
instance folder and SQLite files, kept readable by their owner only.

The keys never live in the repository. Configuration (environment variables) wins when set,
so several server processes or hosts can share the same keys.
"""

from __future__ import annotations

import base64
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` readable by its owner only; never overwrite an existing key."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def ensure_secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        try:
            _write_private(path, secrets.token_hex(32).encode())
        except FileExistsError:  # another process made it first: use theirs
            pass
    return path.read_text().strip()


def ensure_vapid_private_key(instance: Path) -> str:
    """Return the PEM of the clinic's VAPID (P-256) private key, making it if missing."""
    path = instance / "vapid_private.pem"
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            _write_private(path, pem)
        except FileExistsError:
            pass
    return path.read_text()


def vapid_public_key(private_pem: str) -> str:
    """The application server key a browser subscribes with (base64url, uncompressed)."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) if missing; one this creates is open to its owner only."""
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is masked by the umask; this one is not


SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def restrict_sqlite_files(database: str) -> None:
    """Make a SQLite database and its journal files readable and writable by their owner only.

    SQLite gives a new -wal or -shm file the mode of the database file, so once the database
    file is 0600 the files made after it are too; those already there are narrowed here.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    for suffix in SQLITE_COMPANIONS:
        path = Path(database + suffix)
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o600)
        except (FileNotFoundError, PermissionError):  # not there, or not ours to change
            continue
