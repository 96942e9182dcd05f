"""The practice's figures, each as a table with an optional chart, scoped to what the reader may see.

Every query starts from ``scope_clients`` (clients/access.py): a practitioner's figures count
only their own caseload's records, staff and admins their whole clinic, nobody another's.
Periods are the clinic's own weeks and months, worked out in the clinic's time zone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from webapp.appointments.attendance import CANCELLED_LATE, NO_SHOW, OUTCOMES
from webapp.appointments.models import Appointment
from webapp.auth.models import Role, User
from webapp.clients.access import scope_clients
from webapp.clients.models import Client
from webapp.visits.models import Visit


@dataclass(frozen=True)
class Filters:
    """What the reader asked for: a range of days (clinic time), a practitioner or all, and
    whether to count by week or by month."""

    start: dt.datetime  # UTC, inclusive
    end: dt.datetime  # UTC, exclusive
    zone: ZoneInfo
    practitioner_id: uuid.UUID | None = None
    by: str = "month"  # "week" | "month"


@dataclass
class Figures:
    title: str
    columns: list[str]
    rows: list[list[str | int]]
    note: str = ""
    # (label, value) pairs for a bar chart; empty when a table reads as fast.
    bars: list[tuple[str, int]] = field(default_factory=list)


def _period(moment: dt.datetime, filters: Filters) -> str:
    local = moment.astimezone(filters.zone)
    if filters.by == "week":
        monday = local.date() - dt.timedelta(days=local.weekday())
        return f"Week of {monday.isoformat()}"
    return local.strftime("%Y-%m")


def _visits(user: User, filters: Filters) -> Select:
    query = scope_clients(select(Visit).join(Client, Client.id == Visit.client_id), user).where(
        Visit.deleted_at.is_(None), Visit.started_at >= filters.start, Visit.started_at < filters.end)
    return _of_practitioner(query, Visit.practitioner_id, user, filters)


def _appointments(user: User, filters: Filters) -> Select:
    query = scope_clients(select(Appointment).join(Client, Client.id == Appointment.client_id), user).where(
        Appointment.deleted_at.is_(None), Appointment.starts_at >= filters.start, Appointment.starts_at < filters.end)
    return _of_practitioner(query, Appointment.practitioner_id, user, filters)


def _of_practitioner(query: Select, column, user: User, filters: Filters) -> Select:
    if user.role == Role.PRACTITIONER:
        return query.where(column == user.id)
    if filters.practitioner_id:
        return query.where(column == filters.practitioner_id)
    return query


def _names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID | None, str]:
    wanted = {i for i in ids if i is not None}
    names: dict[uuid.UUID | None, str] = {None: "Not assigned"}
    if wanted:
        names.update(session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())
    return names


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def sessions_held(session: Session, user: User, filters: Filters) -> Figures:
    rows = session.execute(_visits(user, filters).with_only_columns(Visit.started_at, Visit.practitioner_id)).all()
    counts = Counter((_period(started, filters), who) for started, who in rows)
    names = _names(session, (who for _, who in counts))
    table = [[period, names[who], n] for (period, who), n in sorted(counts.items(), key=lambda i: (i[0][0], names[i[0][1]]))]
    by_period = Counter(_period(started, filters) for started, _ in rows)
    return Figures("Sessions held", ["Period", "Practitioner", "Sessions"], table,
                   bars=sorted(by_period.items()))


def new_clients(session: Session, user: User, filters: Filters) -> Figures:
    """Clients whose first session fell in the range: new to the practice, not just registered."""
    scoped = scope_clients(select(Visit.client_id, Visit.started_at, Visit.practitioner_id)
                           .join(Client, Client.id == Visit.client_id), user).where(Visit.deleted_at.is_(None))
    scoped = _of_practitioner(scoped, Visit.practitioner_id, user, filters)
    first: dict[uuid.UUID, tuple[dt.datetime, uuid.UUID]] = {}
    for client_id, started, who in session.execute(scoped.where(Visit.started_at < filters.end)):
        if client_id not in first or started < first[client_id][0]:
            first[client_id] = (started, who)
    counts = Counter(_period(started, filters) for started, _ in first.values() if started >= filters.start)
    return Figures("New clients", ["Period", "New clients"], [[p, n] for p, n in sorted(counts.items())],
                   note="A client counts as new in the period of their first session.",
                   bars=sorted(counts.items()))


def attendance(session: Session, user: User, filters: Filters) -> Figures:
    """No-shows and late cancellations among appointments whose outcome is known."""
    rows = session.execute(_appointments(user, filters).with_only_columns(
        Appointment.practitioner_id, Appointment.outcome)).all()
    by_who: dict[uuid.UUID, Counter] = {}
    for who, outcome in rows:
        by_who.setdefault(who, Counter())[outcome] += 1
    names = _names(session, by_who)
    table = []
    for who, counts in sorted(by_who.items(), key=lambda i: names[i[0]]):
        known = sum(n for outcome, n in counts.items() if outcome in OUTCOMES)
        table.append([names[who], sum(counts.values()), known, counts[NO_SHOW], _percent(counts[NO_SHOW], known),
                      counts[CANCELLED_LATE], _percent(counts[CANCELLED_LATE], known)])
    return Figures("No-shows and late cancellations",
                   ["Practitioner", "Appointments", "Outcome recorded", "Did not come", "No-show rate",
                    "Cancelled late", "Late-cancellation rate"], table,
                   note="Rates are of the appointments whose outcome was recorded.")


def where_sessions_happen(session: Session, user: User, filters: Filters) -> Figures:
    rows = session.execute(_visits(user, filters).with_only_columns(Visit.started_at, Visit.location)).all()
    counts = Counter((_period(started, filters), location) for started, location in rows)
    periods = sorted({period for period, _ in counts})
    table = [[p, counts[(p, "home")], counts[(p, "clinic")], _percent(counts[(p, "home")],
                                                                      counts[(p, "home")] + counts[(p, "clinic")])]
             for p in periods]
    home, clinic = sum(r[1] for r in table), sum(r[2] for r in table)
    return Figures("Home visits and clinic visits", ["Period", "Home visits", "At the clinic", "Home share"], table,
                   bars=[("Home visits", home), ("At the clinic", clinic)])


def referrals(session: Session, user: User, filters: Filters) -> Figures:
    """Sessions at which the practitioner suggested the client see a medical practitioner."""
    rows = session.execute(_visits(user, filters).with_only_columns(Visit.started_at, Visit.referred)).all()
    sessions = Counter(_period(started, filters) for started, _ in rows)
    referred = Counter(_period(started, filters) for started, was in rows if was)
    table = [[p, sessions[p], referred[p], _percent(referred[p], sessions[p])] for p in sorted(sessions)]
    return Figures("Referrals to a medical practitioner", ["Period", "Sessions", "Referred", "Share"], table,
                   bars=sorted(referred.items()))


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    about: str
    figures: Callable[[Session, User, Filters], Figures]


REPORTS: dict[str, Report] = {r.slug: r for r in [
    Report("sessions", "Sessions held", "by week or month and practitioner", sessions_held),
    Report("new-clients", "New clients", "clients whose first session fell in the period", new_clients),
    Report("attendance", "No-shows and late cancellations", "by practitioner", attendance),
    Report("locations", "Home visits and clinic visits", "where sessions took place", where_sessions_happen),
    Report("referrals", "Referrals", "sessions where a medical practitioner was suggested", referrals),
]}
