"""A phone's clock can be wrong; the record must not be (issue 17). Each test runs with the
phone's clock 3 days ahead and 2 days behind the server's (Playwright's clock)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import factories
from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    open_client,
    record_session,
    sign_in,
    wait_for_sync,
)
from webapp.clients.models import Client
from webapp.visits.models import Visit

pytestmark = pytest.mark.e2e

SKEWS = {"3 days ahead": dt.timedelta(days=3), "2 days behind": dt.timedelta(days=-2)}


@pytest.fixture(params=list(SKEWS))
def skew(request) -> tuple[str, dt.timedelta]:
    return request.param, SKEWS[request.param]


def _phone_with_a_wrong_clock(new_context, skew: dt.timedelta):
    context = new_context()
    page = context.new_page()
    page.clock.install(time=dt.datetime.now(dt.UTC) + skew)  # the phone's clock runs, wrong by ``skew``
    return context, sign_in(page)


def _clinic_date(when: dt.datetime) -> str:
    """The clinic's calendar date (its time zone: the phone shows dates by it) of a real instant."""
    return when.astimezone(ZoneInfo("Europe/London")).date().isoformat()


def test_today_is_the_clinics_today_and_the_phone_says_its_clock_is_off(
    new_context, server, caseload, data, skew
):
    words, offset = skew
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        factories.make_appointment(alex, starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    _, page = _phone_with_a_wrong_clock(new_context, offset)
    expect(page.locator("#clock-warning")).to_contain_text(
        f"This phone’s clock is {words}. Times are corrected using the clinic’s clock."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.locator("[data-appointment]")).to_contain_text("Alex")


def test_a_visit_recorded_offline_lands_at_the_real_time_and_the_next_is_proposed_by_it(
    new_context, server, caseload, data, skew
):
    _, offset = skew
    context, page = _phone_with_a_wrong_clock(new_context, offset)
    go_offline(context, server)
    record_session(page, "Alex Morgan", [("Knee", "Right", True)])
    page.get_by_role("link", name="Close ›").click()
    started = dt.datetime.now(dt.UTC)
    proposed = page.locator("#next-when").input_value()  # the first session: day 4 of the course
    assert proposed[:10] == _clinic_date(started + dt.timedelta(days=3))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:(00|15|30|45)", proposed)  # on the booking grid
    go_online(context, server)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    with data() as s:
        visit = s.scalars(select(Visit)).one()
        assert abs(visit.started_at - started) < dt.timedelta(minutes=2)
        assert abs(visit.clock_offset_seconds + offset.total_seconds()) < 120
        assert visit.clock_flag == "corrected"


def test_sessions_keep_their_order_whatever_the_phones_clock(new_context, server, caseload, data, skew):
    _, offset = skew
    with data() as s:
        factories.make_visit(
            s.get(Client, caseload["alex"]),
            number=1,
            started_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        )
    context, page = _phone_with_a_wrong_clock(new_context, offset)
    record_session(page, "Alex Morgan", [("Calf", "Left", True)])
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    open_client(page, "Alex Morgan")
    sessions = page.locator("#visit-list li .card-title")  # the latest first
    expect(sessions.first).to_contain_text("Session 2")
    expect(sessions.nth(1)).to_contain_text("Session 1")
    with data() as s:
        first, second = sorted(s.scalars(select(Visit)).all(), key=lambda v: v.number_in_course)
        assert first.started_at < second.started_at and second.clock_flag == "corrected"


def test_a_phone_that_never_reached_the_server_sends_no_offset_and_is_flagged(
    new_context, server, caseload, data
):
    context = new_context()
    page = sign_in(context.new_page())
    page.evaluate("async () => (await import('/static/js/db.js')).setMeta('clock', null)")
    page.route(
        "**/api/v1/**", lambda route: route.abort("internetdisconnected")
    )  # nothing answers, nothing learnt
    page.reload()
    page.locator("#unlock-form").get_by_label("PIN").fill("482916")
    page.get_by_role("button", name="Unlock", exact=True).click()
    page.wait_for_selector("body[data-ready=true]")
    record_session(page, "Alex Morgan", [("Knee", "Left", True)])
    page.unroute("**/api/v1/**")
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    with data() as s:
        visit = s.scalars(select(Visit)).one()
        assert visit.clock_offset_seconds is None and visit.clock_flag == "unknown_offset"


def test_a_session_the_server_finds_in_the_future_waits_under_needs_attention(
    new_context, server, caseload, data
):
    context, page = _phone_with_a_wrong_clock(new_context, SKEWS["3 days ahead"])
    page.evaluate(
        "async () => (await import('/static/js/db.js')).setMeta('clock', null)"
    )  # as if never learnt
    page.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
    page.reload()
    page.locator("#unlock-form").get_by_label("PIN").fill("482916")
    page.get_by_role("button", name="Unlock", exact=True).click()
    page.wait_for_selector("body[data-ready=true]")
    record_session(page, "Alex Morgan", [("Knee", "Left", True)])
    page.unroute("**/api/v1/**")
    page.get_by_role("button", name="Sync now").click()
    page.locator("#sync-indicator").get_by_role("link", name="2 need attention").click()
    item = page.locator("[data-kind=rejected]").first
    # Three days ahead, less the seconds between the start and the push reaching the server.
    expect(item).to_contain_text(
        re.compile(r"starts (3 days|2 days 23 hours) after the clinic's clock says it is now")
    )
    with data() as s:
        assert s.scalars(select(Visit)).all() == []  # nothing stored; everything kept on the phone
