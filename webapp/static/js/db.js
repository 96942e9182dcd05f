// The device's database as the screens use it: records, waiting changes, conflicts and meta
// (cursor, device token, schema, drafts), read decrypted and written sealed (seal.js). The
// foundations (connection, transactions, the exclusive lock) are db-core.js; the two halves
// of sync are db-push.js and db-pull.js. A local change writes its record and outbox entry
// in ONE transaction with durability 'strict'. Transactions are short and never wait on the
// network or on WebCrypto: a change reads, works out and seals, then writes.
import { ALL, ENTITIES, FOLLOWS, applyOps, dbEvents, exclusive, read, sealOps, write } from './db-core.js';
import { changeCounts, inFlight } from './db-claim.js';
import { deferredEvictions, entityOfKey, evictReady, unknownKeys } from './db-pull.js';
import { clientIdOf, inOrder, seenBefore } from './outbox-rules.js';
import { CLEAR_META, DAY_TAG, DAY_TAGS, dayTag, isSealed, openMeta, openRow, openRows, sealMeta, sealRow } from './seal.js';

export { ALL, ENTITIES, FOLLOWS, dbEvents };

// ---- reading ---------------------------------------------------------------------------
export const getMeta = async (key) => openMeta(key, await read(['meta'], (tx) => tx.objectStore('meta').get(key)));

export async function setMeta(key, value) {
  const sealed = await sealMeta(key, value);
  return exclusive(() => write(['meta'], (tx) => tx.objectStore('meta').put(sealed, key)));
}

export const getRecord = async (entity, id) => openRow(entity, await read([entity], (tx) => tx.objectStore(entity).get(id)));

/**
 * Live (not deleted) records of ``entity``, all of them or those with index = value.
 * @param {string} entity
 * @param {string | null} [index]
 * @param {IDBValidKey | null} [value]
 * @returns {Promise<any[]>}
 */
export async function listRecords(entity, index = null, value = null) {
  const rows = await read([entity], (tx) => {
    const store = tx.objectStore(entity);
    return index ? store.index(index).getAll(value) : store.getAll();
  });
  return openRows(entity, rows.filter((row) => !row.deleted));
}

/**
 * Live records of ``entity`` whose ``index`` has any of ``values``, read in one transaction
 * (a day's appointments by their day tags, a few clients' visits).
 * @param {string} entity
 * @param {string} index
 * @param {IDBValidKey[]} values
 */
export async function listRecordsAmong(entity, index, values) {
  const rows = await read([entity], (tx) => Promise.all(values.map((value) => tx.objectStore(entity).index(index).getAll(value))));
  return openRows(entity, rows.flat().filter((row) => !row.deleted));
}

/** The records of ``entity`` with these ids (those found), read in one transaction. */
export async function getRecords(entity, ids) {
  const rows = await read([entity], (tx) => Promise.all(ids.map((id) => tx.objectStore(entity).get(id))));
  return openRows(entity, rows.filter(Boolean));
}

/** The live appointments on these UTC dates (YYYY-MM-DD), found by their day tags (seal.js). */
export async function appointmentsOn(utcDates) {
  return listRecordsAmong('appointment', DAY_TAG, await Promise.all(utcDates.map(dayTag)));
}

/**
 * How many live records of ``entity`` with index = value there are for each value of their
 * clear field ``by`` (a client's findings a session): counted without decrypting a row.
 * @returns {Promise<Map<any, number>>}
 */
export async function countRecordsBy(entity, index, value, by) {
  const rows = await read([entity], (tx) => tx.objectStore(entity).index(index).getAll(value));
  const counts = new Map();
  for (const row of rows) if (!row.deleted) counts.set(row[by], (counts.get(row[by]) || 0) + 1);
  return counts;
}

export const outboxEntries = async () => inOrder(await openRows('outbox',
  await read(['outbox'], (tx) => tx.objectStore('outbox').getAll())));
export const listConflicts = async () => openRows('conflicts',
  await read(['conflicts'], (tx) => tx.objectStore('conflicts').getAll()));

/**
 * How many changes wait (conflict decisions not yet sent count as changes), how many the
 * server refused, how many conflicts are open, and how many pulled records are of a kind this
 * version does not know (kept aside: db-pull.js). Counted from clear fields: works locked too.
 */
export function counts() {
  return read(['outbox', 'conflicts', 'meta'], async (tx) => ({
    ...await changeCounts(tx), conflicts: await tx.objectStore('conflicts').count(),
    unknown: await tx.objectStore('meta').count(unknownKeys()) }));
}

