"""The rules of clients: listing, registering, editing, case history, acknowledgement."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from webapp.appointments.models import Appointment
from webapp.auth.models import Role, User
from webapp.clients.models import Acknowledgement, CaseHistory, Client
from webapp.core.access import visible_clients
from webapp.db import now_utc
from webapp.extensions import db
from webapp.visits.models import Visit


@dataclass
class ClientRow:
    client: Client
    next_appointment: dt.datetime | None
    last_session: dt.datetime | None


@dataclass
class ClientPage:
    rows: list[ClientRow]
    page: int
    pages: int
    total: int


def search_clients(user: User, text: str, page: int, per_page: int) -> ClientPage:
    """A page of the clients ``user`` may see, matching ``text``; three queries in all."""
    query = visible_clients(user)
    for word in text.split():
        pattern = f"%{word.lower()}%"
        query = query.where(or_(*(func.lower(column).like(pattern) for column in (
            Client.first_name, Client.last_name, Client.phone, Client.email, Client.postcode))))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    clients = db.session.scalars(query.order_by(func.lower(Client.last_name), func.lower(Client.first_name))
                                 .limit(per_page).offset((page - 1) * per_page)).all()
    ids = [c.id for c in clients]
    next_at = dict(db.session.execute(
        select(Appointment.client_id, func.min(Appointment.starts_at))
        .where(Appointment.client_id.in_(ids), Appointment.starts_at >= now_utc(),
               Appointment.status == "booked", Appointment.deleted_at.is_(None))
        .group_by(Appointment.client_id)).all()) if ids else {}
    last_at = dict(db.session.execute(
        select(Visit.client_id, func.max(Visit.started_at))
        .where(Visit.client_id.in_(ids), Visit.deleted_at.is_(None)).group_by(Visit.client_id)).all()) if ids else {}
    rows = [ClientRow(c, _aware(next_at.get(c.id)), _aware(last_at.get(c.id))) for c in clients]
    return ClientPage(rows, page, pages, total)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """Aggregates skip the column type, so SQLite hands back naive UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def assignable_practitioners(user: User) -> list[User]:
    """Whom ``user`` may put a client with: any active practitioner (desk), or themself."""
    if user.role == Role.PRACTITIONER:
        return [user]
    return list(db.session.scalars(select(User).where(
        User.clinic_id == user.clinic_id, User.role == Role.PRACTITIONER, User.active.is_(True))
        .order_by(User.name)))


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
    return db.session.scalars(select(CaseHistory).where(
        CaseHistory.client_id == client.id, CaseHistory.deleted_at.is_(None))).first()


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
    return list(db.session.scalars(select(Acknowledgement).where(
        Acknowledgement.client_id == client.id, Acknowledgement.deleted_at.is_(None))
        .order_by(Acknowledgement.acknowledged_on.desc())))


def record_acknowledgement(client: Client, recorded_by: User, values: dict) -> Acknowledgement:
    values = {k: v for k, v in values.items() if k != "client_id"}
    ack = Acknowledgement(client_id=client.id, recorded_by_id=recorded_by.id, **values)
    db.session.add(ack)
    db.session.flush()
    return ack
