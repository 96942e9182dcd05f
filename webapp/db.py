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

from sqlalchemy import JSON, BigInteger, DateTime, MetaData, TypeDecorator, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def field_changed_after(self, field: str, base_version: int) -> bool:
        """Whether ``field`` was changed by someone after ``base_version``."""
        return int((self.field_versions or {}).get(field, 0)) > base_version
