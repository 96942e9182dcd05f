"""The phone's database: strict durability on every write, and a dropped connection retried."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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


# The device database as version 1 of the app left it: an outbox holding a create, an edit
# queued behind it while it was in flight, and another record's change.
VERSION_1_DATABASE = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldbook', 1);
    open.onupgradeneeded = () => {
        const db = open.result;
        for (const entity of ['client', 'case_history', 'acknowledgement', 'appointment', 'visit', 'finding',
                              'sensation', 'sensation_rating', 'vocabulary_term']) {
            db.createObjectStore(entity, {keyPath: 'id'});
        }
        const outbox = db.createObjectStore('outbox', {keyPath: 'seq', autoIncrement: true});
        for (const name of ['status', 'record_id', 'client_id']) outbox.createIndex(name, name);
        outbox.createIndex('change_id', 'change_id', {unique: true});
        db.createObjectStore('conflicts', {keyPath: 'conflict_id'}).createIndex('client_id', 'client_id');
        db.createObjectStore('meta');
        const entry = (change, record) => ({change_id: change, entity: 'finding', record_id: record, op: 'upsert',
            client_id: 'c1', base_version: 0, fields: {note: change}, seen: {}, status: 'pending', attempts: 1,
            previous_change_ids: []});
        outbox.add(entry('first', 'f1'));
        outbox.add(entry('other', 'f2'));
        outbox.add(entry('behind', 'f1'));
    };
    open.onsuccess = () => { open.result.close(); resolve(); };
    open.onerror = () => reject(open.error);
})"""


def test_an_outbox_kept_by_the_first_version_is_upgraded_with_its_queued_changes_marked(new_context, server):
    context = new_context()
    page = context.new_page()
    page.goto("/login")  # a page of the app's origin that does not open the device database
    page.evaluate(VERSION_1_DATABASE)

    entries = page.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        return (await db.outboxEntries()).map((e) => [e.change_id, e.follows ?? null]);
    }""")

    # Only the edit queued behind another change to its record is marked; nothing is lost.
    assert entries == [["first", None], ["other", None], ["behind", 1]]


def test_a_tab_left_on_an_older_database_is_asked_to_reload(new_context, server, caseload):
    context = new_context()
    page = sign_in(context.new_page())
    # Another tab of a newer Fieldbook opens the database at a higher version.
    page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('fieldbook', 99);
        open.onsuccess = () => { open.result.close(); resolve(); };
        open.onerror = () => reject(open.error);
    })""")
    banner = page.locator("#update-banner")
    expect(banner).to_contain_text("can no longer save")
    expect(banner.get_by_role("button", name="Reload")).to_be_visible()
