// The outbox's side of a push: which changes go next, and which are in flight. Storing the
// server's answers is db-push.js; both build on db-core.js.
import { exclusive, write } from './db-core.js';
import { batchPicker } from './outbox-rules.js';
import { openRows } from './seal.js';

// The changes of pushes under way are named in one meta record ('in_flight': their outbox
// seqs, and the record each is a change to) rather than by rewriting each entry: one write
// instead of a thousand. Until the answer is stored, saveChange() sees them there and never
// folds an edit into one. Two batches can be under way at once: the next one is sent while
// this one's answer is stored.
const IN_FLIGHT = 'in_flight';

/**
 * The pushes under way (or ones whose answer never came): each outbox seq, with its record's
 * id (null in a marker written before version 5 of the device database named them).
 * @returns {Promise<Map<number, string | null>>}
 */
export async function inFlightChanges(tx) {
  const marker = await tx.objectStore('meta').get(IN_FLIGHT);
  if (!marker) return new Map();
  return new Map(marker.seqs.map((seq, i) => [seq, marker.records ? marker.records[i] : null]));
}

/** The outbox seqs of the pushes under way. */
export const inFlight = async (tx) => new Set((await inFlightChanges(tx)).keys());

export const markInFlight = (tx, changes) => tx.objectStore('meta').put(
  { seqs: [...changes.keys()], records: [...changes.values()], at: new Date().toISOString() }, IN_FLIGHT);

/**
 * A push whose answer never came (the connection dropped, the app was closed) may have
 * reached the server: count the attempt on each of its entries, for good, so none is ever
 * edited in place (a retry must carry exactly the same content under the same change id).
 */
export async function countAttempt(outbox, seqs) {
  const entries = await Promise.all([...seqs].map((seq) => outbox.get(seq)));
  await Promise.all(entries.filter(Boolean).map((entry) => outbox.put({ ...entry, attempts: entry.attempts + 1 })));
}

/** Before a sync pushes anything: whatever an earlier sync left in flight went unanswered. */
export function settleUnanswered() {
  return exclusive(() => write(['outbox', 'meta'], async (tx) => {
    await countAttempt(tx.objectStore('outbox'), await inFlight(tx));
    await tx.objectStore('meta').delete(IN_FLIGHT);
  }));
}

/** How many changes wait and how many were refused, within a transaction over outbox and meta. */
export async function changeCounts(tx) {
  const status = tx.objectStore('outbox').index('status');
  const decisions = await tx.objectStore('meta').get('decisions');  // sealed, with its length in clear
  const queued = decisions ? (decisions.size ?? decisions.length ?? 0) : 0;
  return { waiting: await status.count('pending') + queued, rejected: await status.count('rejected') };
}

/**
 * The stretches of the outbox to read for the next batch: all of it but the runs of
 * consecutive seqs in flight, when the marker names their records (a change in flight is
 * its record's oldest, so the picker needs only its record, not its row). The batch before
 * this one is such a run: the claim that follows it need not read it again.
 * @returns {(IDBKeyRange | null)[]} in seq order (null: the whole outbox)
 */
function stretchesAround(busy) {
  if ([...busy.values()].includes(null)) return [null];
  const seqs = [...busy.keys()].sort((a, b) => a - b);
  const ranges = [];
  let after = null;
  for (let i = 0; i < seqs.length; i += 1) {
    const start = seqs[i];
    while (i + 1 < seqs.length && seqs[i + 1] === seqs[i] + 1) i += 1;
    ranges.push(after === null ? IDBKeyRange.upperBound(start, true) : IDBKeyRange.bound(after, start, true, true));
    after = seqs[i];
  }
  ranges.push(after === null ? null : IDBKeyRange.lowerBound(after, true));
  return ranges;
}

/**
 * Choose the next changes to push and mark them in flight, in one transaction, before any
 * of them is sent. The outbox is read in seq order only as far as the batch needs; records
 * with a change already in flight wait for its answer. Returns the batch (opened, and as
 * stored: ``sealed``), and how many changes wait on this phone (the server is told, for its
 * reminders).
 */
export async function claimBatch(limit) {
  const claimed = await exclusive(() => write(['outbox', 'meta'], async (tx) => {
    const { waiting, rejected } = await changeCounts(tx);
    const outbox = tx.objectStore('outbox');
    const busy = await inFlightChanges(tx);
    const picker = batchPicker(limit, new Set(busy.keys()), [...busy.values()]);
    for (const stretch of stretchesAround(busy)) {
      for (let range = stretch; ;) {
        const chunk = await outbox.getAll(range, limit);
        picker.take(chunk);
        if (picker.full() || chunk.length < limit) break;
        const last = chunk[chunk.length - 1].seq;
        range = stretch && stretch.upper !== undefined ? IDBKeyRange.bound(last, stretch.upper, true, stretch.upperOpen)
          : IDBKeyRange.lowerBound(last, true);
      }
      if (picker.full()) break;
    }
    const { batch } = picker;
    for (const entry of batch) busy.set(entry.seq, entry.record_id);
    if (batch.length) await markInFlight(tx, busy);
    return { batch, pending: waiting + rejected };
  }));
  // sealed: the rows as stored, kept for a restore once answered (entries in flight are never
  // rewritten, so these are what the outbox holds then).
  return { ...claimed, batch: await openRows('outbox', claimed.batch), sealed: claimed.batch };
}

/** A claimed batch that was never sent (the one before it failed): it is not in flight. */
export function releaseClaim(batch) {
  return exclusive(() => write(['meta'], async (tx) => {
    const busy = await inFlightChanges(tx);
    for (const entry of batch) busy.delete(entry.seq);
    await markInFlight(tx, busy);
  }));
}
