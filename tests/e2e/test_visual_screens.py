"""The key screens look as they did (issue 15): Today on a 360 px phone and the desk's day at
1440 px, compared with committed baselines (tests/e2e/baselines.py). (The findings step's own
picture is its chart: test_body_chart.py pins it; the whole step, taller than a screen, comes
out with its sticky bar wherever the scroll left it.)

What changes by itself from run to run (today's date, the time of the last sync, the app's
version) is masked; the appointments are booked at fixed times of the day. The body chart's
own baselines are in test_body_chart.py.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.e2e.baselines import matches_baseline
from tests.e2e.helpers import expect, sign_in, sign_in_at_desk
from webapp.auth.models import Clinic, User
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")


def _todays_appointments(data, caseload) -> None:
    with data() as s:
        pat, alex = s.get(User, caseload["pat"]), s.get(Client, caseload["alex"])
        clinic = s.get(Clinic, caseload["clinic"])
        cara = factories.make_client(clinic, pat, first_name="Cara", last_name="Nolan", town="Ashford")
        today = dt.datetime.now(LONDON).date()
        factories.make_appointment(
            alex, pat, starts_at=dt.datetime.combine(today, dt.time(9, 0), tzinfo=LONDON)
        )
        factories.make_appointment(
            cara, pat, starts_at=dt.datetime.combine(today, dt.time(15, 30), tzinfo=LONDON), location="home"
        )


def test_the_phones_key_screens_look_as_they_did(new_context, server, caseload, data, tmp_path):
    _todays_appointments(data, caseload)
    page = sign_in(
        new_context(viewport={"width": 360, "height": 740}, timezone_id="Europe/London").new_page()
    )
    # The screen itself (main), without the bars and notices around it that come and go; masked
    # in it, what changes by itself: the days around today.
    changing = [page.locator(".day-nav")]
    expect(page.locator("[data-appointment]")).to_have_count(2)
    page.locator("main").screenshot(path=tmp_path / "today.png", mask=changing)
    matches_baseline(tmp_path / "today.png", "phone-today-360.png")


def test_the_desks_day_looks_as_it_did(new_context, server, caseload, data, tmp_path):
    _todays_appointments(data, caseload)
    page = sign_in_at_desk(new_context(viewport={"width": 1440, "height": 900}).new_page(), data)
    page.goto("/appointments/day")
    expect(page.locator("li.appointment")).to_have_count(2)
    page.screenshot(path=tmp_path / "day.png", mask=[page.locator("main h1"), page.locator(".date-nav")])
    matches_baseline(tmp_path / "day.png", "desk-day-1440.png")
