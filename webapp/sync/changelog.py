"""Stamp every change to a synced record with a version and log it, at flush time.

Doing this in a ``before_flush`` hook rather than in each service means no write path (a
desk form, the sync API, a CLI command, the demo loader) can change a synced row without
its version advancing and its change reaching the log that devices pull from.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Column, Table, event, inspect, select, text
from sqlalchemy.orm import ColumnProperty, Session, UOWTransaction

from webapp.clients.models import Client
from webapp.db import (
    ColumnValues,
    SyncedRecord,
    has_python_default,
    insert_rows,
    now_utc,
    python_default,
    table_of,
)
from webapp.sync.models import ChangeLog, SyncClock, change_tick_seq

# Whose a record is: (clinic_id, client_id, practitioner_id) of its client, as logged.
OwnerIds = tuple[uuid.UUID, uuid.UUID | None, uuid.UUID | None]


class HardDeleteRefused(RuntimeError):
    """A synced record may only be tombstoned: a hard delete would never reach devices."""


def allocate_tick(session: Session) -> int:
    """Take the next change tick from the database."""
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(select(change_tick_seq.next_value())).scalar_one()
    tick: int = session.execute(
        text("UPDATE sync_clock SET value = value + 1 WHERE id = 1 RETURNING value")
    ).scalar_one()
    return tick


def current_txid(session: Session) -> int:
    """The id of the current transaction on PostgreSQL (0 on SQLite; see sync.cursor)."""
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(text("SELECT pg_current_xact_id()::text")).scalar_one())
    return 0


def changed_fields(record: SyncedRecord) -> list[str]:
    """The names of the columns of ``record`` changed in this flush, bookkeeping aside."""
    state = inspect(record)
    names: list[str] = []
    for attr in state.mapper.column_attrs:
        if not isinstance(attr, ColumnProperty) or attr.key in SyncedRecord.BOOKKEEPING:
            continue
        if state.attrs[attr.key].history.has_changes():
            names.append(attr.key)
    return names


def _owner_of(session: Session, table: str, values: ColumnValues) -> OwnerIds:
    """(clinic_id, client_id, practitioner_id) of the client a record belongs to.

    ``values`` holds the record's own clinic_id, client_id and practitioner_id where it has
    them; a client is its own client.
    """
    if table == "client":
        return values["clinic_id"], values["id"], values.get("practitioner_id")
    client_id = values.get("client_id")
    if client_id is None:
        return values["clinic_id"], None, None
    client = session.get(Client, client_id)
    if client is None:  # a foreign key would refuse the record anyway; say which
        raise LookupError(f"the client {client_id} of a {table} record does not exist")
    return client.clinic_id, client_id, client.practitioner_id


@event.listens_for(Session, "before_flush")
def stamp_changes(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    for record in session.deleted:
        if isinstance(record, SyncedRecord):
            raise HardDeleteRefused(f"{type(record).__name__} must be tombstoned, not deleted")

    with session.no_autoflush:
        pending = [r for r in session.new if isinstance(r, SyncedRecord)]
        updates: list[tuple[SyncedRecord, list[str]]] = []
        for record in session.dirty:
            if isinstance(record, SyncedRecord) and record not in session.new:
                fields = changed_fields(record)
                if fields:
                    updates.append((record, fields))
        if not pending and not updates:
            return

        tick = allocate_tick(session)
        txid = current_txid(session)
        entries: list[ColumnValues] = []

        for record in pending:
            if record.id is None:  # the column default would only apply at INSERT, too late here
                record.id = uuid.uuid4()
        for record in pending:
            record.version = tick
            record.field_versions = {}
            entries.append(_log_entry(session, record.__tablename__, _owner_fields(record), tick, txid))

        for record, fields in updates:
            versions = dict(record.field_versions or {})
            versions.update({name: tick for name in fields})
            record.version = tick
            record.field_versions = versions
            entries.append(_log_entry(session, record.__tablename__, _owner_fields(record), tick, txid))
            if "practitioner_id" in fields and isinstance(record, Client):
                entries.extend(_caseload_moves(record, tick, txid))

        if entries:
            session.execute(table_of(ChangeLog).insert(), entries)


def _owner_fields(record: SyncedRecord) -> ColumnValues:
    return {name: getattr(record, name, None) for name in ("id", "clinic_id", "client_id", "practitioner_id")}


def insert_new_records(session: Session, model: type[SyncedRecord], rows: list[ColumnValues]) -> None:
    """Insert brand-new synced rows in one statement, versioned and logged like a flush.

    The sync push creates thousands of findings at once; building an ORM object for each
    costs more than the rest of the push together, so new rows go in as plain dicts.
    """
    if not rows:
        return
    tick, txid, now = allocate_tick(session), current_txid(session), now_utc()
    defaulted = _defaulted_columns(table_of(model))
    table = model.__tablename__
    owners: dict[
        uuid.UUID | None, OwnerIds
    ] = {}  # thousands of rows share a handful of clients: look each up once
    entries: list[ColumnValues] = []
    for row in rows:
        for column in defaulted:
            if row.get(column.name) is None:
                row[column.name] = python_default(column)
        row.update(version=tick, field_versions={}, created_at=now, updated_at=now, deleted_at=None)
        key = row.get("client_id") if table != "client" else row["id"]
        if key is None or key not in owners:
            owners[key] = _owner_of(session, table, row)
        entries.append(_log_entry(session, table, row, tick, txid, owners[key]))
    insert_rows(session, table_of(model), rows)
    insert_rows(session, table_of(ChangeLog), entries)


def _defaulted_columns(table: Table) -> list[Column[object]]:
    """The table's non-nullable columns with a Python-side default.

    A plain Core insert takes an explicit None literally, so "not given" must become the
    column's default before the rows go in.
    """
    return [column for column in table.columns if not column.nullable and has_python_default(column)]


def pushed_by(session: Session, device_id: uuid.UUID | None, record_ids: Iterable[uuid.UUID]) -> None:
    """Mark the records a device's push is about to write: their log rows name the device.

    Only the pushed records themselves: anything else a push touches still reaches every
    device, the pusher included. ``device_id`` None clears the mark.
    """
    session.info["pushing_device"] = device_id
    session.info["pushed_records"] = set(record_ids) if device_id else set()


def _log_entry(
    session: Session, table: str, values: ColumnValues, tick: int, txid: int, owner: OwnerIds | None = None
) -> ColumnValues:
    clinic_id, client_id, practitioner_id = owner or _owner_of(session, table, values)
    pushed = values["id"] in session.info.get("pushed_records", ())
    return {
        "tick": tick,
        "txid": txid,
        "kind": "upsert",
        "entity": table,
        "entity_id": values["id"],
        "clinic_id": clinic_id,
        "client_id": client_id,
        "practitioner_id": practitioner_id,
        "device_id": session.info.get("pushing_device") if pushed else None,
    }


def _caseload_moves(client: Client, tick: int, txid: int) -> list[ColumnValues]:
    """Log rows telling the old owner's devices to evict and the new one's to adopt."""
    history = inspect(client).attrs["practitioner_id"].history
    base = {
        "tick": tick,
        "txid": txid,
        "entity": "client",
        "entity_id": client.id,
        "clinic_id": client.clinic_id,
        "client_id": client.id,
        "device_id": None,
    }
    rows = [dict(base, kind="evict", practitioner_id=old) for old in history.deleted if old]
    if client.practitioner_id is not None:
        rows.append(dict(base, kind="adopt", practitioner_id=client.practitioner_id))
    return rows


__all__ = ["stamp_changes", "allocate_tick", "HardDeleteRefused", "SyncClock"]
