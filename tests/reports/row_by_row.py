"""The reports as they were first written: every row loaded and counted in Python.

Slow on years of data (so the app now counts in SQL), but plain to read, so it stays here
as the reference the app's reports must agree with, figure for figure (test_same_figures.py).
"""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from webapp.appointments.attendance import CANCELLED_LATE, NO_SHOW, OUTCOMES
from webapp.appointments.models import Appointment
from webapp.auth.models import Role, User
from webapp.clients.access import scope_clients
from webapp.clients.models import Client
from webapp.reports.base import Figures, Filters
from webapp.visits.course import courses, in_course_order
from webapp.visits.models import Sensation, SensationRating, Visit
from webapp.vocab.defaults import FREQUENCIES


def _period(moment: dt.datetime, filters: Filters) -> str:
    local = moment.astimezone(filters.zone)
    if filters.by == "week":
        monday = local.date() - dt.timedelta(days=local.weekday())
        return f"Week of {monday.isoformat()}"
    return local.strftime("%Y-%m")


def _visits(user: User, filters: Filters) -> Select:
    query = scope_clients(select(Visit).join(Client, Client.id == Visit.client_id), user).where(
        Visit.deleted_at.is_(None), Visit.started_at >= filters.start, Visit.started_at < filters.end
    )
    return _of_practitioner(query, Visit.practitioner_id, user, filters)


def _appointments(user: User, filters: Filters) -> Select:
    query = scope_clients(select(Appointment).join(Client, Client.id == Appointment.client_id), user).where(
        Appointment.deleted_at.is_(None),
        Appointment.starts_at >= filters.start,
        Appointment.starts_at < filters.end,
    )
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
    rows = session.execute(
        _visits(user, filters).with_only_columns(Visit.started_at, Visit.practitioner_id)
    ).all()
    counts = Counter((_period(started, filters), who) for started, who in rows)
    names = _names(session, (who for _, who in counts))
    table = [
        [period, names[who], n]
        for (period, who), n in sorted(counts.items(), key=lambda i: (i[0][0], names[i[0][1]]))
    ]
    by_period = Counter(_period(started, filters) for started, _ in rows)
    return Figures(
        "Sessions held", ["Period", "Practitioner", "Sessions"], table, bars=sorted(by_period.items())
    )


def new_clients(session: Session, user: User, filters: Filters) -> Figures:
    """Clients whose first session fell in the range: new to the practice, not just registered."""
    first = func.min(Visit.started_at)
    scoped = scope_clients(select(first).join(Client, Client.id == Visit.client_id), user).where(
        Visit.deleted_at.is_(None)
    )
    scoped = _of_practitioner(scoped, Visit.practitioner_id, user, filters)
    # One row per new client, worked out by the database: each client's first session.
    query = scoped.group_by(Visit.client_id).having(first >= filters.start, first < filters.end)
    counts = Counter(_period(started, filters) for started in session.scalars(query))
    return Figures(
        "New clients",
        ["Period", "New clients"],
        [[p, n] for p, n in sorted(counts.items())],
        note="A client counts as new in the period of their first session.",
        bars=sorted(counts.items()),
    )


