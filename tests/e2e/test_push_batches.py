"""A long outbox goes in batches, the next one sent while the phone stores the last answer.

The phone has at most one push request out at a time, and claims the next batch before the
answer to the last one comes. These tests break the chain at each link: nothing may be lost,
nothing applied twice, and a change queued behind one in flight still goes in the same sync.
"""

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
    lose_the_next_push_answer,
    record_session,
    sign_in,
    wait_for_failed_sync,
    wait_for_sync,
)
from webapp.sync.models import AppliedChange
from webapp.visits.models import Finding, Visit

pytestmark = pytest.mark.e2e

BATCH = 1000  # sync.js

# Findings for the visit the phone recorded offline, saved as the findings screen does.
ADD_FINDINGS = """async (count) => {
    const db = await import('/static/js/db.js');
    const visit = (await db.outboxEntries()).find((e) => e.entity === 'visit');
    for (let i = 0; i < count; i += 1) {
        await db.saveChange({entity: 'finding', id: crypto.randomUUID(), changeId: crypto.randomUUID(),
            clientId: visit.client_id, fields: {visit_id: visit.record_id, region: 'calf',
            side: i % 2 ? 'left' : 'right', tension_found: true, released: true, note: `finding ${i}`}});
    }
    return visit.record_id;
}"""

OUTBOX = """async () => {
    const db = await import('/static/js/db.js');
    return {entries: (await db.outboxEntries()).map((e) => ({seq: e.seq, attempts: e.attempts})),
            inFlight: (await db.getMeta('in_flight') || {seqs: []}).seqs};
}"""


def _count(data, model):
    with data() as s:
        return s.scalar(select(func.count()).select_from(model))


def _offline_phone_with_findings(new_context, server, count):
    # Routing a page's requests needs a page with no service worker; the sync code is the same.
    context = new_context(service_workers="block")
    page = sign_in(context.new_page(), worker=False)
    go_offline(context, server)
    record_session(page, "Bea Lund", [("Hip", "Right", True)])  # a visit and a finding
    visit_id = page.evaluate(ADD_FINDINGS, count)
    return context, page, visit_id


def _watch_pushes(page):
    sent = []
    page.on(
        "request",
        lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/api/v1/sync/push") else None,
    )
    return sent


def test_an_edit_queued_behind_the_first_batch_goes_in_the_same_sync(new_context, server, caseload, data):
    context, page, visit_id = _offline_phone_with_findings(new_context, server, 0)
    # The visit's creation reaches the server but the phone never hears back; the visit is
    # then edited (queued behind it), and 1,100 more findings are recorded.
    lost = lose_the_next_push_answer(page)
    go_online(context, server)
    wait_for_failed_sync(page, lambda: lost)
    expect(page.locator("#sync-indicator")).to_have_attribute("data-state", "offline")
    page.evaluate(
        """async (id) => (await import('/static/js/outbox.js'))
        .updateRecord('visit', id, { notes: 'Written while the first push hung' })""",
        visit_id,
    )
    page.evaluate(ADD_FINDINGS, 1100)
    page.unroute(SYNC_API)

    sent = _watch_pushes(page)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)

    # Two full-size claims, then the edit once the visit's answer was stored: one sync.
    assert [len(body["changes"]) for body in sent] == [BATCH, 1102 - BATCH, 1]
    assert sent[0]["changes"][:2] == lost[0]["changes"]  # the unanswered changes, unchanged
    assert sent[2]["changes"][0]["fields"] == {"notes": "Written while the first push hung"}
    assert sent[2]["changes"][0]["base_version"] > 0  # rebased on the answer to the creation
    with data() as s:
        assert s.get(Visit, uuid.UUID(visit_id)).notes == "Written while the first push hung"
    assert _count(data, Finding) == 1101 and _count(data, AppliedChange) == 1103


def test_a_push_cut_between_two_batches_loses_nothing_and_applies_nothing_twice(
    new_context, server, caseload, data
):
    context, page, _ = _offline_phone_with_findings(new_context, server, 1100)
    requests = []

    def first_goes_second_never_arrives(route):
        requests.append(route.request)
        if len(requests) == 1:
            route.continue_()
        else:
            route.abort("connectionreset")

    page.route("**/api/v1/sync/push", first_goes_second_never_arrives)
    go_online(context, server)
    wait_for_failed_sync(page, lambda: len(requests) == 2)
    expect(page.locator("#sync-indicator")).to_have_attribute("data-state", "offline")

    # The first batch's answer was stored; the second batch waits, marked as possibly sent.
    assert _count(data, Finding) == BATCH - 1  # the first batch also held the visit
    left = page.evaluate(OUTBOX)
    assert len(left["entries"]) == 1102 - BATCH and sorted(left["inFlight"]) == [
        e["seq"] for e in left["entries"]
    ]

    page.unroute("**/api/v1/sync/push")
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    assert _count(data, Finding) == 1101 and _count(data, AppliedChange) == 1102


def test_a_batch_claimed_but_never_sent_is_not_taken_for_sent(new_context, server, caseload, data):
    context, page, _ = _offline_phone_with_findings(new_context, server, 1100)

    lost = lose_the_next_push_answer(page)
    go_online(context, server)
    wait_for_failed_sync(page, lambda: lost)
    expect(page.locator("#sync-indicator")).to_have_attribute("data-state", "offline")

    # The second batch was claimed while the first was on its way, but never sent: only the
    # first batch may have reached the server, so only its entries are marked so.
    left = page.evaluate(OUTBOX)
    assert len(left["entries"]) == 1102 and len(left["inFlight"]) == BATCH
    unsent = [e for e in left["entries"] if e["seq"] not in set(left["inFlight"])]
    assert len(unsent) == 1102 - BATCH and all(e["attempts"] == 0 for e in unsent)

    page.unroute(SYNC_API)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    assert _count(data, Finding) == 1101 and _count(data, AppliedChange) == 1102
