"""A client's sessions in order, and the sessions whose start time contradicts that order.

The order of a course comes from the sessions' numbers, not from clock time alone: a phone
with a wrong clock can give session 2 a start before session 1's. So a client's sessions are
split into courses (a course begins at a session numbered 1), ordered by number within a
course and by start time between courses. A session whose start time puts it before a
lower-numbered session of its course, or after a higher-numbered one, is *out of order*: it
is flagged (both sessions of the contradiction are), never silently renumbered or moved.

``recheck_clients`` keeps every session's ``clock_flag`` true to this; a flush hook
(visits/models.py) runs it for every session written through the ORM, and the sync push
runs it for the new sessions it inserts as plain rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from webapp.db import one_of
from webapp.visits import clock
from webapp.visits.models import Visit


class Timed(Protocol):
    id: uuid.UUID
    number_in_course: int
    started_at: dt.datetime


T = TypeVar("T", bound=Timed)


def _by_time(s: Timed):
    return s.started_at, s.number_in_course, str(s.id)


def _by_number(s: Timed):
    return s.number_in_course, s.started_at, str(s.id)


def courses(sessions: Iterable[T]) -> list[list[T]]:
    """A client's live sessions split into courses, in course order, each ordered by number.

    A course begins at each session numbered 1, in start-time order. Any other session
    belongs to the latest course begun at or before its start; one that starts before every
    session 1 (a wrong clock, or a record begun mid-course) belongs to the first course, where
    it is then out of order unless it truly came first.
    """
    by_time = sorted(sessions, key=_by_time)
    firsts = [s for s in by_time if s.number_in_course == 1]
    if not firsts:
        return [sorted(by_time, key=_by_number)] if by_time else []
    starts = [s.started_at for s in firsts]
    own_course = {id(s): n for n, s in enumerate(firsts)}
    groups: list[list[T]] = [[] for _ in firsts]
    for s in by_time:
        n = own_course.get(id(s))
        if n is None:
            n = max(bisect_right(starts, s.started_at) - 1, 0)
        groups[n].append(s)
    return [sorted(group, key=_by_number) for group in groups]


def in_course_order(sessions: Iterable[T]) -> list[T]:
    """Sessions by number within a course, courses by start time: the one order everywhere."""
    return [s for course in courses(sessions) for s in course]


def out_of_order(sessions: Iterable[Timed]) -> set[uuid.UUID]:
    """Ids of the sessions whose start contradicts the numbering of their course."""
    flagged = set()
    for course in courses(sessions):
        numbers = sorted({s.number_in_course for s in course})
        latest_start = {n: max(s.started_at for s in course if s.number_in_course == n) for n in numbers}
        earliest_start = {n: min(s.started_at for s in course if s.number_in_course == n) for n in numbers}
        latest_below: dict[int, dt.datetime | None] = {}
        running: dt.datetime | None = None  # the latest start among lower numbers
        for n in numbers:
            latest_below[n] = running
            running = latest_start[n] if running is None else max(running, latest_start[n])
        earliest_above: dict[int, dt.datetime | None] = {}
        running = None  # the earliest start among higher numbers
        for n in reversed(numbers):
            earliest_above[n] = running
            running = earliest_start[n] if running is None else min(running, earliest_start[n])
        for s in course:
            below, above = latest_below[s.number_in_course], earliest_above[s.number_in_course]
            if (below is not None and below > s.started_at) or (above is not None and above < s.started_at):
                flagged.add(s.id)
    return flagged


@dataclass(frozen=True)
class Contradiction:
    """The session that another's start time contradicts, and on which side."""

    other: Timed
    starts_before_it: bool  # True: this session starts before ``other``, which has a lower number


def contradiction(session: T, course: list[T]) -> Contradiction | None:
    """The nearest session of ``course`` whose number ``session``'s start time contradicts."""
    lower = [
        s
        for s in course
        if s.number_in_course < session.number_in_course and s.started_at > session.started_at
    ]
    if lower:
        return Contradiction(max(lower, key=_by_number), True)
    higher = [
        s
        for s in course
        if s.number_in_course > session.number_in_course and s.started_at < session.started_at
    ]
    if higher:
        return Contradiction(min(higher, key=_by_number), False)
    return None


@dataclass
class _NewRow:
    """A session about to be inserted as a plain row (the sync push), seen as a Timed."""

    row: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.row[name]
        except KeyError:
            raise AttributeError(name) from None


# The fields whose change can move a session in its course or change its flag.
WATCHED = ("started_at", "number_in_course", "deleted_at", "start_basis")


def recheck_clients(
    session: Session, client_ids: Iterable[uuid.UUID], new_rows: Iterable[dict[str, Any]] = ()
) -> None:
    """Set ``clock_flag`` on every live session of these clients, and on ``new_rows``.

    Reads the sessions as they stand in this unit of work (unflushed edits included), so it
    may run inside a flush hook. Only flags that differ are written: a write is a new version
    that every phone pulls.
    """
    client_ids = set(client_ids)
    pending_rows = [_NewRow(row) for row in new_rows]
    by_client: dict[uuid.UUID, dict[uuid.UUID, Visit | _NewRow]] = defaultdict(dict)
    with session.no_autoflush:
        for condition in one_of(session, Visit.client_id, client_ids):
            for visit in session.scalars(select(Visit).where(condition)):
                by_client[visit.client_id][visit.id] = visit
    for visit in session.new:
        if isinstance(visit, Visit) and visit.client_id in client_ids:
            by_client[visit.client_id][visit.id] = visit
    for row in pending_rows:
        by_client[row.client_id][row.id] = row
    for sessions in by_client.values():
        live = [s for s in sessions.values() if getattr(s, "deleted_at", None) is None]
        flagged = out_of_order(live)
        for s in live:
            flag = clock.clock_flag(s.start_basis, s.id in flagged)
            if isinstance(s, _NewRow):
                s.row["clock_flag"] = flag
            elif s.clock_flag != flag:
                s.clock_flag = flag


def recheck_flushed(session: Session) -> None:
    """Before a flush: recheck the clients of every session created or moved in it."""
    clients = set()
    for visit in session.new:
        if isinstance(visit, Visit):
            clients.add(visit.client_id)
    for visit in session.dirty:
        if isinstance(visit, Visit) and visit not in session.new:
            state = inspect(visit)
            if any(state.attrs[name].history.has_changes() for name in WATCHED):
                clients.add(visit.client_id)
    clients.discard(None)
    if clients:
        recheck_clients(session, clients)


def order_sentence(session: Timed, found: Contradiction, when: Callable[[dt.datetime], str]) -> str:
    """What the desk reads about an out-of-order session; ``when`` formats a time for the reader."""
    other = found.other
    side, which = ("before", "lower") if found.starts_before_it else ("after", "higher")
    return (
        f"Session {session.number_in_course} starts {side} session {other.number_in_course} "
        f"({when(other.started_at)}), which has a {which} number: one of the two start times is probably "
        "wrong. The record keeps the sessions in the order of their numbers."
    )