def attendance(session: Session, user: User, filters: Filters) -> Figures:
    """No-shows and late cancellations among appointments whose outcome is known."""
    rows = session.execute(
        _appointments(user, filters).with_only_columns(Appointment.practitioner_id, Appointment.outcome)
    ).all()
    by_who: dict[uuid.UUID, Counter] = {}
    for who, outcome in rows:
        by_who.setdefault(who, Counter())[outcome] += 1
    names = _names(session, by_who)
    table = []
    for who, counts in sorted(by_who.items(), key=lambda i: names[i[0]]):
        known = sum(n for outcome, n in counts.items() if outcome in OUTCOMES)
        table.append(
            [
                names[who],
                sum(counts.values()),
                known,
                counts[NO_SHOW],
                _percent(counts[NO_SHOW], known),
                counts[CANCELLED_LATE],
                _percent(counts[CANCELLED_LATE], known),
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
    rows = session.execute(_visits(user, filters).with_only_columns(Visit.started_at, Visit.location)).all()
    counts = Counter((_period(started, filters), location) for started, location in rows)
    periods = sorted({period for period, _ in counts})
    home = {p: counts[(p, "home")] for p in periods}
    clinic = {p: counts[(p, "clinic")] for p in periods}
    table: list[list[Any]] = [
        [p, home[p], clinic[p], _percent(home[p], home[p] + clinic[p])] for p in periods
    ]
    return Figures(
        "Home visits and clinic visits",
        ["Period", "Home visits", "At the clinic", "Home share"],
        table,
        bars=[("Home visits", sum(home.values())), ("At the clinic", sum(clinic.values()))],
    )


def referrals(session: Session, user: User, filters: Filters) -> Figures:
    """Sessions at which the practitioner suggested the client see a medical practitioner."""
    rows = session.execute(_visits(user, filters).with_only_columns(Visit.started_at, Visit.referred)).all()
    sessions = Counter(_period(started, filters) for started, _ in rows)
    referred = Counter(_period(started, filters) for started, was in rows if was)
    table = [[p, sessions[p], referred[p], _percent(referred[p], sessions[p])] for p in sorted(sessions)]
    return Figures(
        "Referrals to a medical practitioner",
        ["Period", "Sessions", "Referred", "Share"],
        table,
        bars=sorted(referred.items()),
    )


@dataclass(frozen=True)
class _Session:
    id: uuid.UUID
    number_in_course: int
    started_at: dt.datetime


def _sessions_by_client(session: Session, user: User, filters: Filters, client_ids=None) -> dict:
    """Every live session of the clients in scope (of ``client_ids`` when given), by client:
    courses need a client's whole history, not only the range."""
    query = scope_clients(
        select(Visit.client_id, Visit.id, Visit.number_in_course, Visit.started_at).join(
            Client, Client.id == Visit.client_id
        ),
        user,
    ).where(Visit.deleted_at.is_(None))
    query = _of_practitioner(query, Visit.practitioner_id, user, filters)
    if client_ids is not None:
        query = query.where(Visit.client_id.in_(client_ids))
    found: dict[uuid.UUID, list[_Session]] = {}
    for client_id, visit_id, number, started in session.execute(query):
        found.setdefault(client_id, []).append(_Session(visit_id, number, started))
    return found


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):g}" if values else "—"


def course_completion(session: Session, user: User, filters: Filters) -> Figures:
    """Courses begun in the range: how many reached their first three sessions, and how fast."""
    begun: Counter = Counter()
    reached: Counter = Counter()
    days: dict[str, list[float]] = {}
    # Only the clients who began a course in the range: their whole history, to find its courses.
    began = select(Visit.client_id).where(
        Visit.number_in_course == 1,
        Visit.deleted_at.is_(None),
        Visit.started_at >= filters.start,
        Visit.started_at < filters.end,
    )
    for sessions in _sessions_by_client(session, user, filters, began).values():
        for one_course in courses(sessions):
            first = one_course[0]
            if first.number_in_course != 1 or not filters.start <= first.started_at < filters.end:
                continue
            period = _period(first.started_at, filters)
            begun[period] += 1
            third = next((s for s in one_course if s.number_in_course == 3), None)
            if third is not None:
                reached[period] += 1
                days.setdefault(period, []).append((third.started_at - first.started_at).days)
    table = [
        [p, begun[p], reached[p], _percent(reached[p], begun[p]), _median(days.get(p, []))]
        for p in sorted(begun)
    ]
    return Figures(
        "Course completion",
        ["Period begun", "Courses begun", "Reached session 3", "Share", "Median days from session 1 to 3"],
        table,
        note="A course begun recently may not have had time to reach its third session.",
        bars=[(p, reached[p]) for p in sorted(begun)],
    )


REBOOKED_WITHIN = dt.timedelta(days=7)


def rebooking(session: Session, user: User, filters: Filters) -> Figures:
    """Sessions after which the client's next appointment was booked within a week."""
    visits = session.execute(
        _visits(user, filters).with_only_columns(Visit.client_id, Visit.started_at)
    ).all()
    clients = {client_id for client_id, _ in visits}
    booked: dict[uuid.UUID, list[tuple[dt.datetime, dt.datetime]]] = {}
    if clients:
        rows = session.execute(
            select(Appointment.client_id, Appointment.starts_at, Appointment.created_at).where(
                Appointment.client_id.in_(clients),
                Appointment.deleted_at.is_(None),
                or_(
                    Appointment.outcome.is_(None), Appointment.outcome.not_in(("cancelled", "cancelled_late"))
                ),
            )
        )
        for client_id, starts, created in rows:
            booked.setdefault(client_id, []).append((starts, created))
    held: Counter = Counter()
    rebooked: Counter = Counter()
    for client_id, started in visits:
        period = _period(started, filters)
        held[period] += 1
        if any(
            starts > started and created <= started + REBOOKED_WITHIN
            for starts, created in booked.get(client_id, ())
        ):
            rebooked[period] += 1
    table = [[p, held[p], rebooked[p], _percent(rebooked[p], held[p])] for p in sorted(held)]
    return Figures(
        "Rebooking",
        ["Period", "Sessions", "Next appointment booked", "Rebooking rate"],
        table,
        note="A session counts as rebooked when the client's next appointment was booked within "
        "7 days after it.",
    )


