"""The app says what it is doing: a first pull of many pages shows how far it is, by the server's
count of what remains; a push of more than one batch says how many are sent; once the caseload
is on the phone, it says it is ready to use offline (once)."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    record_session,
    sign_in,
    wait_for_sync,
    wait_until_ready,
)
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

# Every text the sync indicator's status line shows, in order, from the start of each page.
STATUSES = """(() => {
  window.__statuses = [];
  new MutationObserver(() => {
    const text = (document.getElementById('sync-status') || {}).textContent;
    if (text && text !== window.__statuses[window.__statuses.length - 1]) window.__statuses.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();"""

# Findings for the visit the phone recorded offline, saved as the findings screen does (test_push_batches.py).
ADD_FINDINGS = """async (count) => {
    const db = await import('/static/js/db.js');
    const visit = (await db.outboxEntries()).find((e) => e.entity === 'visit');
    for (let i = 0; i < count; i += 1) {
        await db.saveChange({entity: 'finding', id: crypto.randomUUID(), changeId: crypto.randomUUID(),
            clientId: visit.client_id, fields: {visit_id: visit.record_id, region: 'calf',
            side: i % 2 ? 'left' : 'right', tension_found: true, released: true, note: `finding ${i}`}});
    }
}"""


@pytest.fixture
def small_pages(server):
    """Pull answers of 3 records (or log rows), so a small caseload comes in several pages."""
    server.app.config["SYNC_PULL_PAGE"] = 3
    yield 3
    server.app.config["SYNC_PULL_PAGE"] = 5000


def _progress(statuses, kind):
    found = [re.search(rf"{kind}:? ([\d,]+) of ([\d,]+)", text) for text in statuses]
    return [(int(m[1].replace(",", "")), int(m[2].replace(",", ""))) for m in found if m]


def test_a_first_pull_in_pages_shows_its_progress_then_says_ready_to_use_offline_once(
    new_context, server, caseload, data, small_pages
):
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        for number in range(1, 9):
            factories.make_visit(alex, number=number)
    # Two clients, their case histories and acknowledgements, and eight sessions.
    total = 14
    context = new_context()
    context.add_init_script(STATUSES)
    page = sign_in(context.new_page())

    ready = page.locator("#ready-offline")
    expect(ready).to_have_text(re.compile(r"^Ready to use offline"))
    seen = _progress(page.evaluate("window.__statuses"), "Downloading your caseload")
    assert seen, page.evaluate("window.__statuses")
    assert all(t == total and d % small_pages == 0 and d < total for d, t in seen), (
        seen
    )  # honest: whole pages of 14
    assert [d for d, _t in seen] == sorted({d for d, _t in seen})  # only forward
    expect(page.locator("#sync-status")).not_to_contain_text("Downloading")  # done: the short states again
    expect(page.locator("#sync-status")).to_contain_text("All changes sent")

    # Every record arrived, whatever the page size.
    page.goto("/app/#/clients")
    page.get_by_role("link", name="Alex Morgan").click()
    expect(page.locator("#visit-list > li")).to_have_count(8)

    # Said once: not again at the next start.
    page.reload()
    wait_until_ready(page)
    wait_for_sync(page)
    page.wait_for_timeout(300)
    expect(ready).to_have_count(0)


def test_a_big_push_after_days_offline_says_how_many_are_sent(new_context, server, caseload, data):
    context = new_context(service_workers="block")  # as test_push_batches.py: the sync code is the same
    context.add_init_script(STATUSES)
    page = sign_in(context.new_page(), worker=False)
    go_offline(context, server)
    record_session(page, "Bea Lund", [("Hip", "Right", True)])  # a visit and a finding
    page.evaluate(ADD_FINDINGS, 1200)
    page.evaluate("window.__statuses = []")

    go_online(context, server)
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    seen = _progress(page.evaluate("window.__statuses"), "Sending")
    assert (1000, 1202) in seen, page.evaluate("window.__statuses")
    assert all(t == 1202 for _d, t in seen)
    texts = page.evaluate("window.__statuses")
    assert any("Sending 1,000 of 1,202" in text for text in texts)  # numbers as the clinic writes them
