"""The after-session page on a 360 px phone (issue 12): drawn offline from the phone's own
database, shared through the share sheet where there is one, printable where there is not."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.e2e.helpers import expect, go_offline, go_online, record_session, sign_in
from webapp.auth.models import User
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

# A share sheet, as a phone has: what it was given is kept for the test to read.
SHARE_SHEET = "navigator.share = async (data) => { window.sharedWithClient = data; };"


def _next_week_booked(data, caseload) -> None:
    with data() as s:
        alex, pat = s.get(Client, caseload["alex"]), s.get(User, caseload["pat"])
        factories.make_appointment(
            alex, pat, starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=7), location="home"
        )


def test_the_page_for_the_client_is_made_offline_and_shared(new_context, server, caseload, data):
    _next_week_booked(data, caseload)
    context = new_context(viewport={"width": 360, "height": 740})
    context.add_init_script(SHARE_SHEET)
    page = sign_in(context.new_page())
    go_offline(context, server)
    try:
        record_session(page, "Alex Morgan", [("Calf", "Left", True)])
        page.get_by_role("link", name="Close ›").click()
        page.locator("#close-form").get_by_text("Drink more water", exact=True).click()
        page.get_by_role("link", name="A page for the client").click()

        handout = page.locator("article.handout")
        expect(handout.get_by_role("heading", level=1)).to_have_text("After your session, Alex")
        expect(handout).to_contain_text("Drink more water")
        expect(handout).to_contain_text("Some people notice tiredness")
        expect(handout).to_contain_text("at your home")
        page.get_by_role("button", name="Share with the client").click()
        shared = page.wait_for_function("() => window.sharedWithClient").json_value()
        assert shared["title"] == "After your session, Alex"
        assert "- Drink more water" in shared["text"] and "Your next appointment:" in shared["text"]
        expect(page.get_by_role("button", name="Print")).to_be_visible()
    finally:
        go_online(context, server)


def test_without_a_share_sheet_the_page_is_printed(new_context, server, caseload):
    page = sign_in(new_context(viewport={"width": 360, "height": 740}).new_page())
    page.evaluate("() => { delete Navigator.prototype.share; }")
    record_session(page, "Bea Lund", [("Ankle", "Right", True)])
    page.get_by_role("link", name="Close ›").click()
    page.get_by_role("link", name="A page for the client").click()
    expect(page.locator("article.handout")).to_contain_text("Nothing particular: carry on as usual.")
    expect(page.get_by_role("button", name="Share with the client")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator("body > header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("article.handout")).to_be_visible()
