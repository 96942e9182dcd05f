"""The practitioner's screens on a phone: a later visit, the diagram by keyboard, a client
registered offline, empty states, and layouts at 360 px and 1440 px."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests import factories
from tests.e2e.helpers import expect, go_offline, go_online, open_client, sign_in, wait_for_sync
from webapp.auth.models import Clinic, User
from webapp.clients.models import Client
from webapp.visits.models import SensationRating, Visit

pytestmark = pytest.mark.e2e


def _alex_after_a_first_visit(data, caseload, days_ago: int = 3) -> dict:
    with data() as s:
        from webapp.clients.models import Client as C

        alex = s.get(C, caseload["alex"])
        first = factories.make_visit(
            alex, number=1, started_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
        )
        sensation = factories.make_sensation(alex, kind="calf_cramps", region="calf", side="left")
        factories.make_rating(sensation, first, 7, frequency="several_daily", times_of_day=["night"])
        s.flush()
        return {"visit": first.id, "sensation": sensation.id}


def test_a_later_visit_records_reactions_and_rerates_each_sensation_with_a_tap(
    new_context, server, caseload, data
):
    seeded = _alex_after_a_first_visit(data, caseload)
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    open_client(page, "Alex Morgan")
    page.get_by_role("link", name="Start a visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Since last time · session 2")

    page.locator("[data-field=reactions]").get_by_text("Tiredness", exact=True).click()
    card = page.locator(f"[data-sensation='{seeded['sensation']}']")
    expect(card).to_contain_text("Last time 7/10, several times a day, night")
    card.locator("[data-field=intensity]").get_by_text("4", exact=True).click()
    expect(card.locator("[data-field=intensity] input[value='4']")).to_be_checked()

    page.get_by_role("navigation", name="Steps of the session").get_by_role("link", name="Close").click()
    expect(page.locator("#course-progress")).to_have_text("Initial course: 2 of 3 sessions done.")
    expect(page.locator("main")).to_contain_text("Proposed: day 11 of the course.")
    expect(page.get_by_label("Reason for the referral (optional)")).to_be_hidden()
    page.get_by_label("Referred to a medical practitioner").check()
    page.get_by_label("Reason for the referral (optional)").fill("Numbness in the foot: to see the GP")

    go_online(context, server)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    with data() as s:
        second = s.scalars(
            select(Visit).where(Visit.client_id == caseload["alex"], Visit.number_in_course == 2)
        ).one()
        assert second.reactions == ["tiredness"]
        assert second.referred and second.referral_reason == "Numbness in the foot: to see the GP"
        rating = s.scalars(select(SensationRating).where(SensationRating.visit_id == second.id)).one()
        # Re-rated with one tap: the intensity is new, when and how often carried over.
        assert (rating.intensity, rating.frequency, rating.times_of_day) == (4, "several_daily", ["night"])


def test_the_body_diagram_works_by_keyboard(new_context, server, caseload):
    page = sign_in(new_context().new_page())
    open_client(page, "Alex Morgan")
    page.get_by_role("link", name="Start the first visit").click()
    page.get_by_role("link", name="Findings ›").click()
    region = page.get_by_role("button", name="Knee, right")
    region.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#finding-region")).to_have_value("knee")
    expect(page.locator("#finding-form [data-field=side] input[value=right]")).to_be_checked()
    expect(page.get_by_role("button", name="Save finding")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#finding-saved")).to_have_text("Saved: Knee, right.")
    expect(page.get_by_role("button", name="Knee, right (1 finding)")).to_have_class("region released")
    page.get_by_role("button", name="Front").click()
    expect(page.get_by_role("button", name="Knee, right (1 finding)")).to_be_visible()


def test_a_client_registered_on_the_phone_offline_reaches_the_clinic(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    page.goto("/app/#/clients")
    page.get_by_role("link", name="New client").click()
    page.get_by_role("button", name="Register the client").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter first name.")
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Price")
    page.get_by_label("Phone (optional)").fill("07700 900123")
    page.get_by_role("button", name="Register the client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dana Price")
    expect(page.get_by_role("link", name="Start the first visit")).to_be_visible()

    go_online(context, server)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    with data() as s:
        dana = s.scalars(select(Client).where(Client.first_name == "Dana")).one()
        assert dana.practitioner_id == caseload["pat"] and dana.phone == "07700 900123"


def test_the_screens_have_empty_states(new_context, server, caseload):
    page = sign_in(new_context().new_page())
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.locator("main")).to_contain_text("No appointments on this day.")
    page.get_by_role("link", name="The week").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The week ahead")
    expect(page.locator("main")).to_contain_text("Today · 0 appointments")
    open_client(page, "Bea Lund")
    expect(page.locator("main")).to_contain_text("No sessions recorded yet.")
    expect(page.locator("#progress, main")).to_contain_text("baseline")
    page.goto("/app/#/clients")
    page.get_by_label("Find a client").fill("zzz")
    expect(page.locator("main")).to_contain_text("No client matches.")


@pytest.mark.parametrize("width,height", [(360, 740), (1440, 900)])
def test_no_screen_scrolls_sideways(new_context, server, caseload, data, width, height):
    seeded = _alex_after_a_first_visit(data, caseload)
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        factories.make_appointment(
            alex, starts_at=dt.datetime.now(dt.UTC).replace(hour=12, minute=0), location="home"
        )
        factories.make_finding(s.get(Visit, seeded["visit"]), "calf", "left", muscle_or_test="Gastrocnemius")
        newcomer = factories.make_client(
            s.get(Clinic, caseload["clinic"]),
            s.get(User, caseload["pat"]),
            first_name="Eve",
            last_name="Long-Surname-Without-Spaces-Anywhere",
        )
        newcomer_id = newcomer.id
    page = sign_in(new_context(viewport={"width": width, "height": height}, timezone_id="UTC").new_page())
    alex_id, visit_id = caseload["alex"], seeded["visit"]
    screens = [
        "#/",
        "#/week",
        "#/clients",
        "#/clients/new",
        f"#/clients/{alex_id}",
        f"#/clients/{alex_id}/edit",
        f"#/clients/{alex_id}/case-history",
        f"#/clients/{newcomer_id}/first-visit",
        f"#/visits/{visit_id}/since",
        f"#/visits/{visit_id}/findings",
        f"#/visits/{visit_id}/close",
        "#/attention",
        "#/sign-out",
    ]
    for screen in screens:
        page.goto(f"/app/{screen}")
        expect(page.locator("main h1")).to_be_visible()
        page.wait_for_timeout(100)  # charts size themselves to their box
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{screen} scrolls sideways by {overflow} px at {width} px"


def test_findings_traced_as_a_line_of_tension_share_the_line_in_order(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    open_client(page, "Alex Morgan")
    page.get_by_role("link", name="Start the first visit").click()
    page.get_by_role("link", name="Findings ›").click()
    page.get_by_role("button", name="Trace a line of tension").click()
    for region in ("Lower back, L5", "Buttock (gluteal), left", "Calf, left"):
        page.get_by_role("button", name=region, exact=True).click()
        if region == "Lower back, L5":
            page.locator("#finding-form [data-field=side]").get_by_text("Left", exact=True).click()
        page.get_by_role("button", name="Save finding").click()
        expect(page.locator("#finding-saved")).to_contain_text(region.split(",")[0])
    expect(page.locator("#line-status")).to_contain_text("3 findings so far")
    expect(page.locator(".body-diagram path.tension-line")).to_have_count(1)
    page.get_by_role("button", name="End the line of tension").click()
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    with data() as s:
        from webapp.visits.models import Finding

        line = s.scalars(
            select(Finding).where(Finding.client_id == caseload["alex"]).order_by(Finding.position)
        ).all()
        assert [f.region for f in line] == ["lumbar_l5", "buttock", "calf"]
        assert len({f.tension_line_id for f in line}) == 1 and line[0].tension_line_id is not None
        assert [f.position for f in line] == [0, 1, 2]
