// The outbox's rules, pure (no IndexedDB here: see db.js): how waiting changes lie over a
// record, how the next change is rebased onto an answer, how a batch is picked, and what goes
// on the wire. (Named so: "records" is the desk's record page, webapp/records.)
//
// A local record is the server's copy with the device's waiting changes laid over it, so
// the practitioner always sees their own latest entry, while `version` stays the server
// version they last saw (the base of their next change).

export const BOOKKEEPING = ['id', 'version', 'deleted', 'client_id'];

/** A new random UUID (v4) for a record or a change. */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The client a pulled or pushed record belongs to (a client belongs to itself). */
export function clientIdOf(entity, id, fields) {
  if (entity === 'client') return id;
  return (fields && fields.client_id) || null;
}

/** The local copy of a server record, with the device's waiting changes laid over it. */
export function localFromServer(entity, server, waiting = []) {
  const record = {
    ...server.fields,
    id: server.id,
    version: server.version,
    deleted: Boolean(server.deleted),
    client_id: clientIdOf(entity, server.id, server.fields),
  };
  for (const entry of waiting) {
    if (entry.op === 'delete') record.deleted = true;
    else Object.assign(record, entry.fields);
  }
  if (!record.client_id) delete record.client_id;
  return record;
}

/** Equal as the server would store them: blanks alike, times by instant, numbers by value. */
export function sameValue(a, b) {
  const blank = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  if (blank(a) || blank(b)) return blank(a) && blank(b);
  const instant = /^\d{4}-\d{2}-\d{2}T/;
  if (typeof a === 'string' && typeof b === 'string' && instant.test(a) && instant.test(b)) {
    return Date.parse(a) === Date.parse(b);
  }
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What the practitioner saw in each field before this edit (the first sight is kept). */
export function seenBefore(current, fields, earlier = {}) {
  const seen = {};
  for (const name of Object.keys(fields)) seen[name] = current ? (current[name] ?? null) : null;
  return { ...seen, ...earlier };
}

const pick = (object, names) => Object.fromEntries(names.filter((n) => n in (object || {})).map((n) => [n, object[n]]));

/**
 * A waiting change, once the device's own earlier change to the record is answered. A field
 * whose server value is still what the practitioner saw is based on the new version (else
 * the server would take the device's own earlier change for someone else's). A field that
 * someone else changed meanwhile keeps the old base, so the server reports the conflict
 * rather than overwriting their work. A change with both kinds is split in two; it was
 * never sent, so that is safe. Returns the entries to store (a new one has no `seq`).
 */
export function rebase(entry, serverRecord, version, recordId) {
  const names = Object.keys(entry.fields || {});
  const seen = entry.seen || {};
  const safe = serverRecord ? names.filter((n) => sameValue(serverRecord.fields[n], seen[n])) : [];
  const kept = names.filter((n) => !safe.includes(n));
  if (kept.length === 0) return [{ ...entry, base_version: version ?? entry.base_version, record_id: recordId }];
  if (safe.length === 0) return [{ ...entry, record_id: recordId }];
  const { seq, ...rest } = entry;
  return [
    { ...entry, fields: pick(entry.fields, kept), seen: pick(seen, kept), record_id: recordId },
    { ...rest, change_id: newId(), fields: pick(entry.fields, safe), seen: pick(seen, safe), base_version: version,
      record_id: recordId, split_from: entry.change_id },
  ];
}

/** Outbox entries of one record, oldest first. */
export function inOrder(entries) {
  const position = (entry) => entry.seq ?? Number.MAX_SAFE_INTEGER;  // not stored yet: last
  return [...entries].sort((a, b) => position(a) - position(b));
}

/**
 * Chooses the entries to push next: at most one per record (the oldest), so the server never
 * sees two changes to one record based on the same version. A record whose oldest entry was
 * rejected holds its later entries until the practitioner fixes it, and one whose oldest is
 * in flight holds them until its answer is stored. Fed the outbox in seq
 * order, a chunk at a time, so a push reads only as much of a long outbox as it sends, and
 * told the records in flight, so the changes in flight need not be read again.
 */
export function batchPicker(limit, inFlight = new Set(), recordsInFlight = []) {
  // A record with a change in flight is held whether or not that change is read again.
  const seen = new Set(recordsInFlight.filter(Boolean));
  const batch = [];
  return {
    batch,
    full: () => batch.length >= limit,
    take(entries) {
      for (const entry of entries) {
        if (batch.length >= limit) return;
        if (seen.has(entry.record_id)) continue;
        seen.add(entry.record_id);
        if (entry.status === 'pending' && !inFlight.has(entry.seq)) batch.push(entry);
      }
    },
  };
}

/** The change as it goes over the wire: identical on every retry. */
export function toWire(entry) {
  const change = {
    change_id: entry.change_id,
    entity: entry.entity,
    id: entry.record_id,
    op: entry.op,
    base_version: entry.base_version,
  };
  if (entry.op === 'upsert') change.fields = entry.fields;
  return change;
}

/**
 * The server's copy a push answer stands for. A plain create is answered without the record
 * (the device holds what it sent): its copy is what was sent, the server-derived fields and
 * the new version.
 */
export function answeredRecord(entry, result, id) {
  if (result.record) return result.record;
  if (result.version == null || entry.op !== 'upsert') return null;
  return { entity: entry.entity, id, version: result.version, deleted: false,
    fields: { ...entry.fields, ...(result.derived || {}) } };
}

/** The local copy of a record this device created, once the server took it. */
export function createdRecord(entry, result) {
  const record = { ...entry.fields, ...(result.derived || {}), id: entry.record_id, version: result.version, deleted: false };
  if (entry.client_id) record.client_id = entry.client_id;
  return record;
}

/** Conflicts as the device keeps them (from a push result or a pull). */
export function conflictFromWire(conflict, defaults = {}) {
  return {
    conflict_id: conflict.conflict_id,
    entity: conflict.entity || defaults.entity,
    id: conflict.id || defaults.id,
    client_id: conflict.client_id || defaults.client_id || null,
    field: conflict.field,
    server_value: conflict.server_value,
    device_value: conflict.device_value,
    created_at: conflict.created_at || new Date().toISOString(),
  };
}
