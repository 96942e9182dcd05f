"""Stamp every change to a synced record with a version and log it, at flush time.

Doing this in a ``before_flush`` hook rather than in each service means no write path (a
desk form, the sync API, a CLI command, the demo loader) can change a synced row without
its version advancing and its change reaching the log that devices pull from.
"""

from __future__ import annotations

import uuid

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import ColumnProperty, Session

from webapp.db import SyncedRecord
from webapp.sync.models import ChangeLog, SyncClock, change_tick_seq


class HardDeleteRefused(RuntimeError):
    """A synced record may only be tombstoned: a hard delete would never reach devices."""


def allocate_tick(session: Session) -> int:
    """Take the next change tick from the database."""
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(select(change_tick_seq.next_value())).scalar_one()
    return session.execute(
        text("UPDATE sync_clock SET value = value + 1 WHERE id = 1 RETURNING value")
    ).scalar_one()


def current_txid(session: Session) -> int:
    """The id of the current transaction on PostgreSQL (0 on SQLite; see sync.cursor)."""
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(text("SELECT pg_current_xact_id()::text")).scalar_one())
    return 0


def changed_fields(record: SyncedRecord) -> list[str]:
    """The names of the columns of ``record`` changed in this flush, bookkeeping aside."""
    state = inspect(record)
    names = []
    for attr in state.mapper.column_attrs:
        if not isinstance(attr, ColumnProperty) or attr.key in SyncedRecord.BOOKKEEPING:
            continue
        if state.attrs[attr.key].history.has_changes():
            names.append(attr.key)
    return names


def _owner_of(session: Session, record: SyncedRecord):
    """(clinic_id, client_id, practitioner_id) of the client a record belongs to."""
    from webapp.clients.models import Client

    client_id = getattr(record, "client_id", None)
    if client_id is None:
        return record.clinic_id, None, None
    client = record if isinstance(record, Client) else session.get(Client, client_id)
    return client.clinic_id, client_id, client.practitioner_id


@event.listens_for(Session, "before_flush")
def stamp_changes(session: Session, flush_context, instances) -> None:
    for record in session.deleted:
        if isinstance(record, SyncedRecord):
            raise HardDeleteRefused(f"{type(record).__name__} must be tombstoned, not deleted")

    with session.no_autoflush:
        pending = [r for r in session.new if isinstance(r, SyncedRecord)]
        updates = []
        for record in session.dirty:
            if isinstance(record, SyncedRecord) and record not in session.new:
                fields = changed_fields(record)
                if fields:
                    updates.append((record, fields))
        if not pending and not updates:
            return

        tick = allocate_tick(session)
        txid = current_txid(session)
        entries: list[dict] = []

        for record in pending:
            if record.id is None:  # the column default would only apply at INSERT, too late here
                record.id = uuid.uuid4()
        for record in pending:
            record.version = tick
            record.field_versions = {}
            entries.append(_log_entry(session, record, tick, txid))

        for record, fields in updates:
            versions = dict(record.field_versions or {})
            versions.update({name: tick for name in fields})
            record.version = tick
            record.field_versions = versions
            entries.append(_log_entry(session, record, tick, txid))
            if "practitioner_id" in fields and type(record).__tablename__ == "client":
                entries.extend(_caseload_moves(record, tick, txid))

        if entries:
            session.execute(ChangeLog.__table__.insert(), entries)


def _log_entry(session: Session, record: SyncedRecord, tick: int, txid: int) -> dict:
    clinic_id, client_id, practitioner_id = _owner_of(session, record)
    return {
        "tick": tick,
        "txid": txid,
        "kind": "upsert",
        "entity": type(record).__tablename__,
        "entity_id": record.id,
        "clinic_id": clinic_id,
        "client_id": client_id,
        "practitioner_id": practitioner_id,
    }


def _caseload_moves(client, tick: int, txid: int) -> list[dict]:
    """Log rows telling the old owner's devices to evict and the new one's to adopt."""
    history = inspect(client).attrs["practitioner_id"].history
    base = {"tick": tick, "txid": txid, "entity": "client", "entity_id": client.id,
            "clinic_id": client.clinic_id, "client_id": client.id}
    rows = [dict(base, kind="evict", practitioner_id=old) for old in history.deleted if old]
    if client.practitioner_id is not None:
        rows.append(dict(base, kind="adopt", practitioner_id=client.practitioner_id))
    return rows


__all__ = ["stamp_changes", "allocate_tick", "HardDeleteRefused", "SyncClock"]
