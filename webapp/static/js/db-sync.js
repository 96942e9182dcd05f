// The device database's half of a pull: storing pulled pages, and removing clients who left
// the caseload. Pushes are db-push.js. Kept apart from db.js only for length; together they
// are the one place that touches IndexedDB. Each function is one transaction that never
// waits on the network, and issues its reads and writes together so that thousands of
// records go through in one short pass.
import { ALL, ENTITIES, write } from './db.js';
import { conflictFromWire, inOrder, localFromServer } from './records.js';

/** The outbox entries of each record, oldest first, read once for a whole transaction. */
async function waitingByRecord(tx) {
  return groupByRecord(await tx.objectStore('outbox').getAll());
}

export function groupByRecord(entries) {
  const byRecord = new Map();
  for (const entry of inOrder(entries)) {
    if (!byRecord.has(entry.record_id)) byRecord.set(entry.record_id, []);
    byRecord.get(entry.record_id).push(entry);
  }
  return byRecord;
}


export function storeServerRecord(tx, entity, server, localId = server.id, clientId = null, waiting = []) {
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
    await conflicts.clear();  // each page carries every open conflict of the caseload ...
    const decided = new Set(((await meta.get('decisions')) || []).map((d) => d.conflict_id));
    for (const conflict of page.conflicts || []) {  // ... but those decided here wait to be sent
      if (!decided.has(conflict.conflict_id)) await conflicts.put(conflictFromWire(conflict));
    }
    await meta.put(page.cursor, 'cursor');
    if (page.api_version) await meta.put(page.api_version, 'api_version');
    // How much this page changed here (the device's own writes coming back count as none),
    // so that screens redraw only when something they show may have changed.
    return newest.size + (page.evict || []).length + (page.conflicts || []).length + (page.snapshot ? 1 : 0);
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

export const deferredEvictions = async (tx) => new Set((await tx.objectStore('meta').get('deferred_evictions')) || []);

// Remove clients that left the caseload, once nothing of theirs waits in the outbox.
export async function evictReady(tx, deferred) {
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

