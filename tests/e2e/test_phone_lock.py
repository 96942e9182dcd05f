"""A lost phone gives nothing away: the app opens locked, its data is sealed at rest, it locks
itself, a forgotten PIN loses nothing, and a revoked or lapsed phone takes its documented path."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select

from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    idb_counts,
    open_client,
    record_session,
    sign_in,
    unlock,
    wait_for_sync,
    wait_until_ready,
)
from webapp.auth.models import Clinic
from webapp.sync import devices
from webapp.sync.models import Device
from webapp.visits.models import Finding, Visit

pytestmark = pytest.mark.e2e

SECRETS = ("Alex", "Morgan", "Mill Lane", "Ashford", "Bea", "Lund", "Wye", "tender under the left heel")

# Everything the browser keeps for the origin, read raw: every IndexedDB store (keys and
# values, typed arrays as their bytes in hex), Cache Storage (every cached body) and
# localStorage.
READ_EVERYTHING = """async () => {
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
  const plain = (value) => JSON.stringify(value, (key, v) => (v instanceof ArrayBuffer ? hex(v)
    : ArrayBuffer.isView(v) ? hex(v.buffer) : v));
  const out = { idb: {}, caches: {}, local: JSON.stringify({ ...localStorage }) };
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((resolve) => { const r = indexedDB.open(info.name); r.onsuccess = () => resolve(r.result); });
    for (const name of db.objectStoreNames) {
      const store = db.transaction(name).objectStore(name);
      const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()].map((q) => new Promise((resolve) => {
        q.onsuccess = () => resolve(q.result); })));
      out.idb[`${info.name}/${name}`] = plain({ keys, values });
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) out.caches[request.url] = await (await cache.match(request)).text();
  }
  return out;
}"""


def _everything(page) -> str:
    return json.dumps(page.evaluate(READ_EVERYTHING))


def _type_a_finding_without_saving(page, note: str) -> None:
    form = page.locator("#finding-form")
    if not form.count():
        page.get_by_role("link", name="Findings ›").click()
    form.get_by_label("Region").select_option(label="Calf")
    form.get_by_label("Short note (optional)").fill(note)


def test_nothing_personal_is_stored_in_clear(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    record_session(
        page, "Alex Morgan", [("Knee", "Right", True)], notes="Sore knee, tender under the left heel"
    )
    wait_for_sync(page)
    server.stop()  # and some waiting in the outbox, and a draft half typed
    record_session(page, "Bea Lund", [("Calf", "Left", True)], notes="tender under the left heel again")
    _type_a_finding_without_saving(page, "tender under the left heel, a draft")
    stored = _everything(page)
    assert idb_counts(page)["outbox"] >= 2
    found = [secret for secret in SECRETS if re.search(rf"\b{re.escape(secret)}\b", stored)]
    assert found == [], f"in clear on the phone: {found}"
    assert (
        "sealed" in page.evaluate(READ_EVERYTHING)["idb"]["fieldbook/client"]
    )  # the records are there, sealed


def test_reopened_with_cookies_cleared_the_app_shows_only_the_lock(new_context, server, caseload):
    context = new_context()
    page = sign_in(context.new_page())
    context.clear_cookies()
    for offline in (False, True):
        if offline:
            go_offline(context, server)
        page.goto("/app/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Fieldbook is locked")
        expect(page.locator("#unlock-form")).to_be_visible()
        html = page.content()
        assert "Alex" not in html and "Morgan" not in html and "Mill Lane" not in html
        assert page.evaluate("async () => (await import('/static/js/keyring.js')).isUnlocked()") is False
        sealed_read = page.evaluate("""async () => {
            try { await (await import('/static/js/db.js')).listRecords('client'); return 'read'; }
            catch (error) { return error.name; } }""")
        assert sealed_read == "LockedError"
    go_online(context, server)


def test_the_app_locks_when_idle_and_keeps_what_was_being_typed(new_context, server, caseload, data):
    with data() as s:
        s.get(Clinic, caseload["clinic"]).lock_after_minutes = 1
    context = new_context()
    page = context.new_page()
    page.clock.install()
    sign_in(page)
    open_client(page, "Alex Morgan")
    page.get_by_role("link", name=re.compile(r"^Start (a|the first) visit$")).click()
    note = "eased a little after the "
    _type_a_finding_without_saving(page, note)
    page.clock.fast_forward("00:50")
    expect(page.locator("#finding-form")).to_be_visible()  # not yet: under a minute
    page.clock.fast_forward("00:20")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fieldbook is locked")
    assert "eased a little" not in page.content()
    wait_until_ready(page)  # unlocked with the PIN
    expect(page.locator("#finding-form").get_by_label("Short note (optional)")).to_have_value(note)


def test_work_still_under_way_when_the_app_locks_is_not_reported_as_a_fault(new_context, server, caseload):
    # Once the key is dropped, a redraw or a sync still running fails on it until the page has
    # reloaded onto the lock screen: expected, and nothing to report (the fixture fails a test
    # on any uncaught error in the app).
    page = sign_in(new_context().new_page())
    seen = page.evaluate("""async () => {
        const vault = await import('/static/js/vault.js');
        const db = await import('/static/js/db.js');
        const reasons = [];
        addEventListener('unhandledrejection', (event) => reasons.push(event.reason.name));
        await vault.lockNow({ reload: false });
        db.listRecords('client');  // not awaited, as a redraw under way would not be
        await new Promise((done) => setTimeout(done, 200));
        return reasons;
    }""")
    assert seen == ["LockedError"]  # it did fail, on the missing key


def test_the_app_locks_after_time_in_the_background(new_context, server, caseload, data):
    with data() as s:
        s.get(Clinic, caseload["clinic"]).lock_after_minutes = 1
    context = new_context()
    page = context.new_page()
    page.clock.install()
    sign_in(page)
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    page.clock.fast_forward("00:50")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")  # not yet
    page.clock.fast_forward("00:15")  # locked while still in the background, before anyone brings it back
    expect(page.get_by_role("heading", level=1)).to_have_text("Fieldbook is locked")


def _wrong_pin(page, left: int) -> None:
    """One wrong PIN, and the answer to it (the next try waits for it: the form is redrawn)."""
    unlock(page, "999999")
    expect(page.locator("#lock-message")).to_contain_text(
        f"{left} {'try' if left == 1 else 'tries'} left." if left else "the PIN no longer unlocks this phone"
    )


def test_ten_wrong_pins_then_a_sign_in_recovers_everything_and_sends_it_once(
    new_context, server, caseload, data
):
    context = new_context()
    page = sign_in(context.new_page())
    server.stop()
    record_session(page, "Alex Morgan", [("Knee", "Right", True), ("Calf", "Left", False)])
    page.reload()
    for left in range(9, -1, -1):
        _wrong_pin(page, left)
    expect(page.locator("#unlock-form")).to_have_count(0)
    assert idb_counts_locked(page)["waiting"] == 3

    server.start()
    page.get_by_role("link", name="Sign in to unlock").click()
    page.wait_for_url("**/login**")
    page.get_by_label("Email").fill("pat@example.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Choose a PIN").fill("731905")
    page.get_by_label("The same PIN again").fill("731905")
    page.get_by_role("button", name="Lock Fieldbook with this PIN").click()
    wait_until_ready(page)
    wait_for_sync(page)
    with data() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 1
        assert s.scalar(select(func.count()).select_from(Finding)) == 2
    page.reload()
    wait_until_ready(page, "731905")  # unlocked with the new PIN


def idb_counts_locked(page) -> dict:
    return page.evaluate("async () => (await import('/static/js/db.js')).counts()")


def test_a_revoked_phone_cannot_recover(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    page.reload()
    with data() as s:
        devices.revoke_device(s.scalars(select(Device)).one(), by=None)
    page.get_by_role("link", name="Forgot your PIN? Sign in to unlock").click()
    page.get_by_label("Email").fill("pat@example.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This phone was signed out by the clinic")
    stored = page.evaluate(READ_EVERYTHING)["idb"]
    assert all('"values":[]' in rows for rows in stored.values()), stored


def test_a_lapsed_token_takes_the_sign_in_path_and_keeps_everything(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    with data() as s:
        device = s.scalars(select(Device)).one()
        device.last_seen_at = device.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
    server.stop()
    record_session(page, "Alex Morgan", [("Knee", "Right", True)])
    server.start()
    page.get_by_role("button", name="Sync now").click()
    page.wait_for_function("""async () => {
        const device = await (await import('/static/js/db.js')).getMeta('device');
        return device.invalid && device.reason === 'lapsed';
    }""")
    expect(page.get_by_role("link", name="Sign in again to send your changes")).to_be_visible()
    assert idb_counts(page)["outbox"] == 2  # nothing wiped
    # Weeks later the web session is long gone too: the phone asks for a sign-in once unlocked.
    context.clear_cookies()
    page.reload()
    unlock(page)
    page.wait_for_url("**/login**")
    page.get_by_label("Email").fill("pat@example.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    wait_until_ready(page)
    wait_for_sync(page)
    with data() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 1
        assert s.scalar(select(func.count()).select_from(Device)) == 1  # the same phone, renewed


def test_weeks_away_from_the_clinic_need_a_sign_in_before_the_pin_works(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    page.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        await db.setMeta('last_sync', new Date(Date.now() - 15 * 24 * 3600 * 1000).toISOString());
    }""")
    page.reload()
    expect(page.locator("#lock-why")).to_contain_text("has not reached the clinic for over 14 days")
    expect(page.locator("#unlock-form")).to_have_count(0)
    expect(page.get_by_role("link", name="Sign in to unlock")).to_be_visible()


def _virtual_authenticator(context, page) -> None:
    """Chromium's virtual authenticator, with PRF: a phone's fingerprint or face unlock."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "ctap2Version": "ctap2_1",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "hasPrf": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_passkey_unlocks_the_phone_offline(new_context, server, caseload):
    # WebAuthn refuses IP addresses: this phone uses the server by the name localhost.
    base = server.url.replace("127.0.0.1", "localhost")
    context = new_context()
    page = context.new_page()
    _virtual_authenticator(context, page)
    page.goto(f"{base}/login?next=/app/")
    page.get_by_label("Email").fill("pat@example.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Choose a PIN").fill("482916")
    page.get_by_label("The same PIN again").fill("482916")
    page.get_by_role("button", name="Lock Fieldbook with this PIN").click()
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_selector("body[data-ready=true]")
    wait_for_sync(page)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    go_offline(context, server)
    page.reload()
    page.get_by_role("button", name="Unlock with fingerprint or face").click()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    go_online(context, server)
