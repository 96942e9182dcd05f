// The device database's half of a push: claiming outbox entries, marking them in flight,
// and storing the server's answers. With db-sync.js (the pull) and db.js, the one place that
// touches IndexedDB. Each function is one transaction that never waits on the network, and
// issues its reads and writes together so that thousands of records go through in one
// short pass.
import { ALL, FOLLOWS, changeCounts, write } from './db.js';
import { groupByRecord, storeServerRecord } from './db-sync.js';
import { batchPicker, conflictFromWire, inOrder, rebase } from './records.js';

// The changes of pushes under way are named in one meta record ('in_flight': their outbox
// seqs) rather than by rewriting each entry: one write instead of a thousand. Until the
// answer is stored, saveChange() sees them there and never folds an edit into one. Two
// batches can be under way at once: the next one is sent while this one's answer is stored.
const IN_FLIGHT = 'in_flight';

/** The outbox seqs of the pushes under way (or of ones whose answer never came). */
export async function inFlight(tx) {
  const marker = await tx.objectStore('meta').get(IN_FLIGHT);
  return new Set(marker ? marker.seqs : []);
}

const markInFlight = (tx, seqs) => tx.objectStore('meta').put({ seqs: [...seqs], at: new Date().toISOString() }, IN_FLIGHT);

/**
 * A push whose answer never came (the connection dropped, the app was closed) may have
 * reached the server: count the attempt on each of its entries, for good, so none is ever
 * edited in place (a retry must carry exactly the same content under the same change id).
 */
async function countAttempt(outbox, seqs) {
  const entries = await Promise.all([...seqs].map((seq) => outbox.get(seq)));
  await Promise.all(entries.filter(Boolean).map((entry) => outbox.put({ ...entry, attempts: entry.attempts + 1 })));
}

/** Before a sync pushes anything: whatever an earlier sync left in flight went unanswered. */
export function settleUnanswered() {
  return write(['outbox', 'meta'], async (tx) => {
    await countAttempt(tx.objectStore('outbox'), await inFlight(tx));
    await tx.objectStore('meta').delete(IN_FLIGHT);
  });
}

/**
 * Choose the next changes to push and mark them in flight, in one transaction, before any
 * of them is sent. The outbox is read in seq order only as far as the batch needs; records
 * with a change already in flight wait for its answer. Returns the batch, and how many
 * changes wait on this phone (the server is told, for its reminders).
 */
export function claimBatch(limit) {
  return write(['outbox', 'meta'], async (tx) => {
    const { waiting, rejected } = await changeCounts(tx);
    const outbox = tx.objectStore('outbox');
    const busy = await inFlight(tx);
    const picker = batchPicker(limit, busy);
    for (let after = null; ;) {
      const chunk = await outbox.getAll(after === null ? null : IDBKeyRange.lowerBound(after, true), limit);
      picker.take(chunk);
      if (picker.full() || chunk.length < limit) break;
      after = chunk[chunk.length - 1].seq;
    }
    const { batch } = picker;
    if (batch.length) await markInFlight(tx, [...busy, ...batch.map((e) => e.seq)]);
    return { batch, pending: waiting + rejected };
  });
}

/**
 * The outbox entries of the records a push answered, oldest first, without reading the whole
 * outbox. A pushed entry is its record's oldest, and every later entry of a record carries
 * `follows` (see FOLLOWS in db.js), so the `follows` index holds all the others. Entries
 * gone since the claim (the device was wiped meanwhile) are left out.
 */
async function answeredByRecord(tx, batch) {
  const outbox = tx.objectStore('outbox');
  const seqs = batch.map((entry) => entry.seq);
  const still = new Set(await outbox.getAllKeys(IDBKeyRange.bound(Math.min(...seqs), Math.max(...seqs))));
  const byRecord = groupByRecord(await outbox.index(FOLLOWS).getAll());
  for (const entry of batch) {
    if (still.has(entry.seq)) byRecord.set(entry.record_id, [entry, ...(byRecord.get(entry.record_id) || [])]);
  }
  return byRecord;
}

/** A claimed batch that was never sent (the one before it failed): it is not in flight. */
export function releaseClaim(batch) {
  return write(['meta'], async (tx) => {
    const marker = await inFlight(tx);
    for (const entry of batch) marker.delete(entry.seq);
    await markInFlight(tx, marker);
  });
}

/**
 * The server's copy a push answer stands for. A plain create is answered without the record
 * (the device holds what it sent): its copy is what was sent, the server-derived fields and
 * the new version.
 */
function answeredRecord(entry, result, id) {
  if (result.record) return result.record;
  if (result.version == null || entry.op !== 'upsert') return null;
  return { entity: entry.entity, id, version: result.version, deleted: false,
    fields: { ...entry.fields, ...(result.derived || {}) } };
}