/** The pulled records kept aside because this version does not know their entity: [{entity, count}]. */
export async function keptUnknown() {
  const keys = await read(['meta'], (tx) => tx.objectStore('meta').getAllKeys(unknownKeys()));
  const byEntity = new Map();
  for (const key of keys) byEntity.set(entityOfKey(key), (byEntity.get(entityOfKey(key)) || 0) + 1);
  return [...byEntity].map(([entity, count]) => ({ entity, count }));
}

// ---- conflict decisions ------------------------------------------------------------------
// A decision on a conflict is taken offline like any other entry: it is queued here (meta
// 'decisions'), the conflict leaves the list, and the record shows the chosen value at once.
// sync.js sends the queue before pushing; until then a pull does not bring the conflict back.
const DECISIONS = 'decisions';

export function decideConflict(conflict, choice, value) {
  return exclusive(async () => {
    const [queuedRow, recordRow] = await read(['meta', conflict.entity], (tx) => Promise.all([
      tx.objectStore('meta').get(DECISIONS), tx.objectStore(conflict.entity).get(conflict.id)]));
    const queued = ((await openMeta(DECISIONS, queuedRow)) || []).filter((d) => d.conflict_id !== conflict.conflict_id);
    queued.push({ conflict_id: conflict.conflict_id, choice, value, decided_at: new Date().toISOString() });
    /** @type {import('./db-core.js').Op[]} */
    const ops = [{ store: 'meta', key: DECISIONS, put: queued }, { store: 'conflicts', delete: conflict.conflict_id }];
    const record = await openRow(conflict.entity, recordRow);
    if (record && conflict.field !== '_deleted') {
      const shown = choice === 'theirs' ? conflict.server_value : choice === 'mine' ? conflict.device_value : value;
      ops.push({ store: conflict.entity, put: { ...record, [conflict.field]: shown } });
    }
    const sealed = await sealOps(ops);
    return write(['conflicts', 'meta', conflict.entity], (tx) => applyOps(tx, sealed));
  });
}

export const queuedDecisions = () => getMeta(DECISIONS).then((queued) => queued || []);

/** A decision the server has answered (or can never take) leaves the queue. */
export function dropDecision(conflictId) {
  return exclusive(async () => {
    const queued = (await getMeta(DECISIONS)) || [];
    const sealed = await sealMeta(DECISIONS, queued.filter((d) => d.conflict_id !== conflictId));
    return write(['meta'], (tx) => tx.objectStore('meta').put(sealed, DECISIONS));
  });
}

// ---- local changes ---------------------------------------------------------------------
/** Save a change to a record and its outbox entry, in one strict transaction. */
export function saveChange({ entity, id, fields = {}, op = 'upsert', clientId = null, changeId }) {
  return exclusive(async () => {
    const found = await read([entity, 'outbox', 'meta'], async (tx) => {
      const outbox = tx.objectStore('outbox');
      const [repeat, current, entries, busy] = await Promise.all([outbox.index('change_id').getKey(changeId),
        tx.objectStore(entity).get(id), outbox.index('record_id').getAll(id), inFlight(tx)]);
      return { repeat: repeat !== undefined, current, entries: inOrder(entries), busy };
    });
    if (found.repeat) return;
    const current = await openRow(entity, found.current);
    const record = { ...(current || { id, version: 0, deleted: false }), ...fields };
    const owner = clientId || (current && current.client_id) || clientIdOf(entity, id, fields);
    if (owner) record.client_id = owner;
    if (op === 'delete') record.deleted = true;
    const stored = found.entries[found.entries.length - 1];
    let entry;
    if (op === 'upsert' && stored && stored.op === 'upsert' && stored.status === 'pending' && stored.attempts === 0
        && !found.busy.has(stored.seq)) {
      // Not sent yet: fold the edit into the waiting change instead of queueing another.
      const last = await openRow('outbox', stored);
      entry = { put: { ...last, fields: { ...last.fields, ...fields }, seen: seenBefore(current, fields, last.seen),
        updated_at: new Date().toISOString() } };
    } else {
      entry = { add: { change_id: changeId, entity, record_id: id, op, client_id: owner,
        base_version: current ? current.version : 0, fields: op === 'upsert' ? fields : {}, seen: seenBefore(current, fields),
        status: 'pending', attempts: 0, created_at: new Date().toISOString(), previous_change_ids: [],
        ...(found.entries.length ? { [FOLLOWS]: 1 } : {}) } };
    }
    const sealed = await sealOps([{ store: 'outbox', ...entry }, { store: entity, put: record }]);
    await write([entity, 'outbox'], (tx) => applyOps(tx, sealed));
  });
}

