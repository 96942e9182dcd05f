// The first step of every start: a locked phone shows the lock screen and nothing else until
// it is unlocked. After "Sign in to unlock" (a forgotten or erased PIN, or weeks away), the
// sign-in brings the app back here, and the escrow key the server keeps for this phone
// unlocks it; a new PIN is then chosen. A revoked phone is wiped instead.
import { api, ApiError, NetworkError } from '../api.js';
import { loadClock } from '../clock.js';
import * as db from '../db.js';
import { endWebSession, LOGIN_URL, releaseEscrow } from '../session.js';
import * as vault from '../vault.js';
import { h, show } from './dom.js';
import { renderSetUp, renderUnlock } from './lock.js';

// Set by the lock screen's sign-in link, in this tab only: the next start is a recovery.
const RECOVERING = 'fieldbook-recovering';

function lockedIndicator() {
  const indicator = document.getElementById('sync-indicator');
  if (indicator) indicator.replaceChildren(h('p', { class: 'sync-state' }, 'Locked: nothing is synced until you unlock.'));
}

/** 'unlocked' after a sign-in released this phone's key; null when that could not happen. */
async function recoverBySignIn(main, owner) {
  let session;
  let escrow;
  try {
    session = await api('/api/v1/session');
    if (owner && session.user.id !== owner.id) return null;  // someone else signed in: the owner's PIN it is
    escrow = await releaseEscrow(session);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'device_revoked') {
      const lost = await db.wipe();
      show(main, [h('h1', {}, 'This phone was signed out by the clinic'),
        h('p', {}, `Its client records have been removed from this phone${lost ? `, with ${lost} changes that had not reached the clinic` : ''}.`),
        h('p', {}, h('a', { class: 'button primary', href: LOGIN_URL }, 'Sign in again'))]);
      return 'stop';
    }
    if (error instanceof NetworkError || error instanceof ApiError) return null;
    throw error;
  }
  await renderSetUp(main, { user: session.user, intro: 'You are signed in. Choose a new PIN for this phone; '
    + 'it replaces the old one.', finish: async (pin) => { await vault.unlockWithEscrow(escrow, pin); return null; } });
  const device = await db.getMeta('device');
  if (device && device.reason === 'lapsed') await db.setMeta('device', { ...device, invalid: false, reason: null });
  return 'unlocked';
}

/**
 * 'open' once the phone is unlocked (or has no lock yet: a new phone sets one up when it
 * registers); 'stop' when the screen shown must stay.
 */
export async function openTheLock(main) {
  if (!(await vault.hasLock())) return 'open';
  lockedIndicator();
  const [owner, schema, lastSync] = await Promise.all([db.getMeta('owner'), db.getMeta('schema'), db.getMeta('last_sync'),
    loadClock()]);
  if (sessionStorage.getItem(RECOVERING)) {
    sessionStorage.removeItem(RECOVERING);
    const recovered = await recoverBySignIn(main, owner);
    if (recovered === 'stop') return 'stop';
    if (recovered === 'unlocked') return 'open';
  }
  // The sign-in must be a fresh one (the server releases the key only then): end any web
  // session first, so that the sign-in page asks for the password.
  const signInLinks = async (event) => {
    if (!event.target.closest('#forgot-pin, #sign-in-to-unlock')) return;
    event.preventDefault();
    sessionStorage.setItem(RECOVERING, '1');
    await endWebSession();
    window.location.assign(LOGIN_URL);
  };
  main.addEventListener('click', signInLinks);
  await renderUnlock(main, { owner, policy: schema && schema.device_policy, lastSync });
  main.removeEventListener('click', signInLinks);
  return 'open';
}
