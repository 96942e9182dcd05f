// The device's database, and the only module that touches IndexedDB: a store per synced
// entity, `outbox` (changes waiting for the server), `conflicts` and `meta` (cursor, device
// token, schema, last sync). A local change writes its record and outbox entry in ONE
// transaction with durability 'strict'. Transactions are short and never wait on the
// network: callers fetch first, then hand the answer to a function here.
import { openDB } from '../vendor/idb/index.js';
import { inFlight } from './db-push.js';
import { deferredEvictions, evictReady } from './db-sync.js';
import { clientIdOf, inOrder, seenBefore } from './records.js';

const NAME = 'fieldbook';
const VERSION = 2;
// An outbox entry queued behind another change to the same record carries `follows: 1`
// (an index only holds entries that have the property), so answering a push finds a
// record's later changes without reading the whole outbox. Only a record's oldest
// entry may lack it.
export const FOLLOWS = 'follows';
export const ENTITIES = ['client', 'case_history', 'acknowledgement', 'appointment', 'visit', 'finding',
  'sensation', 'sensation_rating', 'vocabulary_term'];
const INDEXES = { finding: ['visit_id'], sensation_rating: ['visit_id', 'sensation_id'], vocabulary_term: ['kind'] };
export const ALL = [...ENTITIES, 'outbox', 'conflicts', 'meta'];
const STRICT = { durability: 'strict' };
let dbPromise = null;

function connect() {
  if (!dbPromise) {
    dbPromise = openDB(NAME, VERSION, {
      upgrade(db, oldVersion, newVersion, transaction) {
        if (oldVersion < 1) {
          for (const entity of ENTITIES) {
            const store = db.createObjectStore(entity, { keyPath: 'id' });
            if (entity !== 'vocabulary_term') store.createIndex('client_id', 'client_id');
            for (const name of INDEXES[entity] || []) store.createIndex(name, name);
          }
          const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
          for (const name of ['status', 'record_id', 'client_id']) outbox.createIndex(name, name);
          outbox.createIndex('change_id', 'change_id', { unique: true });
          db.createObjectStore('conflicts', { keyPath: 'conflict_id' }).createIndex('client_id', 'client_id');
          db.createObjectStore('meta');
        }
        if (oldVersion < 2) markFollowers(transaction.objectStore('outbox'));
      },
      blocking: outdated,  // another tab opens a newer version: step aside
      terminated() { dbPromise = null; },
    });
    dbPromise.catch((error) => {
      dbPromise = null;
      if (error && error.name === 'VersionError') outdated();  // a newer app already upgraded it
    });
  }
  return dbPromise;
}

// Version 1 kept no `follows` mark: add the index and mark what already waits.
async function markFollowers(outbox) {
  outbox.createIndex(FOLLOWS, FOLLOWS);
  const oldest = new Set();
  for (const entry of inOrder(await outbox.getAll())) {
    if (oldest.has(entry.record_id)) await outbox.put({ ...entry, [FOLLOWS]: 1 });
    else oldest.add(entry.record_id);
  }
}

/** 'outdated': a newer Fieldbook in another tab changed the database; this page must reload. */
export const dbEvents = new EventTarget();

function outdated() {
  forget();
  dbEvents.dispatchEvent(new Event('outdated'));
}

function forget() {
  const closing = dbPromise;
  dbPromise = null;
  if (closing) closing.then((db) => db.close(), () => {});
}

// Safari (and sometimes Chromium) can drop the connection to its database process
// ("Connection to Indexed Database server lost"): close, reopen and try again. Every
// function here is safe to repeat: a transaction that failed was not committed.
const connectionLost = (error) => /Connection to Indexed Database server lost|UnknownError|InvalidStateError|connection is closing/i
  .test(`${error && error.name} ${error && error.message}`);

async function withDb(work, tries = 3) {
  for (let attempt = 1; ; attempt += 1) {
    const db = await connect();
    try {
      return await work(db);
    } catch (error) {
      if (attempt >= tries || !connectionLost(error)) throw error;
      forget();
    }
  }
}

function transaction(stores, mode, work) {
  return withDb(async (db) => {
    const tx = db.transaction(stores, mode, mode === 'readwrite' ? STRICT : undefined);
    tx.done.catch(() => {});  // reported through `work` or the await below
    try {
      const result = await work(tx);
      await tx.done;
      return result;
    } catch (error) {
      try { tx.abort(); } catch { /* already finished */ }
      throw error;
    }
  });
}
const read = (stores, work) => transaction(stores, 'readonly', work);
export const write = (stores, work) => transaction(stores, 'readwrite', work);

// ---- reading ---------------------------------------------------------------------------
export const getMeta = (key) => read(['meta'], (tx) => tx.objectStore('meta').get(key));
export const setMeta = (key, value) => write(['meta'], (tx) => tx.objectStore('meta').put(value, key));
export const getRecord = (entity, id) => read([entity], (tx) => tx.objectStore(entity).get(id));

/** Live (not deleted) records of ``entity``, all of them or those with index = value. */
export const listRecords = (entity, index = null, value = null) => read([entity], async (tx) => {
  const store = tx.objectStore(entity);
  return (index ? await store.index(index).getAll(value) : await store.getAll()).filter((row) => !row.deleted);
});

export const outboxEntries = () => read(['outbox'], async (tx) => inOrder(await tx.objectStore('outbox').getAll()));
export const listConflicts = () => read(['conflicts'], (tx) => tx.objectStore('conflicts').getAll());

/**
 * How many changes wait (conflict decisions not yet sent count as changes), how many the
 * server refused, how many conflicts are open.
 */