/** A rejected change, corrected by the practitioner, goes back in line with a new id. */
export function resendFixed(seq, fields, changeId) {
  return exclusive(async () => {
    const stored = await read(['outbox'], (tx) => tx.objectStore('outbox').get(seq));
    if (!stored || stored.status !== 'rejected') return false;
    const entry = await openRow('outbox', stored);
    const record = await getRecord(entry.entity, entry.record_id);
    const ops = [{ store: 'outbox', put: { ...entry, change_id: changeId, fields: { ...entry.fields, ...fields },
      status: 'pending', attempts: 0, errors: null, code: null, fixed_at: new Date().toISOString(),
      previous_change_ids: [...(entry.previous_change_ids || []), entry.change_id] } }];
    if (record) ops.push({ store: entry.entity, put: { ...record, ...fields } });
    const sealed = await sealOps(ops);
    await write(['outbox', entry.entity], (tx) => applyOps(tx, sealed));
    return true;
  });
}

/**
 * Give up a refused change, at the practitioner's explicit request. A record that never
 * reached the server goes; otherwise the next pull is a full one and brings back the
 * server's copy over the abandoned edit. (Only clear fields change: nothing to decrypt.)
 */
export function discardRejected(seq) {
  return exclusive(() => write(ALL, async (tx) => {
    const outbox = tx.objectStore('outbox');
    const entry = await outbox.get(seq);
    if (!entry || entry.status !== 'rejected') return false;
    await outbox.delete(seq);
    const store = tx.objectStore(entry.entity);
    const record = await store.get(entry.record_id);
    const meta = tx.objectStore('meta');
    if (record && (await outbox.index('record_id').count(entry.record_id)) === 0) {
      if (record.version === 0) await store.delete(record.id);
      else await store.put({ ...record, version: 0 });  // older than any server copy
      await meta.put(null, 'cursor');
    }
    await evictReady(tx, await deferredEvictions(tx));
    return true;
  }));
}

// ---- sync: the database's half of a push is db-claim.js and db-push.js, of a pull db-pull.js
export { claimBatch, releaseClaim, settleUnanswered } from './db-claim.js';
export { storePushResults } from './db-push.js';
export { runDeferredEvictions, storePull } from './db-pull.js';
export { recoverFromRestore } from './db-restore.js';

export const dropConflict = (id) => exclusive(() => write(['conflicts'], (tx) => tx.objectStore('conflicts').delete(id)));

/** Remove every client record, change, conflict, draft, the device token and the lock; what waited. */
export function wipe() {
  return exclusive(() => write(ALL, async (tx) => {
    const lost = await tx.objectStore('outbox').count();
    for (const name of ALL) await tx.objectStore(name).clear();
    return lost;
  }));
}

/**
 * Give the appointments stored before day tags existed (database version 2) their tag, once
 * after unlock (it needs the key): they are opened and sealed again, which adds it. A clear
 * meta flag says it is done, so later starts pay one read. Returns how many it tagged.
 */
export function tagAppointmentDays() {
  return exclusive(async () => {
    const found = await read(['appointment', 'meta'], async (tx) => (await tx.objectStore('meta').get(DAY_TAGS)
      ? null : (await tx.objectStore('appointment').getAll()).filter((row) => isSealed(row) && !row[DAY_TAG])));
    if (found === null) return 0;
    const sealed = await Promise.all((await openRows('appointment', found)).map((row) => sealRow('appointment', row)));
    await write(['appointment', 'meta'], async (tx) => {
      await Promise.all(sealed.map((row) => tx.objectStore('appointment').put(row)));
      await tx.objectStore('meta').put(1, DAY_TAGS);
    });
    return sealed.length;
  });
}

/**
 * Seal whatever is still in clear (a phone that held its caseload before the app locked):
 * read everything, seal it outside the transaction, write it back in one. Returns how many
 * rows it sealed.
 */
export function sealEverything() {
  return exclusive(async () => {
    const found = await read(ALL, (tx) => Promise.all(ALL.map(async (name) => {
      const store = tx.objectStore(name);
      if (name !== 'meta') return [name, (await store.getAll()).filter((row) => !isSealed(row))];
      const keys = (await store.getAllKeys()).filter((key) => !CLEAR_META.has(key));
      const values = await Promise.all(keys.map((key) => store.get(key)));
      return [name, keys.map((key, i) => ({ key, value: values[i] })).filter(({ value }) => value != null && !isSealed(value))];
    })));
    const ops = [];
    for (const [name, rows] of found) {
      for (const row of rows) {
        ops.push(name === 'meta' ? { store: 'meta', key: row.key, put: await sealMeta(row.key, row.value) }
          : { store: name, put: await sealRow(name, row) });
      }
    }
    await write(ALL, (tx) => applyOps(tx, ops));
    return ops.length;
  });
}
