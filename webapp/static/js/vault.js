// The phone's lock: a random AES-GCM-256 data key seals the caseload at rest (seal.js), and it
// is stored only wrapped, by each of:
//  - a key derived from the practitioner's PIN (PBKDF2-SHA256, 600,000 iterations);
//  - a passkey's PRF output (WebAuthn, where the browser offers it), through HKDF;
//  - the phone's escrow key, which the server keeps and releases only to a sign-in on this
//    phone (POST /api/v1/devices/escrow), never once the phone is revoked.
// Unwrapped, the key lives only in memory as a non-extractable CryptoKey (keyring.js). All of
// it is WebCrypto: no cryptographic primitive is written here. docs/security.md has the why.
import * as db from './db.js';
import { LockedError, dropKey, holdKey } from './keyring.js';

const LOCK = 'lock';
export const PIN_ITERATIONS = 600000;
export const MIN_PIN_LENGTH = 6;
export const MAX_PIN_TRIES = 10;
const AES = { name: 'AES-GCM', length: 256 };
const encoder = new TextEncoder();

export class UnlockError extends Error {
  /**
   * ``reason``: 'wrong-pin' (``left`` tries), 'pin-erased', 'no-pin', 'passkey-failed'.
   * @param {string} reason
   * @param {string} message
   * @param {number | null} [left]
   */
  constructor(reason, message, left = null) {
    super(message);
    this.name = 'UnlockError';
    this.reason = reason;
    this.left = left;
  }
}

const random = (bytes) => crypto.getRandomValues(new Uint8Array(bytes));
export const readLock = () => db.getMeta(LOCK);
const saveLock = (lock) => db.setMeta(LOCK, lock);

/** Whether this phone's data is locked away (it has a lock, so it opens on the lock screen). */
export async function hasLock() {
  return Boolean(await readLock());
}

function unb64url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

// ---- the keys that wrap the data key ---------------------------------------------------
async function pinKey(pin, salt, iterations = PIN_ITERATIONS) {
  const material = await crypto.subtle.importKey('raw', encoder.encode(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash: 'SHA-256' }, material, AES, false,
    ['wrapKey', 'unwrapKey']);
}

async function secretKey(bytes, info) {
  const material = await crypto.subtle.importKey('raw', bytes, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: encoder.encode(info) },
    material, AES, false, ['wrapKey', 'unwrapKey']);
}

const escrowKey = (escrowText) => secretKey(unb64url(escrowText), 'fieldbook escrow wrap v1');
const passkeyKey = (prfOutput) => secretKey(new Uint8Array(prfOutput), 'fieldbook passkey wrap v1');

async function wrap(dataKey, kek) {
  const iv = random(12);
  return { iv, wrapped: await crypto.subtle.wrapKey('raw', dataKey, kek, { name: 'AES-GCM', iv }) };
}

function unwrap(wrapping, kek, extractable = false) {
  return crypto.subtle.unwrapKey('raw', wrapping.wrapped, kek, { name: 'AES-GCM', iv: wrapping.iv }, AES, extractable,
    ['encrypt', 'decrypt']);
}

/** Hold the data key unwrapped by ``kek`` (non-extractable), for the rest of this page's life. */
async function openWith(wrapping, kek) {
  holdKey(await unwrap(wrapping, kek));
}

// ---- setting up ------------------------------------------------------------------------
export function checkPin(pin) {
  if (typeof pin !== 'string' || pin.length < MIN_PIN_LENGTH) return `Use at least ${MIN_PIN_LENGTH} digits or characters.`;
  if (/^(\d)\1+$/.test(pin) || '01234567890'.includes(pin) || '09876543210'.includes(pin)) {
    return 'That PIN is too easy to guess. Choose another.';
  }
  return null;
}

async function pinWrapping(dataKey, pin) {
  const salt = random(16);
  return { salt, iterations: PIN_ITERATIONS, ...(await wrap(dataKey, await pinKey(pin, salt))), attempts: 0 };
}

/**
 * The first lock of this phone: a new data key, wrapped by the PIN and the escrow key, held
 * unlocked. Returns a function that can add a passkey with it while the setup screen is open
 * (the only time the data key exists in extractable form without the PIN typed again).
 */
export async function setUp({ pin, escrow }) {
  const dataKey = await crypto.subtle.generateKey(AES, true, ['encrypt', 'decrypt']);
  const lock = { version: 1, pin: await pinWrapping(dataKey, pin), passkey: null,
    escrow: escrow ? await wrap(dataKey, await escrowKey(escrow)) : null, created_at: new Date().toISOString() };
  await saveLock(lock);
  await openWith(lock.pin, await pinKey(pin, lock.pin.salt));
  return (user) => addPasskeyWith(dataKey, user);
}

/**
 * Wrap the data key by a new escrow key (a phone registered again): the PIN is checked first,
 * then ``getEscrow()`` fetches the key, so a wrong PIN registers nothing.
 */
export async function addEscrow(pin, getEscrow) {
  const lock = await readLock();
  const extractable = await unwrap(lock.pin, await pinKey(pin, lock.pin.salt, lock.pin.iterations), true);
  const escrow = await getEscrow();
  await saveLock({ ...lock, escrow: await wrap(extractable, await escrowKey(escrow)) });
}

