"""A whole first home visit on a 360 x 740 phone, offline, through the practitioner's screens.

Case history, acknowledgement, the baseline, findings on the body diagram, the next booking;
the page reloaded mid-visit and resumed; then the network back and the visit on the desk once.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from tests import factories
from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    sign_in,
    sign_in_at_desk,
    wait_for_sync,
    wait_until_ready,
)
from webapp.appointments.models import Appointment
from webapp.clients.models import Acknowledgement, CaseHistory
from webapp.visits.models import Finding, SensationRating, Visit


def _new_client_booked_today(data, caseload) -> str:
    with data() as s:
        from webapp.auth.models import Clinic, User

        clinic, pat = s.get(Clinic, caseload["clinic"]), s.get(User, caseload["pat"])
        cara = factories.make_client(
            clinic,
            pat,
            first_name="Cara",
            last_name="Nolan",
            address_line="4 Mill Lane",
            town="Ashford",
            postcode="TN24 8AB",
        )
        noon = dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(12, 0), tzinfo=dt.UTC)
        factories.make_appointment(cara, pat, starts_at=noon, location="home")
        s.flush()
        return str(cara.id)


def _desk_page(new_context, data):
    return sign_in_at_desk(new_context(viewport={"width": 1440, "height": 900}).new_page(), data)


def test_a_first_home_visit_recorded_offline_reaches_the_desk_once_complete(
    new_context, server, caseload, data
):
    cara_id = _new_client_booked_today(data, caseload)
    context = new_context(timezone_id="UTC")
    page = sign_in(context.new_page())
    go_offline(context, server)

    # Today: the appointment with the first name, the place (a maps link) and which visit.
    page.goto("/app/#/")
    card = page.locator("[data-appointment]")
    expect(card).to_contain_text("Cara")
    expect(card).to_contain_text("first visit")
    expect(card.get_by_role("link", name="4 Mill Lane, Ashford, TN24 8AB (opens maps)")).to_have_attribute(
        "href", "https://www.google.com/maps/search/?api=1&query=4%20Mill%20Lane%2C%20Ashford%2C%20TN24%208AB"
    )
    card.get_by_role("link", name="Start the visit").click()

    # First visit: the case history, then the acknowledgement, before the session record.
    expect(page.get_by_role("heading", level=1)).to_have_text("First visit with Cara")
    page.get_by_label("Occupation").fill("Accountant")
    page.get_by_label("Hours sitting a day").fill("8")
    page.get_by_label("Conditions diagnosed by a doctor (as the client reports them)").fill(
        "Sciatica, GP 2024"
    )
    page.get_by_label("Water a day (litres)").fill("0.8")
    # A yes/no question is answered yes, no, or left not asked: never "no" for want of a tick.
    expect(page.get_by_label("Takes magnesium")).to_have_value("")
    page.get_by_role("button", name="Save the case history").click()
    page.get_by_role("button", name="Record the acknowledgement").click()
    expect(page.locator("#acknowledgement-form .error-summary")).to_contain_text("needs to agree")
    page.get_by_label("The client has read this and agrees").check()
    page.get_by_role("button", name="Record the acknowledgement").click()
    page.get_by_role("button", name="Start the session").click()

    # 1. The complaint becomes the baseline.
    expect(page.get_by_role("heading", level=1)).to_have_text("Since last time · session 1")
    form = page.locator("#add-sensation")
    form.get_by_label("What the client feels").select_option(label="Calf cramps")
    form.get_by_label("Where").select_option(label="Calf")
    form.locator("[data-field=side]").get_by_text("Left", exact=True).click()
    form.locator("[data-field=times_of_day]").get_by_text("Night", exact=True).click()
    form.locator("[data-field=frequency]").get_by_text("Several times a day", exact=True).click()
    form.locator("[data-field=intensity]").get_by_text("7", exact=True).click()
    form.get_by_role("button", name="Add this sensation").click()
    expect(page.locator("#sensation-list")).to_contain_text("Calf cramps")

    # 2. Findings, tapped on the diagram.
    page.get_by_role("link", name="Findings ›").click()
    page.locator(".body-diagram [data-region=lumbar_l4]").click()
    page.locator("#finding-form [data-field=side]").get_by_text("Both sides", exact=True).click()
    page.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-saved")).to_contain_text("Lower back, L4")
    page.locator(".body-diagram [data-region=calf][data-side=left]").click()
    page.get_by_label("Muscle or test (optional)").fill("Gastrocnemius")
    visit_id = page.url.split("/visits/")[1].split("/")[0]
    # What is typed is stored as it is typed, with no pause first: the save is under way
    # at once (polled briefly only because the write itself takes a moment).
    page.wait_for_function(
        """async (id) => {
        const db = await import('/static/js/db.js');
        const draft = await db.getMeta(`draft:finding:${id}`);
        return Boolean(draft && draft.muscle_or_test === 'Gastrocnemius' && draft.region === 'calf');
    }""",
        arg=visit_id,
        timeout=1000,
        polling=50,
    )

    # The phone reloads the page mid-visit: the visit and the half-entered finding come back.
    page.reload()
    wait_until_ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings · session 1")
    expect(page.get_by_label("Muscle or test (optional)")).to_have_value("Gastrocnemius")
    expect(page.locator("#finding-region")).to_have_value("calf")
    page.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-list > li")).to_have_count(2)
    expect(page.locator(".body-diagram [data-region=calf][data-side=left]")).to_have_class("region released")

    # 3. The close: notes, advice, and the next visit at day 4 of the course.
    page.get_by_role("link", name="Close ›").click()
    expect(page.locator("#course-progress")).to_have_text("Initial course: 1 of 3 sessions done.")
    page.get_by_label("Notes (optional)").fill("Calves tight on the left.")
    page.locator("[data-field=advice]").get_by_text("Drink more water", exact=True).click()
    page.get_by_role("button", name="Book this visit").click()
    expect(page.locator("#next-booked")).to_contain_text("Booked")
    page.get_by_role("button", name="Finish the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cara Nolan")

    go_online(context, server)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)

    client_uuid = uuid.UUID(cara_id)
    with data() as s:
        visits = s.scalars(select(Visit).where(Visit.client_id == client_uuid)).all()
        assert len(visits) == 1
        visit = visits[0]
        assert visit.notes == "Calves tight on the left." and visit.advice == ["water"]
        assert visit.appointment_id is not None and visit.location == "home"
        assert s.scalar(select(func.count()).select_from(Finding).where(Finding.visit_id == visit.id)) == 2
        assert (
            s.scalar(
                select(func.count()).select_from(SensationRating).where(SensationRating.visit_id == visit.id)
            )
            == 1
        )
        assert (
            s.scalar(
                select(func.count()).select_from(CaseHistory).where(CaseHistory.client_id == client_uuid)
            )
            == 1
        )
        assert (
            s.scalar(
                select(func.count())
                .select_from(Acknowledgement)
                .where(Acknowledgement.client_id == client_uuid)
            )
            == 1
        )
        booked = s.scalars(
            select(Appointment).where(Appointment.client_id == client_uuid).order_by(Appointment.starts_at)
        ).all()
        assert len(booked) == 2 and (booked[1].starts_at.date() - booked[0].starts_at.date()).days == 3

    desk = _desk_page(new_context, data)
    desk.goto(f"/clients/{cara_id}/record")
    record = desk.locator("main")
    expect(record).to_contain_text("Session 1")
    expect(record).to_contain_text("Gastrocnemius")
    expect(record).to_contain_text("Calves tight on the left.")
    expect(record).to_contain_text("Sciatica, GP 2024")
    # The case history in words: amounts as people write them, the question not asked said so.
    answer = lambda label: record.locator(f"dt:text-is('{label}') + dd")  # noqa: E731
    expect(answer("Hours sitting a day")).to_have_text("8 hours")
    expect(answer("Water a day (litres)")).to_have_text("0.8 litres")
    expect(answer("Takes magnesium")).to_have_text("Not asked")
