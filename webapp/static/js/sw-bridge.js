// Between the page and the service worker (sw.js).
//
// Page → worker: {type: 'SKIP_WAITING'} applies a waiting version (only when the
//   practitioner pressed "Reload"); {type: 'GET_VERSION'} (with a port) asks the version.
// Worker → page: {type: 'SYNC_REQUESTED'} (with a port) from Background Sync; sync.js
//   answers {ok, error}. {type: 'OPEN', url}: a reminder was tapped; app.js shows its screen.
// Events on `updates`: 'available' (a new version waits), 'replaced' (another tab applied one).

export const updates = new EventTarget();
/** @type {ServiceWorker | null} */
let waitingWorker = null;
let applying = false;

function announce(worker) {
  waitingWorker = worker;
  updates.dispatchEvent(new Event('available'));
}

function watch(registration) {
  if (registration.waiting && navigator.serviceWorker.controller) announce(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    if (!worker) return;
    worker.addEventListener('statechange', () => {
      // With no controller this is the first install: nothing to replace, nothing to ask.
      if (worker.state === 'installed' && navigator.serviceWorker.controller) announce(worker);
    });
  });
}

/** Register the worker and look for a new version now and whenever the phone comes online. */
export async function registerWorker() {
  if (!('serviceWorker' in navigator)) return null;
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (applying) window.location.reload();
    else if (hadController) updates.dispatchEvent(new Event('replaced'));
  });
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/app/' });
  watch(registration);
  const check = () => registration.update().catch(() => { /* offline */ });
  window.addEventListener('online', check);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') check(); });
  return registration;
}

export const updateWaiting = () => Boolean(waitingWorker);

/** The practitioner agreed: let the waiting version take over; the page then reloads. */
export function applyUpdate() {
  if (!waitingWorker) return false;
  applying = true;
  waitingWorker.postMessage({ type: 'SKIP_WAITING' });
  return true;
}

/** The version of the worker controlling this page (null when none does yet). */
export function controllerVersion() {
  const controller = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!controller) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), 3000);
    channel.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data.version); };
    controller.postMessage({ type: 'GET_VERSION' }, [channel.port2]);
  });
}
