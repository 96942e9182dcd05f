"""The essential phone scenarios, written once and run in both engines: Chromium, and WebKit,
the engine of every browser on an iPhone (tests marked ``webkit``).

The phone opens the app at ``localhost`` (a secure context where WebAuthn works, as on a real
phone's https). WebKitGTK's WebDriver cannot switch the network off, so "offline" here is the
harder case in both engines: the server is stopped and the phone still believes it is online.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.e2e.phone_steps import (
    save_finding,
    sign_in,
    start_finding,
    sync_now,
    wait_until_ready,
    waiting_changes,
)
from webapp.auth.models import Clinic, User
from webapp.clients.models import Acknowledgement, CaseHistory, Client
from webapp.sync.models import AppliedChange
from webapp.visits.models import Finding, Visit

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")


def _cara_booked_today_at(data, caseload, hour: int, minute: int) -> uuid.UUID:
    """A new client, no paperwork yet, booked at the clinic today (the clinic's today) at ``hour:minute``."""
    with data() as s:
        clinic, pat = s.get(Clinic, caseload["clinic"]), s.get(User, caseload["pat"])
        cara = factories.make_client(clinic, pat, first_name="Cara", last_name="Nolan", town="Ashford")
        today = dt.datetime.now(LONDON).date()
        factories.make_appointment(
            cara, pat, starts_at=dt.datetime.combine(today, dt.time(hour, minute), tzinfo=LONDON)
        )
        return cara.id


def _on_the_server(data, client_id: uuid.UUID) -> dict:
    with data() as s:

        def count(model, *where):
            return s.scalar(select(func.count()).select_from(model).where(*where))

        visits = s.scalars(select(Visit).where(Visit.client_id == client_id)).all()
        return {
            "visits": len(visits),
            "notes": [v.notes for v in visits],
            "findings": sorted(
                (f.region, f.side, f.released, f.note)
                for f in s.scalars(select(Finding).where(Finding.client_id == client_id))
            ),
            "case histories": count(CaseHistory, CaseHistory.client_id == client_id),
            "acknowledgements": count(Acknowledgement, Acknowledgement.client_id == client_id),
            "changes applied": count(AppliedChange),
        }


def test_a_first_visit_recorded_with_the_server_stopped_survives_a_reload_and_reaches_it_once(
    open_phone, server, caseload, data
):
    cara = _cara_booked_today_at(data, caseload, 15, 30)
    phone = sign_in(open_phone())
    server.stop()
    phone.reload()  # the app opens from the phone alone
    wait_until_ready(phone)
    # It tried the server and says it is offline (the bar grows a line: wait, or a tap misses).
    phone.wait_for_attribute("#sync-indicator", "data-state", "offline")

    phone.wait_for_text("[data-appointment]", "Cara")
    phone.press("Start the visit")
    phone.wait_for_text("main h1", "First visit with Cara")
    phone.fill("Occupation (optional)", "Accountant")
    phone.press("Save the case history")
    phone.check("The client has read this and agrees")
    phone.press("Record the acknowledgement")
    phone.press("Start the session")
    phone.wait_for_text("main h1", "Since last time · session 1")
    phone.press("Findings ›")
    start_finding(phone, "Calf", "Left")
    save_finding(phone, "Calf")

    # Half way through the next finding, the page is reloaded: what was typed comes back.
    start_finding(phone, "Lower back, L4", "Both sides")
    phone.fill("Short note (optional)", "Tender when sitting")
    phone.wait_for("""async () => {  // stored as typed (the write itself takes a moment)
        const db = await import('/static/js/db.js');
        const visit = location.hash.split('/')[2];
        const draft = await db.getMeta(`draft:finding:${visit}`);
        return Boolean(draft && draft.note === 'Tender when sitting' && draft.region === 'lumbar_l4');
    }""")
    phone.reload()
    wait_until_ready(phone)
    phone.wait_for_text("main h1", "Findings · session 1")
    phone.wait_for_value("Short note (optional)", "Tender when sitting")
    assert phone.value("Region") == "lumbar_l4"
    assert (
        phone.evaluate("() => document.querySelector('#finding-form [data-field=side] input:checked')?.value")
        == "both"
    )
    save_finding(phone, "Lower back, L4", released=False)
    assert phone.count("#finding-list > li") == 2

    phone.press("Close ›")
    phone.fill("Notes (optional)", "Calves tight on the left.")
    phone.press("Finish the session")
    phone.wait_for_text("main h1", "Cara Nolan")
    waiting = waiting_changes(phone)
    assert waiting >= 5  # case history, acknowledgement, visit, two findings
    assert _on_the_server(data, cara)["visits"] == 0

    # The server back: the phone's next sync brings the whole visit, each change once.
    server.start()
    sync_now(phone)
    arrived = _on_the_server(data, cara)
    assert arrived == {
        "visits": 1,
        "notes": ["Calves tight on the left."],
        "findings": [("calf", "left", True, ""), ("lumbar_l4", "both", False, "Tender when sitting")],
        "case histories": 1,
        "acknowledgements": 1,
        "changes applied": waiting,
    }
    assert waiting_changes(phone) == 0
    sync_now(phone)  # and a sync after that sends nothing again
    assert _on_the_server(data, cara) == arrived


def test_a_new_version_is_offered_and_taken_on_reload(open_phone, server, caseload, e2e_static):
    phone = sign_in(open_phone())
    first = phone.evaluate("() => document.body.dataset.version")
    stylesheet = e2e_static / "css" / "app.css"
    original = stylesheet.read_text()
    try:
        stylesheet.write_text(original + "\n/* a deploy changed this file */\n")
        second = server.rebuild_shell()
        assert second != first
        phone.evaluate(
            "() => navigator.serviceWorker.getRegistration('/app/').then((r) => r.update()).then(() => null)"
        )
        phone.wait_for_text("#update-banner", "A new version of Fieldbook is ready.")
        phone.wait_for_text("#update-banner", "Everything is sent.")
        assert phone.evaluate("() => document.body.dataset.version") == first  # not taken unasked

        phone.press("Reload")
        phone.wait_for_attribute("body", "data-version", second)
        wait_until_ready(phone)
        assert phone.evaluate("() => caches.keys()") == [f"fieldbook-shell-{second}"]
    finally:
        stylesheet.write_text(original)
        server.rebuild_shell()


def test_sign_out_sends_what_waits_then_leaves_nothing_on_the_phone(open_phone, server, caseload, data):
    phone = sign_in(open_phone())
    server.stop()
    phone.goto(f"/app/#/clients/{caseload['alex']}/edit")
    phone.fill("Town (optional)", "Folkestone")
    phone.press("Save details")
    phone.wait_for_text("main h1", "Alex Morgan")

    phone.press("Sign out")
    phone.wait_for_text("main", "1 change on this phone has not reached the clinic yet.")
    phone.press("Send them, then sign out")
    phone.wait_for_text(
        "#sign-out-status",
        "1 change could not be sent: there is no connection to the clinic "
        "server. You are still signed in, and nothing was removed.",
    )
    server.start()
    phone.press("Send them, then sign out")
    phone.wait_for_url("/login?next=/app/")

    with data() as s:
        assert s.get(Client, caseload["alex"]).town == "Folkestone"
    left = phone.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        return {clients: (await db.listRecords('client')).length, outbox: (await db.outboxEntries()).length,
                device: Boolean(await db.getMeta('device'))};
    }""")
    assert left == {"clients": 0, "outbox": 0, "device": False}
    # The web session ended too: the app asks for a sign-in again.
    phone.goto("/app/")
    phone.wait_for_url("/login?next=/app/")


def test_times_and_dates_follow_the_clinic_not_the_phone(open_phone, server, caseload, data):
    _cara_booked_today_at(data, caseload, 15, 30)
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        factories.make_visit(alex, started_at=dt.datetime(2026, 3, 14, 9, 5, tzinfo=LONDON))
    # A phone set to American English in New York; the clinic is in the UK (en-GB, London).
    phone = sign_in(open_phone(time_zone="America/New_York", locale="en-US"))

    phone.wait_for_text("main h1", "Today")
    phone.wait_for_text("[data-appointment] .appointment-time", "15:30")
    phone.goto(f"/app/#/clients/{caseload['alex']}")
    phone.wait_for_text("#visit-list", "Session 1 · 14 Mar 2026 09:05")
    status = phone.text("#sync-status")
    assert re.search(r"Last synced today \d\d:\d\d\b", status) and not re.search(r"[AP]M", status), status


def test_an_iphone_in_a_safari_tab_is_told_how_to_keep_its_records(open_phone, server, caseload):
    phone = sign_in(open_phone())
    # Neither engine here is an iPhone: Safari's own flag is set as a Safari tab has it.
    phone.evaluate("""async () => {
        Object.defineProperty(Navigator.prototype, 'standalone', { configurable: true, get: () => false });
        (await import('/static/js/ui/keep-data.js')).remindIfInATab();
    }""")
    phone.wait_for_text("#home-screen-reminder", "Fieldbook is open in a Safari tab")
    phone.press("How to keep Fieldbook’s records on this iPhone")
    phone.wait_for_text("main h1", "Keeping Fieldbook’s records on this phone")
    phone.wait_for_text("main", "Add to Home Screen")
