"""Pull: what changed on the caseload since the device's cursor, or all of it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.db import one_of, table_of
from webapp.sync import cursor as cursors
from webapp.sync.entities import (
    BY_TABLE,
    ENTITIES,
    Entity,
    RecordJSON,
    attribute,
    serialise,
    to_wire,
    wire_fields,
)
from webapp.sync.models import ChangeLog, SyncConflict

DEFAULT_LIMIT = 5000

# A pull's answer (records, evict, conflicts, cursor, more, remaining; snapshot), before the envelope.
PullJSON = dict[str, Any]
# A conflict as a device receives it.
ConflictJSON = dict[str, Any]
# A position in the change log: (txid, id).
Position = tuple[int, int]
LogRow = Row[Any]


def pull(
    session: Session,
    user: User,
    cursor: str | None,
    limit: int = DEFAULT_LIMIT,
    device_id: uuid.UUID | None = None,
    paged: bool = False,
) -> PullJSON:
    """Records changed on ``user``'s caseload after ``cursor`` (all of it without one).

    Changes ``device_id`` pushed itself are not sent back to it: its push's answer gave it
    each record as stored. A record changed since by anyone else comes, through that row.
    ``remaining`` says how many log rows (or, in a snapshot, records) are left after this
    page. A whole caseload comes in pages of ``limit`` only if the device asked (``paged``):
    an older app takes a snapshot as the whole of what it may hold, so it gets one answer.
    """
    resume = cursors.decode_snapshot(cursor)
    if resume is not None and resume[1] not in ENTITIES:
        raise cursors.BadCursor("The sync cursor is not valid; pull again without one.")
    if not cursor or resume is not None:
        return _snapshot(session, user, limit if paged or resume else None, resume)
    position = cursors.decode(cursor)
    limit_txid = cursors.horizon(session)
    rows = _log_rows(session, user, position, limit + 1, limit_txid)
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
        "remaining": _log_rows_after(session, user, new_position, limit_txid) if more else 0,
    }


# What a pull needs of a log row: plain rows, not ORM objects (a pull may read thousands,
# most of them the device's own pushed changes, skipped).
LOG_COLUMNS = (
    ChangeLog.txid,
    ChangeLog.id,
    ChangeLog.kind,
    ChangeLog.entity,
    ChangeLog.entity_id,
    ChangeLog.client_id,
    ChangeLog.device_id,
)


def _log_scopes(user: User, position: Position, limit_txid: int | None) -> list[ColumnElement[bool]]:
    """What of the log a pull reads: the caseload's rows and the clinic-wide ones, after
    ``position`` and below the horizon. The pull and its count of what remains share it."""
    after = tuple_(ChangeLog.txid, ChangeLog.id) > tuple_(*position)
    below = [ChangeLog.txid < limit_txid] if limit_txid is not None else []
    return [
        and_(ChangeLog.practitioner_id == user.id, after, *below),
        and_(
            ChangeLog.clinic_id == user.clinic_id,
            ChangeLog.practitioner_id.is_(None),
            ChangeLog.client_id.is_(None),
            after,
            *below,
        ),
    ]


def _log_rows(
    session: Session, user: User, position: Position, limit: int, limit_txid: int | None
) -> list[LogRow]:
    """Log rows after ``position`` on the caseload, plus clinic-wide ones, in log order."""
    found: list[LogRow] = []
    for scope in _log_scopes(user, position, limit_txid):  # two index range scans, merged below
        query = select(*LOG_COLUMNS).where(scope)
        found.extend(session.execute(query.order_by(ChangeLog.txid, ChangeLog.id).limit(limit)))
    found.sort(key=lambda row: (row.txid, row.id))
    return found[:limit]


def _log_rows_after(session: Session, user: User, position: Position, limit_txid: int | None) -> int:
    """How many log rows a pull from ``position`` would still read (the same two scopes)."""
    return sum(
        session.scalar(select(func.count()).select_from(ChangeLog).where(scope)) or 0
        for scope in _log_scopes(user, position, limit_txid)
    )


def _my_clients_among(session: Session, user: User, client_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    mine: set[uuid.UUID] = set()
    for condition in one_of(session, Client.id, client_ids):
        mine.update(
            session.scalars(
                select(Client.id).where(
                    condition, Client.practitioner_id == user.id, Client.clinic_id == user.clinic_id
                )
            )
        )
    return mine


def _records_of_clients(
    session: Session, client_ids: Iterable[uuid.UUID], include_deleted: bool
) -> list[RecordJSON]:
    records: list[RecordJSON] = []
    for entity in ENTITIES.values():
        model = entity.model
        if entity.name == "vocabulary_term":
            continue
        column = attribute(model, "id" if entity.name == "client" else "client_id")
        for condition in one_of(session, column, client_ids):
            query = select(model).where(condition)
            if not include_deleted:
                query = query.where(model.deleted_at.is_(None))
            records.extend(serialise(entity, record) for record in session.scalars(query))
    return records


def _snapshot_scope(entity: Entity, user: User) -> ColumnElement[bool]:
    """What of ``entity`` a snapshot holds: the live caseload's records, or the clinic's terms."""
    model = entity.model
    caseload = select(Client.id).where(
        Client.practitioner_id == user.id, Client.clinic_id == user.clinic_id, Client.deleted_at.is_(None)
    )
    scope: ColumnElement[bool]
    if entity.name == "vocabulary_term":
        scope = attribute(model, "clinic_id") == user.clinic_id
    elif entity.name == "client":
        scope = model.id.in_(caseload)
    else:
        scope = attribute(model, "client_id").in_(caseload)
    return and_(scope, model.deleted_at.is_(None))


def _snapshot(
    session: Session,
    user: User,
    limit: int | None,
    resume: tuple[Position, str, uuid.UUID | None] | None = None,
) -> PullJSON:
    """The whole caseload; with ``limit``, one page of it, entity by entity in id order.

    Every page reads the caseload as it stands, and the log position taken before the first
    page (see snapshot_position) is where the pulls after the last page start: whatever
    changed while the pages came (a record made, moved or deleted) comes again through the
    log, which is harmless because devices keep the newer version of a record.
    """
    if resume is None:
        position, start, after_id = cursors.snapshot_position(session), 0, None  # before reading
    else:
        position, entity_name, after_id = resume
        start = list(ENTITIES).index(entity_name)
    records: list[RecordJSON] = []
    stopped_at: tuple[str, uuid.UUID | None] | None = None
    entities = list(ENTITIES.values())
    for index in range(start, len(entities)):
        entity = entities[index]
        condition = _snapshot_scope(entity, user)
        if index == start and after_id is not None:
            condition = and_(condition, entity.model.id > after_id)
        if limit is None:
            records.extend(_snapshot_records(session, entity, condition))
            continue
        room = limit - len(records)
        found = _snapshot_records(session, entity, condition, room + 1)
        records.extend(found[:room])
        if len(found) > room:  # the page is full and this entity has more
            last = uuid.UUID(found[room - 1]["id"]) if room else (after_id if index == start else None)
            stopped_at = (entity.name, last)
            break
    answer: PullJSON = {
        "records": records,
        "evict": [],
        "conflicts": open_conflicts(session, user),
        "snapshot": True,
    }
    if stopped_at is None:
        return answer | {"cursor": cursors.encode(position), "more": False, "remaining": 0}
    return answer | {
        "cursor": cursors.encode_snapshot(position, *stopped_at),
        "more": True,
        "remaining": _snapshot_rows_after(session, user, *stopped_at),
    }


def _snapshot_records(
    session: Session, entity: Entity, condition: ColumnElement[bool], limit: int | None = None
) -> list[RecordJSON]:
    """The records of ``entity`` meeting ``condition``, as sent, in id order (``limit`` of them).

    Read as plain rows where every field sent is a column: a first pull sends thousands, and
    building an ORM object for each cost more than reading and encoding them.
    """
    model = entity.model
    table = table_of(model)
    query: Select[Any]
    if set(wire_fields(entity)) <= set(table.columns.keys()):
        query = select(*table.columns).where(condition).order_by(table.c.id)
        if limit is not None:
            query = query.limit(limit)
        return [serialise(entity, dict(row)) for row in session.execute(query).mappings()]
    query = select(model).where(condition).order_by(model.id)
    if limit is not None:
        query = query.limit(limit)
    return [serialise(entity, record) for record in session.scalars(query)]


def _snapshot_rows_after(session: Session, user: User, entity_name: str, after_id: uuid.UUID | None) -> int:
    """How many records a snapshot resumed after (``entity_name``, ``after_id``) still holds."""
    entities = list(ENTITIES.values())
    start = list(ENTITIES).index(entity_name)
    total = 0
    for index in range(start, len(entities)):
        entity = entities[index]
        query = select(func.count()).select_from(entity.model).where(_snapshot_scope(entity, user))
        if index == start and after_id is not None:
            query = query.where(entity.model.id > after_id)
        total += session.scalar(query) or 0
    return total


def open_conflicts(session: Session, user: User) -> list[ConflictJSON]:
    caseload = select(Client.id).where(Client.practitioner_id == user.id)
    query = (
        select(SyncConflict)
        .where(
            SyncConflict.resolved_at.is_(None),
            or_(SyncConflict.client_id.in_(caseload), SyncConflict.user_id == user.id),
            SyncConflict.clinic_id == user.clinic_id,
        )
        .order_by(SyncConflict.created_at)
    )
    return [conflict_to_wire(c) for c in session.scalars(query)]


def conflict_to_wire(conflict: SyncConflict) -> ConflictJSON:
    return {
        "conflict_id": str(conflict.id),
        "entity": conflict.entity,
        "id": str(conflict.entity_id),
        "client_id": to_wire(conflict.client_id),
        "field": conflict.field,
        "server_value": conflict.server_value.get("value"),
        "device_value": conflict.device_value.get("value"),
        "base_version": conflict.base_version,
        "created_at": to_wire(conflict.created_at),
    }
