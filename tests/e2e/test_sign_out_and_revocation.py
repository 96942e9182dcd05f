"""Signing out and revoking a device leave no client data on the phone, and lose nothing unasked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    idb_counts,
    record_session,
    sign_in,
)
from webapp.sync import devices
from webapp.sync.models import Device
from webapp.visits.models import Visit

pytestmark = pytest.mark.e2e

CLIENT_STORES = ("client", "visit", "finding", "outbox", "conflicts")


def _assert_no_client_data(page):
    counts = idb_counts(page)
    assert {name: counts[name] for name in CLIENT_STORES} == dict.fromkeys(CLIENT_STORES, 0)
    assert counts["device"] is False


def _shell_cache_kept(page) -> bool:
    return page.evaluate("""async () => {
        const names = await caches.keys();
        return names.some((name) => name.startsWith('fieldbook-shell-'));
    }""")


def test_sign_out_sends_waiting_changes_first_then_wipes_the_phone(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    # The clinic server is down; the phone has a network, so no `online` event will come to
    # sync on its own: only the sign-out itself sends the waiting changes.
    server.stop()
    record_session(page, "Alex Morgan", [("Knee", "Right", True)])

    page.get_by_role("link", name="Sign out").click()
    expect(page.locator("main")).to_contain_text("2 changes on this phone have not reached the clinic yet.")
    page.get_by_role("button", name="Send them, then sign out").click()
    expect(page.locator("#sign-out-status")).to_contain_text(
        "2 changes could not be sent: there is no connection to the clinic server. You are still signed in, "
        "and nothing was removed."
    )
    assert idb_counts(page)["outbox"] == 2

    server.start()
    page.get_by_role("button", name="Send them, then sign out").click()
    page.wait_for_url("**/login?next=/app/")

    with data() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 1
        assert s.scalars(select(Device)).one().revoked_at is not None  # the token no longer works
    _assert_no_client_data(page)  # read on the sign-in page: same site, same database
    assert _shell_cache_kept(page)
    # The web session ended too: the app asks for a sign-in again.
    page.goto("/app/")
    page.wait_for_url("**/login?next=/app/")


def test_unsent_changes_are_only_discarded_when_the_practitioner_says_so(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    record_session(page, "Bea Lund", [("Foot", "Left", False)])

    page.get_by_role("link", name="Sign out").click()
    discard = page.get_by_role("button", name="Delete 2 unsent changes and sign out")
    expect(discard).to_be_disabled()
    page.get_by_label(
        "Delete 2 unsent changes from this phone. They have not reached the clinic and will be lost for good."
    ).check()
    discard.click()
    expect(page.get_by_role("heading", name="Signed out on this phone")).to_be_visible()
    _assert_no_client_data(page)
    assert _shell_cache_kept(page)

    go_online(context, server)
    with data() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0


def test_a_revoked_phone_wipes_its_client_data_at_its_next_sync(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    assert idb_counts(page)["client"] == 2

    with data() as s:
        devices.revoke_device(s.scalars(select(Device)).one(), by=None)
    page.get_by_role("button", name="Sync now").click()

    expect(page.get_by_role("heading", name="This phone was signed out by the clinic")).to_be_visible()
    _assert_no_client_data(page)
    # Reopening the app does not bring the caseload back without a new sign-in.
    page.goto("/app/")
    page.wait_for_url("**/login?next=/app/")


def test_a_phone_revoked_while_offline_is_wiped_when_it_reconnects(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    record_session(page, "Alex Morgan", [("Hip", "Left", True)])
    server.start()
    with data() as s:
        devices.revoke_device(s.scalars(select(Device)).one(), by=None)
    context.set_offline(False)

    expect(page.get_by_role("heading", name="This phone was signed out by the clinic")).to_be_visible()
    expect(page.locator("main")).to_contain_text("2 changes that had not reached the clinic were removed")
    _assert_no_client_data(page)
    page.reload()
    page.wait_for_url("**/login?next=/app/")


def test_signing_out_offline_ends_the_web_session_once_online_before_anything_else(
    new_context, server, caseload
):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Signed out on this phone")).to_be_visible()

    # Opened again while still offline: it says so, and does not start.
    page.goto("/app/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signed out on this phone")

    # Online again (the waiting screen reloads itself): the old web session is ended first,
    # so the phone is not silently registered again with the caseload copied back onto it.
    go_online(context, server)
    page.wait_for_url("**/login?next=/app/")
    assert page.evaluate("() => fetch('/api/v1/session').then((r) => r.status)") == 401
    _assert_no_client_data(page)

    # Signing in again is a clear wish: the app starts as usual.
    sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
