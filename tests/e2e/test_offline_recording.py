"""A session recorded with no connection is kept, survives closing, and reaches the server once."""

from __future__ import annotations

import json

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
    wait_for_sync,
    wait_until_ready,
)
from webapp.sync.models import AppliedChange
from webapp.visits.models import Finding, Visit

pytestmark = pytest.mark.e2e

FINDINGS = [("Calf", "Left", True), ("Lower back, L4", "Both sides", False)]


def _server_findings(data, client_id):
    with data() as s:
        visits = s.scalars(select(Visit).where(Visit.client_id == client_id)).all()
        findings = s.scalars(
            select(Finding).where(Finding.client_id == client_id).order_by(Finding.position)
        ).all()
        return (
            [v.notes for v in visits],
            [(f.region, f.side, f.tension_found, f.released) for f in findings],
            s.scalar(select(func.count()).select_from(AppliedChange)),
        )


def test_the_app_opens_offline_after_one_visit_online(new_context, server, caseload):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)

    page.goto("/app/#/clients")
    page.reload()
    wait_until_ready(page)
    expect(page.get_by_role("link", name="Alex Morgan")).to_be_visible()
    expect(page.locator("#sync-indicator")).to_contain_text("Last synced")

    # A new window on the same phone opens too, with no server and no session.
    again = context.new_page()
    again.goto("/app/")
    wait_until_ready(again)
    expect(again.get_by_role("heading", level=1)).to_have_text("Today")
    again.get_by_role("link", name="Clients", exact=True).click()
    expect(again.get_by_role("link", name="Bea Lund")).to_be_visible()


def test_a_session_recorded_offline_survives_closing_and_reaches_the_server_once(
    new_context, server, caseload, data
):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    page.reload()
    wait_until_ready(page)

    record_session(page, "Alex Morgan", FINDINGS, notes="Home visit; calf cramps at night")
    indicator = page.locator("#sync-indicator")
    expect(indicator).to_have_attribute("data-waiting", "3")
    expect(indicator).to_contain_text("3 changes waiting to sync")
    page.close()

    # Close the app and open it again, still offline: everything is still there.
    reopened = context.new_page()
    reopened.goto("/app/")
    wait_until_ready(reopened)
    open_client(reopened, "Alex Morgan")
    expect(reopened.locator("#visit-list")).to_contain_text("2 findings")
    reopened.locator("#visit-list a").first.click()
    expect(reopened.locator("#finding-list > li")).to_have_count(2)
    expect(reopened.locator("#finding-list")).to_contain_text("Calf, left")
    assert _server_findings(data, caseload["alex"]) == ([], [], 0)

    pushes = []
    reopened.on(
        "request",
        lambda r: pushes.append(json.loads(r.post_data)) if r.url.endswith("/api/v1/sync/push") else None,
    )
    go_online(context, server)  # the `online` event starts a sync
    wait_for_sync(reopened)

    notes, findings, applied = _server_findings(data, caseload["alex"])
    assert notes == ["Home visit; calf cramps at night"]
    assert findings == [("calf", "left", True, True), ("lumbar_l4", "both", True, False)]
    assert applied == 3
    assert len(pushes) == 1 and len(pushes[0]["changes"]) == 3
    assert idb_counts(reopened)["outbox"] == 0
    expect(reopened.get_by_text("Not synced yet")).to_have_count(0)
