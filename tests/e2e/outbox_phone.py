"""The phone side of the outbox property (test_outbox_property.py): the app's own modules,
called in the page, and a gate that every sync request of a phone passes, where the scenario
decides what becomes of each push."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import wait_until_ready

# What becomes of a push request: it is answered; it reaches the server, which commits, but
# the answer is lost; or it never reaches the server.
FATES = ["deliver", "lose_answer", "never_reach"]

EDIT = """async ({ entity, id, fields }) => {
    const db = await import('/static/js/db.js');
    const { newId } = await import('/static/js/outbox-rules.js');
    const current = await db.getRecord(entity, id);
    if (!current || current.deleted) return false;  // no screen edits what this phone does not show
    await db.saveChange({ entity, id, fields, changeId: newId() });
    return true;
}"""
CREATE = """async ({ entity, id, fields, clientId }) => {
    const db = await import('/static/js/db.js');
    const { newId } = await import('/static/js/outbox-rules.js');
    await db.saveChange({ entity, id, fields, clientId, changeId: newId() });
}"""
DELETE = """async ({ entity, id }) => {
    const db = await import('/static/js/db.js');
    const { newId } = await import('/static/js/outbox-rules.js');
    const current = await db.getRecord(entity, id);
    if (!current || current.deleted) return false;
    await db.saveChange({ entity, id, op: 'delete', changeId: newId() });
    return true;
}"""
SYNC = """async () => (await import('/static/js/sync.js')).syncNow()"""
# (No page timer may be waited on: the phone's clock is paused.)
START_SYNC = """async () => {
    window.__syncDone = false;
    window.__sync = (await import('/static/js/sync.js')).syncNow();
    window.__sync.finally(() => { window.__syncDone = true; });
}"""
FINISH_SYNC = """() => window.__sync"""
STATE = """async ({ ids }) => {
    const db = await import('/static/js/db.js');
    const records = {};
    for (const [entity, id] of ids) records[id] = (await db.getRecord(entity, id)) || null;
    const entries = await db.outboxEntries();
    return {
        records,
        outbox: entries.map((e) => ({ record_id: e.record_id, status: e.status, fields: e.fields || {}, op: e.op })),
        conflicts: (await db.listConflicts()).map((c) => ({ id: c.conflict_id, client: c.client_id })),
        decisions: (await db.queuedDecisions()).length,
        inFlight: await db.getMeta('in_flight'),
    };
}"""


class SyncGate:
    """Every sync request of one phone passes here. A push meets the next fate the scenario
    set (delivered when none is set), or is held until the scenario lets it go; pulls pass."""

    def __init__(self, page):
        self.fates: list[str] = []
        self.hold_next = False
        self.held = []
        self.sent: list[dict] = []  # every change that left the phone, as sent
        page.route("**/api/v1/sync/**", self._handle)

    def _handle(self, route):
        if not route.request.url.endswith("/sync/push"):
            route.continue_()
            return
        self.sent.extend(json.loads(route.request.post_data)["changes"])
        if self.hold_next:
            self.hold_next = False
            self.held.append(route)
            return
        settle(route, self.fates.pop(0) if self.fates else "deliver")


def settle(route, fate: str) -> None:
    """Let a push request meet its fate."""
    if fate == "deliver":
        route.continue_()
    elif fate == "lose_answer":
        route.fetch()  # the server commits
        route.abort("connectionreset")
    else:
        route.abort("internetdisconnected")


@dataclass
class Phone:
    page: Page
    gate: SyncGate
    typed: dict = field(default_factory=dict)  # (record id, field) -> the last value typed here

    def sync(self, fates=()) -> dict:
        self.gate.fates = list(fates)
        state = self.page.evaluate(SYNC)
        self.gate.fates = []
        return state

    def wait_for(self, condition) -> None:
        """Wait until ``condition()`` holds (a held request, a finished sync) while the page
        runs; route handlers run during the calls to Playwright that ``condition`` makes."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not condition():
            assert time.monotonic() < deadline, "the phone never got there"
            time.sleep(0.01)

    def start_sync_and_hold_its_push(self) -> bool:
        """Start a sync and hold its first push on the way; False if it had nothing to push."""
        self.gate.hold_next = True
        self.page.evaluate(START_SYNC)
        self.wait_for(lambda: self.gate.held or self.page.evaluate("() => window.__syncDone"))
        self.gate.hold_next = False
        return bool(self.gate.held)

    def restart(self, held=None) -> None:
        """Close the app and open it again (unlocked with the PIN); it syncs as it starts.
        ``held``: a push request on its way as the app closed, never to be answered."""
        self.page.reload()
        if held is not None:
            with contextlib.suppress(PlaywrightError):  # the page that sent it is gone already
                held.abort("connectionreset")
        wait_until_ready(self.page)
        pause_the_clock(self.page)
        self.page.evaluate(SYNC)


def pause_the_clock(page: Page) -> None:
    """Stop the page's timers (its clock stands still until the next pause moves it on)."""
    page.clock.pause_at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
