// Local changes, as the screens make them: each writes the record and an outbox entry
// together (db.saveChange) and then announces itself, so that sync can run soon after.
import * as db from './db.js';
import { newId } from './outbox-rules.js';

/** Fired (event 'change') after every local change; sync.js listens to it. */
export const localChanges = new EventTarget();

function announce(entity, id) {
  localChanges.dispatchEvent(new CustomEvent('change', { detail: { entity, id } }));
}

/** Create a record on this device; returns its new id. */
export async function createRecord(entity, fields, { clientId = null } = {}) {
  const id = newId();
  await db.saveChange({ entity, id, fields, clientId, changeId: newId() });
  announce(entity, id);
  return id;
}

/** Change some fields of a record; only the fields that really changed are queued. */
export async function updateRecord(entity, id, fields) {
  const current = await db.getRecord(entity, id);
  if (!current) throw new Error(`No ${entity} ${id} on this device.`);
  const changed = {};
  for (const [name, value] of Object.entries(fields)) {
    if (JSON.stringify(current[name] ?? null) !== JSON.stringify(value ?? null)) changed[name] = value;
  }
  if (Object.keys(changed).length === 0) return false;
  await db.saveChange({ entity, id, fields: changed, changeId: newId() });
  announce(entity, id);
  return true;
}

export async function deleteRecord(entity, id) {
  await db.saveChange({ entity, id, op: 'delete', changeId: newId() });
  announce(entity, id);
}

/** Send a corrected rejected change again, as a new change (a new change id). */
export async function resendFixed(entry, fields) {
  const done = await db.resendFixed(entry.seq, fields, newId());
  if (done) announce(entry.entity, entry.record_id);
  return done;
}

/** Give up a refused change (the practitioner confirmed it); it will never be sent. */
export async function discardRejected(entry) {
  const done = await db.discardRejected(entry.seq);
  if (done) announce(entry.entity, entry.record_id);
  return done;
}
