// Reminders by Web Push on this browser: whether it can get them, and turning them on and
// off. The browser asks the person's permission only from turnOn(), which the screens call
// from a button that first says why (never on opening the app).
import { api } from './api.js';
import { installed, isIos } from './install.js';

const SCOPE = '/app/';

/** {ready: bool, reason}: reason is 'ios-install', 'unsupported' or 'denied' when not ready. */
export function pushSupport() {
  const able = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  // Safari on iPhone and iPad offers Web Push only to an app added to the home screen.
  if (isIos() && !installed()) return { ready: false, reason: 'ios-install' };
  if (!able) return { ready: false, reason: 'unsupported' };
  if (Notification.permission === 'denied') return { ready: false, reason: 'denied' };
  return { ready: true, reason: null };
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The app's worker registration (the desk registers it too: pushes arrive through it). */
async function registration() {
  const found = await navigator.serviceWorker.getRegistration(SCOPE);
  const reg = found || await navigator.serviceWorker.register('/sw.js', { scope: SCOPE });
  if (reg.active) return reg;
  // Not active yet, so installing or waiting (a registration always holds one of the three).
  const worker = /** @type {ServiceWorker} */ (reg.installing || reg.waiting);
  await /** @type {Promise<void>} */ (new Promise((resolve) => {
    worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); });
  }));
  return reg;
}

export async function currentSubscription() {
  if (!('serviceWorker' in navigator)) return null;
  const reg = await navigator.serviceWorker.getRegistration(SCOPE);
  return reg && reg.pushManager ? reg.pushManager.getSubscription() : null;
}

/**
 * How this browser calls the reminder API: the phone app with its device token (so its
 * subscription belongs to the phone, and ends when the phone is signed out or revoked), a
 * desk browser with its signed-in session and that session's CSRF token.
 */
async function caller(token) {
  if (token) return { token };
  return { csrf: (await api('/api/v1/session')).csrf_token };
}

/**
 * Ask permission, subscribe this browser with the clinic's public key and tell the server.
 * Answers {on: true} or {on: false, reason: 'denied' | 'dismissed'}; network problems throw.
 */
/** @param {{token?: string}} [options] */
export async function turnOn({ token } = {}) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { on: false, reason: permission === 'denied' ? 'denied' : 'dismissed' };
  const auth = await caller(token);
  const reg = await registration();
  const { vapid_public_key: vapidKey } = await api('/api/v1/push/vapid-public-key', { token: auth.token });
  const subscription = (await reg.pushManager.getSubscription())
    || await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapidKey) });
  await api('/api/v1/push/subscriptions', { method: 'POST', ...auth, body: subscription.toJSON() });
  return { on: true };
}

/** Stop reminders on this browser: the server forgets it, then the browser unsubscribes. */
/** @param {{token?: string}} [options] */
export async function turnOff({ token } = {}) {
  const subscription = await currentSubscription();
  if (!subscription) return;
  const auth = await caller(token);
  try {
    await api('/api/v1/push/subscriptions', { method: 'DELETE', ...auth, body: { endpoint: subscription.endpoint } });
  } catch (error) {
    if (/** @type {{code?: string}} */ (error).code !== 'not_found') throw error;  // already forgotten: carry on
  }
  await subscription.unsubscribe();
}

/** Ask the server to send this browser a test notification; answers the server's result. */
/** @param {{token?: string}} [options] */
export async function sendTest({ token } = {}) {
  const subscription = await currentSubscription();
  const auth = await caller(token);
  const { subscriptions } = await api('/api/v1/push/subscriptions', { token: auth.token });
  const mine = subscription && subscriptions.find((s) => s.endpoint === subscription.endpoint);
  if (!mine) return 'not-subscribed';
  const answer = await api(`/api/v1/push/subscriptions/${mine.id}/test`, { method: 'POST', ...auth });
  return answer.result;
}
