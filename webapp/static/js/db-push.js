// The device database's half of a push: storing the server's answers (claiming the outbox
// entries to send is db-claim.js). The pull half is db-pull.js; all build on db-core.js.
// Each change reads in one short transaction, decrypts and seals outside it, and writes in
// one more, under the database's exclusive lock, so a thousand answers go through in a pass.
import { ALL, FOLLOWS, applyOps, exclusive, read, sealOps, write } from './db-core.js';
import { groupByRecord, serverRecordOps } from './db-pull.js';
import { countAttempt, inFlightChanges, markInFlight } from './db-claim.js';
import { answeredRecord, conflictFromWire, createdRecord, inOrder, rebase } from './outbox-rules.js';
import { openRows } from './seal.js';
import { keepAnswered } from './db-restore.js';

/**
 * What storing a push's answer needs to read first, in one transaction. A pushed entry is
 * its record's oldest, and every later entry of a record carries `follows` (see FOLLOWS in
 * db-core.js), so the `follows` index holds all the others: the whole outbox is not read.
 * Also the entries of records merged into (the server merged two case histories) and the
 * local copies of creates that must be stamped rather than rewritten.
 */
function readBeforeStoring(batch, results) {
  const sent = new Map(batch.map((entry) => [entry.change_id, entry]));
  return read(ALL, async (tx) => {
    const outbox = tx.objectStore('outbox');
    const seqs = batch.map((entry) => entry.seq);
    const [still, followers] = await Promise.all([
      outbox.getAllKeys(IDBKeyRange.bound(Math.min(...seqs), Math.max(...seqs))), outbox.index(FOLLOWS).getAll()]);
    const followed = new Set(followers.map((entry) => entry.record_id));
    const merged = new Map();
    const locals = new Map();
    await Promise.all(results.map(async (result) => {
      const entry = sent.get(result.change_id);
      if (!entry || result.status === 'rejected') return;
      const id = result.id || entry.record_id;
      if (id !== entry.record_id) merged.set(id, await outbox.index('record_id').getAll(id));
      const plainCreate = entry.base_version === 0 && id === entry.record_id && !followed.has(entry.record_id);
      if (!result.record && !plainCreate) {
        locals.set(entry.record_id, { entity: entry.entity, row: await tx.objectStore(entry.entity).get(entry.record_id) });
      }
    }));
    return { still: new Set(still), followers, merged, locals };
  });
}

/** The read rows, opened: entries of each answered record oldest first, merged, locals. */
async function openForStoring(batch, found) {
  const followers = await openRows('outbox', found.followers);
  const byRecord = groupByRecord(followers);
  for (const entry of batch) {
    if (!found.still.has(entry.seq)) continue;
    // A pushed change that was queued behind an earlier one carries `follows` too, so it is
    // among the followers already: it must not be taken for a change waiting behind itself.
    const behind = (byRecord.get(entry.record_id) || []).filter((other) => other.seq !== entry.seq);
    byRecord.set(entry.record_id, [entry, ...behind]);
  }
  const merged = new Map();
  for (const [id, entries] of found.merged) merged.set(id, await openRows('outbox', entries));
  const locals = new Map();
  for (const [id, { entity, row }] of found.locals) {
    if (row) locals.set(id, (await openRows(entity, [row]))[0]);
  }
  return { byRecord, merged, locals };
}

/**
 * Store the server's answers; only now do the answered entries leave the outbox.
 * ``claimedRows``: the batch's rows as claimBatch read them (still sealed).
 */
export function storePushResults(batch, results, claimedRows) {
  return exclusive(async () => {
    const opened = await openForStoring(batch, await readBeforeStoring(batch, results));
    const { ops, answered, settled } = answerOps(batch, results, opened);
    const sealed = await sealOps(ops);
    return write(ALL, async (tx) => {
      const outbox = tx.objectStore('outbox');
      await applyOps(tx, sealed);
      const taken = new Set(answered);
      // Kept in case the server's database is restored from a backup (db-restore.js).
      await keepAnswered(tx, claimedRows.filter((row) => taken.has(row.seq)));
      await Promise.all(deleteSeqs(outbox, answered));
      // This batch is no longer in flight; entries it left unanswered count an attempt.
      const busy = await inFlightChanges(tx);
      await countAttempt(outbox, batch.filter((e) => busy.has(e.seq) && !taken.has(e.seq)).map((e) => e.seq));
      for (const entry of batch) busy.delete(entry.seq);
      await markInFlight(tx, busy);
      return settled;
    });
  });
}

/**
 * What openForStoring read, opened: each answered record's outbox entries oldest first (the
 * answers below update it as they go), the entries of records merged into, and the local
 * copies to stamp.
 * @typedef {{byRecord: Map<string, any[]>, merged: Map<string, any[]>, locals: Map<string, any>}} Opened
 */

