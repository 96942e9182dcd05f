"""The clinic's weeks and months of UTC timestamps, worked out by the database.

A report counts by the clinic's own weeks and months, so a session at 00:30 on a Monday in
London in summer (23:30 on Sunday in UTC) belongs to the week that Monday begins. The
database groups the rows, so it must know the clinic's wall time of each timestamp:

- SQLite knows no time zones, and PostgreSQL's own zone data may not be the version Python
  has. So the zone's UTC offsets over the range come from ``zoneinfo`` (what the rest of the
  app shows times with), and the SQL adds to each timestamp the offset in force at that
  instant: a CASE over the offset's changes in the range (two a year where clocks change),
  before it takes the week or month. The same rule runs on both engines.
- Grouping by UTC hour and folding the hours in Python would be wrong for a zone whose
  offset is not whole hours (Adelaide, India, Nepal): one UTC hour there straddles midnight.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Interval, SQLColumnExpression, String, case, func, literal
from sqlalchemy.orm import Session

from webapp.db import UTCDateTime
from webapp.reports.base import Filters

ONE_DAY = dt.timedelta(days=1)


def _offset(zone: ZoneInfo, moment: dt.datetime) -> dt.timedelta:
    return moment.astimezone(zone).utcoffset() or dt.timedelta(0)


def offset_changes(
    zone: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> tuple[dt.timedelta, list[tuple[dt.datetime, dt.timedelta]]]:
    """The zone's UTC offset at ``start``, and each (instant, new offset) change before ``end``.

    Zones change their offset at most a few times a year, never twice in a day, so a day's
    step finds each change, and halving that day in whole seconds finds its instant exactly
    (changes fall on whole minutes).
    """
    first = _offset(zone, start)
    changes: list[tuple[dt.datetime, dt.timedelta]] = []
    before, current = start.replace(microsecond=0), first
    while before < end:
        after = before + ONE_DAY
        if _offset(zone, after) != current:
            low, high = 0, int(ONE_DAY.total_seconds())  # seconds after ``before``: old at low, new at high
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (
                    (middle, high)
                    if _offset(zone, before + dt.timedelta(seconds=middle)) == current
                    else (low, middle)
                )
            changed_at = before + dt.timedelta(seconds=high)
            current = _offset(zone, changed_at)
            changes.append((changed_at, current))
        before = after
    return first, changes


def _shift(
    column: SQLColumnExpression[Any], zone: ZoneInfo, start: dt.datetime, end: dt.datetime, sqlite: bool
):
    """The clinic's offset at ``column``'s instant: a modifier string on SQLite, an interval elsewhere."""
    first, changes = offset_changes(zone, start, end)

    def value(offset: dt.timedelta):
        if sqlite:
            return literal(f"{int(offset.total_seconds()):+d} seconds", String())
        return literal(offset, Interval())

    if not changes:
        return value(first)
    # Each branch holds until the next change; the instants are bound with the column's type,
    # so SQLite compares them in its stored text form.
    offsets = [first] + [offset for _, offset in changes]
    return case(
        *[(column < literal(when, UTCDateTime()), value(offsets[n])) for n, (when, _) in enumerate(changes)],
        else_=value(offsets[-1]),
    )


def local_period(session: Session, column: SQLColumnExpression[Any], filters: Filters) -> ColumnElement[str]:
    """SQL for the clinic-local period of a UTC timestamp ``column`` in the filters' range:
    "YYYY-MM" by month, the week's Monday as "YYYY-MM-DD" by week."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    shift = _shift(column, filters.zone, filters.start, filters.end, sqlite)
    if sqlite:
        if filters.by == "week":  # forward to the week's Sunday (itself on a Sunday), back to its Monday
            return func.date(column, shift, "weekday 0", "-6 days")
        return func.strftime("%Y-%m", column, shift)
    wall_time = func.timezone("UTC", column) + shift  # timestamptz to UTC wall time, then the clinic's
    if filters.by == "week":  # PostgreSQL's weeks begin on Monday
        return func.to_char(func.date_trunc("week", wall_time), "YYYY-MM-DD")
    return func.to_char(wall_time, "YYYY-MM")


def period_label(period: str, filters: Filters) -> str:
    """What the reader sees of a period ``local_period`` gave: "2026-03", or "Week of 2026-03-02"."""
    return f"Week of {period}" if filters.by == "week" else period


def plus_days(session: Session, column: SQLColumnExpression[Any], days: int) -> ColumnElement:
    """SQL for a UTC timestamp ``column`` ``days`` later, comparable with other timestamps."""
    if session.get_bind().dialect.name != "sqlite":
        return column + literal(dt.timedelta(days=days), Interval())
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" text; its date functions keep only three digits
    # of the fraction, so the whole seconds are moved and the stored fraction put back.
    return func.strftime("%Y-%m-%d %H:%M:%S", column, f"{days:+d} days").op("||")(func.substr(column, 20))
