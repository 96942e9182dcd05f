"""Recording audit events. Views call these; they add to the session and the view commits."""

from __future__ import annotations

import uuid

from webapp.audit.models import AuditEvent
from webapp.extensions import db


def record_event(
    action: str,
    *,
    user=None,
    clinic_id: uuid.UUID | None = None,
    subject_type: str | None = None,
    subject_id: uuid.UUID | str | None = None,
    address: str | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Add an audit event; ``detail`` never holds health data, only field names and ids."""
    event = AuditEvent(
        action=action,
        user_id=getattr(user, "id", None),
        clinic_id=clinic_id or getattr(user, "clinic_id", None),
        subject_type=subject_type,
        subject_id=str(subject_id) if subject_id is not None else None,
        address=address,
        detail=detail or {},
    )
    db.session.add(event)
    return event


def record_client_read(action: str, *, user, client_id: uuid.UUID, address: str | None) -> AuditEvent:
    """Add the audit row of a page that showed a client's record (``action`` names the page)."""
    return record_event(action, user=user, subject_type="client", subject_id=client_id, address=address)
