"""The desk's list of clients: search, and each client's next appointment and last session.

It lives with the records, above clients, appointments and visits, because it reads all three.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from webapp.appointments.models import Appointment
from webapp.auth.models import User
from webapp.clients.access import visible_clients
from webapp.clients.models import Client
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
    """A page of the clients ``user`` may see, matching ``text``; five queries in all."""
    query = visible_clients(user)
    for word in text.split():
        pattern = f"%{word.lower()}%"
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern)
                    for column in (
                        Client.first_name,
                        Client.last_name,
                        Client.phone,
                        Client.email,
                        Client.postcode,
                    )
                )
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0  # a count: never None
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    clients = db.session.scalars(
        query.order_by(func.lower(Client.last_name), func.lower(Client.first_name), Client.id)
        .options(selectinload(Client.practitioner))  # named on each row: one query, not one a practitioner
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [c.id for c in clients]
    next_at = (
        dict(
            db.session.execute(
                select(Appointment.client_id, func.min(Appointment.starts_at))
                .where(
                    Appointment.client_id.in_(ids),
                    Appointment.starts_at >= now_utc(),
                    Appointment.status == "booked",
                    Appointment.deleted_at.is_(None),
                )
                .group_by(Appointment.client_id)
            ).all()
        )
        if ids
        else {}
    )
    last_at = (
        dict(
            db.session.execute(
                select(Visit.client_id, func.max(Visit.started_at))
                .where(Visit.client_id.in_(ids), Visit.deleted_at.is_(None))
                .group_by(Visit.client_id)
            ).all()
        )
        if ids
        else {}
    )
    rows = [ClientRow(c, _aware(next_at.get(c.id)), _aware(last_at.get(c.id))) for c in clients]
    return ClientPage(rows, page, pages, total)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """Aggregates skip the column type, so SQLite hands back naive UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
