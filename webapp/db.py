"""The typed declarative base, the constraint naming convention and the shared mixins.

Every record a practitioner can create or change offline inherits ``SyncedRecord``: a UUID
primary key a device can make, a server ``version`` that increases on every change, the
version at which each field last changed (for field-level merge), timestamps and a
soft-delete tombstone. The versions are stamped by ``webapp.sync.changelog`` at flush time,
so no code path can change a synced row without the change reaching the change log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from itertools import islice

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    MetaData,
    Table,
    TypeDecorator,
    Uuid,
    any_,
    bindparam,
    insert,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite keeps no zone, so without this a value read back would be naive and could not
    be compared with ``now_utc()``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC values")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class SyncedRecord(Timestamped):
    """Columns every offline-editable record carries (see the module docstring)."""

    # Fields a device never sends and a merge never compares.
    BOOKKEEPING = frozenset({"id", "version", "field_versions", "created_at", "updated_at"})

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    field_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)

    def field_changed_after(self, field: str, base_version: int) -> bool:
        """Whether ``field`` was changed by someone after ``base_version``."""
        return int((self.field_versions or {}).get(field, 0)) > base_version


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert many plain rows (dicts with the same keys) in the session's transaction.

    On PostgreSQL this is a COPY: for the thousand rows of a sync push it takes about a
    quarter of the time of the multi-row INSERT SQLAlchemy sends, which has to bind every
    value as its own parameter. Elsewhere it is that INSERT. Columns left out take their
    Python default; those without one (an autoincrement id) are left to the database.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    given = list(rows[0])
    defaulted = [c for c in table.columns if c.name not in rows[0] and has_python_default(c)]
    columns = [table.columns[name] for name in given] + defaulted
    processors = [c.type.dialect_impl(connection.dialect).bind_processor(connection.dialect) for c in columns]
    names = ", ".join(connection.dialect.identifier_preparer.quote(c.name) for c in columns)
    quoted_table = connection.dialect.identifier_preparer.format_table(table)
    statement = f"COPY {quoted_table} ({names}) FROM STDIN"
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                values = [row[name] for name in given]
                values += [python_default(c) for c in defaulted]
                copy.write_row([p(v) if p else v for p, v in zip(processors, values, strict=True)])
    except driver_error as error:  # raised as SQLAlchemy's own (IntegrityError, ...), as an INSERT would be
        raise DBAPIError.instance(statement, None, error, driver_error) from error


def has_python_default(column) -> bool:
    """Whether ``column`` has a default computed in Python (a value or a function)."""
    return column.default is not None and (column.default.is_scalar or column.default.is_callable)


def python_default(column):
    """A fresh value of ``column``'s Python-side default."""
    default = column.default
    return default.arg(None) if default.is_callable else default.arg


IN_CHUNK = 500  # values per IN (...) list, well under SQLite's parameter limit


def one_of(session: Session, column, values):
    """Conditions "``column`` is one of ``values``", as few as the database allows.

    PostgreSQL takes the values as one array parameter (= ANY): binding a thousand ids one
    by one costs more than the query. Elsewhere, IN lists of at most IN_CHUNK values.
    """
    values = list(values)
    if not values:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == any_(bindparam(None, values, type_=ARRAY(column.type)))
        return
    iterator = iter(values)
    while chunk := list(islice(iterator, IN_CHUNK)):
        yield column.in_(chunk)