// ---- unlocking -------------------------------------------------------------------------
export async function unlockWithPin(pin) {
  const lock = await readLock();
  if (!lock || !lock.pin) throw new UnlockError('no-pin', 'The PIN was erased after too many wrong tries. Sign in to unlock.');
  try {
    await openWith(lock.pin, await pinKey(pin, lock.pin.salt, lock.pin.iterations));
  } catch (error) {
    if (/** @type {Error} */ (error).name !== 'OperationError') throw error;
    const attempts = (lock.pin.attempts || 0) + 1;
    if (attempts >= MAX_PIN_TRIES) {
      await saveLock({ ...lock, pin: null });
      throw new UnlockError('pin-erased', `That was the ${MAX_PIN_TRIES}th wrong PIN: the PIN no longer unlocks this phone. `
        + 'Sign in with your password to unlock it; nothing is lost.');
    }
    await saveLock({ ...lock, pin: { ...lock.pin, attempts } });
    const left = MAX_PIN_TRIES - attempts;
    throw new UnlockError('wrong-pin', `That PIN is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.`, left);
  }
  if (lock.pin.attempts) await saveLock({ ...lock, pin: { ...lock.pin, attempts: 0 } });
}

/**
 * After a sign-in on this phone, the escrow key the server released unlocks it, and a new
 * PIN replaces the old (forgotten or erased) one.
 * @param {string} escrow
 * @param {string | null} [newPin]
 */
export async function unlockWithEscrow(escrow, newPin = null) {
  const lock = await readLock();
  const kek = await escrowKey(escrow);
  if (newPin) {
    const extractable = await unwrap(lock.escrow, kek, true);
    await saveLock({ ...lock, pin: await pinWrapping(extractable, newPin) });
  }
  await openWith(lock.escrow, kek);
}

// ---- passkeys (WebAuthn PRF): an unlock that works offline --------------------------------
const PRF_INFO = encoder.encode('Fieldbook data key v1');
const prfSalt = async () => new Uint8Array(await crypto.subtle.digest('SHA-256', PRF_INFO));

/** Whether this browser may offer a passkey with PRF here (the answer is known only on trying). */
export const passkeysPossible = () => Boolean(window.PublicKeyCredential && navigator.credentials
  && window.isSecureContext && !/^\d+\.\d+\.\d+\.\d+$/.test(location.hostname));

async function prfFromGet(credentialId) {
  // A public-key request answers a PublicKeyCredential (or throws: no passkey, cancelled).
  const assertion = /** @type {PublicKeyCredential} */ (await navigator.credentials.get({ publicKey: {
    challenge: random(32), allowCredentials: [{ type: 'public-key', id: credentialId }], userVerification: 'required',
    timeout: 60000, extensions: { prf: { eval: { first: await prfSalt() } } } } }));
  const results = assertion.getClientExtensionResults().prf;
  if (!results || !results.results || !results.results.first) throw new UnlockError('passkey-failed', 'This passkey cannot unlock Fieldbook.');
  return results.results.first;
}

async function addPasskeyWith(dataKey, user) {
  const credential = /** @type {PublicKeyCredential} */ (await navigator.credentials.create({ publicKey: {
    rp: { name: 'Fieldbook' }, user: { id: random(16), name: user.name, displayName: user.name },
    challenge: random(32), pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
    authenticatorSelection: { authenticatorAttachment: 'platform', residentKey: 'preferred', userVerification: 'required' },
    timeout: 60000, extensions: { prf: { eval: { first: await prfSalt() } } } } }));
  const prf = credential.getClientExtensionResults().prf;
  if (!prf || !prf.enabled) throw new UnlockError('passkey-failed', 'This phone’s passkeys cannot unlock Fieldbook; use your PIN.');
  const output = (prf.results && prf.results.first) || await prfFromGet(credential.rawId);
  const lock = await readLock();
  await saveLock({ ...lock, passkey: { credential_id: new Uint8Array(credential.rawId),
    ...(await wrap(dataKey, await passkeyKey(output))) } });
}

/** Add a passkey later: the PIN is asked again, since only it can unwrap the key here. */
export async function addPasskey(pin, user) {
  const lock = await readLock();
  const extractable = await unwrap(lock.pin, await pinKey(pin, lock.pin.salt, lock.pin.iterations), true);
  await addPasskeyWith(extractable, user);
}

export async function unlockWithPasskey() {
  const lock = await readLock();
  if (!lock || !lock.passkey) throw new UnlockError('passkey-failed', 'No passkey unlocks this phone.');
  const output = await prfFromGet(lock.passkey.credential_id);
  await openWith(lock.passkey, await passkeyKey(output));
}

export async function removePasskey() {
  const lock = await readLock();
  await saveLock({ ...lock, passkey: null });
}

// ---- locking ---------------------------------------------------------------------------
const beforeLock = new Set();

/** Run ``save`` (e.g. store what is being typed, sealed) before the app locks. */
export function onBeforeLock(save) {
  beforeLock.add(save);
  return () => beforeLock.delete(save);
}

/** @param {PromiseRejectionEvent | ErrorEvent} event */
function ignoreLocked(event) {
  const error = 'reason' in event ? event.reason : event.error;
  if (error instanceof LockedError) event.preventDefault();
}

/**
 * Lock now: what is being typed is saved first (sealed, while the key is still held), then
 * the key is dropped and the page reloads onto the lock screen, so nothing decrypted stays
 * in memory or in the page.
 */
export async function lockNow({ reload = true } = {}) {
  for (const save of [...beforeLock]) {
    try { await save(); } catch { /* a draft that cannot be kept must not keep the phone open */ }
  }
  // Work still under way when the key goes (a redraw after a sync, a sync itself) fails on
  // the missing key until the page has reloaded: that is the lock doing its job, and nothing
  // of it is lost (every write is one transaction; what was typed is kept above).
  window.addEventListener('unhandledrejection', ignoreLocked);
  window.addEventListener('error', ignoreLocked);
  dropKey();
  if (reload) window.location.reload();
}
