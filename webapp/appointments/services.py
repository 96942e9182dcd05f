"""The rules of the diary: who may book what, the day and week views, follow-ups due."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from webapp.appointments.models import Appointment
from webapp.auth.models import Role, User
from webapp.clients.access import scope_clients, visible_clients
from webapp.clients.models import Client
from webapp.db import now_utc
from webapp.extensions import db
from webapp.visits.models import Visit
from webapp.vocab.defaults import INITIAL_COURSE_DAYS

INITIAL_COURSE = len(INITIAL_COURSE_DAYS)


def local_day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where ``day`` starts and ends in ``zone`` (DST days are 23 or 25 h)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def combine_local(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def practitioners_of(user: User) -> list[User]:
    if user.role == Role.PRACTITIONER:
        return [user]
    return list(
        db.session.scalars(
            select(User)
            .where(User.clinic_id == user.clinic_id, User.role == Role.PRACTITIONER, User.active.is_(True))
            .order_by(User.name)
        )
    )


def appointments_between(
    user: User, start: dt.datetime, end: dt.datetime, practitioner_id: uuid.UUID | None
) -> list[Appointment]:
    """Appointments ``user`` may see in [start, end), optionally of one practitioner."""
    query = scope_clients(select(Appointment).join(Client, Client.id == Appointment.client_id), user).where(
        Appointment.starts_at >= start, Appointment.starts_at < end, Appointment.deleted_at.is_(None)
    )
    if user.role == Role.PRACTITIONER:
        query = query.where(Appointment.practitioner_id == user.id)
    elif practitioner_id:
        query = query.where(Appointment.practitioner_id == practitioner_id)
    else:
        # The clinic's own copy of what scope_clients checks on the client: it lets the whole
        # clinic's diary be read through ix_appointment_clinic_starts, not every appointment.
        query = query.where(Appointment.clinic_id == user.clinic_id)
    # The pages name each appointment's client and practitioner: loaded with it, not one by one.
    query = query.options(contains_eager(Appointment.client), selectinload(Appointment.practitioner))
    return list(db.session.scalars(query.order_by(Appointment.starts_at)))


def check_booking(user: User, values: dict, appointment: Appointment | None = None) -> dict[str, str]:
    """Rules beyond single fields (shared with the sync API): who, for whom, where."""
    errors: dict[str, str] = {}
    client_id, practitioner_id = values.get("client_id"), values.get("practitioner_id")
    if client_id and db.session.scalars(visible_clients(user).where(Client.id == client_id)).first() is None:
        errors["client_id"] = "Choose one of your clients."
    allowed = {p.id for p in practitioners_of(user)}
    if practitioner_id and practitioner_id not in allowed:
        errors["practitioner_id"] = (
            "You can only book your own appointments."
            if user.role == Role.PRACTITIONER
            else "Choose an active practitioner of this clinic."
        )
    if values.get("location") == "home" and not values.get("address"):
        errors["address"] = "Enter the address for the home visit."
    return errors


def overlapping(values: dict, appointment: Appointment | None = None) -> list[Appointment]:
    """Booked appointments of the same practitioner that overlap the given time."""
    start = values["starts_at"]
    end = start + dt.timedelta(minutes=values["duration_minutes"])
    query = select(Appointment).where(
        Appointment.practitioner_id == values["practitioner_id"],
        Appointment.status == "booked",
        Appointment.deleted_at.is_(None),
        Appointment.starts_at < end,
        Appointment.starts_at > start - dt.timedelta(hours=4),
    )
    if appointment is not None:
        query = query.where(Appointment.id != appointment.id)
    return [a for a in db.session.scalars(query) if a.ends_at > start]


def save_appointment(
    user: User, values: dict, appointment: Appointment | None = None
) -> tuple[Appointment, list]:
    if values.get("location") != "home":
        values = dict(values, address="")
    if appointment is None:
        appointment = Appointment(clinic_id=user.clinic_id, **values)
        db.session.add(appointment)
        db.session.flush()
        return appointment, sorted(values)
    changed = [k for k, v in values.items() if k != "client_id" and getattr(appointment, k) != v]
    for name in changed:
        setattr(appointment, name, values[name])
    db.session.flush()
    return appointment, changed


def cancel(appointment: Appointment) -> None:
    appointment.status = "cancelled"
    appointment.outcome = appointment.outcome or "cancelled"  # "cancelled late" is set from the day view
    db.session.flush()


@dataclass
class FollowUp:
    client: Client
    visits_done: int
    first_visit: dt.datetime
    last_visit: dt.datetime
    suggested: dt.date

    def overdue(self, today: dt.date) -> bool:
        return self.suggested < today


def follow_ups_due(
    clinic_id: uuid.UUID,
    practitioner_id: uuid.UUID | None = None,
    now: dt.datetime | None = None,
    zone: ZoneInfo | None = None,
) -> list[FollowUp]:
    """Clients in their initial course (1 or 2 sessions) with no future session booked.

    Three queries however many years of sessions are kept: each client's sessions are
    counted only up to the length of the initial course (an index probe, never the
    client's whole history, and never every session of every clinic), and the first and
    last session are read for the few clients that are due.
    """
    now = now or now_utc()
    zone = zone or ZoneInfo("Europe/London")
    first_sessions = (
        select(Visit.id)
        .where(Visit.client_id == Client.id, Visit.deleted_at.is_(None))
        .limit(INITIAL_COURSE)
        .correlate(Client)
        .subquery()
    )
    # Compared with IN, not BETWEEN: PostgreSQL would work the count out once for each bound.
    done = select(func.count()).select_from(first_sessions).scalar_subquery()
    booked = exists().where(
        Appointment.client_id == Client.id,
        Appointment.starts_at >= now,
        Appointment.status == "booked",
        Appointment.deleted_at.is_(None),
    )
    query = (
        select(Client, done)
        .where(Client.clinic_id == clinic_id, Client.deleted_at.is_(None), done.in_(range(1, INITIAL_COURSE)))
        .where(~booked)
        .options(selectinload(Client.practitioner))
    )
    if practitioner_id is not None:
        query = query.where(Client.practitioner_id == practitioner_id)
    found = db.session.execute(query).all()
    spans = (
        {
            client_id: (first, last)
            for client_id, first, last in db.session.execute(
                select(Visit.client_id, func.min(Visit.started_at), func.max(Visit.started_at))
                .where(Visit.client_id.in_([client.id for client, _ in found]), Visit.deleted_at.is_(None))
                .group_by(Visit.client_id)
            )
        }
        if found
        else {}
    )
    due = []
    for client, count in found:
        first, last = (_aware(value) for value in spans[client.id])
        suggested = first.astimezone(zone).date() + dt.timedelta(days=INITIAL_COURSE_DAYS[count])
        due.append(FollowUp(client, count, first, last, suggested))
    return sorted(due, key=lambda f: (f.suggested, f.client.last_name))


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
