"""A real erasure (issue 12): a client erased at the desk disappears from the phone that held
them at its next sync, and the desk can no longer download them."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import expect, idb_counts, sign_in, sign_in_at_desk, wait_for_sync
from webapp.auth.models import Clinic

pytestmark = pytest.mark.e2e


def test_a_client_erased_at_the_desk_leaves_the_phone_at_its_next_sync(new_context, server, caseload, data):
    with data() as s:
        s.get(Clinic, caseload["clinic"]).retention_years = 0  # no session to keep: erasable at once
    phone = sign_in(new_context().new_page())
    phone.goto("/app/#/clients")
    expect(phone.get_by_role("link", name="Alex Morgan")).to_be_visible()
    held = idb_counts(phone)
    assert held["client"] == 2 and held["case_history"] == 2

    desk = sign_in_at_desk(new_context(viewport={"width": 1440, "height": 900}).new_page(), data)
    desk.goto(f"/clients/{caseload['alex']}/record")
    desk.get_by_role("link", name="Erase…").click()
    desk.get_by_label("How and when the client asked").fill("By phone, 3 December")
    desk.get_by_label("The client, or someone they authorised, asked for their data to be erased").check()
    desk.get_by_role("button", name="Record the request").click()
    desk.get_by_label("Type the client's full name to confirm").fill("Alex Morgan")
    desk.get_by_role("button", name="Erase the client's data").click()
    expect(desk.get_by_text("The client's data is erased.")).to_be_visible()

    phone.get_by_role("button", name="Sync now").click()
    wait_for_sync(phone)
    phone.goto("/app/#/clients")
    expect(phone.get_by_role("link", name="Bea Lund")).to_be_visible()
    expect(phone.get_by_role("link", name="Alex Morgan")).to_have_count(0)
    left = idb_counts(phone)
    assert left["client"] == 1 and left["case_history"] == 1

    desk.goto(f"/clients/{caseload['alex']}/record")
    expect(desk.get_by_role("heading", name="This client's data was erased")).to_be_visible()
