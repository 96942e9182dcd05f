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
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ColumnElement,
    CursorResult,
    DateTime,
    Delete,
    Dialect,
    MetaData,
    Table,
    TypeDecorator,
    Update,
    Uuid,
    any_,
    bindparam,
    insert,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, QueryableAttribute, Session, mapped_column
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

if TYPE_CHECKING:
    from sqlalchemy import FromClause

# A row as plain values, column name to value: a row to insert, a change-log entry.
ColumnValues = dict[str, Any]
# A synced record's version of each field: the server version at which it last changed.
FieldVersions = dict[str, int]

ValueT = TypeVar("ValueT")

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


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite keeps no zone, so without this a value read back would be naive and could not
    be compared with ``now_utc()``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC values")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
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

    if TYPE_CHECKING:
        # Every concrete model also inherits Base, which maps it; a mixin alone has no table,
        # so these are declared for the type checker only (table_of() gives a Table).
        __table__: ClassVar[FromClause]
        __tablename__: str

    # Fields a device never sends and a merge never compares.
    BOOKKEEPING = frozenset({"id", "version", "field_versions", "created_at", "updated_at"})

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    field_versions: Mapped[FieldVersions] = mapped_column(JSON, default=dict)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)

    def field_changed_after(self, field: str, base_version: int) -> bool:
        """Whether ``field`` was changed by someone after ``base_version``."""
        return int((self.field_versions or {}).get(field, 0)) > base_version


def table_of(model: type[SyncedRecord] | type[Base]) -> Table:
    """The Table a mapped model is declared on (its ``__table__``, typed as a FromClause)."""
    table = model.__table__
    if not isinstance(table, Table):  # only a model mapped onto a join or a select is not
        raise TypeError(f"{model.__name__} is not mapped onto a single table")
    return table


def insert_rows(session: Session, table: Table, rows: Sequence[ColumnValues]) -> None:
    """Insert many plain rows (dicts with the same keys) in the session's transaction.

    On PostgreSQL this is a COPY: for the thousand rows of a sync push it takes about a
    quarter of the time of the multi-row INSERT SQLAlchemy sends, which has to bind every
    value as its own parameter. On SQLite it is one INSERT run for every row by the driver
    (executemany), with the values converted here: SQLAlchemy's own executemany works
    through a parameter dictionary per row, which cost more than SQLite's own work. Other
    databases get SQLAlchemy's INSERT. Columns left out take their Python default; those
    without one (an autoincrement id) are left to the database.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name not in ("postgresql", "sqlite"):
        session.execute(insert(table), rows)
        return
    given = list(rows[0])
    defaulted = [c for c in table.columns if c.name not in rows[0] and has_python_default(c)]
    columns = [table.columns[name] for name in given] + defaulted
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]

    def values(row: ColumnValues) -> list[object]:
        raw = [row[name] for name in given] + [python_default(c) for c in defaulted]
        return [p(v) if p else v for p, v in zip(processors, raw, strict=True)]

    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    quoted_table = dialect.identifier_preparer.format_table(table)
    if dialect.name == "sqlite":
        statement = f"INSERT INTO {quoted_table} ({names}) VALUES ({', '.join('?' * len(columns))})"
        connection.exec_driver_sql(statement, [tuple(values(row)) for row in rows])
        return
    copy_statement = f"COPY {quoted_table} ({names}) FROM STDIN"
    driver_error = dialect.loaded_dbapi.Error
    driver_connection = connection.connection.driver_connection
    if driver_connection is None:  # only once the pooled connection was invalidated or closed
        raise RuntimeError("the session's database connection is closed")
    try:
        with driver_connection.cursor() as cursor, cursor.copy(copy_statement) as copy:
            for row in rows:
                copy.write_row(values(row))
    except driver_error as error:  # raised as SQLAlchemy's own (IntegrityError, ...), as an INSERT would be
        raise DBAPIError.instance(copy_statement, None, error, driver_error) from error


def has_python_default(column: Column[Any]) -> bool:
    """Whether ``column`` has a default computed in Python (a value or a function)."""
    return column.default is not None and (column.default.is_scalar or column.default.is_callable)


def python_default(column: Column[Any]) -> object:
    """A fresh value of ``column``'s Python-side default."""
    default = column.default
    if isinstance(default, CallableColumnDefault):
        # No execution context exists outside an INSERT; the defaults used here (uuid4,
        # now_utc, dict) take none, and SQLAlchemy wraps such a callable to ignore it.
        return default.arg(None)  # type: ignore[arg-type]
    if isinstance(default, ScalarElementColumnDefault):
        return default.arg
    raise ValueError(f"column {column.name} has no Python-side default")


def rows_changed(session: Session, statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE in the session; how many rows it matched.

    Session.execute() is typed to return a Result whatever it runs; for an UPDATE or DELETE
    without RETURNING it is the CursorResult that has ``rowcount``.
    """
    return cast("CursorResult[Any]", session.execute(statement)).rowcount


IN_CHUNK = 500  # values per IN (...) list, well under SQLite's parameter limit


def one_of(
    session: Session, column: ColumnElement[ValueT] | QueryableAttribute[ValueT], values: Iterable[ValueT]
) -> Iterator[ColumnElement[bool]]:
    """Conditions "``column`` is one of ``values``", as few as the database allows.

    PostgreSQL takes the values as one array parameter (= ANY): binding a thousand ids one
    by one costs more than the query. Elsewhere, IN lists of at most IN_CHUNK values.
    """
    value_list = list(values)
    if not value_list:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == any_(bindparam(None, value_list, type_=ARRAY(column.type)))
        return
    iterator = iter(value_list)
    while chunk := list(islice(iterator, IN_CHUNK)):
        yield column.in_(chunk)
