"""The reports that follow each client's sessions in order: course completion and rebooking.

Each needs a client's sessions in course order (visits/course.py). For course completion and
rebooking the database works that order out with window functions and sends back one row per
course or per session, not every session of every client (outcomes by complaint, which follows
each sensation's ratings in that order, is in outcomes.py). The order is the one ``courses()``
defines: taken by start time (then number, then id), a course begins at each session numbered 1; a
session belongs to the latest course begun at or before it, and one before every session 1
to the first course. So a session's course is the running count of sessions numbered 1 up
to it, or the first course when that count is still 0. tests/reports/test_same_figures.py
holds these reports to the answers of ``courses()`` itself, row by row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, case, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from webapp.appointments.models import Appointment
from webapp.auth.models import User
from webapp.clients.access import scope_clients
from webapp.clients.models import Client
from webapp.reports.base import (
    Figures,
    Filters,
    median,
    percent,
    scoped_visits,
    visits_in_range,
)
from webapp.reports.clinic_time import local_period, period_label, plus_days
from webapp.visits.models import Visit


def _course_number(partition: SQLColumnExpression[Any]) -> ColumnElement[int]:
    """SQL for the course (1, 2, …) a session belongs to among the sessions of ``partition``."""
    firsts_so_far = func.sum(case((Visit.number_in_course == 1, 1), else_=0)).over(
        partition_by=partition,
        order_by=(Visit.started_at, Visit.number_in_course, Visit.id),
        rows=(None, 0),
    )
    # Sessions before every session 1 belong to the first course.
    return case((firsts_so_far == 0, 1), else_=firsts_so_far)


def course_completion(session: Session, user: User, filters: Filters) -> Figures:
    """Courses begun in the range: how many reached their first three sessions, and how fast."""
    # Only the clients who began a course in the range: their whole history, to find its courses.
    began = select(Visit.client_id).where(
        Visit.number_in_course == 1,
        Visit.deleted_at.is_(None),
        Visit.started_at >= filters.start,
        Visit.started_at < filters.end,
    )
    sessions = (
        scoped_visits(
            user,
            filters,
            Visit.client_id,
            Visit.number_in_course,
            Visit.started_at,
            _course_number(Visit.client_id).label("course"),
        )
        .where(Visit.client_id.in_(began))
        .subquery()
    )
    # A course's first is its session 1 (numbers start at 1); the first of its sessions
    # numbered 3, by start, is the one that counts.
    first_at = func.min(case((sessions.c.number_in_course == 1, sessions.c.started_at)))
    third_at = func.min(case((sessions.c.number_in_course == 3, sessions.c.started_at)))
    per_course = (
        select(first_at.label("first_at"), third_at.label("third_at"))
        .group_by(sessions.c.client_id, sessions.c.course)
        .having(first_at >= filters.start, first_at < filters.end)
        .subquery()
    )
    rows = session.execute(
        select(
            local_period(session, per_course.c.first_at, filters),
            per_course.c.first_at,
            per_course.c.third_at,
        )
    )
    begun: Counter = Counter()
    reached: Counter = Counter()
    days: dict[str, list[float]] = {}
    for period, first, third in rows:
        period = period_label(period, filters)
        begun[period] += 1
        if third is not None:
            reached[period] += 1
            days.setdefault(period, []).append((third - first).days)
    table = [
        [p, begun[p], reached[p], percent(reached[p], begun[p]), median(days.get(p, []))]
        for p in sorted(begun)
    ]
    return Figures(
        "Course completion",
        ["Period begun", "Courses begun", "Reached session 3", "Share", "Median days from session 1 to 3"],
        table,
        note="A course begun recently may not have had time to reach its third session.",
        bars=[(p, reached[p]) for p in sorted(begun)],
    )


REBOOKED_WITHIN_DAYS = 7


def rebooking(session: Session, user: User, filters: Filters) -> Figures:
    """Sessions after which the client's next appointment was booked within a week."""
    # One pass over each client's sessions in the range and bookings after its start, latest
    # first: at a session, the earliest making of any booking that starts after it is the
    # running minimum so far (bookings at the very same time sort after it: not "after").
    # Asking for each session separately cost a subquery per session.
    sessions_held = visits_in_range(
        user,
        filters,
        Visit.client_id.label("client_id"),
        Visit.started_at.label("at"),
        literal(0).label("is_booking"),
        null().label("booked_on"),
    )
    bookings = scope_clients(
        select(
            Appointment.client_id,
            Appointment.starts_at,
            literal(1),
            Appointment.created_at,
        ).join(Client, Client.id == Appointment.client_id),
        user,
    ).where(
        Appointment.starts_at > filters.start,
        Appointment.deleted_at.is_(None),
        or_(Appointment.outcome.is_(None), Appointment.outcome.not_in(("cancelled", "cancelled_late"))),
    )
    events = union_all(sessions_held, bookings).subquery()
    first_booked_later = (
        func.min(events.c.booked_on)
        .over(
            partition_by=events.c.client_id,
            order_by=(events.c.at.desc(), events.c.is_booking),
            rows=(None, -1),
        )
        .label("first_booked_later")
    )
    with_bookings = select(events.c.at, events.c.is_booking, first_booked_later).subquery()
    sessions = (
        select(
            local_period(session, with_bookings.c.at, filters).label("period"),
            case(
                (
                    with_bookings.c.first_booked_later
                    <= plus_days(session, with_bookings.c.at, REBOOKED_WITHIN_DAYS),
                    1,
                ),
                else_=0,
            ).label("rebooked"),
        )
        .where(with_bookings.c.is_booking == 0)
        .subquery()
    )
    rows = session.execute(
        select(sessions.c.period, func.count(), func.sum(sessions.c.rebooked)).group_by(sessions.c.period)
    ).all()
    held = {period_label(p, filters): n for p, n, _ in rows}
    rebooked = {period_label(p, filters): int(r or 0) for p, _, r in rows}
    table = [[p, held[p], rebooked[p], percent(rebooked[p], held[p])] for p in sorted(held)]
    return Figures(
        "Rebooking",
        ["Period", "Sessions", "Next appointment booked", "Rebooking rate"],
        table,
        note="A session counts as rebooked when the client's next appointment was booked within "
        f"{REBOOKED_WITHIN_DAYS} days after it.",
    )
