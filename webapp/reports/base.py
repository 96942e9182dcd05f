"""What every report shares: the reader's filters, the figures a report gives back, the
scoped queries each report starts from, and how a cell reads.

Every query starts from ``scope_clients`` (clients/access.py): a practitioner's figures count
only their own caseload's records, staff and admins their whole clinic, nobody another's.
"""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

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
    rows: list[list[Any]]  # cells: words and counts
    note: str = ""
    # (label, value) pairs for a bar chart; empty when a table reads as fast.
    bars: list[tuple[str, int]] = field(default_factory=list)
    # The vocabulary whose codes the first column (and the bars' labels) hold, if any: the
    # figures count by code, and the page and the CSV show the clinic's words for it.
    codes_of: str | None = None

    def in_words(self, words: Callable[[str, str], str]) -> Figures:
        """These figures with each code as ``words(code, vocabulary)`` gives it (vocab/templating.py
        vocab: the clinic's words), the rows in the order of those words."""
        kind = self.codes_of
        if kind is None:
            return self
        rows = sorted(([words(row[0], kind), *row[1:]] for row in self.rows), key=lambda r: r[0].casefold())
        bars = sorted(((words(label, kind), n) for label, n in self.bars), key=lambda b: b[0].casefold())
        return replace(self, rows=rows, bars=bars, codes_of=None)


def tune_for_reports(session: Session) -> None:
    """On PostgreSQL, settings for the report's queries, for the rest of this transaction.

    A report reads tens of thousands of rows: the planner's cost passes the JIT's thresholds,
    and compiling took longer (1 to 2 s) than running the query (tens of ms); and its sorts
    (a client's sessions in order) spilled to disk at the default 4 MB of memory a sort;
    the largest on the bench's 10,000 clients needs about 8 MB.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(func.set_config("jit", "off", True), func.set_config("work_mem", "16MB", True))
        )


def of_practitioner(query: Select, column, user: User, filters: Filters) -> Select:
    """Narrow to one practitioner's records: always the reader's own for a practitioner."""
    if user.role == Role.PRACTITIONER:
        return query.where(column == user.id)
    if filters.practitioner_id:
        return query.where(column == filters.practitioner_id)
    return query


def scoped_visits(user: User, filters: Filters, *columns) -> Select:
    """``columns`` of the live sessions the reader may count, of any date."""
    query = select(*columns).select_from(Visit).join(Client, Client.id == Visit.client_id)
    query = scope_clients(query, user).where(Visit.deleted_at.is_(None))
    return of_practitioner(query, Visit.practitioner_id, user, filters)


def visits_in_range(user: User, filters: Filters, *columns) -> Select:
    """``columns`` of the live sessions the reader may count, in the range."""
    return scoped_visits(user, filters, *columns).where(
        Visit.started_at >= filters.start, Visit.started_at < filters.end
    )


def appointments_in_range(user: User, filters: Filters, *columns) -> Select:
    """``columns`` of the live appointments the reader may count, in the range."""
    query = select(*columns).select_from(Appointment).join(Client, Client.id == Appointment.client_id)
    query = scope_clients(query, user).where(
        Appointment.deleted_at.is_(None),
        Appointment.starts_at >= filters.start,
        Appointment.starts_at < filters.end,
    )
    return of_practitioner(query, Appointment.practitioner_id, user, filters)


def practitioner_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID | None, str]:
    wanted = {i for i in ids if i is not None}
    names: dict[uuid.UUID | None, str] = {None: "Not assigned"}
    if wanted:
        names.update(session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())
    return names


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def median(values: list[float]) -> str:
    return f"{statistics.median(values):g}" if values else "—"
