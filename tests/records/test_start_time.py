"""The desk sees sessions whose start time rests on a wrong or unchecked clock, and corrects it."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import factories
from tests.sync.conftest import change
from webapp.audit.models import AuditEvent
from webapp.auth.models import Role
from webapp.db import now_utc
from webapp.extensions import db
from webapp.visits.models import Visit

DAY = 86400
JOHANNESBURG = dt.timezone(dt.timedelta(hours=2))  # the clinic's zone below: UTC+2, no summer time
LONDON = ZoneInfo("Europe/London")  # the test clinic's zone elsewhere


def _london(moment: dt.datetime) -> str:
    """``moment`` as the desk's form takes it: the clinic's wall clock, to the minute."""
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _page(browser, client) -> str:
    return html.unescape(browser.get(f"/clients/{client.id}/record").get_data(as_text=True))


def _session_headings(page: str) -> list[str]:
    return re.findall(r"<h3>Session (\d+) —", page)


def _pushed_visit(phone, client, start: dt.datetime, offset: int | None, number: int = 1) -> Visit:
    own_clock = start - dt.timedelta(seconds=offset or 0)
    sent = change(
        "visit",
        client_id=client.id,
        started_at=_iso(start),
        device_started_at=_iso(own_clock),
        clock_offset_seconds=offset,
        location="clinic",
        number_in_course=number,
    )
    [result] = phone.push(sent)
    assert result["status"] == "applied"
    return db.session.get(Visit, uuid.UUID(sent["id"]))


def _correct(browser, client, visit, local_time: str, **extra):
    return browser.post(
        f"/clients/{client.id}/sessions/{visit.id}/start", {"started_at": local_time, **extra}
    )


def test_the_record_explains_each_flagged_session_in_plain_words(
    make_device, practitioner, clinic, staff, login
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    start = now_utc().replace(microsecond=0) - dt.timedelta(days=10)
    _pushed_visit(phone, client, start, -3 * DAY, number=1)
    _pushed_visit(phone, client, start + dt.timedelta(days=3), None, number=2)
    _pushed_visit(phone, client, start - dt.timedelta(days=2), 0, number=3)  # lands before sessions 1 and 2
    _pushed_visit(phone, client, start + dt.timedelta(days=9), 2 * DAY, number=4)
    page = _page(login(staff), client)
    assert "The phone's clock was 3 days ahead; the time was corrected using the clinic's clock." in page
    assert "The phone's clock was 2 days behind; the time was corrected using the clinic's clock." in page
    assert "The phone's own clock said" in page
    assert "so its clock could not be checked" in page
    assert "Session 3 starts before session 2" in page and "which has a lower number" in page
    assert page.count('data-clock-flag="out_of_order"') == 3  # 1 and 2 start after session 3
    assert page.count('data-clock-flag="corrected"') == 1  # session 4 (session 1's is out of order first)
    assert _session_headings(page) == ["1", "2", "3", "4"]  # by number, not by the clock


def test_staff_correct_a_start_which_clears_its_flag_and_reaches_the_phone(
    make_device, practitioner, clinic, staff, login
):
    clinic.timezone = "Africa/Johannesburg"
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    visit = _pushed_visit(phone, client, now_utc() - dt.timedelta(days=3), None)
    assert visit.clock_flag == "unknown_offset"
    phone.pull(cursor=None)
    desk = login(staff)
    assert 'data-clock-flag="unknown_offset"' in _page(desk, client)

    response = _correct(desk, client, visit, "2026-11-20T09:30")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#session-{visit.id}")
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.started_at == dt.datetime(2026, 11, 20, 9, 30, tzinfo=JOHANNESBURG)
    assert (visit.start_basis, visit.clock_flag) == ("desk", None)
    page = _page(desk, client)
    assert "data-clock-flag" not in page and "The start time was corrected at the desk." in page
    [pulled] = [r for r in phone.pull()["records"] if r["id"] == str(visit.id)]
    assert pulled["fields"]["started_at"] == "2026-11-20T07:30:00Z" and pulled["fields"]["clock_flag"] is None
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "visit.start_corrected")).one()
    assert (audit.user_id, audit.subject_id) == (staff.id, str(client.id))
    assert audit.detail == {"visit": str(visit.id), "field": "started_at", "flag": "unknown_offset"}


def test_correcting_one_session_of_an_out_of_order_pair_clears_both(
    make_device, practitioner, clinic, admin, login
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    start = now_utc().replace(second=0, microsecond=0) - dt.timedelta(days=5)
    first = _pushed_visit(phone, client, start, 0, number=1)
    second = _pushed_visit(phone, client, start - dt.timedelta(days=2), 0, number=2)
    assert (first.clock_flag, second.clock_flag) == ("out_of_order", "out_of_order")
    local = _london(start + dt.timedelta(days=3))
    assert _correct(login(admin), client, second, local).status_code == 302
    db.session.expire_all()
    assert (
        db.session.get(Visit, first.id).clock_flag is None
        and db.session.get(Visit, second.id).clock_flag is None
    )


def test_confirming_the_time_shown_keeps_it_to_the_second_and_clears_the_flag(
    make_device, practitioner, clinic, staff, login
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    start = now_utc().replace(second=42, microsecond=0) - dt.timedelta(days=1)
    visit = _pushed_visit(phone, client, start, 2 * DAY)
    assert visit.clock_flag == "corrected"
    assert _correct(login(staff), client, visit, _london(start)).status_code == 302
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.started_at == start and visit.clock_flag is None


def test_a_correction_into_the_future_is_refused_with_a_reason(
    make_device, practitioner, clinic, staff, login
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    start = now_utc().replace(microsecond=0) - dt.timedelta(days=1)
    visit = _pushed_visit(phone, client, start, None)
    desk = login(staff)
    later = _london(now_utc() + dt.timedelta(days=2))
    response = _correct(desk, client, visit, later)
    assert response.status_code == 302
    assert "cannot start more than 2 hours ahead" in _page(desk, client)
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.started_at == start and visit.clock_flag == "unknown_offset"
    assert _correct(desk, client, visit, "not a time").status_code == 302
    assert db.session.get(Visit, visit.id).started_at == start


def test_a_correction_needs_the_forms_csrf_token(make_device, practitioner, clinic, staff, login):
    client = factories.make_client(clinic, practitioner)
    visit = _pushed_visit(make_device(practitioner), client, now_utc() - dt.timedelta(days=1), None)
    assert _correct(login(staff), client, visit, "2026-11-20T09:30", csrf_token="").status_code == 400
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).start_basis == "unknown_offset"


@pytest.mark.parametrize("who", ["other_clinic_staff", "other_clinic_practitioner", "other_practitioner"])
def test_those_who_cannot_see_the_client_cannot_correct_a_start(
    request, practitioner, clinic, other_clinic, login, who
):
    client = factories.make_client(clinic, practitioner)
    visit = factories.make_visit(client)
    user = (
        factories.make_user(other_clinic, Role.PRACTITIONER)
        if who == "other_clinic_practitioner"
        else request.getfixturevalue(who)
    )
    assert _correct(login(user), client, visit, "2026-11-20T09:30").status_code == 404
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).start_basis is None
    # The same request from the client's own practitioner is taken: the 404 was about who asked.
    assert _correct(login(practitioner), client, visit, "2026-11-20T09:30").status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).start_basis == "desk"


def test_a_session_of_another_client_or_a_deleted_one_is_not_found(login, staff, practitioner, clinic):
    client, other = factories.make_client(clinic, practitioner), factories.make_client(clinic, practitioner)
    theirs = factories.make_visit(other)
    gone = factories.make_visit(client, deleted_at=now_utc())
    desk = login(staff)
    assert _correct(desk, client, theirs, "2026-11-20T09:30").status_code == 404
    assert _correct(desk, client, gone, "2026-11-20T09:30").status_code == 404
    assert (
        desk.post(f"/clients/{client.id}/sessions/nope/start", {"started_at": "2026-11-20T09:30"}).status_code
        == 404
    )
    assert _correct(desk, other, theirs, "2026-11-20T09:30").status_code == 302  # under its own client


def test_sessions_recorded_before_clocks_were_checked_are_shown_in_order_and_flagged(
    login, staff, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    start = now_utc() - dt.timedelta(days=20)
    one = factories.make_visit(client, number=1, started_at=start)
    two = factories.make_visit(client, number=2, started_at=start - dt.timedelta(days=2))
    factories.make_visit(client, number=3, started_at=start + dt.timedelta(days=7))
    # As stored before this release: no flags at all.
    db.session.execute(Visit.__table__.update().values(clock_flag=None, start_basis=None))
    sensation = factories.make_sensation(client)
    factories.make_rating(sensation, one, 8)
    factories.make_rating(sensation, two, 6)
    page = _page(login(staff), client)
    assert _session_headings(page) == ["1", "2", "3"]
    assert page.count('data-clock-flag="out_of_order"') == 2
    assert "baseline 8, latest 6 out of 10 at visit 2" in page


def test_the_chart_spaces_a_second_course_after_the_first(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    start = now_utc() - dt.timedelta(days=200)
    sensation = factories.make_sensation(client)
    for number, days, intensity in [(1, 0, 8), (2, 3, 6), (1, 150, 7), (2, 153, 4)]:
        visit = factories.make_visit(client, number=number, started_at=start + dt.timedelta(days=days))
        factories.make_rating(sensation, visit, intensity)
    page = _page(login(staff), client)
    assert _session_headings(page) == ["1", "2", "1", "2"]
    [points] = re.findall(r'<polyline points="([^"]+)"', page)
    xs = [float(point.split(",")[0]) for point in points.split()]
    assert xs == sorted(xs) and len(set(xs)) == 4  # four places, in course order
    assert "baseline 8, latest 4 out of 10" in page
