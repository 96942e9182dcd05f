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
  // DAY_TAG: which day an appointment falls on, as a keyed tag (below), never the date itself.
  appointment: [...RECORD, 'day_tag'],
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
  'server_id', 'day_tags']);
/** The meta flag: every stored appointment carries its day tag (db.js tagAppointmentDays). */
export const DAY_TAGS = 'day_tags';

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

// ---- the appointments' day tags --------------------------------------------------------
// Today reads only the day's appointments, through an index (db-core.js DERIVED_INDEXES),
// not every appointment of years: so a row must say in clear which day it is on. It says it
// as a tag, HMAC-SHA-256 of the UTC date under a key derived from the data key, so the
// stored rows tell which appointments share a day but not which day (nor anything else)
// to anyone without the key; the app asks for the tags of the days it shows.
export const DAY_TAG = 'day_tag';
/** @type {WeakMap<CryptoKey, Promise<CryptoKey>>} */
const tagKeys = new WeakMap();

/**
 * The tag key of a data key. The data key is non-extractable AES-GCM, so it derives its tag
 * key the one way it can: by encrypting a constant under a fixed IV (AES in counter mode, a
 * pseudo-random function of the key). That one IV is never used for anything else: every
 * sealed row's IV is random (96 bits), so a row meeting it is a 2^-96 chance.
 */
function tagKeyOf(dataKey) {
  let found = tagKeys.get(dataKey);
  if (!found) {
    found = (async () => {
      const material = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, dataKey,
        encoder.encode('fieldbook:appointment-day-tags:v1'));
      return crypto.subtle.importKey('raw', new Uint8Array(material, 0, 32), { name: 'HMAC', hash: 'SHA-256' }, false,
        ['sign']);
    })();
    tagKeys.set(dataKey, found);
  }
  return found;
}

/** The tag of a UTC date (YYYY-MM-DD): 16 bytes of its HMAC, in hex. */
export async function dayTag(utcDate) {
  const mac = await crypto.subtle.sign('HMAC', await tagKeyOf(currentKey()), encoder.encode(`day:${utcDate}`));
  return [...new Uint8Array(mac, 0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The UTC date an instant falls on, or null for a row without a valid one. */
function utcDateOf(value) {
  const when = value ? new Date(value) : null;
  return when && !Number.isNaN(when.getTime()) ? when.toISOString().slice(0, 10) : null;
}

/** The clear fields a row's content gives rise to (an appointment's day tag). */
async function derivedFields(store, row) {
  if (store !== 'appointment') return {};
  const date = utcDateOf(row.starts_at);
  return date ? { [DAY_TAG]: await dayTag(date) } : {};
}

/** A row as stored: its clear fields, and the rest sealed. */
export async function sealRow(store, row) {
  const clear = {};
  const content = {};
  const names = clearFieldsOf(store);
  for (const [name, value] of Object.entries(row)) {
    if (name === DAY_TAG) continue;  // worked out afresh below, from the row's content
    if (names.includes(name)) clear[name] = value;
    else content[name] = value;
  }
  const [derived, sealed] = await Promise.all([derivedFields(store, row),
    encrypt(content, boundTo(store, rowKey(store, row)))]);
  return { ...clear, ...derived, sealed };
}

/** A stored row as the app uses it (a row stored before the app locked reads as it is). */
export async function openRow(store, stored) {
  if (!stored || !stored.sealed) return stored;
  const { sealed, [DAY_TAG]: tag, ...clear } = stored;  // the tag is the store's, not the row's
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
