// The device database's half of a pull: storing pulled pages, and removing clients who left
// the caseload. The push half is db-push.js; both build on db-core.js. Each change reads in
// one short transaction, decrypts and seals outside it, and writes in one more, under the
// database's exclusive lock (see db-core.js), so thousands of records go through in a pass.
import { ALL, CLINIC_WIDE, ENTITIES, applyOps, exclusive, read, sealOps, write } from './db-core.js';
import { clientIdOf, conflictFromWire, inOrder, localFromServer } from './outbox-rules.js';
import { openMeta, openRows, sealRow } from './seal.js';
import { RESTORED, forgetKeptOf } from './db-restore.js';

export function groupByRecord(entries) {
  const byRecord = new Map();
  for (const entry of inOrder(entries)) {
    if (!byRecord.has(entry.record_id)) byRecord.set(entry.record_id, []);
    byRecord.get(entry.record_id).push(entry);
  }
  return byRecord;
}

/**
 * The writes that store a server record (ops, see db-core.js): the local copy is the server's
 * with the device's waiting changes laid over it; a tombstone with nothing waiting goes.
 */
export function serverRecordOps(entity, server, localId = server.id, clientId = null, waiting = []) {
  const ops = [];
  if (localId !== server.id) ops.push({ store: entity, delete: localId });
  if (server.deleted && waiting.length === 0) {
    ops.push({ store: entity, delete: server.id });
  } else {
    const local = localFromServer(entity, server, waiting);
    if (!local.client_id && clientId && !CLINIC_WIDE.includes(entity)) local.client_id = clientId;
    ops.push({ store: entity, put: local });
  }
  return ops;
}

// ---- records of an entity this version does not know ---------------------------------------
// A newer server may send an entity this app has no store for. Such a record is not dropped:
// it is kept aside in meta, sealed, under "unknown:<client id>:<entity>:<id>" (the key alone
// says whose it is and how many wait, so a locked phone counts them and an eviction drops
// them without decrypting), shown on "Needs attention", and stored for real by the first
// pull once an update knows its entity.
export const UNKNOWN = 'unknown:';
const unknownKey = (server) => `${UNKNOWN}${clientIdOf(server.entity, server.id, server.fields) || 'clinic'}:${server.entity}:${server.id}`;
export const entityOfKey = (key) => key.split(':')[2];
/** The meta keys of the records kept aside. */
export const unknownKeys = () => IDBKeyRange.bound(UNKNOWN, `${UNKNOWN}\uffff`);

/** The records kept aside whose entity this version knows now (after an update): [[key, record]]. */
async function keptNowKnown() {
  const known = new Set(ENTITIES);
  const rows = await read(['meta'], async (tx) => {
    const meta = tx.objectStore('meta');
    const keys = (await meta.getAllKeys(unknownKeys())).filter((key) => known.has(entityOfKey(key)));
    return Promise.all(keys.map(async (key) => [key, await meta.get(key)]));
  });
  return Promise.all(rows.map(async ([key, row]) => [key, await openMeta(key, row)]));
}

/** What storing ``records`` needs to know first: local versions, waiting changes, decisions. */
function readBeforePull(records) {
  return read(ALL, async (tx) => {
    const [versions, outbox, decisions, replacing] = await Promise.all([
      Promise.all(records.map((server) => tx.objectStore(server.entity).get(server.id)
        .then((local) => (local ? local.version : null)))),
      tx.objectStore('outbox').getAll(),
      tx.objectStore('meta').get('decisions'),
      tx.objectStore('meta').get(RESTORED),
    ]);
    // After a restore the server's versions and this phone's are not comparable: its copy wins.
    return { versions: replacing ? versions.map(() => null) : versions, outbox, decisions };
  });
}

/**
 * Store one pulled page: records, evictions, open conflicts and the cursor, together.
 * ``first``: the page was asked for with no cursor (the first page of a snapshot).
 */