/**
 * The writes a push's answer makes (ops, see db-core.js), worked out from what was read:
 * rejected entries are marked; taken ones leave the outbox (their seqs in ``answered``), and
 * takenOps() writes the rest. ``settled`` counts the answers that were stored.
 * @param {Opened} opened
 * @returns {{ops: import('./db-core.js').Op[], answered: number[], settled: number}}
 */
function answerOps(batch, results, opened) {
  const sent = new Map(batch.map((entry) => [entry.change_id, entry]));
  const ops = [];
  const answered = [];
  let settled = 0;
  for (const result of results) {
    const found = stillWaiting(sent.get(result.change_id), result, opened.byRecord);
    if (!found) continue;
    settled += 1;
    if (result.status === 'rejected') {
      ops.push(rejectedOp(found.entry, result));
      continue;
    }
    answered.push(found.entry.seq);
    ops.push(...takenOps(found.entry, found.entries, result, opened));
  }
  return { ops, answered, settled };
}

/**
 * The sent entry an answer is for, as it stands in the outbox now, with its record's other
 * entries; null when the answer names no sent change or the entry is no longer there.
 * @returns {{entry: any, entries: any[]} | null}
 */
function stillWaiting(claimed, result, byRecord) {
  if (!claimed) return null;
  const entries = byRecord.get(claimed.record_id) || [];
  const entry = entries.find((e) => e.seq === claimed.seq);
  if (!entry || entry.change_id !== result.change_id) return null;
  return { entry, entries };
}

/** A refused change stays in the outbox, marked with the server's reasons, for the practitioner. */
function rejectedOp(entry, result) {
  return { store: 'outbox', put: { ...entry, status: 'rejected', errors: result.errors || {},
    code: result.code || 'invalid', rejected_at: new Date().toISOString() } };
}

/**
 * The writes of a change the server took: what waited behind it is rebased and moved to the
 * record's id (and ``opened.byRecord`` now lists it under that id, for the answers after
 * this one), the record takes the server's copy with what still waits laid over it, and the
 * server's conflicts are kept.
 * @param {Opened} opened
 * @returns {import('./db-core.js').Op[]}
 */
function takenOps(entry, entries, result, opened) {
  const { byRecord, merged } = opened;
  const ops = [];
  const id = result.id || entry.record_id;  // differs when the server merged two records
  const server = answeredRecord(entry, result, id);
  // Changes already waiting on the record merged into (read before this one's move there).
  const there = id === entry.record_id ? [] : byRecord.get(id) || merged.get(id) || [];
  const rest = requeueBehind(entries.filter((e) => e !== entry), server, result.version, id, ops);
  byRecord.delete(entry.record_id);
  byRecord.set(id, there.length ? followingTheOldest([...there, ...rest], ops) : rest);
  ops.push(...recordOps(entry, result, id, server, rest, opened.locals));
  for (const conflict of result.conflicts || []) {
    ops.push({ store: 'conflicts', put: conflictFromWire(conflict, { entity: entry.entity, id, client_id: entry.client_id }) });
  }
  return ops;
}

/**
 * The changes that waited behind an answered one, queued again on record ``id`` at
 * ``version``; their outbox writes go into ``ops``. Returns them (and any split's new half)
 * in order.
 */
function requeueBehind(waiting, server, version, id, ops) {
  const rest = [];
  let first = true;  // only the next change is rebased; later ones follow their predecessor's answer
  for (const next of waiting) {
    const pieces = first && next.attempts === 0 && next.status === 'pending'
      ? rebase(next, server, version, id) : [{ ...next, record_id: id }];
    first = false;
    for (const piece of pieces) {
      if (!piece.seq) piece.follows = 1;  // a split: queued behind its other half
      rest.push(piece);
      ops.push(piece.seq ? { store: 'outbox', put: piece } : { store: 'outbox', add: piece });
    }
  }
  return rest;
}

/**
 * The local record's write once the server took a change to it (``rest``: what still waits
 * on it): the server's copy when the answer carries it, else what was sent for a plain
 * create, else the local copy stamped with the new version.
 * @returns {import('./db-core.js').Op[]}
 */
function recordOps(entry, result, id, server, rest, locals) {
  if (result.record) return serverRecordOps(entry.entity, result.record, entry.record_id, entry.client_id, rest);
  if (server && rest.length === 0 && entry.base_version === 0 && id === entry.record_id) {
    // A plain create with nothing waiting after it: the local record is exactly what was sent.
    return [{ store: entry.entity, put: createdRecord(entry, result) }];
  }
  if (server && locals.get(entry.record_id)) {
    const local = locals.get(entry.record_id);  // stamp the version and what the server derived
    return [{ store: entry.entity, put: { ...local, ...(result.derived || {}), version: result.version } }];
  }
  return [];
}

/**
 * Two records' waiting changes, now one record's: all but the oldest must carry `follows`
 * for readBeforeStoring to find them. Returns them oldest first.
 */
function followingTheOldest(entries, ops) {
  const ordered = inOrder(entries);
  for (const entry of ordered.slice(1)) {
    if (!entry.follows && entry.seq) {
      entry.follows = 1;
      ops.push({ store: 'outbox', put: entry });
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
