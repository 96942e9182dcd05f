"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_URL
from webapp import create_app
from webapp.extensions import db


def _empty_database_url(tmp_path) -> str:
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"


# SQLite cannot reflect an index on an expression (the client list's lower(last_name)), so
# there the comparison skips it, saying so; on PostgreSQL it is compared like any other.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_upgrade_from_empty_to_head_matches_the_models_and_downgrades(
    tmp_path, monkeypatch, vapid_private_key
):
    monkeypatch.setenv("FIELDBOOK_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": _empty_database_url(tmp_path),
            "SECRET_KEY": "x",
            "VAPID_PRIVATE_KEY": vapid_private_key,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            clock = conn.execute(text("SELECT value FROM sync_clock WHERE id = 1")).scalar_one()
        assert differences == []
        assert clock == 0

        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(db.inspect(conn).get_table_names())
        assert tables <= {"alembic_version"}
        db.engine.dispose()
