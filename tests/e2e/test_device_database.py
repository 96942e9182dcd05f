"""The phone's database: strict durability on every write, a dropped connection retried, its upgrades."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.helpers import add_finding, go_offline, idb_counts, record_session, sign_in, wait_until_ready
from webapp.clients.models import Client
from webapp.db import now_utc
from webapp.extensions import db

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


# The stores of the synced entities, as every version of the device database made them.
RECORD_STORES = """for (const entity of ['client', 'case_history', 'acknowledgement', 'appointment', 'visit', 'finding',
                              'sensation', 'sensation_rating', 'vocabulary_term']) {
            db.createObjectStore(entity, {keyPath: 'id'});
        }"""

# The device database as version 1 of the app left it: an outbox holding a create, an edit
# queued behind it while it was in flight, and another record's change.
VERSION_1_DATABASE = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldbook', 1);
    open.onupgradeneeded = () => {
        const db = open.result;
        RECORD_STORES
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
})""".replace("RECORD_STORES", RECORD_STORES)


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


# Appointments as database version 2 left them: sealed, without their day tag, and no flag
# saying they were tagged.
UNTAG_APPOINTMENTS = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldbook');
    open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction(['appointment', 'meta'], 'readwrite');
        const store = tx.objectStore('appointment');
        store.getAll().onsuccess = (event) => {
            for (const {day_tag: _tag, ...row} of event.target.result) store.put(row);
        };
        tx.objectStore('meta').delete('day_tags');
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
})"""

STORED_APPOINTMENTS = """() => new Promise((resolve) => {
    const open = indexedDB.open('fieldbook');
    open.onsuccess = () => {
        open.result.transaction('appointment').objectStore('appointment').getAll().onsuccess = (event) => {
            resolve(event.target.result.map((row) => Object.keys(row).sort().join(' ') + ' ' + String(row.day_tag)));
            open.result.close();
        };
    };
})"""


def test_today_reads_the_days_appointments_by_a_tag_and_older_ones_are_tagged_after_unlock(
    new_context, server, caseload, data
):
    with data():
        alex = db.session.get(Client, caseload["alex"])
        factories.make_appointment(alex, starts_at=now_utc().replace(microsecond=0))
        factories.make_appointment(alex, starts_at=now_utc().replace(microsecond=0) + dt.timedelta(days=9))
    context = new_context()
    page = sign_in(context.new_page())
    expect(page.locator("[data-appointment]")).to_have_count(1)
    stored = page.evaluate(STORED_APPOINTMENTS)
    # In clear: the keys, and a tag that tells the two days apart without saying which they are.
    assert all(row.startswith("client_id day_tag deleted id sealed version ") for row in stored), stored
    tags = {row.rsplit(" ", 1)[1] for row in stored}
    assert len(tags) == 2 and all(len(tag) == 32 and str(now_utc().year) not in tag for tag in tags)
    page.evaluate(UNTAG_APPOINTMENTS)  # as an older version of the app stored them
    page.reload()
    wait_until_ready(page)
    expect(page.locator("[data-appointment]")).to_have_count(1)
    assert {row.rsplit(" ", 1)[1] for row in page.evaluate(STORED_APPOINTMENTS)} == tags


# The device database as version 4 left it, with only what the upgrade to 5 touches: the
# changes kept for a restore of the server, a row each (sealed in use; in clear here, as the
# upgrade never opens them).
VERSION_4_KEPT_CHANGES = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldbook', 4);
    open.onupgradeneeded = () => {
        const db = open.result;
        RECORD_STORES
        db.createObjectStore('outbox', {keyPath: 'seq', autoIncrement: true});
        db.createObjectStore('conflicts', {keyPath: 'conflict_id'});
        db.createObjectStore('meta');
        const sent = db.createObjectStore('sent', {keyPath: 'seq'});
        for (const name of ['kept_at', 'client_id']) sent.createIndex(name, name);
        const kept = (seq, client) => ({seq, change_id: `change ${seq}`, entity: 'finding', record_id: `f${seq}`,
            op: 'upsert', client_id: client, base_version: 0, fields: {}, status: 'pending', attempts: 0,
            kept_at: '2026-11-30T10:00:00.000Z'});
        sent.put(kept(3, 'c1'));
        sent.put(kept(4, 'c2'));
    };
    open.onsuccess = () => { open.result.close(); resolve(); };
    open.onerror = () => reject(open.error);
})""".replace("RECORD_STORES", RECORD_STORES)


def test_changes_kept_a_row_each_by_version_4_become_packs_the_restore_and_evictions_can_find(
    new_context, server
):
    page = new_context().new_page()
    page.goto("/login")  # a page of the app's origin that does not open the device database
    page.evaluate(VERSION_4_KEPT_CHANGES)

    kept = page.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        await db.outboxEntries();  // the app opens its database: the upgrade runs
        const open = indexedDB.open('fieldbook');
        const raw = await new Promise((resolve) => { open.onsuccess = () => resolve(open.result); });
        const get = (request) => new Promise((resolve) => { request.onsuccess = () => resolve(request.result); });
        const sent = raw.transaction('sent').objectStore('sent');
        const found = {packs: await get(sent.getAll()), ofC2: await get(sent.index('client_ids').getAllKeys('c2'))};
        raw.close();
        return found;
    }""")

    assert [(p["seq"], p["client_ids"], [r["change_id"] for r in p["rows"]]) for p in kept["packs"]] == [
        (3, ["c1"], ["change 3"]),
        (4, ["c2"], ["change 4"]),
    ]
    assert all(
        p["kept_at"] == "2026-11-30T10:00:00.000Z" and "kept_at" not in p["rows"][0] for p in kept["packs"]
    )
    assert kept["ofC2"] == [4]
