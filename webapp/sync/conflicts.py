"""Resolving a conflict: keep the device's value, keep the server's, or store an edit."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from webapp.auth.models import Role, User
from webapp.clients.models import Client
from webapp.db import SyncedRecord, now_utc
from webapp.sync.entities import ENTITIES, Entity
from webapp.sync.models import SyncConflict

CHOICES = ("mine", "theirs", "edit")


class ResolutionRefused(ValueError):
    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def visible_conflict(session: Session, user: User, conflict_id: object) -> SyncConflict | None:
    try:
        conflict = session.get(SyncConflict, uuid.UUID(str(conflict_id)))
    except ValueError:
        return None
    if conflict is None or conflict.clinic_id != user.clinic_id:
        return None
    if user.role == Role.PRACTITIONER and conflict.user_id != user.id:
        client = session.get(Client, conflict.client_id) if conflict.client_id else None
        if client is None or client.practitioner_id != user.id:
            return None
    return conflict


def resolve(
    session: Session, user: User, conflict: SyncConflict, choice: str, value: object = None
) -> SyncConflict:
    """Settle ``conflict``; the record changes (and syncs) unless the server's value stays."""
    if choice not in CHOICES:
        raise ResolutionRefused("Choose mine, theirs or edit.")
    if conflict.resolved_at is not None:
        raise ResolutionRefused("This conflict was already resolved.", "already_resolved")
    entity = ENTITIES[conflict.entity]
    record = session.get(entity.model, conflict.entity_id)
    if record is None:  # synced records are only ever tombstoned (sync/changelog.py), never deleted
        raise LookupError(
            f"the {conflict.entity} {conflict.entity_id} of conflict {conflict.id} does not exist"
        )
    if choice == "mine":
        _apply(entity, record, conflict.field, conflict.device_value["value"])
    elif choice == "edit":
        _apply(entity, record, conflict.field, value)
    conflict.resolved_at = now_utc()
    conflict.resolved_by_id = user.id
    conflict.resolution = choice
    session.flush()
    return conflict


def _apply(entity: Entity, record: SyncedRecord, field_name: str, value: object) -> None:
    if field_name == "_deleted":
        if value == "deleted":
            record.deleted_at = record.deleted_at or now_utc()
            return
        # The device edited a record deleted here: bring it back with the device's edits.
        record.deleted_at = None
        value = value if isinstance(value, dict) else {}
        checked = entity.schema.validate(value, partial=True)
        if not checked.ok:
            raise ResolutionRefused("; ".join(checked.errors.values()))
        for name, cleaned in checked.values.items():
            if name not in entity.fixed:
                setattr(record, name, cleaned)
        return
    checked = entity.schema.validate({field_name: value}, partial=True)
    if not checked.ok:
        raise ResolutionRefused(checked.errors[field_name])
    setattr(record, field_name, checked.values[field_name])
