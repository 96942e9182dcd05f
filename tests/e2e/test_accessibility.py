"""Every desk page passes axe-core at WCAG 2.2 AA at 1440 px, and the sign-in pages at 360 px
(issue 15). The phone's screens are checked on the walk through a whole visit
(test_tap_targets.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.e2e.axe import violations
from tests.e2e.helpers import expect, sign_in_at_desk
from webapp.auth.models import Clinic, User
from webapp.clients.models import Client
from webapp.reports.figures import REPORTS

pytestmark = pytest.mark.e2e


def _a_record_with_sessions(data, caseload) -> None:
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        first = factories.make_visit(
            alex, number=1, started_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10), notes="Eased well."
        )
        second = factories.make_visit(
            alex, number=2, started_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        )
        factories.make_finding(first, "lumbar_l4", "left", released=True)
        factories.make_finding(first, "calf", "right", released=False, muscle_or_test="Gastrocnemius")
        sensation = factories.make_sensation(alex, kind="calf_cramps", region="calf", side="left")
        factories.make_rating(sensation, first, 7)
        factories.make_rating(sensation, second, 3)
        factories.make_appointment(alex, s.get(User, caseload["pat"]))


def test_every_desk_page_passes_axe(new_context, server, caseload, data):
    _a_record_with_sessions(data, caseload)
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in_at_desk(page, data)
    alex, clinic = caseload["alex"], caseload["clinic"]
    with data() as s:
        clinic_name = s.get(Clinic, clinic).name
    pages = [
        "/appointments/day",
        "/appointments/week",
        "/appointments/follow-ups",
        "/appointments/new",
        "/clients/",
        "/clients/new",
        f"/clients/{alex}/record",
        f"/clients/{alex}/edit",
        f"/clients/{alex}/case-history",
        f"/clients/{alex}/acknowledgement",
        f"/clients/{alex}/erase",
        f"/clients/{alex}/case-study",
        "/reports/",
        *[f"/reports/{slug}" for slug in REPORTS],
        "/admin/users",
        "/admin/users/new",
        "/admin/devices",
        "/admin/clinic",
        "/admin/terms",
        "/admin/audit",
        "/settings/notifications",
        "/account/password",
        "/account/security",
    ]
    problems = []
    for url in pages:
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response.status if response else 'no answer'}"
        expect(page.locator("main h1")).to_be_visible()
        problems += [f"{url}: {broken}" for broken in violations(page)]
    assert clinic_name  # the desk pages above were read as the clinic's admin
    assert not problems, "axe found:\n" + "\n".join(problems)


def test_the_sign_in_page_passes_axe_on_a_phone(new_context, server):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto("/login")
    expect(page.locator("main h1")).to_be_visible()
    assert violations(page) == []
