"""Two phones edit the same client offline: separate fields merge, the same field is a conflict."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.e2e.helpers import expect, go_online, open_client, sign_in, wait_for_sync, wait_until_ready
from webapp.clients.models import Client
from webapp.sync.models import SyncConflict

pytestmark = pytest.mark.e2e


def _edit_details(page, client_id, **fields):
    page.goto(f"/app/#/clients/{client_id}/edit")
    for label, value in fields.items():
        page.get_by_label(label.replace("_", " ").capitalize(), exact=False).first.fill(value)
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")


def _server_client(data, client_id):
    with data() as s:
        client = s.get(Client, client_id)
        conflicts = s.scalars(select(SyncConflict).where(SyncConflict.entity_id == client_id)).all()
        return (
            {"phone": client.phone, "town": client.town, "email": client.email},
            [(c.field, c.server_value["value"], c.device_value["value"], c.resolution) for c in conflicts],
        )


def test_edits_from_two_offline_phones_merge_and_the_clash_is_shown_not_lost(
    new_context, server, caseload, data
):
    phone_a, phone_b = new_context(), new_context()
    page_a, page_b = sign_in(phone_a.new_page()), sign_in(phone_b.new_page())
    for phone in (phone_a, phone_b):
        phone.set_offline(True)
    server.stop()

    _edit_details(page_a, caseload["alex"], Phone="01233 111111", Town="Canterbury")
    _edit_details(page_b, caseload["alex"], Phone="07700 222222", Email="alex@example.test")

    go_online(phone_a, server)
    wait_for_sync(page_a)
    go_online(phone_b, server)
    wait_for_sync(page_b)

    fields, conflicts = _server_client(data, caseload["alex"])
    # Phone A got there first; B's email (a field nobody else touched) merged in beside A's town.
    assert fields == {"phone": "01233 111111", "town": "Canterbury", "email": "alex@example.test"}
    # B's phone number is not lost: it is kept in the conflict, for a person to decide.
    assert conflicts == [("phone", "01233 111111", "07700 222222", None)]

    indicator_b = page_b.locator("#sync-indicator")
    expect(indicator_b).to_have_attribute("data-attention", "1")
    expect(indicator_b.get_by_role("link", name="1 needs attention")).to_be_visible()
    open_client(page_b, "Alex Morgan")
    expect(page_b.locator("#client-details")).to_contain_text("01233 111111")
    expect(page_b.locator("main")).to_contain_text("1 conflict on this client needs a decision")

    page_b.get_by_role("link", name="See what needs attention").click()
    item = page_b.locator("[data-kind=conflict]")
    expect(item).to_contain_text("Phone")
    expect(item.locator("dd.mine")).to_have_text("07700 222222")
    expect(item.locator("dd.theirs")).to_have_text("01233 111111")

    # Phone A, syncing again, sees B's email: both phones converge on the merged record.
    page_a.get_by_role("button", name="Sync now").click()
    wait_for_sync(page_a)
    open_client(page_a, "Alex Morgan")
    expect(page_a.locator("#client-details")).to_contain_text("alex@example.test")

    # The practitioner decides on phone B, with no signal: keep the number typed there. The
    # decision is kept on the phone, shown at once, and survives a reload and a pull.
    phone_b.set_offline(True)
    server.stop()
    page_b.goto("/app/#/attention")
    page_b.locator("[data-kind=conflict]").get_by_role("button", name="Keep mine").click()
    expect(page_b.get_by_text("Nothing needs your attention.")).to_be_visible()
    expect(page_b.locator("#decisions-waiting")).to_contain_text("kept on this phone")
    expect(indicator_b).to_have_attribute("data-waiting", "1")
    page_b.reload()
    wait_until_ready(page_b)
    expect(page_b.get_by_text("Nothing needs your attention.")).to_be_visible()
    open_client(page_b, "Alex Morgan")
    expect(page_b.locator("#client-details")).to_contain_text("07700 222222")
    assert _server_client(data, caseload["alex"])[1][0][3] is None  # not sent yet

    go_online(phone_b, server)
    page_b.get_by_role("button", name="Sync now").click()
    wait_for_sync(page_b)
    fields, conflicts = _server_client(data, caseload["alex"])
    assert fields["phone"] == "07700 222222" and conflicts[0][3] == "mine"
    expect(page_b.locator("#client-details")).to_contain_text("07700 222222")
    expect(indicator_b).to_have_attribute("data-attention", "0")


def test_a_second_edit_made_after_a_failed_push_neither_conflicts_with_itself_nor_hides_a_desk_edit(
    new_context, server, caseload, data
):
    context = new_context()
    page = sign_in(context.new_page())
    server.stop()  # the phone still believes it is online: its pushes are tried, and fail
    _edit_details(page, caseload["alex"], Phone="01233 333333")
    expect(page.locator("#sync-indicator")).to_have_attribute("data-state", "offline")
    # The first change may have reached the server, so this edit is a second change.
    _edit_details(page, caseload["alex"], Phone="01233 444444", Town="Hythe")
    with data() as s:
        s.get(Client, caseload["alex"]).town = "Dover"  # meanwhile, at the clinic desk

    server.start()
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)

    fields, conflicts = _server_client(data, caseload["alex"])
    # The phone's own two phone numbers apply in order; the desk's town is not overwritten.
    assert fields["phone"] == "01233 444444" and fields["town"] == "Dover"
    assert conflicts == [("town", "Dover", "Hythe", None)]
    expect(page.locator("#sync-indicator")).to_have_attribute("data-attention", "1")