export function counts() {
  return read(['outbox', 'conflicts', 'meta'], async (tx) => ({
    ...await changeCounts(tx), conflicts: await tx.objectStore('conflicts').count() }));
}

/** Changes waiting and refused, within a transaction over the outbox and meta. */
export async function changeCounts(tx) {
  const status = tx.objectStore('outbox').index('status');
  const decisions = (await tx.objectStore('meta').get(DECISIONS)) || [];
  return { waiting: await status.count('pending') + decisions.length, rejected: await status.count('rejected') };
}

// ---- conflict decisions ------------------------------------------------------------------
// A decision on a conflict is taken offline like any other entry: it is queued here (meta
// 'decisions'), the conflict leaves the list, and the record shows the chosen value at once.
// sync.js sends the queue before pushing; until then a pull does not bring the conflict back.
const DECISIONS = 'decisions';

export function decideConflict(conflict, choice, value) {
  return write(['conflicts', 'meta', conflict.entity], async (tx) => {
    const meta = tx.objectStore('meta');
    const queued = ((await meta.get(DECISIONS)) || []).filter((d) => d.conflict_id !== conflict.conflict_id);
    queued.push({ conflict_id: conflict.conflict_id, choice, value, decided_at: new Date().toISOString() });
    await meta.put(queued, DECISIONS);
    await tx.objectStore('conflicts').delete(conflict.conflict_id);
    const store = tx.objectStore(conflict.entity);
    const record = await store.get(conflict.id);
    if (record && conflict.field !== '_deleted') {
      const shown = choice === 'theirs' ? conflict.server_value : choice === 'mine' ? conflict.device_value : value;
      await store.put({ ...record, [conflict.field]: shown });
    }
  });
}

export const queuedDecisions = () => getMeta(DECISIONS).then((queued) => queued || []);

/** A decision the server has answered (or can never take) leaves the queue. */
export function dropDecision(conflictId) {
  return write(['meta'], async (tx) => {
    const meta = tx.objectStore('meta');
    await meta.put(((await meta.get(DECISIONS)) || []).filter((d) => d.conflict_id !== conflictId), DECISIONS);
  });
}

// ---- local changes ---------------------------------------------------------------------
/** Save a change to a record and its outbox entry, in one strict transaction. */
export function saveChange({ entity, id, fields = {}, op = 'upsert', clientId = null, changeId }) {
  return write([entity, 'outbox', 'meta'], async (tx) => {
    const store = tx.objectStore(entity);
    const outbox = tx.objectStore('outbox');
    if ((await outbox.index('change_id').getKey(changeId)) !== undefined) return;  // a repeat
    const current = await store.get(id);
    const record = { ...(current || { id, version: 0, deleted: false }), ...fields };
    const owner = clientId || (current && current.client_id) || clientIdOf(entity, id, fields);
    if (owner) record.client_id = owner;
    if (op === 'delete') record.deleted = true;
    const entries = inOrder(await outbox.index('record_id').getAll(id));
    const last = entries[entries.length - 1];
    if (op === 'upsert' && last && last.op === 'upsert' && last.status === 'pending' && last.attempts === 0
        && !(await inFlight(tx)).has(last.seq)) {
      // Not sent yet: fold the edit into the waiting change instead of queueing another.
      await outbox.put({ ...last, fields: { ...last.fields, ...fields }, seen: seenBefore(current, fields, last.seen),
        updated_at: new Date().toISOString() });
    } else {
      await outbox.add({ change_id: changeId, entity, record_id: id, op, client_id: owner,
        base_version: current ? current.version : 0, fields: op === 'upsert' ? fields : {}, seen: seenBefore(current, fields),
        status: 'pending', attempts: 0, created_at: new Date().toISOString(), previous_change_ids: [],
        ...(entries.length ? { [FOLLOWS]: 1 } : {}) });
    }
    await store.put(record);
  });
}

/** A rejected change, corrected by the practitioner, goes back in line with a new id. */
export function resendFixed(seq, fields, changeId) {
  return write(ALL, async (tx) => {
    const outbox = tx.objectStore('outbox');
    const entry = await outbox.get(seq);
    if (!entry || entry.status !== 'rejected') return false;
    await outbox.put({ ...entry, change_id: changeId, fields: { ...entry.fields, ...fields }, status: 'pending',
      attempts: 0, errors: null, code: null, fixed_at: new Date().toISOString(),
      previous_change_ids: [...(entry.previous_change_ids || []), entry.change_id] });
    const store = tx.objectStore(entry.entity);
    const record = await store.get(entry.record_id);
    if (record) await store.put({ ...record, ...fields });
    return true;
  });
}

/**
 * Give up a refused change, at the practitioner's explicit request. A record that never
 * reached the server goes; otherwise the next pull is a full one and brings back the
 * server's copy over the abandoned edit.
 */
export function discardRejected(seq) {
  return write(ALL, async (tx) => {
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
  });
}

// ---- sync: the database's half of a push is db-push.js, of a pull db-sync.js -------------
export { claimBatch, releaseClaim, settleUnanswered, storePushResults } from './db-push.js';
export { runDeferredEvictions, storePull } from './db-sync.js';

export const dropConflict = (id) => write(['conflicts'], (tx) => tx.objectStore('conflicts').delete(id));

/** Remove every client record, change, conflict and the device token; return what was waiting. */
export function wipe() {
  return write(ALL, async (tx) => {
    const lost = await tx.objectStore('outbox').count();
    for (const name of ALL) await tx.objectStore(name).clear();
    return lost;
  });
}
