"""The change log that pull reads, the clock that versions changes, and devices."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    String,
    Table,
    Uuid,
    event,
    insert,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.db import Base, UTCDateTime, now_utc

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntId = BigInteger().with_variant(Integer, "sqlite")

# PostgreSQL hands out change ticks from a sequence (no lock held until commit); SQLite,
# whose writers are serialised anyway, from the one-row table below.
change_tick_seq = Sequence("change_tick_seq", metadata=Base.metadata)


class SyncClock(Base):
    __tablename__ = "sync_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


@event.listens_for(SyncClock.__table__, "after_create")
def _seed_clock(target: Table, connection: Connection, **kw: object) -> None:
    connection.execute(insert(target).values(id=1, value=0))


class ServerIdentity(Base):
    """Which copy of the database this is (one row). ``flask restore`` gives it a new
    ``identity``: a phone whose cursor names another one knows the server went back in time
    (webapp/sync/identity.py). ``restored_version`` is the last change tick the restored
    database holds: what a phone saw above it, the server has lost."""

    __tablename__ = "server_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4)
    restored_version: Mapped[int] = mapped_column(BigInteger, default=0)
    restored_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


@event.listens_for(ServerIdentity.__table__, "after_create")
def _seed_identity(target: Table, connection: Connection, **kw: object) -> None:
    connection.execute(insert(target).values(id=1, identity=uuid.uuid4(), restored_version=0))


class ChangeLog(Base):
    """One row per change to a synced record, read by pull in (txid, id) order.

    ``practitioner_id`` is the owner of the record's client when the change was made, so a
    pull reads only its own caseload's rows. ``kind`` is "upsert" for an ordinary change,
    "adopt" when a client joins a caseload (the device then receives all of that client's
    records) and "evict" when a client leaves it (the device removes them). ``device_id`` is
    the device whose push made the change: its own pull skips the row, since the push's
    answer already gave it the record as stored.
    """

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_owner_cursor", "practitioner_id", "txid", "id"),
        Index("ix_change_log_clinic_cursor", "clinic_id", "practitioner_id", "txid", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    tick: Mapped[int] = mapped_column(BigInteger)
    txid: Mapped[int] = mapped_column(BigInteger, default=0)
    kind: Mapped[str] = mapped_column(String(10), default="upsert")
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    clinic_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Device(Base):
    """A practitioner's browser that holds a copy of their caseload."""

    __tablename__ = "device"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Changes the device said were waiting on it, at its last contact.
    pending_reported: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    # SHA-256 of the bearer token the device syncs with; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    # The phone's escrow key, sealed (webapp/sync/escrow.py); empty for a phone registered
    # before the app locked, until it asks for one.
    escrow_sealed: Mapped[str] = mapped_column(String(120), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class AppliedChange(Base):
    """The answer given to one pushed change, so that a retry is answered, not re-applied."""

    __tablename__ = "applied_change"

    change_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    content_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)


class SyncConflict(Base):
    """A field two places changed: the server kept one value, this row keeps the other."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_open", "clinic_id", "resolved_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    clinic_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(60))  # "_deleted" for delete-versus-edit
    server_value: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"value": ...} so null is storable
    device_value: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_version: Mapped[int] = mapped_column(BigInteger)
    change_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    resolution: Mapped[str | None] = mapped_column(String(10))  # mine | theirs | edit


class ParkedChange(Base):
    """A change the server could not apply, handed over to the clinic desk instead of lost.

    A practitioner's work for a client who left their caseload while the phone was offline
    is refused (the client is someone else's now). Rather than discard it, the phone parks
    it here; the desk reads it on the client's record and decides what to copy over.
    """

    __tablename__ = "parked_change"
    __table_args__ = (Index("ix_parked_change_open", "clinic_id", "handled_at"),)

    change_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # a retry parks nothing twice
    clinic_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    op: Mapped[str] = mapped_column(String(10))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    made_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    parked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
