"""``flask backup`` and ``flask restore`` (docs/deployment.md, "Backups")."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import inspect

from webapp.backup import engines
from webapp.backup.engines import BackupError
from webapp.extensions import db
from webapp.sync import identity

# How long a phone keeps the changes the server acknowledged (KEEP_DAYS, static/js/db-restore.js).
PHONES_KEEP_DAYS = 30


def _default_folder() -> Path:
    return Path(current_app.instance_path) / "backups"


def _suffix(engine: str) -> str:
    return ".sqlite3" if engine == "sqlite" else ".dump"


def take_backup(target: Path | None, prefix: str = "fieldbook") -> Path:
    """Write a consistent backup of the app's database to ``target`` (or the backups folder)."""
    url = db.engine.url
    engine = engines.engine_of(url)
    if target is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = _default_folder() / f"{prefix}-{stamp}{_suffix(engine)}"
    if target.exists():
        raise BackupError(f"{target} exists already; name a new file.")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Written under another name first: a backup cut short never looks like a whole one.
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # client data: readable by the owner only
    try:
        if engine == "sqlite":
            engines.backup_sqlite(url, partial)
        else:
            partial.unlink()  # pg_dump makes the file itself
            old_mask = os.umask(0o077)
            try:
                engines.backup_postgres(url, partial)
            finally:
                os.umask(old_mask)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


@click.command("backup")
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The backup file to write (default: instance/backups/fieldbook-<UTC time>.sqlite3 or .dump).",
)
def backup(target: Path | None) -> None:
    """Back the database up, consistently, while the server keeps running."""
    try:
        written = take_backup(target)
    except BackupError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Backed up the database to {written}.")


@click.command("restore")
@click.argument("backup_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@click.option(
    "--mark-only",
    is_flag=True,
    help="Restore nothing: mark the database as restored, after restoring it by hand (pg_restore, a copied file).",
)
def restore(backup_file: Path | None, yes: bool, mark_only: bool) -> None:
    """Put a backup back in place of the database; phones then re-send what it lacks.

    Stop the server first. The database as it stood is backed up beside the others before
    it is replaced, so a restore of the wrong file can be undone.
    """
    try:
        if mark_only:
            if backup_file is not None:
                raise BackupError("--mark-only restores nothing: give no backup file with it.")
            _mark_restored()
            return
        if backup_file is None:
            raise BackupError("Name the backup file to restore (or use --mark-only after a restore by hand).")
        _restore(backup_file, yes)
    except BackupError as problem:
        raise click.ClickException(str(problem)) from None


def _restore(backup_file: Path, yes: bool) -> None:
    url = db.engine.url
    engine = engines.engine_of(url)
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file at {backup_file}.")
    if engine == "sqlite":
        engines.check_sqlite_backup(backup_file)
    else:
        engines.check_postgres_backup(backup_file, url)
    taken_at = dt.datetime.fromtimestamp(backup_file.stat().st_mtime, dt.UTC)
    taken = taken_at.strftime("%Y-%m-%d %H:%M UTC")
    if dt.datetime.now(dt.UTC) - taken_at > dt.timedelta(days=PHONES_KEEP_DAYS):
        click.echo(
            f"Warning: this backup is older than {PHONES_KEEP_DAYS} days. Phones keep what they sent for "
            f"{PHONES_KEEP_DAYS} days only: changes pushed between {taken} and then cannot come back from them."
        )
    if not yes:
        click.confirm(
            f"Replace the database with the backup of {taken}? Changes made since will be gone from "
            "the server until the phones send them again.",
            abort=True,
        )
    before = take_backup(None, prefix="before-restore")
    click.echo(f"The database as it stood is saved in {before}.")
    db.session.remove()
    db.engine.dispose()  # the restore needs the tables free of this process's connections
    if engine == "sqlite":
        engines.restore_sqlite(url, backup_file)
    else:
        engines.restore_postgres(url, backup_file)
    _mark_restored()
    click.echo(f"Restored the backup of {taken} from {backup_file}.")


def _mark_restored() -> None:
    if "server_identity" not in inspect(db.engine).get_table_names():
        raise BackupError("The database has no server_identity table yet: run `flask db upgrade` first.")
    row = identity.renew(db.session())
    db.session.commit()
    click.echo(
        f"The database's identity is now {row.identity} (restored at version {row.restored_version}). "
        "Each phone will send again what it pushed since and take a fresh copy at its next sync."
    )
