"""The instance folder, its keys and a SQLite database are readable by their owner only."""

import stat

from sqlalchemy import text

from webapp import create_app
from webapp.core.instance_keys import restrict_sqlite_files
from webapp.extensions import db


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_instance_folder_its_keys_and_sqlite_files_are_owner_only(tmp_path, monkeypatch):
    instance = tmp_path / "new" / "instance"
    monkeypatch.setenv("FIELDBOOK_INSTANCE", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'fieldbook.sqlite3'}"})
    with app.app_context():
        db.create_all()
        db.session.execute(text("UPDATE sync_clock SET value = value + 1"))
        db.session.commit()
        files = {p.name: _mode(p) for p in instance.iterdir()}
        db.session.remove()
        db.engine.dispose()
    assert _mode(instance) == 0o700
    assert {
        "secret_key",
        "vapid_private.pem",
        "fieldbook.sqlite3",
        "fieldbook.sqlite3-wal",
        "fieldbook.sqlite3-shm",
    } <= set(files)
    assert set(files.values()) == {0o600}, files


def test_a_database_made_before_is_narrowed_at_the_next_connection(tmp_path):
    database = tmp_path / "old.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        path = tmp_path / f"old.sqlite3{suffix}"
        path.write_bytes(b"")
        path.chmod(0o644)
    restrict_sqlite_files(str(database))
    assert {_mode(tmp_path / f"old.sqlite3{s}") for s in ("", "-wal", "-shm")} == {0o600}
