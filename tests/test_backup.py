"""``flask backup`` and ``flask restore``: consistent copies, refusals in words, a new identity.

They run on the engine of the run: SQLite by default, PostgreSQL (through pg_dump and
pg_restore of this run's database) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from tests import factories
from tests.postgres_databases import drop_database, recreate_database
from webapp.backup import engines
from webapp.backup.commands import PHONES_KEEP_DAYS
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.sync import identity
from webapp.sync.models import ChangeLog


def backup(runner, path: Path) -> Path:
    result = runner.invoke(args=["backup", "--to", str(path)])
    assert result.exit_code == 0, result.output
    assert path.is_file() and f"Backed up the database to {path}" in result.output
    return path


def restore(runner, path: Path, *more: str):
    return runner.invoke(args=["restore", str(path), *more])


def surnames() -> set[str]:
    return set(db.session.scalars(select(Client.last_name)))


def current_identity():
    row = identity.current(db.session())
    return row.identity, row.restored_version


def test_backup_and_restore_explain_themselves(runner):
    assert "consistently, while the server keeps running" in runner.invoke(args=["backup", "--help"]).output
    assert "Stop the server first" in runner.invoke(args=["restore", "--help"]).output


def test_backup_and_restore_bring_back_the_data_and_give_the_database_a_new_identity(
    runner, tmp_path, clinic
):
    factories.make_client(clinic, last_name="Before")
    db.session.commit()
    before_id, _ = current_identity()
    tick_at_backup = identity.tick_now(db.session())
    saved = backup(runner, tmp_path / "nightly.backup")
    factories.make_client(clinic, last_name="After")
    db.session.commit()

    result = restore(runner, saved, "--yes")

    assert result.exit_code == 0, result.output
    assert "Restored the backup" in result.output and "identity is now" in result.output
    assert surnames() == {"Before"}
    after_id, restored_version = current_identity()
    assert after_id != before_id
    assert restored_version == tick_at_backup
    # Ticks go on far above what the lost changes used: no version is ever handed out twice.
    assert identity.tick_now(db.session()) >= tick_at_backup + identity.TICK_JUMP
    # The database as it stood before the restore was kept, and holds the lost change.
    kept = [line for line in result.output.splitlines() if "as it stood is saved in" in line]
    assert kept and Path(kept[0].rsplit(" ", 1)[1].rstrip(".")).is_file()


def test_a_backup_taken_while_a_write_is_in_progress_holds_all_of_it_or_none(runner, tmp_path, clinic):
    factories.make_client(clinic, last_name="Committed")
    db.session.commit()
    writer = Session(db.engine)  # another connection, in the middle of its transaction
    try:
        writer.add(Client(clinic_id=clinic.id, first_name="Half", last_name="Written", phone="", town=""))
        writer.flush()  # the client row and its change-log row are written, not committed
        saved = backup(runner, tmp_path / "during-a-write.backup")
        writer.commit()
    finally:
        writer.close()
    assert surnames() == {"Committed", "Written"}

    assert restore(runner, saved, "--yes").exit_code == 0
    assert surnames() == {"Committed"}
    # Consistent across tables: every client in the backup has its change-log row, no more.
    logged = db.session.scalar(
        select(func.count()).select_from(ChangeLog).where(ChangeLog.entity == "client")
    )
    assert logged == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no backup file at"),
        (b"name,phone\nAlex,0770\n", "is not a Fieldbook backup"),
        (b"", "is not a Fieldbook backup"),
    ],
    ids=["missing", "not-a-backup", "empty"],
)
def test_restore_refuses_a_missing_or_wrong_file_in_words_and_changes_nothing(
    runner, tmp_path, clinic, content, message
):
    factories.make_client(clinic, last_name="Kept")
    db.session.commit()
    before = current_identity()
    path = tmp_path / "backup.file"
    if content is not None:
        path.write_bytes(content)

    result = restore(runner, path, "--yes")

    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert surnames() == {"Kept"} and current_identity() == before


def test_restore_refuses_a_backup_of_the_other_engine(runner, tmp_path, clinic, app):
    sqlite = db.engine.dialect.name == "sqlite"
    path = tmp_path / "other-engine.backup"
    path.write_bytes(b"PGDMP\x01\x0f\x00" + b"\x00" * 64 if sqlite else b"SQLite format 3\x00" + b"\x00" * 84)
    result = restore(runner, path, "--yes")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("is a PostgreSQL backup" if sqlite else "is an SQLite backup") in result.output


def _other_apps_backup(tmp_path: Path) -> Path:
    """A backup of another app's database, on this run's engine."""
    if db.engine.dialect.name == "sqlite":
        other = tmp_path / "other-app.sqlite3"
        connection = sqlite3.connect(other)
        with connection:
            connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        connection.close()
        return other
    url = db.engine.url
    name = f"{url.database}_other_app"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        recreate_database(admin, name)
        other_url = url.set(database=name)
        other_engine = create_engine(other_url)
        with other_engine.begin() as connection:
            connection.execute(text("CREATE TABLE notes (id integer PRIMARY KEY, text text)"))
        other_engine.dispose()
        dump = tmp_path / "other-app.dump"
        engines.backup_postgres(other_url, dump)
        drop_database(admin, name)
    finally:
        admin.dispose()
    return dump


def test_restore_refuses_a_database_that_is_not_fieldbooks(runner, tmp_path, clinic):
    result = restore(runner, _other_apps_backup(tmp_path), "--yes")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is not a Fieldbook backup (it has no change_log, client, server_identity table)" in result.output


def test_restore_asks_first_and_a_no_changes_nothing(runner, tmp_path, clinic):
    factories.make_client(clinic, last_name="Before")
    db.session.commit()
    saved = backup(runner, tmp_path / "nightly.backup")
    factories.make_client(clinic, last_name="After")
    db.session.commit()
    before = current_identity()

    result = runner.invoke(args=["restore", str(saved)], input="n\n")

    assert result.exit_code == 1 and "Replace the database with the backup of" in result.output
    assert surnames() == {"Before", "After"} and current_identity() == before


def test_a_restore_done_by_hand_is_marked_with_mark_only(runner, clinic):
    before, _ = current_identity()
    result = runner.invoke(args=["restore", "--mark-only"])
    assert result.exit_code == 0, result.output
    assert current_identity()[0] != before


def test_backup_never_overwrites_a_file(runner, tmp_path):
    existing = tmp_path / "taken.backup"
    existing.write_bytes(b"an earlier backup")
    result = runner.invoke(args=["backup", "--to", str(existing)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert existing.read_bytes() == b"an earlier backup"


def test_restore_warns_when_the_backup_is_older_than_what_phones_keep(runner, tmp_path):
    saved = backup(runner, tmp_path / "old.backup")
    long_ago = saved.stat().st_mtime - 40 * 24 * 3600
    os.utime(saved, (long_ago, long_ago))
    result = restore(runner, saved, "--yes")
    assert result.exit_code == 0, result.output
    assert "older than 30 days" in result.output


def test_the_warning_counts_the_days_the_phone_app_keeps_its_sent_changes():
    source = (Path(__file__).resolve().parents[1] / "webapp/static/js/db-restore.js").read_text()
    assert re.search(r"export const KEEP_DAYS = (\d+);", source).group(1) == str(PHONES_KEEP_DAYS)
