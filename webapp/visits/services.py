"""A session's rules that the desk applies (the sync push applies the same, in sync/applier.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from webapp.db import now_utc
from webapp.visits import clock
from webapp.visits.models import Visit


class StartRefused(ValueError):
    """The start time given cannot be a session's; the message says why, in plain words."""


def correct_start(
    session: Session, visit: Visit, started_at: dt.datetime, now: dt.datetime | None = None
) -> None:
    """Set when ``visit`` started, as the clinic knows it; clears its clock flag.

    The start is then the desk's (``start_basis`` DESK): whatever the phone's clock said, the
    clinic has checked it. The course's order is checked again as it is flushed, and the
    change reaches phones through the change log like any edit.
    """
    problem = clock.start_too_far_ahead(started_at, now or now_utc())
    if problem is not None:
        raise StartRefused(problem)
    visit.started_at = started_at
    visit.start_basis = clock.DESK
    session.flush()
