"""The practice's figures: right counts, the reader's own scope only, a table, a chart and a CSV."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from webapp.db import now_utc
from webapp.extensions import db
from webapp.reports.figures import REPORTS, Filters
from webapp.vocab.models import VocabularyTerm

NOW = now_utc().replace(microsecond=0)


def _ago(days):
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def practice(clinic, practitioner, other_practitioner, other_clinic):
    """Two practitioners' caseloads and one of another clinic, with sessions and appointments."""
    mine = factories.make_client(clinic, practitioner, first_name="Mia")
    theirs = factories.make_client(clinic, other_practitioner, first_name="Theo")
    elsewhere = factories.make_client(other_clinic, factories.make_user(other_clinic), first_name="Elsa")
    first = factories.make_visit(mine, number=1, started_at=_ago(20), location="home", referred=True)
    second = factories.make_visit(mine, number=2, started_at=_ago(10))
    sensation = factories.make_sensation(mine, "calf_cramps", "calf", "left")
    factories.make_rating(sensation, first, 8, frequency="daily")
    factories.make_rating(sensation, second, 3, frequency="occasionally")
    factories.make_visit(mine, number=3, started_at=_ago(5), deleted_at=NOW)  # deleted: not counted
    factories.make_visit(theirs, number=1, started_at=_ago(9))
    factories.make_visit(elsewhere, number=1, started_at=_ago(8))
    factories.make_appointment(mine, starts_at=_ago(10), outcome="attended")
    factories.make_appointment(mine, starts_at=_ago(3), outcome="no_show")
    factories.make_appointment(theirs, starts_at=_ago(2), outcome="cancelled_late", status="cancelled")
    factories.make_appointment(elsewhere, starts_at=_ago(2), outcome="no_show")
    return {"mine": mine, "theirs": theirs}


def _csv(browser, slug, **params):
    response = browser.get(f"/reports/{slug}", query_string={"format": "csv", **params})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="fieldbook-{slug}-')
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _total(rows, column):
    header = rows[0]
    return sum(int(row[header.index(column)]) for row in rows[1:])


def test_staff_see_the_whole_clinic_and_nothing_of_another(login, staff, practice):
    browser = login(staff)
    assert _total(_csv(browser, "sessions"), "Sessions") == 3
    assert _total(_csv(browser, "new-clients"), "New clients") == 2
    attendance = _csv(browser, "attendance")
    assert _total(attendance, "Did not come") == 1 and _total(attendance, "Cancelled late") == 1
    assert _total(_csv(browser, "locations"), "Home visits") == 1
    assert _total(_csv(browser, "referrals"), "Referred") == 1


def test_a_practitioner_sees_only_their_own_figures_whatever_they_ask(
    login, practitioner, other_practitioner, practice
):
    browser = login(practitioner)
    for asked in ({}, {"practitioner": str(other_practitioner.id)}):
        assert _total(_csv(browser, "sessions", **asked), "Sessions") == 2
        assert _total(_csv(browser, "attendance", **asked), "Cancelled late") == 0
        assert _total(_csv(browser, "new-clients", **asked), "New clients") == 1


def test_staff_can_narrow_to_one_practitioner(login, staff, other_practitioner, practice):
    rows = _csv(login(staff), "sessions", practitioner=str(other_practitioner.id))
    assert _total(rows, "Sessions") == 1 and {row[1] for row in rows[1:]} == {"Olive Other"}


def test_the_range_and_the_week_count(login, staff, practice):
    browser = login(staff)
    recent = _csv(browser, "sessions", **{"from": _ago(12).date().isoformat(), "to": NOW.date().isoformat()})
    assert _total(recent, "Sessions") == 2
    weekly = _csv(browser, "sessions", by="week")
    assert all(row[0].startswith("Week of ") for row in weekly[1:])


def test_every_report_page_has_a_table_and_a_chart_hidden_from_screen_readers(login, staff, practice):
    browser = login(staff)
    for slug in REPORTS:
        page = browser.get(f"/reports/{slug}").get_data(as_text=True)
        assert "<table" in page and "Download as CSV" in page, slug
        assert "<svg" not in page or '<figure class="report-figure" aria-hidden="true">' in page, slug
        if 'class="report-chart"' in page:
            assert '<figure class="report-figure" aria-hidden="true">' in page


def test_an_empty_range_says_so(login, staff, clinic):
    page = login(staff).get("/reports/sessions").get_data(as_text=True)
    assert "Nothing to count in this range." in page


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "yesterday"}, "is not a date"),
        ({"from": "2026-06-01", "to": "2026-01-01"}, "back to front"),
        ({"from": "2010-01-01", "to": "2026-01-01"}, "at most three years"),
    ],
)
def test_bad_filters_are_explained_not_failed(login, staff, practice, params, message):
    response = login(staff).get("/reports/sessions", query_string=params)
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_an_unknown_report_is_not_found_and_reports_need_signing_in(browser, login, staff):
    assert login(staff).get("/reports/profits").status_code == 404
    assert browser.get("/reports/sessions").status_code == 302


