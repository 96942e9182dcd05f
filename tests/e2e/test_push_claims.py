"""Which outbox entries the next push takes (db-claim.js), with other changes in flight.

The claim reads the outbox around the runs of changes already in flight rather than reading
them again, and holds the records they are changes to from its marker. These tests give it
an outbox as stored (rows in clear, as the claim never needs them sealed) and check that it
takes what reading everything would take: each record's oldest pending change, none of a
record with a change in flight or refused, in seq order.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# Opens the device database through the app (so it is at the app's version), replaces the
# outbox and the in-flight marker with the given ones, claims, and returns what was claimed
# and the marker after it.
CLAIM = """async ({entries, marker, limit}) => {
    const db = await import('/static/js/db.js');
    await db.outboxEntries();  // the app opens (and upgrades) its database
    const raw = await new Promise((resolve) => {
        const open = indexedDB.open('fieldbook');
        open.onsuccess = () => resolve(open.result);
    });
    await new Promise((resolve, reject) => {
        const tx = raw.transaction(['outbox', 'meta'], 'readwrite');
        tx.objectStore('outbox').clear();
        for (const [seq, record, status, follows] of entries) {
            tx.objectStore('outbox').put({seq, change_id: `change ${seq}`, entity: 'finding', record_id: record,
                op: 'upsert', client_id: 'c1', base_version: 0, fields: {}, status, attempts: 0,
                ...(follows ? {follows: 1} : {})});
        }
        tx.objectStore('meta').put(marker, 'in_flight');
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
    });
    raw.close();
    const claimed = await db.claimBatch(limit);
    const after = await db.getMeta('in_flight');
    return {claimed: claimed.batch.map((e) => e.seq), sealed: claimed.sealed.map((e) => e.seq),
            after: after.seqs.map((seq, i) => [seq, after.records[i]])};
}"""

# seq, record, status, follows. Seq 1 is in flight; 3 is queued behind it on record A.
BEHIND_ONE_IN_FLIGHT = [
    [1, "A", "pending", False],
    [2, "B", "pending", False],
    [3, "A", "pending", True],
    [4, "C", "pending", False],
]


def _claim(page, entries, marker, limit):
    page.goto("/login")  # a page of the app's origin that runs no sync of its own
    return page.evaluate(CLAIM, {"entries": entries, "marker": marker, "limit": limit})


def test_a_record_with_a_change_in_flight_waits_though_that_change_is_not_read_again(new_context, server):
    page = new_context().new_page()
    found = _claim(page, BEHIND_ONE_IN_FLIGHT, {"seqs": [1], "records": ["A"]}, 10)
    assert found["claimed"] == found["sealed"] == [2, 4]
    assert found["after"] == [[1, "A"], [2, "B"], [4, "C"]]


def test_a_marker_that_names_no_records_has_the_whole_outbox_read(new_context, server):
    # As a phone updated while a push was under way left it: seqs only.
    page = new_context().new_page()
    found = _claim(page, BEHIND_ONE_IN_FLIGHT, {"seqs": [1]}, 10)
    assert found["claimed"] == [2, 4]


def test_the_claim_reads_on_past_refused_changes_between_and_after_the_runs_in_flight(new_context, server):
    before = [[seq, f"R{seq}", "rejected", False] for seq in (1, 2, 3)] + [[4, "J", "pending", False]]
    in_flight = [[10, "F", "pending", False], [11, "G", "pending", False]]
    after = [[12, "H", "pending", False], [13, "F", "pending", True], [14, "I", "pending", False]]
    page = new_context().new_page()
    # A limit of 3 reads the stretch before the run in two chunks: refused ones, then seq 4.
    found = _claim(page, before + in_flight + after, {"seqs": [10, 11], "records": ["F", "G"]}, 3)
    assert found["claimed"] == [4, 12, 14]
    assert found["after"] == [[10, "F"], [11, "G"], [4, "J"], [12, "H"], [14, "I"]]
