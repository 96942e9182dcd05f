"""Consistent copies of the database, and putting one back, for SQLite and PostgreSQL.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``): the copy is
taken in one step inside a read transaction, so a write in progress is either wholly in it
or not at all, and the running server need not stop. PostgreSQL is copied with ``pg_dump``
in its custom format (one snapshot, likewise consistent) and put back with ``pg_restore``;
both get the connection's parts through libpq's environment variables, so the password
never shows in a process list.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

PG_DUMP = os.environ.get("PG_DUMP", "/usr/bin/pg_dump")
PG_RESTORE = os.environ.get("PG_RESTORE", "/usr/bin/pg_restore")
# Tables every Fieldbook database has: a file without them is not a backup of this app.
REQUIRED_TABLES = ("change_log", "client", "server_identity")
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """What went wrong, in a sentence for the person at the command line."""


def engine_of(url: URL) -> str:
    name = url.get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are made for SQLite and PostgreSQL only, not {name}.")
    return name


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("The database lives in memory only; there is nothing to back up.")
    return Path(url.database)


# ---- SQLite ------------------------------------------------------------------------------
def backup_sqlite(url: URL, target: Path) -> None:
    source = sqlite3.connect(f"file:{sqlite_path(url)}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent snapshot
    finally:
        copy.close()
        source.close()


def check_sqlite_backup(path: Path) -> None:
    with path.open("rb") as file:
        head = file.read(16)
    if head.startswith(PG_MAGIC):
        raise BackupError(f"{path} is a PostgreSQL backup, but this server's database is SQLite.")
    if head != SQLITE_MAGIC:
        raise BackupError(f"{path} is not a Fieldbook backup (it is not an SQLite database).")
    try:
        backup = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (health,) = backup.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            backup.close()
    except sqlite3.DatabaseError as problem:
        raise BackupError(f"{path} cannot be read as a database ({problem}).") from None
    if health != "ok":
        raise BackupError(f"{path} is damaged (SQLite's check says: {health}).")
    _require_tables(path, tables)


def restore_sqlite(url: URL, backup: Path) -> None:
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    live = sqlite3.connect(sqlite_path(url), timeout=30)
    try:
        source.backup(live)  # replaces every page, in one write transaction
    finally:
        live.close()
        source.close()


# ---- PostgreSQL --------------------------------------------------------------------------
def _libpq_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    parts = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password}
    env.update({name: str(value) for name, value in parts.items() if value is not None})
    if "sslmode" in url.query:
        env["PGSSLMODE"] = str(url.query["sslmode"])
    return env


def _run(command: list[str], url: URL, doing: str) -> str:
    try:
        done = subprocess.run(command, env=_libpq_env(url), capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (needed for {doing}).") from None
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise BackupError(f"{doing.capitalize()} failed: {said[-1] if said else 'no reason given'}")
    return done.stdout


def backup_postgres(url: URL, target: Path) -> None:
    _run(
        [PG_DUMP, "--format=custom", "--no-owner", f"--file={target}", f"--dbname={url.database}"],
        url,
        "the backup",
    )


def check_postgres_backup(path: Path, url: URL) -> None:
    with path.open("rb") as file:
        head = file.read(16)
    if head == SQLITE_MAGIC:
        raise BackupError(f"{path} is an SQLite backup, but this server's database is PostgreSQL.")
    if not head.startswith(PG_MAGIC):
        raise BackupError(f"{path} is not a Fieldbook backup (not a pg_dump file in custom format).")
    listing = _run([PG_RESTORE, "--list", str(path)], url, "reading the backup")
    _require_tables(path, _tables_listed(listing))


def _tables_listed(listing: str) -> set[str]:
    """The tables of a ``pg_restore --list``: lines like "215; 1259 16390 TABLE public client owner"."""
    tables = set()
    for line in listing.splitlines():
        parts = line.split()
        if line.startswith(";") or "TABLE" not in parts:
            continue
        at = parts.index("TABLE")
        if len(parts) > at + 2 and parts[at + 1] != "DATA":
            tables.add(parts[at + 2])
    return tables


def restore_postgres(url: URL, backup: Path) -> None:
    # One transaction: a restore that fails half-way leaves the database as it was.
    _run(
        [
            PG_RESTORE,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url.database}",
            str(backup),
        ],
        url,
        "the restore",
    )


def _require_tables(path: Path, tables: set[str]) -> None:
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing == ["server_identity"]:
        raise BackupError(
            f"{path} was taken before Fieldbook's migration 0015. Restore it by hand "
            "(docs/deployment.md, Backups), run `flask db upgrade`, then `flask restore --mark-only`."
        )
    if missing:
        raise BackupError(f"{path} is not a Fieldbook backup (it has no {', '.join(missing)} table).")
