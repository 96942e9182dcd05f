"""Pull: what changed on the caseload since the device's cursor, or all of it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, Select, and_, or_, select, tuple_
from sqlalchemy.orm import Session

from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.db import SyncedRecord, one_of
from webapp.sync import cursor as cursors
from webapp.sync.entities import BY_TABLE, ENTITIES, RecordJSON, attribute, serialise, to_wire
from webapp.sync.models import ChangeLog, SyncConflict

DEFAULT_LIMIT = 5000

# A pull's answer (records, evict, conflicts, cursor, more; snapshot), before the envelope.
PullJSON = dict[str, Any]
# A conflict as a device receives it.
ConflictJSON = dict[str, Any]


def pull(session: Session, user: User, cursor: str | None, limit: int = DEFAULT_LIMIT,
         device_id: uuid.UUID | None = None) -> PullJSON:
    """Records changed on ``user``'s caseload after ``cursor`` (all of it without one).

    Changes ``device_id`` pushed itself are not sent back to it: its push's answer gave it
    each record as stored. A record changed since by anyone else comes, through that row.
    """
    if not cursor:
        return _snapshot(session, user)
    position = cursors.decode(cursor)
    rows = _log_rows(session, user, position, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    new_position = (rows[-1].txid, rows[-1].id) if rows else position

    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    moved_clients: set[uuid.UUID] = set()
    for row in rows:
        if row.kind == "upsert":
            if device_id is None or row.device_id != device_id:
                wanted[row.entity].add(row.entity_id)
        else:
            moved_clients.add(row.client_id)

    mine = _my_clients_among(session, user, {r.client_id for r in rows if r.client_id} | moved_clients)
    records: list[RecordJSON] = []
    for table, ids in wanted.items():
        entity = BY_TABLE[table]
        for condition in one_of(session, entity.model.id, ids):
            for record in session.scalars(select(entity.model).where(condition)):
                owner = record.id if table == "client" else getattr(record, "client_id", None)
                if owner is None or owner in mine:
                    records.append(serialise(entity, record))

    adopted = moved_clients & mine
    records.extend(_records_of_clients(session, adopted, include_deleted=False))
    return {
        "records": records,
        "evict": sorted(str(c) for c in moved_clients - mine),
        "conflicts": open_conflicts(session, user),
        "cursor": cursors.encode(new_position),
        "more": more,
    }


# What a pull needs of a log row: plain rows, not ORM objects (a pull may read thousands,
# most of them the device's own pushed changes, skipped).
LOG_COLUMNS = (ChangeLog.txid, ChangeLog.id, ChangeLog.kind, ChangeLog.entity, ChangeLog.entity_id,
               ChangeLog.client_id, ChangeLog.device_id)
# One of those rows as read: txid, id, kind, entity, entity_id, client_id, device_id.
LogRow = Row[int, int, str, str, uuid.UUID, uuid.UUID | None, uuid.UUID | None]


def _log_rows(session: Session, user: User, position: tuple[int, int], limit: int) -> list[LogRow]:
    """Log rows after ``position`` on the caseload, plus clinic-wide ones, in log order."""
    limit_txid = cursors.horizon(session)
    after = tuple_(ChangeLog.txid, ChangeLog.id) > tuple_(*position)
    scopes = [
        ChangeLog.practitioner_id == user.id,
        and_(ChangeLog.clinic_id == user.clinic_id, ChangeLog.practitioner_id.is_(None),
             ChangeLog.client_id.is_(None)),
    ]
    found: list[LogRow] = []
    for scope in scopes:  # two index range scans, merged below
        query = select(*LOG_COLUMNS).where(scope, after)
        if limit_txid is not None:
            query = query.where(ChangeLog.txid < limit_txid)
        found.extend(session.execute(query.order_by(ChangeLog.txid, ChangeLog.id).limit(limit)))
    found.sort(key=lambda row: (row.txid, row.id))
    return found[:limit]


def _my_clients_among(session: Session, user: User, client_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    mine: set[uuid.UUID] = set()
    for condition in one_of(session, Client.id, client_ids):
        mine.update(session.scalars(select(Client.id).where(
            condition, Client.practitioner_id == user.id, Client.clinic_id == user.clinic_id)))
    return mine


def _records_of_clients(session: Session, client_ids: Iterable[uuid.UUID], include_deleted: bool) -> list[RecordJSON]:
    records: list[RecordJSON] = []
    for entity in ENTITIES.values():
        model = entity.model
        if entity.name == "vocabulary_term":
            continue
        column = model.id if entity.name == "client" else attribute(model, "client_id")
        for condition in one_of(session, column, client_ids):
            query = select(model).where(condition)
            if not include_deleted:
                query = query.where(model.deleted_at.is_(None))
            records.extend(serialise(entity, record) for record in session.scalars(query))
    return records


def _snapshot(session: Session, user: User) -> PullJSON:
    position = cursors.snapshot_position(session)  # before reading: see snapshot_position
    caseload = select(Client.id).where(Client.practitioner_id == user.id, Client.clinic_id == user.clinic_id,
                                       Client.deleted_at.is_(None))
    records: list[RecordJSON] = []
    for entity in ENTITIES.values():
        model = entity.model
        query: Select[SyncedRecord]
        if entity.name == "vocabulary_term":
            query = select(model).where(attribute(model, "clinic_id") == user.clinic_id)
        elif entity.name == "client":
            query = select(model).where(model.id.in_(caseload))
        else:
            query = select(model).where(attribute(model, "client_id").in_(caseload))
        query = query.where(model.deleted_at.is_(None))
        records.extend(serialise(entity, record) for record in session.scalars(query))
    return {"records": records, "evict": [], "conflicts": open_conflicts(session, user),
            "cursor": cursors.encode(position), "more": False, "snapshot": True}


def open_conflicts(session: Session, user: User) -> list[ConflictJSON]:
    caseload = select(Client.id).where(Client.practitioner_id == user.id)
    query = select(SyncConflict).where(
        SyncConflict.resolved_at.is_(None),
        or_(SyncConflict.client_id.in_(caseload), SyncConflict.user_id == user.id),
        SyncConflict.clinic_id == user.clinic_id,
    ).order_by(SyncConflict.created_at)
    return [conflict_to_wire(c) for c in session.scalars(query)]


def conflict_to_wire(conflict: SyncConflict) -> ConflictJSON:
    return {
        "conflict_id": str(conflict.id), "entity": conflict.entity, "id": str(conflict.entity_id),
        "client_id": to_wire(conflict.client_id), "field": conflict.field,
        "server_value": conflict.server_value.get("value"), "device_value": conflict.device_value.get("value"),
        "base_version": conflict.base_version, "created_at": to_wire(conflict.created_at),
    }