export function storePull(page, { first = false } = {}) {
  return exclusive(async () => {
    const known = new Set(ENTITIES);
    const kept = await keptNowKnown();
    const records = [...kept.map(([, server]) => server), ...(page.records || []).filter((server) => known.has(server.entity))];
    const unknown = (page.records || []).filter((server) => !known.has(server.entity));
    const found = await readBeforePull(records);
    const inPage = new Set(records.map((server) => server.id));
    const byRecord = groupByRecord(await openRows('outbox', found.outbox.filter((e) => inPage.has(e.record_id))));
    const waitingIds = new Set(found.outbox.map((entry) => entry.record_id));
    const decided = new Set(((await openMeta('decisions', found.decisions)) || []).map((d) => d.conflict_id));
    const newest = new Map();
    records.forEach((server, i) => {
      const seen = newest.get(server.id);
      if ((found.versions[i] !== null && found.versions[i] >= server.version) || (seen && seen.version >= server.version)) return;
      newest.set(server.id, server);
    });
    const ops = await sealOps([
      ...[...newest.values()].flatMap((server) => serverRecordOps(
        server.entity, server, server.id, null, byRecord.get(server.id) || [])),
      ...kept.map(([key]) => ({ store: 'meta', delete: key })),
      ...unknown.map((server) => ({ store: 'meta', key: unknownKey(server), put: server }))]);
    // Each page carries every open conflict of the caseload, but those decided here wait to be sent.
    const conflicts = await Promise.all((page.conflicts || []).filter((c) => !decided.has(c.conflict_id))
      .map((conflict) => sealRow('conflicts', conflictFromWire(conflict))));
    const pulled = new Map(ENTITIES.map((entity) => [entity, new Set()]));
    // records holds known entities only (those of others were set aside above)
    for (const server of records) /** @type {Set<string>} */ (pulled.get(server.entity)).add(server.id);
    return write(ALL, async (tx) => {
      await applyOps(tx, ops);
      if (page.snapshot) await keepSnapshotPage(tx, pulled, waitingIds, { first, last: !page.more });
      await evictReady(tx, new Set([...(await deferredEvictions(tx)), ...(page.evict || [])]));
      const store = tx.objectStore('conflicts');
      await store.clear();
      await Promise.all(conflicts.map((conflict) => store.put(conflict)));
      const meta = tx.objectStore('meta');
      await meta.put(page.cursor, 'cursor');
      if (page.server_id) await meta.put(page.server_id, 'server_id');  // see db-restore.js
      if (page.api_version) await meta.put(page.api_version, 'api_version');
      // How much this page changed here (the device's own writes coming back count as none),
      // so that screens redraw only when something they show may have changed.
      return newest.size + unknown.length + (page.evict || []).length + (page.conflicts || []).length
        + (page.snapshot ? 1 : 0);
    });
  });
}

// A snapshot may come in pages: the ids of the pages so far are kept (in clear, like the
// stores' own keys) until the last page, which drops what none of them listed. A snapshot
// interrupted between pages resumes from its cursor; one begun again starts a fresh list.
const SNAPSHOT_IDS = 'snapshot_ids';

async function keepSnapshotPage(tx, pulled, waitingIds, { first, last }) {
  const meta = tx.objectStore('meta');
  const earlier = first ? null : await meta.get(SNAPSHOT_IDS);
  for (const [entity, ids] of Object.entries(earlier || {})) {
    if (pulled.has(entity)) ids.forEach((id) => pulled.get(entity).add(id));
  }
  if (!last) {
    await meta.put(Object.fromEntries([...pulled].map(([entity, ids]) => [entity, [...ids]])), SNAPSHOT_IDS);
    return;
  }
  await meta.delete(SNAPSHOT_IDS);
  await meta.delete(RESTORED);  // the full copy after a restore is complete
  await dropUnlisted(tx, pulled, waitingIds);
}

// A full snapshot lists everything the device may hold: drop synced records it omits (their
// ids and versions are in clear, so this needs no decrypting).
async function dropUnlisted(tx, pulled, waitingIds) {
  const drops = [];
  for (const [entity, ids] of pulled) {
    const store = tx.objectStore(entity);
    for (const record of await store.getAll()) {
      if (record.version > 0 && !ids.has(record.id) && !waitingIds.has(record.id)) drops.push(store.delete(record.id));
    }
  }
  await Promise.all(drops);
}

export const deferredEvictions = async (tx) => new Set((await tx.objectStore('meta').get('deferred_evictions')) || []);

// Remove clients that left the caseload, once nothing of theirs waits in the outbox (every
// key and index used here is in clear).
export async function evictReady(tx, deferred) {
  const waiting = tx.objectStore('outbox').index('client_id');
  for (const clientId of [...deferred]) {
    if ((await waiting.count(clientId)) > 0) continue;
    const theirs = new Set([clientId]);
    for (const entity of ENTITIES.filter((name) => !CLINIC_WIDE.includes(name))) {
      const index = tx.objectStore(entity).index('client_id');
      for (const key of await index.getAllKeys(clientId)) {
        theirs.add(key);
        await tx.objectStore(entity).delete(key);
      }
    }
    const conflicts = tx.objectStore('conflicts');
    for (const key of await conflicts.index('client_id').getAllKeys(clientId)) await conflicts.delete(key);
    await forgetKeptOf(tx, clientId);
    await dropDraftsOf(tx.objectStore('meta'), theirs);
    await tx.objectStore('meta').delete(IDBKeyRange.bound(`${UNKNOWN}${clientId}:`, `${UNKNOWN}${clientId}:\uffff`));
    deferred.delete(clientId);
  }
  await tx.objectStore('meta').put([...deferred], 'deferred_evictions');
}

// Drafts are keyed by what they are about ("finding:<visit id>", "client:<client id>"): a
// client's go with the client's records.
async function dropDraftsOf(meta, ids) {
  for (const key of await meta.getAllKeys()) {
    if (typeof key === 'string' && key.startsWith('draft:') && key.split(/[:/]/).some((part) => ids.has(part))) {
      await meta.delete(key);
    }
  }
}

/** Evictions that waited for their client's changes to be pushed. */
export const runDeferredEvictions = () => exclusive(() => write(ALL, async (tx) => evictReady(tx, await deferredEvictions(tx))));
