"""The reports that count records by period or practitioner: sessions, new clients,
attendance, where sessions happen, referrals.

The database does the counting, grouped by the clinic's own week or month (clinic_time.py),
so what comes back is a row per period (and practitioner or kind), never a row per record.
The period is worked out in an inner query and grouped on in the outer one: PostgreSQL
would not take the same expression with its own parameters in SELECT and GROUP BY as one.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.appointments.attendance import CANCELLED_LATE, NO_SHOW, OUTCOMES
from webapp.appointments.models import Appointment
from webapp.auth.models import User
from webapp.reports.base import (
    Figures,
    Filters,
    appointments_in_range,
    percent,
    practitioner_names,
    scoped_visits,
    visits_in_range,
)
from webapp.reports.clinic_time import local_period, period_label
from webapp.visits.models import Visit


def _visits_by_period(session: Session, user: User, filters: Filters, *columns) -> list:
    """(period label, *columns, count) of the sessions in range, one row per distinct group."""
    inner = visits_in_range(
        user, filters, local_period(session, Visit.started_at, filters).label("period"), *columns
    ).subquery()
    grouped = [inner.c.period, *(inner.c[c.key] for c in columns)]
    rows = session.execute(select(*grouped, func.count()).group_by(*grouped)).all()
    return [(period_label(period, filters), *rest) for period, *rest in rows]


def sessions_held(session: Session, user: User, filters: Filters) -> Figures:
    counts = {
        (period, who): n
        for period, who, n in _visits_by_period(session, user, filters, Visit.practitioner_id)
    }
    names = practitioner_names(session, (who for _, who in counts))
    table = [
        [period, names[who], n]
        for (period, who), n in sorted(counts.items(), key=lambda i: (i[0][0], names[i[0][1]]))
    ]
    by_period: Counter = Counter()
    for (period, _), n in counts.items():
        by_period[period] += n
    return Figures(
        "Sessions held", ["Period", "Practitioner", "Sessions"], table, bars=sorted(by_period.items())
    )


def new_clients(session: Session, user: User, filters: Filters) -> Figures:
    """Clients whose first session fell in the range: new to the practice, not just registered."""
    first = func.min(Visit.started_at)
    # One row per new client, worked out by the database: each client's first session.
    firsts = (
        scoped_visits(user, filters, first.label("first_at"))
        .group_by(Visit.client_id)
        .having(first >= filters.start, first < filters.end)
        .subquery()
    )
    periods = select(local_period(session, firsts.c.first_at, filters).label("period")).subquery()
    rows = session.execute(select(periods.c.period, func.count()).group_by(periods.c.period)).all()
    counts = sorted((period_label(period, filters), n) for period, n in rows)
    return Figures(
        "New clients",
        ["Period", "New clients"],
        [[p, n] for p, n in counts],
        note="A client counts as new in the period of their first session.",
        bars=counts,
    )


def attendance(session: Session, user: User, filters: Filters) -> Figures:
    """No-shows and late cancellations among appointments whose outcome is known."""
    rows = session.execute(
        appointments_in_range(
            user, filters, Appointment.practitioner_id, Appointment.outcome, func.count()
        ).group_by(Appointment.practitioner_id, Appointment.outcome)
    ).all()
    by_who: dict[uuid.UUID, Counter] = {}
    for who, outcome, n in rows:
        by_who.setdefault(who, Counter())[outcome] += n
    names = practitioner_names(session, by_who)
    table = []
    for who, counts in sorted(by_who.items(), key=lambda i: names[i[0]]):
        known = sum(n for outcome, n in counts.items() if outcome in OUTCOMES)
        table.append(
            [
                names[who],
                sum(counts.values()),
                known,
                counts[NO_SHOW],
                percent(counts[NO_SHOW], known),
                counts[CANCELLED_LATE],
                percent(counts[CANCELLED_LATE], known),
            ]
        )
    return Figures(
        "No-shows and late cancellations",
        [
            "Practitioner",
            "Appointments",
            "Outcome recorded",
            "Did not come",
            "No-show rate",
            "Cancelled late",
            "Late-cancellation rate",
        ],
        table,
        note="Rates are of the appointments whose outcome was recorded.",
    )


def where_sessions_happen(session: Session, user: User, filters: Filters) -> Figures:
    counts = {
        (period, location): n
        for period, location, n in _visits_by_period(session, user, filters, Visit.location)
    }
    periods = sorted({period for period, _ in counts})
    home = {p: counts.get((p, "home"), 0) for p in periods}
    clinic = {p: counts.get((p, "clinic"), 0) for p in periods}
    table: list[list[Any]] = [[p, home[p], clinic[p], percent(home[p], home[p] + clinic[p])] for p in periods]
    return Figures(
        "Home visits and clinic visits",
        ["Period", "Home visits", "At the clinic", "Home share"],
        table,
        bars=[("Home visits", sum(home.values())), ("At the clinic", sum(clinic.values()))],
    )


def referrals(session: Session, user: User, filters: Filters) -> Figures:
    """Sessions at which the practitioner suggested the client see a medical practitioner."""
    sessions: Counter = Counter()
    referred: Counter = Counter()
    for period, was, n in _visits_by_period(session, user, filters, Visit.referred):
        sessions[period] += n
        if was:
            referred[period] += n
    table = [[p, sessions[p], referred[p], percent(referred[p], sessions[p])] for p in sorted(sessions)]
    return Figures(
        "Referrals to a medical practitioner",
        ["Period", "Sessions", "Referred", "Share"],
        table,
        bars=sorted(referred.items()),
    )
