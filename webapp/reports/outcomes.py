"""Outcomes by complaint: for each kind of complaint, the clients' own ratings, each
sensation's baseline against its latest.

A sensation's baseline is its first rating in course order and its latest its last (the order
of ``courses()``, visits/course.py; tests/reports/test_same_figures.py holds this report to
it). The database sends each sensation's ratings in start order, and the first and last in
course order are found here: the two window sorts and the grouping that did it in SQL took
most of the report's time on SQLite.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import String, and_, case, select, type_coerce
from sqlalchemy.orm import Session

from webapp.auth.models import User
from webapp.clients.access import scope_clients
from webapp.clients.models import Client
from webapp.reports.base import Figures, Filters, median, of_practitioner
from webapp.visits.models import Sensation, SensationRating, Visit
from webapp.vocab.defaults import FREQUENCIES

FREQUENCY_STEPS = {
    code: n for n, (code, _label) in enumerate(reversed(FREQUENCIES))
}  # occasionally 0 … constant 4


def _first_and_last_in_course_order(
    ratings: list[tuple[Any, ...]],
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The first and last of one sensation's ratings (given in start-time order) in course
    order: courses by start, sessions by number within a course, then by start time (the
    order of ``courses()``, visits/course.py, which tests/reports/test_same_figures.py holds
    this to). A session belongs to the course of the latest session numbered 1 at or before
    it, or to the first course when none is; only the sessions it was rated at count.
    A rating is (kind, intensity, frequency, number_in_course, …)."""
    first_key = last_key = None
    first = last = ratings[0]
    firsts = 0
    for position, rating in enumerate(ratings):
        number = rating[3]
        firsts += number == 1
        key = (max(firsts, 1), number, position)
        if first_key is None or key < first_key:
            first_key, first = key, rating
        if last_key is None or key > last_key:
            last_key, last = key, rating
    return first, last


def outcomes_by_complaint(session: Session, user: User, filters: Filters) -> Figures:
    """For each kind of complaint, the clients' own ratings: baseline against latest."""
    # Only the sensations of clients seen in the range can have their baseline in it (checked
    # exactly below): a rating's session is always of the sensation's client (sync refuses
    # any other). This reads only the index of sessions by client and start; asking which
    # sensations were rated in the range looked up every rating's session by id.
    started_in_range = and_(Visit.started_at >= filters.start, Visit.started_at < filters.end)
    seen_in_range = select(Visit.client_id).where(started_in_range)
    # Each sensation's ratings, in the start-time order of the sessions they were given at;
    # only the columns the figures need (the baseline's start is checked against the range in
    # the query, not sent and parsed).
    query = (
        select(
            # Only told apart, never used: the raw value (a UUID object per rating cost a
            # third of the report's time on SQLite).
            type_coerce(SensationRating.sensation_id, String),
            Sensation.kind,
            SensationRating.intensity,
            SensationRating.frequency,
            Visit.number_in_course,
            case((started_in_range, True), else_=False),
        )
        .select_from(Client)
        .join(Sensation, Sensation.client_id == Client.id)
        .join(SensationRating, SensationRating.sensation_id == Sensation.id)
        .join(Visit, Visit.id == SensationRating.visit_id)
        .order_by(
            SensationRating.sensation_id,
            Visit.started_at,
            Visit.number_in_course,
            Visit.id,
            SensationRating.id,
        )
    )
    query = scope_clients(query, user).where(
        Client.id.in_(seen_in_range),
        Sensation.deleted_at.is_(None),
        SensationRating.deleted_at.is_(None),
        Visit.deleted_at.is_(None),
    )
    # Plain rows, through the connection: the ORM's row handling is not needed here.
    ratings = session.connection().execute(of_practitioner(query, Visit.practitioner_id, user, filters))
    # The baseline and latest are worked out here rather than with two window functions and
    # a grouping in SQL: on SQLite those sorts took two thirds of the report's time.
    rows = []
    for _sensation, own in groupby(ratings, key=itemgetter(0)):
        in_order = [rating[1:] for rating in own]
        if len(in_order) < 2:
            continue
        baseline, latest = _first_and_last_in_course_order(in_order)
        if baseline[4]:  # the baseline was taken in the range
            rows.append((baseline[0], baseline[1], baseline[2], latest[1], latest[2]))
    by_kind: dict[str, dict[str, list[float]]] = {}
    for kind, before, often_before, after, often_after in rows:
        found = by_kind.setdefault(kind, {"before": [], "after": [], "change": [], "often": []})
        found["before"].append(before)
        found["after"].append(after)
        found["change"].append(after - before)
        if often_before in FREQUENCY_STEPS and often_after in FREQUENCY_STEPS:
            found["often"].append(FREQUENCY_STEPS[often_after] - FREQUENCY_STEPS[often_before])
    table = [
        [
            kind,
            len(f["change"]),
            median(f["before"]),
            median(f["after"]),
            median(f["change"]),
            median(f["often"]),
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
        codes_of="complaint",
    )
