"""The rules of clients: registering, editing, case history, acknowledgement."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from webapp.auth.models import Role, User
from webapp.clients.models import Acknowledgement, CaseHistory, Client
from webapp.extensions import db


def assignable_practitioners(user: User) -> list[User]:
    """Whom ``user`` may put a client with: any active practitioner (desk), or themself."""
    if user.role == Role.PRACTITIONER:
        return [user]
    return list(
        db.session.scalars(
            select(User)
            .where(User.clinic_id == user.clinic_id, User.role == Role.PRACTITIONER, User.active.is_(True))
            .order_by(User.name)
        )
    )


def check_practitioner(user: User, practitioner_id: uuid.UUID | None) -> dict[str, str]:
    """Field errors if ``user`` may not assign a client to ``practitioner_id``."""
    if user.role == Role.PRACTITIONER:
        if practitioner_id not in (None, user.id):
            return {"practitioner_id": "You can only add clients to your own caseload."}
        return {}
    if practitioner_id is None:
        return {}
    if practitioner_id not in {p.id for p in assignable_practitioners(user)}:
        return {"practitioner_id": "Choose an active practitioner of this clinic."}
    return {}


def save_client(user: User, values: dict, client: Client | None = None) -> tuple[Client, list[str]]:
    """Register a client or update one; returns it with the names of the changed fields."""
    if user.role == Role.PRACTITIONER:
        values = dict(values, practitioner_id=client.practitioner_id if client else user.id)
    if client is None:
        client = Client(clinic_id=user.clinic_id, **values)
        db.session.add(client)
        db.session.flush()
        return client, sorted(values)
    changed = [name for name, value in values.items() if getattr(client, name) != value]
    for name in changed:
        setattr(client, name, values[name])
    db.session.flush()
    return client, changed


def case_history_of(client: Client) -> CaseHistory | None:
    return db.session.scalars(
        select(CaseHistory).where(CaseHistory.client_id == client.id, CaseHistory.deleted_at.is_(None))
    ).first()


def save_case_history(client: Client, values: dict) -> tuple[CaseHistory, list[str]]:
    """Store the case history (made on first save); returns the changed fields."""
    values = {k: v for k, v in values.items() if k != "client_id"}
    history = case_history_of(client)
    if history is None:
        history = CaseHistory(client_id=client.id, **values)
        db.session.add(history)
        db.session.flush()
        return history, sorted(k for k, v in values.items() if v not in (None, ""))
    changed = [name for name, value in values.items() if _differs(getattr(history, name), value)]
    for name in changed:
        setattr(history, name, values[name])
    db.session.flush()
    return history, changed


def _differs(current, new) -> bool:
    if current is None or new is None:
        return current != new
    try:
        return float(current) != float(new)
    except (TypeError, ValueError):
        return current != new


def acknowledgements_of(client: Client) -> list[Acknowledgement]:
    return list(
        db.session.scalars(
            select(Acknowledgement)
            .where(Acknowledgement.client_id == client.id, Acknowledgement.deleted_at.is_(None))
            .order_by(Acknowledgement.acknowledged_on.desc())
        )
    )


def record_acknowledgement(client: Client, recorded_by: User, values: dict) -> Acknowledgement:
    values = {k: v for k, v in values.items() if k != "client_id"}
    ack = Acknowledgement(client_id=client.id, recorded_by_id=recorded_by.id, **values)
    db.session.add(ack)
    db.session.flush()
    return ack
