// The device's database, and the only module that touches IndexedDB: a store per synced
// entity, `outbox` (changes waiting for the server), `conflicts` and `meta` (cursor, device
// token, schema, last sync). A local change writes its record and outbox entry in ONE
// transaction with durability 'strict'. Transactions are short and never wait on the
// network: callers fetch first, then hand the answer to a function here.
import { openDB } from '../vendor/idb/index.js';
import { clientIdOf, conflictFromWire, inOrder, localFromServer, rebase, seenBefore } from './records.js';

const NAME = 'fieldbook';
const VERSION = 1;
export const ENTITIES = ['client', 'case_history', 'acknowledgement', 'appointment', 'visit', 'finding',
  'sensation', 'sensation_rating', 'vocabulary_term'];
const INDEXES = { finding: ['visit_id'], sensation_rating: ['visit_id', 'sensation_id'], vocabulary_term: ['kind'] };
const ALL = [...ENTITIES, 'outbox', 'conflicts', 'meta'];
const STRICT = { durability: 'strict' };
let dbPromise = null;

function connect() {
  if (!dbPromise) {
    dbPromise = openDB(NAME, VERSION, {
      upgrade(db, oldVersion) {
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
      },
      blocking: forget,  // another tab opens a newer version: step aside
      terminated() { dbPromise = null; },
    });
    dbPromise.catch(() => { dbPromise = null; });
  }
  return dbPromise;
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
const write = (stores, work) => transaction(stores, 'readwrite', work);

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

/** How many changes wait, how many the server refused, how many conflicts are open. */
export function counts() {
  return read(['outbox', 'conflicts'], async (tx) => {
    const status = tx.objectStore('outbox').index('status');
    return { waiting: await status.count('pending'), rejected: await status.count('rejected'),
      conflicts: await tx.objectStore('conflicts').count() };
  });
}

// ---- local changes ---------------------------------------------------------------------
/** Save a change to a record and its outbox entry, in one strict transaction. */
export function saveChange({ entity, id, fields = {}, op = 'upsert', clientId = null, changeId }) {
  return write([entity, 'outbox'], async (tx) => {
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
    if (op === 'upsert' && last && last.op === 'upsert' && last.status === 'pending' && last.attempts === 0) {
      // Not sent yet: fold the edit into the waiting change instead of queueing another.
      await outbox.put({ ...last, fields: { ...last.fields, ...fields }, seen: seenBefore(current, fields, last.seen),
        updated_at: new Date().toISOString() });
    } else {
      await outbox.add({ change_id: changeId, entity, record_id: id, op, client_id: owner,
        base_version: current ? current.version : 0, fields: op === 'upsert' ? fields : {}, seen: seenBefore(current, fields),
        status: 'pending', attempts: 0, created_at: new Date().toISOString(), previous_change_ids: [] });
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

// ---- sync ------------------------------------------------------------------------------
/**
 * Choose the next changes to push and count the attempt, in one transaction, before any
 * of them is sent: a change that may have reached the server is never edited in place, so
 * a retry carries exactly the same content under the same change id.
 */
export function claimBatch(choose) {
  return write(['outbox'], async (tx) => {
    const outbox = tx.objectStore('outbox');
    const batch = choose(inOrder(await outbox.getAll()));
    // Issued together, not one after another: a push of thousands stays one short transaction.
    await Promise.all(batch.map((entry) => outbox.put(Object.assign(entry, { attempts: entry.attempts + 1 }))));
    return batch;
  });
}

/** The outbox entries of each record, oldest first, read once for a whole transaction. */
async function waitingByRecord(tx) {
  const byRecord = new Map();
  for (const entry of inOrder(await tx.objectStore('outbox').getAll())) {
    if (!byRecord.has(entry.record_id)) byRecord.set(entry.record_id, []);
    byRecord.get(entry.record_id).push(entry);
  }
  return byRecord;
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
    const byRecord = await waitingByRecord(tx);
    const writes = [];
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
      writes.push(outbox.delete(entry.seq));
      const id = result.id || entry.record_id;  // differs when the server merged two records
      const server = answeredRecord(entry, result, id);
      const rest = [];
      let first = true;  // only the next change is rebased; later ones follow their predecessor's answer
      for (const next of entries.filter((e) => e !== entry)) {
        const pieces = first && next.attempts === 0 && next.status === 'pending'
          ? rebase(next, server, result.version, id) : [{ ...next, record_id: id }];
        first = false;
        for (const piece of pieces) {
          rest.push(piece);
          writes.push(outbox[piece.seq ? 'put' : 'add'](piece));
        }
      }
      byRecord.delete(entry.record_id);
      byRecord.set(id, rest);
      if (result.record) {
        writes.push(storeServerRecord(tx, entry.entity, result.record, entry.record_id, entry.client_id, rest));
      } else if (server) {
        writes.push(stampCreated(tx, entry.entity, entry.record_id, result));
      }
      for (const conflict of result.conflicts || []) {
        writes.push(tx.objectStore('conflicts').put(
          conflictFromWire(conflict, { entity: entry.entity, id, client_id: entry.client_id })));
      }
    }
    await Promise.all(writes);
    return settled;
  });
}

/** A record this device created is now on the server: note its version and derived fields. */
async function stampCreated(tx, entity, id, result) {
  const store = tx.objectStore(entity);
  const local = await store.get(id);
  if (local) await store.put({ ...local, ...(result.derived || {}), version: result.version });
}

function storeServerRecord(tx, entity, server, localId = server.id, clientId = null, waiting = []) {
  const store = tx.objectStore(entity);
  const writes = [];
  if (localId !== server.id) writes.push(store.delete(localId));
  if (server.deleted && waiting.length === 0) {
    writes.push(store.delete(server.id));
  } else {
    const local = localFromServer(entity, server, waiting);
    if (!local.client_id && clientId && entity !== 'vocabulary_term') local.client_id = clientId;
    writes.push(store.put(local));
  }
  return Promise.all(writes);
}

/** Store one pulled page: records, evictions, open conflicts and the cursor, together. */
export function storePull(page) {
  return write(ALL, async (tx) => {
    const pulled = new Map(ENTITIES.map((entity) => [entity, new Set()]));
    const records = (page.records || []).filter((server) => pulled.has(server.entity));
    const byRecord = await waitingByRecord(tx);
    // All reads, then all writes, each issued together: thousands of records in one pass.
    const locals = await Promise.all(records.map((server) => tx.objectStore(server.entity).get(server.id)));
    const newest = new Map();
    records.forEach((server, i) => {
      pulled.get(server.entity).add(server.id);
      const local = locals[i];
      const seen = newest.get(server.id);
      if ((local && local.version >= server.version) || (seen && seen.version >= server.version)) return;
      newest.set(server.id, server);
    });
    await Promise.all([...newest.values()].map((server) => storeServerRecord(
      tx, server.entity, server, server.id, null, byRecord.get(server.id) || [])));
    if (page.snapshot) await dropUnlisted(tx, pulled, byRecord);
    const meta = tx.objectStore('meta');
    await evictReady(tx, new Set([...(await deferredEvictions(tx)), ...(page.evict || [])]));
    const conflicts = tx.objectStore('conflicts');
    await conflicts.clear();  // each page carries every open conflict of the caseload
    for (const conflict of page.conflicts || []) await conflicts.put(conflictFromWire(conflict));
    await meta.put(page.cursor, 'cursor');
    if (page.api_version) await meta.put(page.api_version, 'api_version');
  });
}

// A full snapshot lists everything the device may hold: drop synced records it omits.
async function dropUnlisted(tx, pulled, byRecord) {
  const drops = [];
  for (const [entity, ids] of pulled) {
    const store = tx.objectStore(entity);
    for (const record of await store.getAll()) {
      if (record.version > 0 && !ids.has(record.id) && !byRecord.has(record.id)) drops.push(store.delete(record.id));
    }
  }
  await Promise.all(drops);
}

const deferredEvictions = async (tx) => new Set((await tx.objectStore('meta').get('deferred_evictions')) || []);

// Remove clients that left the caseload, once nothing of theirs waits in the outbox.
async function evictReady(tx, deferred) {
  const waiting = tx.objectStore('outbox').index('client_id');
  for (const clientId of [...deferred]) {
    if ((await waiting.count(clientId)) > 0) continue;
    for (const entity of ENTITIES.filter((name) => name !== 'vocabulary_term')) {
      const index = tx.objectStore(entity).index('client_id');
      for (const key of await index.getAllKeys(clientId)) await tx.objectStore(entity).delete(key);
    }
    const conflicts = tx.objectStore('conflicts');
    for (const key of await conflicts.index('client_id').getAllKeys(clientId)) await conflicts.delete(key);
    deferred.delete(clientId);
  }
  await tx.objectStore('meta').put([...deferred], 'deferred_evictions');
}

/** Evictions that waited for their client's changes to be pushed. */
export const runDeferredEvictions = () => write(ALL, async (tx) => evictReady(tx, await deferredEvictions(tx)));

export const dropConflict = (id) => write(['conflicts'], (tx) => tx.objectStore('conflicts').delete(id));

/** Remove every client record, change, conflict and the device token; return what was waiting. */
export function wipe() {
  return write(ALL, async (tx) => {
    const lost = await tx.objectStore('outbox').count();
    for (const name of ALL) await tx.objectStore(name).clear();
    return lost;
  });
}
