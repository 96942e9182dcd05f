"""The phone's database: strict durability on every write, and a dropped connection retried."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import add_finding, go_offline, idb_counts, record_session, sign_in

pytestmark = pytest.mark.e2e

WATCH_TRANSACTIONS = """() => {
    // Record how each transaction is opened, and fail the next one the way Safari sometimes
    // does, to check that the app reopens the database and tries again.
    const original = IDBDatabase.prototype.transaction;
    window.__idb = {writes: [], failNext: false, failed: 0};
    IDBDatabase.prototype.transaction = function (stores, mode, options) {
        if (mode === 'readwrite') window.__idb.writes.push((options && options.durability) || 'default');
        if (window.__idb.failNext) {
            window.__idb.failNext = false;
            window.__idb.failed += 1;
            throw new DOMException('Connection to Indexed Database server lost. Refresh the page to try again',
                                   'UnknownError');
        }
        return original.call(this, stores, mode, options);
    };
}"""


def test_every_write_asks_for_strict_durability(new_context, server, caseload):
    context = new_context()
    page = sign_in(context.new_page())
    page.evaluate(WATCH_TRANSACTIONS)
    go_offline(context, server)
    record_session(page, "Alex Morgan", [("Sacrum", "Both sides", True)])
    writes = page.evaluate("() => window.__idb.writes")
    assert writes and set(writes) == {"strict"}


def test_a_lost_database_connection_is_reopened_and_the_save_retried_once(new_context, server, caseload):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    record_session(page, "Alex Morgan", [("Pelvis", "Right", True)])
    page.evaluate(WATCH_TRANSACTIONS)

    page.evaluate("() => { window.__idb.failNext = true; }")
    add_finding(page, "Buttock (gluteal)", "Left")

    assert page.evaluate("() => window.__idb.failed") == 1
    counts = idb_counts(page)
    assert counts["finding"] == 2 and counts["outbox"] == 3  # saved once, not twice
