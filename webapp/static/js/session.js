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
 * Make sure this phone holds a device token. Answers 'ready', 'sign-in' (no session),
 * 'desk' (a desk account: the app is for practitioners), 'offline' (first start needs the
 * server), 'other-user' (changes of another practitioner still wait here) or
 * 'signed-out-offline' (signed out with no connection; the server session ends first).
 */
export async function ensureDevice() {
  if (localStorage.getItem(SIGN_OUT_PENDING)) {
    if (!(await endWebSession())) return 'signed-out-offline';
    localStorage.removeItem(SIGN_OUT_PENDING);
    return 'sign-in';
  }
  const device = await db.getMeta('device');
  if (device && !device.invalid) return 'ready';
  let session;
  try {
    session = await api('/api/v1/session');
  } catch (error) {
    if (error instanceof NetworkError) return 'offline';
    if (error instanceof ApiError && error.status === 401) return 'sign-in';
    throw error;
  }
  if (session.user.role !== 'practitioner') return 'desk';
  if (device && device.user && device.user.id !== session.user.id) return 'other-user';
  const answer = await api('/api/v1/devices', {
    method: 'POST', csrf: session.csrf_token, body: { label: deviceLabel() },
  });
  // A re-registration (the old token was refused) keeps the outbox: same change ids.
  await db.setMeta('device', {
    device_id: answer.device_id, device_token: answer.device_token, user: session.user,
    registered_at: new Date().toISOString(),
  });
  return 'ready';
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
