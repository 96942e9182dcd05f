"""The server commits a push but the phone never hears back: the retry does not duplicate."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from tests.e2e.helpers import (
    SYNC_API,
    expect,
    go_offline,
    go_online,
    idb_counts,
    keep_the_server_out_of_reach,
    lose_the_next_push_answer,
    record_session,
    sign_in,
    wait_for_failed_sync,
    wait_for_sync,
    wait_until_ready,
)
from webapp.sync.models import AppliedChange
from webapp.visits.models import Finding, Visit

pytestmark = pytest.mark.e2e


def _count(data, model):
    with data() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_retry_after_a_lost_answer_is_recognised_not_applied_twice(new_context, server, caseload, data):
    # Playwright cannot route requests of a page a service worker controls (even those the
    # worker passes through), so this phone runs without one; the sync code is the same.
    context = new_context(service_workers="block")
    page = sign_in(context.new_page(), worker=False)
    go_offline(context, server)
    record_session(page, "Bea Lund", [("Hip", "Right", True)])

    sent, answers_lost = [], []

    def deliver_then_lose_the_answer(route):
        sent.append(json.loads(route.request.post_data))
        response = route.fetch()  # the request really reaches the server, which commits...
        answers_lost.append(response.status)
        route.abort("connectionreset")  # ...and the answer never reaches the phone

    keep_the_server_out_of_reach(page)  # once the answer is lost, until the test says
    page.route("**/api/v1/sync/push", deliver_then_lose_the_answer, times=1)
    go_online(context, server)
    wait_for_failed_sync(page, lambda: answers_lost)

    expect(page.locator("#sync-indicator")).to_have_attribute("data-state", "offline")
    assert answers_lost == [200]
    assert _count(data, Visit) == 1 and _count(data, Finding) == 1
    # The phone cannot know the push arrived, so both changes are still waiting.
    expect(page.locator("#sync-indicator")).to_have_attribute("data-waiting", "2")

    retried = []
    page.on(
        "request",
        lambda r: retried.append(json.loads(r.post_data)) if r.url.endswith("/api/v1/sync/push") else None,
    )
    page.unroute(SYNC_API)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)

    assert [c["change_id"] for c in retried[0]["changes"]] == [c["change_id"] for c in sent[0]["changes"]]
    assert retried[0]["changes"] == sent[0]["changes"]  # the same content under the same ids
    assert _count(data, Visit) == 1 and _count(data, Finding) == 1 and _count(data, AppliedChange) == 2
    assert idb_counts(page)["outbox"] == 0


def test_an_edit_made_after_a_lost_answer_is_queued_apart_and_never_changes_what_was_sent(
    new_context, server, caseload, data
):
    context = new_context(service_workers="block")
    page = sign_in(context.new_page(), worker=False)
    go_offline(context, server)
    record_session(page, "Bea Lund", [("Hip", "Right", True)])
    sent = lose_the_next_push_answer(page)
    go_online(context, server)
    wait_for_failed_sync(page, lambda: sent)
    expect(page.locator("#sync-indicator")).to_have_attribute("data-state", "offline")

    # The visit is edited before the phone learns whether its creation arrived: the edit may
    # not be folded into the change already sent, and the app being reopened changes nothing.
    visit_id = next(c["id"] for c in sent[0]["changes"] if c["entity"] == "visit")
    page.evaluate(
        """async (id) => {
        const outbox = await import('/static/js/outbox.js');
        await outbox.updateRecord('visit', id, { notes: 'Written after the lost answer' });
    }""",
        visit_id,
    )
    page.reload()
    wait_until_ready(page)
    expect(page.locator("#sync-indicator")).to_have_attribute("data-state", "offline")
    waiting = page.evaluate("""async () => (await (await import('/static/js/db.js')).outboxEntries())
        .map((e) => ({ entity: e.entity, fields: e.fields, attempts: e.attempts }))""")
    first, edit = [e for e in waiting if e["entity"] == "visit"]
    assert first["fields"]["notes"] == "" and first["attempts"] >= 1
    assert edit["fields"] == {"notes": "Written after the lost answer"} and edit["attempts"] == 0

    retried = []
    page.on(
        "request",
        lambda r: retried.append(json.loads(r.post_data)) if r.url.endswith("/api/v1/sync/push") else None,
    )
    page.unroute(SYNC_API)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    assert retried[0]["changes"] == sent[0]["changes"]  # exactly what was sent the first time
    with data() as s:
        assert s.get(Visit, uuid.UUID(visit_id)).notes == "Written after the lost answer"
    assert _count(data, AppliedChange) == 3