def test_a_csv_cell_cannot_become_a_spreadsheet_formula(login, staff, clinic):
    evil = factories.make_user(clinic, name='=HYPERLINK("http://x")')
    client = factories.make_client(clinic, evil)
    factories.make_visit(client, evil, started_at=_ago(1))
    rows = _csv(login(staff), "sessions")
    assert rows[1][1].startswith("'=")


def test_outcomes_by_complaint_are_the_clients_own_ratings_baseline_against_latest(login, staff, practice):
    browser = login(staff)
    rows = _csv(browser, "outcomes")
    assert rows[1] == ["Calf cramps", "1", "8", "3", "-5", "-2"]  # daily to occasionally: two steps less
    assert "not a clinical measure" in browser.get("/reports/outcomes").get_data(as_text=True)


def test_complaints_are_named_in_the_clinics_own_words_and_listed_in_their_order(
    login, staff, clinic, practice
):
    db.session.add(VocabularyTerm(clinic_id=clinic.id, kind="complaint", code="jaw_ache", label="Aching jaw"))
    jaw = factories.make_sensation(practice["mine"], "jaw_ache", "calf", "left")
    first, second = (factories.make_visit(practice["mine"], number=n, started_at=_ago(n)) for n in (4, 5))
    factories.make_rating(jaw, first, 6, frequency="daily")
    factories.make_rating(jaw, second, 2, frequency="daily")
    db.session.commit()
    browser = login(staff)
    rows = _csv(browser, "outcomes")
    assert [row[:2] for row in rows[1:]] == [["Aching jaw", "1"], ["Calf cramps", "1"]]
    page = browser.get("/reports/outcomes").get_data(as_text=True)
    assert "Aching jaw" in page and "jaw_ache" not in page and "calf_cramps" not in page  # the chart too


def test_course_completion_counts_courses_that_reached_a_third_session(login, staff, clinic, practitioner):
    client = factories.make_client(clinic, practitioner)
    for number, days in ((1, 30), (2, 23), (3, 16)):
        factories.make_visit(client, number=number, started_at=_ago(days))
    unfinished = factories.make_client(clinic, practitioner)
    factories.make_visit(unfinished, number=1, started_at=_ago(12))
    rows = _csv(login(staff), "courses")
    assert _total(rows, "Courses begun") == 2 and _total(rows, "Reached session 3") == 1
    assert "14" in [row[4] for row in rows[1:]]  # median days from session 1 to 3


def test_a_session_counts_as_rebooked_when_the_next_was_booked_within_a_week(
    login, staff, clinic, practitioner
):
    client = factories.make_client(clinic, practitioner)
    held = factories.make_visit(client, number=1, started_at=_ago(30))
    factories.make_visit(client, number=2, started_at=_ago(20))
    factories.make_appointment(client, starts_at=_ago(20), created_at=held.started_at + dt.timedelta(days=2))
    rows = _csv(login(staff), "rebooking")
    assert _total(rows, "Sessions") == 2 and _total(rows, "Next appointment booked") == 1


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_each_report_takes_a_fixed_number_of_queries_however_much_data(
    login, staff, clinic, practitioner, count_queries, slug
):
    browser = login(staff)

    def queries() -> int:
        with count_queries() as statements:
            assert browser.get(f"/reports/{slug}").status_code == 200
        return len(statements)

    def a_client_with_a_course(n):
        client = factories.make_client(clinic, practitioner, first_name=f"C{n}")
        sensation = factories.make_sensation(client)
        for number in (1, 2, 3):
            visit = factories.make_visit(client, number=number, started_at=_ago(40 - 7 * number))
            factories.make_rating(sensation, visit, 9 - number)
            factories.make_appointment(client, starts_at=_ago(40 - 7 * number), outcome="attended")
        db.session.commit()

    a_client_with_a_course(0)
    few = queries()
    for n in range(1, 6):
        a_client_with_a_course(n)
    assert queries() == few


# The report's own queries, pinned: each counts in the database, so its number of queries
# is this whatever the data (the practitioners' names are one more where a table shows them).
REPORT_QUERIES = {
    "sessions": 2,
    "new-clients": 1,
    "attendance": 2,
    "locations": 1,
    "referrals": 1,
    "courses": 1,
    "rebooking": 1,
    "outcomes": 1,
}


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_each_report_sends_its_pinned_number_of_queries(app, staff, practice, count_queries, slug):
    zone = ZoneInfo("Europe/London")
    filters = Filters(_ago(400), NOW + dt.timedelta(days=1), zone, None, "week")
    with count_queries() as statements:
        figures = REPORTS[slug].figures(db.session, staff, filters)
    assert figures.rows, slug  # something was counted
    assert len(statements) == REPORT_QUERIES[slug], "\n".join(s[:120] for s in statements)
