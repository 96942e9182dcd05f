"""A client who leaves the caseload leaves the phone, but never at the cost of unsent work."""

from __future__ import annotations

import pytest

from tests import factories
from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    idb_counts,
    record_session,
    sign_in,
    sign_in_at_desk,
    wait_for_sync,
)
from webapp.auth.models import Clinic, Role
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e


def _move_to_another_practitioner(data, caseload, client_key):
    with data() as s:
        other = factories.make_user(s.get(Clinic, caseload["clinic"]), Role.PRACTITIONER, name="Olive Other")
        s.get(Client, caseload[client_key]).practitioner_id = other.id


def test_a_client_moved_to_a_colleague_is_removed_at_the_next_sync(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    record_session(page, "Bea Lund", [("Calf", "Left", True)])
    wait_for_sync(page)
    assert idb_counts(page)["visit"] == 1

    _move_to_another_practitioner(data, caseload, "bea")
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)

    page.goto("/app/#/clients")
    expect(page.get_by_role("link", name="Alex Morgan")).to_be_visible()
    expect(page.get_by_role("link", name="Bea Lund")).to_have_count(0)
    counts = idb_counts(page)
    assert (counts["client"], counts["visit"], counts["finding"]) == (1, 0, 0)


def test_unsent_work_for_a_client_who_left_stays_until_the_practitioner_lets_it_go(
    new_context, server, caseload, data
):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    record_session(page, "Bea Lund", [("Knee", "Left", True)])
    _move_to_another_practitioner(data, caseload, "bea")  # while the phone was away
    go_online(context, server)

    indicator = page.locator("#sync-indicator")
    expect(indicator).to_have_attribute("data-attention", "2")
    # The server refused both changes (Bea is no longer on this caseload); they and Bea stay.
    assert idb_counts(page)["client"] == 2
    indicator.get_by_role("link", name="2 need attention").click()
    items = page.locator("[data-kind=rejected]")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("This record is not on your caseload (any more)")

    for left in (1, 0):
        item = page.locator("[data-kind=rejected]").first
        item.get_by_role("button", name="Discard this change…").click()
        item.get_by_role("button", name="Yes, discard this change for good").click()
        expect(items).to_have_count(left)
    expect(page.get_by_text("Nothing needs your attention.")).to_be_visible()
    wait_for_sync(page)
    counts = idb_counts(page)
    assert (counts["client"], counts["visit"], counts["finding"], counts["outbox"]) == (1, 0, 0, 0)


def test_unsent_work_for_a_client_who_left_can_be_handed_to_the_clinic_desk(
    new_context, server, caseload, data
):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    record_session(page, "Bea Lund", [("Knee", "Left", True)], notes="Knee easier on the stairs")
    _move_to_another_practitioner(data, caseload, "bea")
    go_online(context, server)

    page.locator("#sync-indicator").get_by_role("link", name="2 need attention").click()
    for _ in range(2):
        item = page.locator("[data-kind=rejected]").first
        item.get_by_role("button", name="Hand it to the clinic desk").click()
    expect(page.get_by_text("Nothing needs your attention.")).to_be_visible()
    wait_for_sync(page)
    counts = idb_counts(page)
    assert (counts["client"], counts["visit"], counts["outbox"]) == (1, 0, 0)  # gone from the phone ...

    desk = new_context(viewport={"width": 1440, "height": 900}).new_page()  # ... and on the desk
    sign_in_at_desk(desk, data, next_url=f"/clients/{caseload['bea']}/record")
    handed = desk.locator("#parked-changes")
    expect(handed.locator(".parked-change")).to_have_count(2)
    expect(handed).to_contain_text("Knee easier on the stairs")
    expect(handed).to_contain_text("Finding — Pat Practitioner")
