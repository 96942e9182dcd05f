// Sealing rows for IndexedDB: everything a row says is encrypted with the data key (AES-GCM,
// a fresh 96-bit IV each time); only what an index or the sync bookkeeping needs stays in
// clear, and none of it is personal: ids, versions, tombstones, outbox states. The list of
// clear fields is here and in docs/security.md, and nowhere else. Each ciphertext is bound
// to its store and row (additional data), so one cannot be moved onto another row.
import { currentKey } from './keyring.js';

const RECORD = ['id', 'version', 'deleted', 'client_id'];
export const CLEAR_FIELDS = {
  // Each index of db.js must find its field in clear (a test holds them in step).
  finding: [...RECORD, 'visit_id'],
  sensation_rating: [...RECORD, 'visit_id', 'sensation_id'],
  vocabulary_term: ['id', 'version', 'deleted', 'kind'],
  outbox: ['seq', 'change_id', 'entity', 'record_id', 'client_id', 'op', 'base_version', 'status', 'attempts',
    'follows', 'code', 'errors', 'created_at', 'updated_at', 'rejected_at', 'fixed_at', 'previous_change_ids'],
  conflicts: ['conflict_id', 'client_id', 'entity', 'id', 'field'],
};
// An acknowledged change kept for a restore (db-restore.js): an outbox entry, and when it was kept.
CLEAR_FIELDS.sent = [...CLEAR_FIELDS.outbox, 'kept_at'];
// Meta values the app needs before it is unlocked, or that say nothing of anyone: the rest
// (the device token, drafts, conflict decisions, the visit under way) is sealed.
export const CLEAR_META = new Set(['lock', 'owner', 'device_proof', 'cursor', 'schema', 'last_sync', 'api_version',
  'in_flight', 'deferred_evictions', 'clock', 'snapshot_ids', 'restored',
  'server_id']);

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** The fields of ``store``'s rows kept in clear. */
export const clearFieldsOf = (store) => CLEAR_FIELDS[store] || RECORD;
// A kept change (store 'sent', db-restore.js) is its outbox row moved as it is, still sealed:
// it stays bound to the outbox, so keeping it costs no encryption.
const boundTo = (store, key) => encoder.encode(`fieldbook:${store === 'sent' ? 'outbox' : store}:${key}`);

/** The row's own key, which its ciphertext is bound to. */
function rowKey(store, row) {
  if (store === 'outbox' || store === 'sent') return row.record_id;
  if (store === 'conflicts') return row.conflict_id;
  return row.id;
}

async function encrypt(value, bound) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: bound }, currentKey(),
    encoder.encode(JSON.stringify(value)));
  return { iv, ct };
}

async function decrypt(sealed, bound) {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: bound }, currentKey(),
    sealed.ct);
  return JSON.parse(decoder.decode(plain));
}

/** A row as stored: its clear fields, and the rest sealed. */
export async function sealRow(store, row) {
  const clear = {};
  const content = {};
  const names = clearFieldsOf(store);
  for (const [name, value] of Object.entries(row)) {
    if (names.includes(name)) clear[name] = value;
    else content[name] = value;
  }
  return { ...clear, sealed: await encrypt(content, boundTo(store, rowKey(store, row))) };
}

/** A stored row as the app uses it (a row stored before the app locked reads as it is). */
export async function openRow(store, stored) {
  if (!stored || !stored.sealed) return stored;
  const { sealed, ...clear } = stored;
  return { ...clear, ...(await decrypt(sealed, boundTo(store, rowKey(store, clear)))) };
}

export const sealRows = (store, rows) => Promise.all(rows.map((row) => sealRow(store, row)));
export const openRows = (store, rows) => Promise.all(rows.map((row) => openRow(store, row)));

/**
 * A meta value as stored: sealed unless it is one of CLEAR_META. A list keeps its length in
 * clear (the count of conflict decisions waiting is shown while locked).
 */
export async function sealMeta(key, value) {
  if (CLEAR_META.has(key) || value === null || value === undefined) return value;
  return { sealed: await encrypt(value, boundTo('meta', key)), size: Array.isArray(value) ? value.length : null };
}

export async function openMeta(key, stored) {
  if (!stored || !stored.sealed || CLEAR_META.has(key)) return stored;
  return decrypt(stored.sealed, boundTo('meta', key));
}

export const isSealed = (stored) => Boolean(stored && stored.sealed);
