"""Steps the browser tests share: signing in, going offline for real, recording a session."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, LiveServer

# The PIN the test practitioners lock their phones with.
PIN = "482916"


def sign_in(page: Page, email: str = "pat@example.test", worker: bool = True, pin: str = PIN) -> Page:
    """Sign in through the real form, lock the phone with a PIN when it asks (a new phone),
    and wait until the app has started and synced."""
    page.goto("/login?next=/app/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/**")
    page.wait_for_selector("#lock-setup, #unlock-form, body[data-ready=true]")
    if page.locator("#lock-setup").count():
        set_pin(page, pin)
    wait_until_ready(page, pin)
    wait_for_sync(page)
    if worker:  # the first version of the worker takes charge of the page that installed it
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return page


def set_pin(page: Page, pin: str = PIN) -> None:
    """Choose the PIN on the lock set-up screen."""
    page.get_by_label("Choose a PIN").fill(pin)
    page.get_by_label("The same PIN again").fill(pin)
    page.get_by_role("button", name="Lock Fieldbook with this PIN").click()


def unlock(page: Page, pin: str = PIN) -> None:
    """Unlock with the PIN, as the practitioner does after every start."""
    page.locator("#unlock-form").get_by_label("PIN").fill(pin)
    page.get_by_role("button", name="Unlock", exact=True).click()


def wait_until_ready(page: Page, pin: str = PIN) -> None:
    """Wait until the app has started; the lock screen on the way is unlocked with the PIN."""
    page.wait_for_selector("body[data-ready=true], #unlock-form")
    if page.locator("#unlock-form").count():
        unlock(page, pin)
    page.wait_for_selector("body[data-ready=true]")


def wait_for_sync(page: Page, waiting: int = 0) -> None:
    """Wait for a finished sync that left ``waiting`` changes in the outbox."""
    indicator = page.locator("#sync-indicator")
    expect(indicator).to_have_attribute("data-state", "idle")
    expect(indicator).to_have_attribute("data-waiting", str(waiting))
    expect(page.locator("#sync-status")).to_contain_text("Last synced")


def go_offline(context, server: LiveServer) -> None:
    context.set_offline(True)
    server.stop()


def go_online(context, server: LiveServer) -> None:
    server.start()
    context.set_offline(False)


def idb_counts(page: Page) -> dict:
    """What the app's own database holds, read through the app's db module."""
    return page.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        const counts = await db.counts();
        const out = {...counts};
        for (const name of db.ENTITIES) out[name] = (await db.listRecords(name)).length;
        out.device = Boolean(await db.getMeta('device'));
        out.outbox = (await db.outboxEntries()).length;
        return out;
    }""")


def open_client(page: Page, name: str) -> None:
    """Open a client from the list, as a practitioner taps it.

    A sync finishing during the tap redraws the list, and the press and the release can
    then land on different elements, so no click happens (a person simply taps again).
    The tap is repeated, at most twice, only when the client did not open.
    """
    page.goto("/app/#/clients")
    heading = page.get_by_role("heading", level=1)
    for attempt in range(3):
        page.get_by_role("link", name=name).click()
        try:
            expect(heading).to_have_text(name, timeout=5_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def add_finding(page: Page, region: str, side: str, released: bool = True) -> None:
    """Record one finding on the visit's findings step, through the entry panel."""
    form = page.locator("#finding-form")
    form.get_by_label("Region").select_option(label=region)
    form.locator("[data-field=side]").get_by_text(side, exact=True).click()
    form.get_by_label("Tension found").check()
    form.get_by_label("Released").set_checked(released)
    form.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-saved")).to_contain_text(region)


def record_session(
    page: Page, client_name: str, findings: list[tuple[str, str, bool]], notes: str = ""
) -> None:
    """Start a visit with ``client_name``, add findings (region, side, released), and notes."""
    open_client(page, client_name)
    page.get_by_role("link", name=re.compile(r"^Start (a|the first) visit$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Since last time")
    page.get_by_role("link", name="Findings ›").click()
    expect(page.get_by_role("heading", name="Record a finding")).to_be_visible()
    for region, side, released in findings:
        add_finding(page, region, side, released)
    expect(page.locator("#finding-list > li")).to_have_count(len(findings))
    if notes:
        page.get_by_role("link", name="Close ›").click()
        page.get_by_label("Notes (optional)").fill(notes)
        page.get_by_role("link", name="‹ Findings").click()
        expect(page.locator("#finding-list > li")).to_have_count(len(findings))


# Every sync call; unrouting it brings the server back within reach.
SYNC_API = "**/api/v1/sync/**"


def keep_the_server_out_of_reach(page: Page) -> None:
    """Fail every sync call until ``page.unroute(SYNC_API)``. A test that inspects the phone
    after a failed push needs this: the app's retry timer could otherwise sync meanwhile."""
    page.route(SYNC_API, lambda route: route.abort("internetdisconnected"))


def lose_the_next_push_answer(page: Page) -> list[dict]:
    """The next push reaches the server, which commits it, but the answer never reaches the
    phone; the server is then out of reach until ``page.unroute(SYNC_API)``. Returns the
    bodies sent (filled in when it happens)."""
    sent = []

    def deliver_then_lose_the_answer(route):
        sent.append(json.loads(route.request.post_data))
        route.fetch()
        route.abort("connectionreset")

    keep_the_server_out_of_reach(page)
    page.route("**/api/v1/sync/push", deliver_then_lose_the_answer, times=1)  # routes added last run first
    return sent


def wait_for_failed_sync(page: Page, started: Callable[[], bool]) -> None:
    """Wait for the sync that ``started()`` says is under way (a route handler saw its
    request) to end without a connection. The indicator alone cannot tell: it already said
    "offline" before the network came back."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not started():
        assert time.monotonic() < deadline, "no sync request went out"
        page.wait_for_timeout(50)
    page.wait_for_function(
        """async () => {
        const state = (await import('/static/js/sync.js')).syncState();
        return !state.running && state.offline;
    }""",
        timeout=TIMEOUT_MS,
    )


def sign_in_at_desk(page: Page, data, email: str = "ada@example.test", next_url: str = "/") -> Page:
    """Sign in at the desk through the real forms, both steps: the password, then a code from
    the person's authenticator app (set up for them first when the clinic requires one)."""
    from sqlalchemy import select

    from webapp.auth.models import User
    from webapp.auth.second_factor import has_factor, required_for

    with data() as s:
        user = s.scalars(select(User).where(User.email == email)).one()
        if not has_factor(user) and required_for(user):
            factories.enrol_totp(user)
        second_step = has_factor(user)
    page.goto(f"/login?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if second_step:
        page.wait_for_url("**/login/verify")
        with data() as s:
            code = factories.next_totp_code(s.scalars(select(User).where(User.email == email)).one())
        page.get_by_label("Code", exact=True).fill(code)
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page
