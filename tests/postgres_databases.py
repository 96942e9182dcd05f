"""PostgreSQL databases the tests make for themselves, beside the one TEST_DATABASE_URL names.

``admin`` is an engine with ``isolation_level="AUTOCOMMIT"``: PostgreSQL runs CREATE and DROP
DATABASE only outside a transaction.
"""

from __future__ import annotations

from sqlalchemy import Engine, text


def recreate_database(admin: Engine, name: str) -> None:
    """An empty database ``name``; one of that name left by an earlier run is dropped first."""
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))


def drop_database(admin: Engine, name: str) -> None:
    """Drop ``name``, ending any connection still open to it (a server the test started, say)."""
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
