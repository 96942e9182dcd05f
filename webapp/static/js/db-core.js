// The device database's foundations, shared by db.js (what the screens use), db-push.js and
// db-pull.js (the two halves of sync): the IndexedDB connection, its stores, short
// transactions, and writing sealed rows. Nothing else in the app opens IndexedDB.
//
// Rows are sealed (seal.js): reading one needs WebCrypto, which is asynchronous, and an
// IndexedDB transaction ends as soon as it waits on anything else. So a change reads in one
// transaction, decrypts and computes outside any, seals, then writes in a second one; and
// every change runs under one exclusive lock (Web Locks, across tabs too), so that no other
// change slips in between its read and its write.
import { openDB } from '../vendor/idb/index.js';
import { sealMeta, sealRow } from './seal.js';

const NAME = 'fieldbook';
const VERSION = 5;
// An outbox entry queued behind another change to the same record carries `follows: 1`
// (an index only holds entries that have the property), so answering a push finds a
// record's later changes without reading the whole outbox. Only a record's oldest
// entry may lack it.
export const FOLLOWS = 'follows';
// The synced entities, one store each, as the server lists them (webapp/sync/entities.py);
// tests/sync/test_device_stores.py holds the two lists, and the indexes below, in step. A
// pulled record of an entity not listed here is kept aside (db-pull.js), never dropped.
export const ENTITIES = ['client', 'case_history', 'acknowledgement', 'appointment', 'visit', 'finding',
  'sensation', 'sensation_rating', 'vocabulary_term'];
// Entities of the whole clinic, not of one client: their stores have no client_id index.
export const CLINIC_WIDE = ['vocabulary_term'];
// Besides client_id: the parent each record hangs from, and a vocabulary term's kind.
export const INDEXES = { finding: ['visit_id'], sensation_rating: ['visit_id', 'sensation_id'], vocabulary_term: ['kind'] };
// Indexes on what seal.js derives from a row rather than on a field of it: the day an
// appointment is on, as a keyed tag (version 4; rows stored before it are tagged after
// unlock: db.js tagAppointmentDays).
export const DERIVED_INDEXES = { appointment: ['day_tag'] };
// 'sent': changes the server acknowledged, kept a while in case its database is restored
// from a backup that lacks them (db-restore.js), a row per push answer, indexed by the
// clients its changes are about.
export const KEPT_CLIENTS = 'client_ids';
export const ALL = [...ENTITIES, 'outbox', 'conflicts', 'meta', 'sent'];
const STRICT = { durability: 'strict' };
/** @type {Promise<import('../vendor/idb/index.js').IDBPDatabase> | null} */
let dbPromise = null;

function connect() {
  if (!dbPromise) {
    dbPromise = openDB(NAME, VERSION, {
      upgrade(db, oldVersion, newVersion, transaction) {
        if (oldVersion < 1) {
          for (const entity of ENTITIES) {
            const store = db.createObjectStore(entity, { keyPath: 'id' });
            if (!CLINIC_WIDE.includes(entity)) store.createIndex('client_id', 'client_id');
            for (const name of INDEXES[entity] || []) store.createIndex(name, name);
          }
          const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
          for (const name of ['status', 'record_id', 'client_id']) outbox.createIndex(name, name);
          outbox.createIndex('change_id', 'change_id', { unique: true });
          db.createObjectStore('conflicts', { keyPath: 'conflict_id' }).createIndex('client_id', 'client_id');
          db.createObjectStore('meta');
        }
        if (oldVersion < 2) markFollowers(transaction.objectStore('outbox'));
        if (oldVersion < 3) {
          const sent = db.createObjectStore('sent', { keyPath: 'seq' });
          for (const name of ['kept_at', 'client_id']) sent.createIndex(name, name);
        }
        if (oldVersion < 4) {
          for (const [entity, names] of Object.entries(DERIVED_INDEXES)) {
            for (const name of names) transaction.objectStore(entity).createIndex(name, name);
          }
        }
        if (oldVersion < 5) packKept(transaction.objectStore('sent'));
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

// Version 1 kept no `follows` mark: add the index and mark what already waits (clear fields).
async function markFollowers(outbox) {
  outbox.createIndex(FOLLOWS, FOLLOWS);
  const oldest = new Set();
  const entries = await outbox.getAll();
  entries.sort((a, b) => a.seq - b.seq);
  for (const entry of entries) {
    if (oldest.has(entry.record_id)) await outbox.put({ ...entry, [FOLLOWS]: 1 });
    else oldest.add(entry.record_id);
  }
}

// Version 4 kept each acknowledged change as a row of its own; version 5 keeps a push's
// answer as one row (db-restore.js): each kept row becomes a pack of one, still sealed.
async function packKept(sent) {
  sent.deleteIndex('client_id');
  sent.createIndex(KEPT_CLIENTS, KEPT_CLIENTS, { multiEntry: true });
  for (const { kept_at: keptAt, ...row } of await sent.getAll()) {
    await sent.put({ seq: row.seq, kept_at: keptAt, [KEPT_CLIENTS]: row.client_id ? [row.client_id] : [], rows: [row] });
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
// transaction here is safe to repeat: one that failed was not committed.
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
/** A read-only transaction: ``work(tx)`` must not wait on anything but its own requests. */
export const read = (stores, work) => transaction(stores, 'readonly', work);
/** A strict read-write transaction (call it inside ``exclusive``). */
export const write = (stores, work) => transaction(stores, 'readwrite', work);

// ---- one change at a time ----------------------------------------------------------------
let tail = Promise.resolve();

/**
 * Run ``work`` alone: no other change to the database runs until it ends, in this tab or
 * another. Not re-entrant: ``work`` must never call another exclusive function (it would
 * wait for itself), so exported changes take the lock and the helpers they use do not.
 */
export function exclusive(work) {
  if (navigator.locks) return navigator.locks.request('fieldbook-db', () => work());
  const result = tail.then(() => work(), () => work());  // no Web Locks: this tab at least keeps order
  tail = result.catch(() => {});
  return result;
}

// ---- sealed writes -----------------------------------------------------------------------
// A write is described first ({store, put | add: row} or {store, delete: key}; meta rows as
// {store: 'meta', key, put: value}), sealed outside any transaction, then applied in one.
/**
 * One write: exactly one of put, add and delete; key only with a meta put.
 * @typedef {{store: string, put?: any, add?: any, key?: string, delete?: IDBValidKey | IDBKeyRange}} Op
 */

/**
 * Seal the rows of ``ops`` (the deletes pass through).
 * @param {Op[]} ops
 * @returns {Promise<Op[]>}
 */
export function sealOps(ops) {
  return Promise.all(ops.map(async (op) => {
    if (op.put === undefined && op.add === undefined) return op;
    const row = op.put !== undefined ? op.put : op.add;
    const sealed = op.store === 'meta' ? await sealMeta(op.key, row) : await sealRow(op.store, row);
    return op.put !== undefined ? { ...op, put: sealed } : { ...op, add: sealed };
  }));
}

/**
 * Apply sealed ``ops`` in ``tx``, issued together.
 * @param {Op[]} ops
 */
export function applyOps(tx, ops) {
  return Promise.all(ops.map((op) => {
    const store = tx.objectStore(op.store);
    if (op.delete !== undefined) return store.delete(op.delete);
    if (op.add !== undefined) return store.add(op.add);
    return op.store === 'meta' ? store.put(op.put, op.key) : store.put(op.put);
  }));
}
