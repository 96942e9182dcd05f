// This phone's place in the practice: its device registration, and signing out.
import * as db from './db.js';
import { api, ApiError, NetworkError } from './api.js';
import { SIGN_OUT_PENDING } from './sign-out-flag.js';
import { syncNow } from './sync.js';

export const LOGIN_URL = '/login?next=/app/';

function deviceLabel() {
  const platform = (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || '';
  return `Fieldbook app${platform ? ` on ${platform}` : ''}`;
}

/**
 * Where this phone stands with the server, once it is unlocked (or has no lock yet). Answers
 * {status}: 'ready'; 'sign-in' (no session); 'desk' (a desk account: the app is for
 * practitioners); 'offline' (this step needs the server); 'other-user' (another
 * practitioner's changes wait here); 'signed-out-offline' (signed out with no connection;
 * the server session ends first); 'register' with ``session`` (a new phone, or a token the
 * server no longer knows: the caller asks for the PIN, then calls register()); 'renewed'
 * after a lapsed token was renewed by a sign-in.
 */
export async function ensureDevice() {
  if (localStorage.getItem(SIGN_OUT_PENDING)) {
    if (!(await endWebSession())) return { status: 'signed-out-offline' };
    localStorage.removeItem(SIGN_OUT_PENDING);
    return { status: 'sign-in' };
  }
  const device = await db.getMeta('device');
  if (device && !device.invalid) return { status: 'ready' };
  let session;
  try {
    session = await api('/api/v1/session');
  } catch (error) {
    if (error instanceof NetworkError) return { status: 'offline' };
    if (error instanceof ApiError && error.status === 401) return { status: 'sign-in' };
    throw error;
  }
  if (session.user.role !== 'practitioner') return { status: 'desk' };
  if (device && device.user && device.user.id !== session.user.id) return { status: 'other-user' };
  if (device && device.reason === 'lapsed') {  // unused too long: a sign-in renews the same token
    try {
      await releaseEscrow(session);
    } catch (error) {
      // The sign-in must be a fresh one: end the old session, and ask for the password.
      if (!(error instanceof ApiError && error.reason === 'stale_sign_in')) throw error;
      await endWebSession();
      return { status: 'sign-in' };
    }
    await db.setMeta('device', { ...device, invalid: false, reason: null });
    return { status: 'renewed' };
  }
  return { status: 'register', session };
}

/** The SHA-256 of the token's secret, hex: proves which phone this is, but cannot sync. */
async function tokenProof(token) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token.split('.')[1] || ''));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Register this phone with the signed-in ``session``: {device_id, device_token, escrow_key}. */
export function registerWithServer(session) {
  return api('/api/v1/devices', { method: 'POST', csrf: session.csrf_token, body: { label: deviceLabel() } });
}

/**
 * Keep the registration: the token sealed (so call it unlocked), the proof and owner in
 * clear. A re-registration (the old token was refused) keeps the outbox: same change ids.
 */
export async function keepDevice(answer, user) {
  await db.setMeta('device', {
    device_id: answer.device_id, device_token: answer.device_token, user, registered_at: new Date().toISOString(),
  });
  await keepProof(answer.device_id, answer.device_token, user);
}

/** What the lock screen may know before unlocking: whose phone, and how to prove which phone. */
export async function keepProof(deviceId, token, user) {
  await db.setMeta('owner', { id: user.id, name: user.name });
  await db.setMeta('device_proof', { device_id: deviceId, proof: await tokenProof(token) });
}

/**
 * After a sign-in on this phone: the escrow key the server keeps for it (which also renews a
 * lapsed token). Throws the server's refusal: 'device_revoked' means wipe.
 */
export async function releaseEscrow(session) {
  const proof = await db.getMeta('device_proof');
  if (!proof) throw new ApiError(409, 'no_proof', 'This phone cannot prove which phone it is; sign it out and in again.');
  const answer = await api('/api/v1/devices/escrow', { method: 'POST', csrf: session.csrf_token, body: proof });
  return answer.escrow_key;
}

/** A phone registered before the app locked asks for its escrow key, once (null if it cannot). */
export async function firstEscrow(token) {
  try {
    return (await api('/api/v1/sync/device/escrow', { method: 'POST', token })).escrow_key;
  } catch (error) {
    if (error instanceof NetworkError || (error instanceof ApiError && error.code === 'forbidden')) return null;
    throw error;
  }
}

export async function currentUser() {
  const device = await db.getMeta('device');
  return device ? device.user : null;
}

/** Changes still on this phone only: waiting to be sent, or refused and waiting for a fix. */
export async function unsentCount() {
  const { waiting, rejected } = await db.counts();
  return waiting + rejected;
}

/** End the web session too; false when the server could not be reached (offline). */
export async function endWebSession() {
  let session;
  try {
    session = await api('/api/v1/session');
  } catch (error) {
    return !(error instanceof NetworkError);  // a 401: there was no session left to end
  }
  try {
    await fetch('/logout', {
      method: 'POST', headers: { 'X-CSRFToken': session.csrf_token }, credentials: 'same-origin', redirect: 'manual',
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Sign out. With changes still unsent, sync first; if some still cannot be sent, stop and
 * say how many, unless the practitioner explicitly chose to discard them.
 */
export async function signOut({ discardUnsent = false } = {}) {
  if (!discardUnsent && (await unsentCount()) > 0) {
    const after = await syncNow();
    const left = await unsentCount();
    if (left > 0) return { signedOut: false, left, problem: after.problem, offline: after.offline };
  }
  const device = await db.getMeta('device');
  if (device && !device.invalid) {
    try {
      await api('/api/v1/sync/device/retire', { method: 'POST', token: device.device_token });
    } catch { /* offline: the token is wiped below and cannot be used from here again */ }
  }
  const reachedServer = await endWebSession();
  if (!reachedServer) localStorage.setItem(SIGN_OUT_PENDING, new Date().toISOString());
  await db.wipe();
  return { signedOut: true, reachedServer };
}