FREQUENCY_STEPS = {
    code: n for n, (code, _label) in enumerate(reversed(FREQUENCIES))
}  # occasionally 0 … constant 4


def outcomes_by_complaint(session: Session, user: User, filters: Filters) -> Figures:
    """For each kind of complaint, the clients' own ratings: baseline against latest."""
    query = scope_clients(
        select(
            Sensation.id,
            Sensation.kind,
            Sensation.client_id,
            SensationRating.intensity,
            SensationRating.frequency,
            Visit.id,
            Visit.number_in_course,
            Visit.started_at,
        )
        .join(SensationRating, SensationRating.sensation_id == Sensation.id)
        .join(Visit, Visit.id == SensationRating.visit_id)
        .join(Client, Client.id == Sensation.client_id),
        user,
    ).where(Sensation.deleted_at.is_(None), SensationRating.deleted_at.is_(None), Visit.deleted_at.is_(None))
    query = _of_practitioner(query, Visit.practitioner_id, user, filters)
    # Only sensations rated in the range can have their baseline in it (checked exactly below).
    rated_in_range = (
        select(SensationRating.sensation_id)
        .join(Visit, Visit.id == SensationRating.visit_id)
        .where(Visit.started_at >= filters.start, Visit.started_at < filters.end)
    )
    query = query.where(Sensation.id.in_(rated_in_range))
    ratings: dict[uuid.UUID, tuple[str, list]] = {}
    for sensation_id, kind, _client, intensity, frequency, visit_id, number, started in session.execute(
        query
    ):
        ratings.setdefault(sensation_id, (kind, []))[1].append(
            (_Session(visit_id, number, started), intensity, frequency)
        )
    by_kind: dict[str, dict[str, list[float]]] = {}
    for kind, rated in ratings.values():
        order = {s.id: n for n, s in enumerate(in_course_order(s for s, _, _ in rated))}
        rated.sort(key=lambda r: order[r[0].id])
        baseline, latest = rated[0], rated[-1]
        if len(rated) < 2 or not filters.start <= baseline[0].started_at < filters.end:
            continue
        found = by_kind.setdefault(kind, {"before": [], "after": [], "change": [], "often": []})
        found["before"].append(baseline[1])
        found["after"].append(latest[1])
        found["change"].append(latest[1] - baseline[1])
        if baseline[2] in FREQUENCY_STEPS and latest[2] in FREQUENCY_STEPS:
            found["often"].append(FREQUENCY_STEPS[latest[2]] - FREQUENCY_STEPS[baseline[2]])
    table = [
        [
            kind,
            len(f["change"]),
            _median(f["before"]),
            _median(f["after"]),
            _median(f["change"]),
            _median(f["often"]),
        ]
        for kind, f in sorted(by_kind.items())
    ]
    return Figures(
        "Outcomes by complaint",
        [
            "Complaint",
            "Clients (n)",
            "Median baseline intensity",
            "Median latest intensity",
            "Median change in intensity",
            "Median change in how often (steps)",
        ],
        table,
        note="These are the clients' own ratings of how they feel (0 to 10, and how often it happens, "
        "from occasionally to constant), not a clinical measure. Counted for sensations baselined "
        "in the range and rated again at least once; a negative change means less.",
        bars=[(kind, len(f["change"])) for kind, f in sorted(by_kind.items())],
        codes_of="complaint",  # named in the clinic's words by the page, as the app's are
    )


REFERENCE: dict[str, Callable[[Session, User, Filters], Figures]] = {
    "sessions": sessions_held,
    "new-clients": new_clients,
    "attendance": attendance,
    "locations": where_sessions_happen,
    "referrals": referrals,
    "courses": course_completion,
    "rebooking": rebooking,
    "outcomes": outcomes_by_complaint,
}
