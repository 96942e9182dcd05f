"""Parking: changes the server refused for a client who left the pusher's caseload go to
the clinic desk instead of being discarded on the phone (docs/sync-protocol.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.db import now_utc
from webapp.sync.entities import ENTITIES, ENTITY_LABELS
from webapp.sync.models import ChangeLog, ParkedChange
from webapp.sync.wire import ParkBody


def _was_on_caseload(session: Session, user: User, client: Client) -> bool:
    """Whether ``client`` is, or was, on ``user``'s caseload (a move left an evict row)."""
    if client.practitioner_id == user.id:
        return True
    return bool(
        session.scalar(
            select(
                exists().where(
                    ChangeLog.kind == "evict",
                    ChangeLog.client_id == client.id,
                    ChangeLog.practitioner_id == user.id,
                )
            )
        )
    )


def _parse_time(text: str | None) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None


def park(session: Session, user: User, device_id: uuid.UUID | None, body: ParkBody) -> int | None:
    """Park the changes of ``body``, all or nothing: how many were new (a retry adds none), or
    None when the client was never on ``user``'s caseload."""
    client = session.get(Client, body.client_id)
    if client is None or client.clinic_id != user.clinic_id or not _was_on_caseload(session, user, client):
        return None
    if client.erased_at is not None:  # erased at the client's request: nothing of theirs is taken in again
        return None
    rows = {
        change.change_id: ParkedChange(
            change_id=change.change_id,
            clinic_id=client.clinic_id,
            client_id=client.id,
            user_id=user.id,
            device_id=device_id,
            entity=change.entity,
            entity_id=change.id,
            op=change.op,
            fields=change.fields or {},
            made_at=_parse_time(change.made_at),
        )
        for change in body.changes
    }  # a repeat in the body parks once
    known = set(session.scalars(select(ParkedChange.change_id).where(ParkedChange.change_id.in_(list(rows)))))
    fresh = [row for change_id, row in rows.items() if change_id not in known]
    session.add_all(fresh)
    session.flush()
    return len(fresh)


def parked_for(session: Session, client: Client) -> list[ParkedChange]:
    """The parked changes of ``client`` the desk has not handled yet, oldest first."""
    return list(
        session.scalars(
            select(ParkedChange)
            .where(ParkedChange.client_id == client.id, ParkedChange.handled_at.is_(None))
            .order_by(ParkedChange.parked_at)
        )
    )


def mark_handled(session: Session, user: User, client: Client, change_id: object) -> bool:
    try:
        key = uuid.UUID(str(change_id))
    except ValueError:
        return False
    row = session.get(ParkedChange, key)
    if row is None or row.client_id != client.id or row.clinic_id != user.clinic_id or row.handled_at:
        return False
    row.handled_at, row.handled_by_id = now_utc(), user.id
    return True


# (code, vocabulary name) -> the code's words.
VocabularyWords = Callable[[str, str], str]


def describe(row: ParkedChange, vocab: VocabularyWords) -> tuple[str, list[tuple[str, str]]]:
    """What a parked change says, in the desk's words: a title and (label, value) lines.

    ``vocab(code, kind)`` gives a vocabulary code's words; references (ids) are left out.
    """
    title = ENTITY_LABELS.get(row.entity, row.entity) + (
        " (removed on the phone)" if row.op == "delete" else ""
    )
    schema = ENTITIES[row.entity].schema.fields if row.entity in ENTITIES else {}
    lines = []
    for name, value in (row.fields or {}).items():
        spec = schema.get(name)
        if spec is None or spec.kind == "uuid" or value in (None, "", []):
            continue
        if spec.kind == "bool":
            text = "yes" if value else "no"
        elif spec.vocabulary and spec.kind == "choice":
            text = vocab(value, spec.vocabulary)
        elif spec.vocabulary and spec.kind == "choices" and isinstance(value, list):
            text = ", ".join(vocab(code, spec.vocabulary) for code in value)
        else:
            text = str(value)
        lines.append((spec.label, text))
    return title, lines
