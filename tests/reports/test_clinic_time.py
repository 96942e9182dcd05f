"""Periods are the clinic's own weeks and months, counted by the database across clock changes;
a course counts where it began, whatever of it falls outside the range."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from tests import factories
from webapp.reports.clinic_time import offset_changes

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def _csv(browser, slug, **params):
    response = browser.get(f"/reports/{slug}", query_string={"format": "csv", **params})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _london(*args):
    return dt.datetime(*args, tzinfo=LONDON).astimezone(UTC)


def test_the_offsets_change_exactly_when_the_clocks_do():
    start, end = dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert offset_changes(LONDON, start, end) == (
        dt.timedelta(0),
        [
            (dt.datetime(2025, 3, 30, 1, tzinfo=UTC), dt.timedelta(hours=1)),
            (dt.datetime(2025, 10, 26, 1, tzinfo=UTC), dt.timedelta(0)),
        ],
    )
    adelaide = offset_changes(ZoneInfo("Australia/Adelaide"), start, end)
    assert adelaide == (
        dt.timedelta(hours=10, minutes=30),
        [
            (dt.datetime(2025, 4, 5, 16, 30, tzinfo=UTC), dt.timedelta(hours=9, minutes=30)),
            (dt.datetime(2025, 10, 4, 16, 30, tzinfo=UTC), dt.timedelta(hours=10, minutes=30)),
        ],
    )
    assert offset_changes(ZoneInfo("UTC"), start, end) == (dt.timedelta(0), [])


def test_a_session_just_after_local_midnight_counts_in_the_clinics_week_across_the_clock_change(
    login, staff, clinic, practitioner
):
    client = factories.make_client(clinic, practitioner)
    # The clocks went forward at 01:00 UTC on Sunday 30 March 2025: that week had 167 hours.
    factories.make_visit(client, number=1, started_at=_london(2025, 3, 24, 0, 30))  # its Monday, in GMT
    factories.make_visit(client, number=2, started_at=_london(2025, 3, 30, 23, 30))  # its Sunday, in BST
    # Monday 00:30 BST is still Sunday in UTC: it begins the next week.
    factories.make_visit(client, number=3, started_at=_london(2025, 3, 31, 0, 30))
    rows = _csv(login(staff), "sessions", by="week", **{"from": "2025-03-20", "to": "2025-04-05"})
    assert [(row[0], row[2]) for row in rows[1:]] == [
        ("Week of 2025-03-24", "2"),
        ("Week of 2025-03-31", "1"),
    ]


def test_a_session_just_after_local_midnight_counts_in_the_clinics_month(login, staff, clinic, practitioner):
    client = factories.make_client(clinic, practitioner)
    factories.make_visit(client, number=1, started_at=_london(2025, 6, 30, 23, 30))
    factories.make_visit(client, number=2, started_at=_london(2025, 7, 1, 0, 30))  # 23:30 UTC on 30 June
    rows = _csv(login(staff), "referrals", **{"from": "2025-06-01", "to": "2025-07-31"})
    assert [(row[0], row[1]) for row in rows[1:]] == [("2025-06", "1"), ("2025-07", "1")]


def test_a_course_counts_in_the_range_it_began_in_and_reaches_session_3_after_it(
    login, staff, clinic, practitioner
):
    earlier = factories.make_client(clinic, practitioner)  # began before the range: not counted
    for number, day in ((1, 2), (2, 9), (3, 16)):
        factories.make_visit(earlier, number=number, started_at=_london(2025, 5, day, 10))
    within = factories.make_client(clinic, practitioner)  # began in the range, session 3 after it
    for number, day in ((1, 20), (2, 27), (3, 34)):
        factories.make_visit(
            within, number=number, started_at=_london(2025, 5, 1, 10) + dt.timedelta(days=day - 1)
        )
    rows = _csv(login(staff), "courses", **{"from": "2025-05-05", "to": "2025-05-31"})
    assert rows[1:] == [["2025-05", "1", "1", "100%", "14"]]
