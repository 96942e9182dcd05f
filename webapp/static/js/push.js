// Reminders by Web Push on this browser: whether it can get them, and turning them on and
// off. The browser asks the person's permission only from turnOn(), which the screens call
// from a button that first says why (never on opening the app).
import { api } from './api.js';

const SCOPE = '/app/';

function isIos() {
  return /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
}

const installed = () => window.matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;

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
  const worker = reg.installing || reg.waiting;
  await new Promise((resolve) => {
    worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); });
  });
  return reg;
}

export async function currentSubscription() {
  if (!('serviceWorker' in navigator)) return null;
  const reg = await navigator.serviceWorker.getRegistration(SCOPE);
  return reg && reg.pushManager ? reg.pushManager.getSubscription() : null;
}

/**
 * Ask permission, subscribe this browser with the clinic's public key and tell the server.
 * Answers {on: true} or {on: false, reason: 'denied' | 'dismissed'}; network problems throw.
 */
export async function turnOn() {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { on: false, reason: permission === 'denied' ? 'denied' : 'dismissed' };
  const session = await api('/api/v1/session');
  const reg = await registration();
  const subscription = (await reg.pushManager.getSubscription())
    || await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(session.vapid_public_key) });
  await api('/api/v1/push/subscriptions', { method: 'POST', csrf: session.csrf_token, body: subscription.toJSON() });
  return { on: true };
}

/** Stop reminders on this browser: the server forgets it, then the browser unsubscribes. */
export async function turnOff() {
  const subscription = await currentSubscription();
  if (!subscription) return;
  const session = await api('/api/v1/session');
  try {
    await api('/api/v1/push/subscriptions', { method: 'DELETE', csrf: session.csrf_token, body: { endpoint: subscription.endpoint } });
  } catch (error) {
    if (error.code !== 'not_found') throw error;  // already forgotten: carry on
  }
  await subscription.unsubscribe();
}

/** Ask the server to send this browser a test notification; answers the server's result. */
export async function sendTest() {
  const subscription = await currentSubscription();
  const session = await api('/api/v1/session');
  const { subscriptions } = await api('/api/v1/push/subscriptions');
  const mine = subscription && subscriptions.find((s) => s.endpoint === subscription.endpoint);
  if (!mine) return 'not-subscribed';
  const answer = await api(`/api/v1/push/subscriptions/${mine.id}/test`, { method: 'POST', csrf: session.csrf_token });
  return answer.result;
}