/** Store the server's answers; only now do the answered entries leave the outbox. */
export function storePushResults(batch, results) {
  const sent = new Map(batch.map((entry) => [entry.change_id, entry]));
  return write(ALL, async (tx) => {
    const outbox = tx.objectStore('outbox');
    const byRecord = await answeredByRecord(tx, batch);
    const writes = [];
    const answered = [];  // seqs of entries the server took: they leave the outbox
    let settled = 0;
    for (const result of results) {
      const claimed = sent.get(result.change_id);
      const entries = claimed ? byRecord.get(claimed.record_id) || [] : [];
      const entry = entries.find((e) => e.seq === claimed.seq);
      if (!entry || entry.change_id !== result.change_id) continue;
      settled += 1;
      if (result.status === 'rejected') {
        Object.assign(entry, { status: 'rejected', errors: result.errors || {}, code: result.code || 'invalid',
          rejected_at: new Date().toISOString() });
        writes.push(outbox.put(entry));
        continue;
      }
      answered.push(entry.seq);
      const id = result.id || entry.record_id;  // differs when the server merged two records
      const server = answeredRecord(entry, result, id);
      // Changes already waiting on the record merged into (read before this one's move there).
      const there = id === entry.record_id ? [] : byRecord.get(id) || await outbox.index('record_id').getAll(id);
      const rest = [];
      let first = true;  // only the next change is rebased; later ones follow their predecessor's answer
      for (const next of entries.filter((e) => e !== entry)) {
        const pieces = first && next.attempts === 0 && next.status === 'pending'
          ? rebase(next, server, result.version, id) : [{ ...next, record_id: id }];
        first = false;
        for (const piece of pieces) {
          if (!piece.seq) piece.follows = 1;  // a split: queued behind its other half
          rest.push(piece);
          writes.push(outbox[piece.seq ? 'put' : 'add'](piece));
        }
      }
      byRecord.delete(entry.record_id);
      byRecord.set(id, there.length ? followingTheOldest(outbox, [...there, ...rest], writes) : rest);
      if (result.record) {
        writes.push(storeServerRecord(tx, entry.entity, result.record, entry.record_id, entry.client_id, rest));
      } else if (server && rest.length === 0 && entry.base_version === 0 && id === entry.record_id) {
        // A plain create with nothing waiting after it: the local record is exactly what was
        // sent, so it is written without reading it first.
        writes.push(tx.objectStore(entry.entity).put(createdRecord(entry, result)));
      } else if (server) {
        writes.push(stampCreated(tx, entry.entity, entry.record_id, result));
      }
      for (const conflict of result.conflicts || []) {
        writes.push(tx.objectStore('conflicts').put(
          conflictFromWire(conflict, { entity: entry.entity, id, client_id: entry.client_id })));
      }
    }
    writes.push(...deleteSeqs(outbox, answered));
    await Promise.all(writes);
    // This batch is no longer in flight; entries it left unanswered count an attempt.
    const marker = await inFlight(tx);
    const taken = new Set(answered);
    await countAttempt(outbox, batch.filter((e) => marker.has(e.seq) && !taken.has(e.seq)).map((e) => e.seq));
    for (const entry of batch) marker.delete(entry.seq);
    await markInFlight(tx, marker);
    return settled;
  });
}

/**
 * Two records' waiting changes, now one record's: all but the oldest must carry `follows`
 * for answeredByRecord to find them. Returns them oldest first.
 */
function followingTheOldest(outbox, entries, writes) {
  const ordered = inOrder(entries);
  for (const entry of ordered.slice(1)) {
    if (!entry.follows && entry.seq) {
      entry.follows = 1;
      writes.push(outbox.put(entry));
    }
  }
  return ordered;
}

/** Delete outbox entries; a run of consecutive seqs (the usual push) goes in one request. */
function deleteSeqs(outbox, seqs) {
  if (seqs.length === 0) return [];
  const low = Math.min(...seqs);
  const high = Math.max(...seqs);
  if (new Set(seqs).size === high - low + 1) return [outbox.delete(IDBKeyRange.bound(low, high))];
  return seqs.map((seq) => outbox.delete(seq));
}

/** The local copy of a record this device created, once the server took it. */
function createdRecord(entry, result) {
  const record = { ...entry.fields, ...(result.derived || {}), id: entry.record_id, version: result.version, deleted: false };
  if (entry.client_id) record.client_id = entry.client_id;
  return record;
}

/** A record this device created is now on the server: note its version and derived fields. */
async function stampCreated(tx, entity, id, result) {
  const store = tx.objectStore(entity);
  const local = await store.get(id);
  if (local) await store.put({ ...local, ...(result.derived || {}), version: result.version });
}