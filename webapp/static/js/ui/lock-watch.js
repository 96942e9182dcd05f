// Locks the app after some minutes without use, or after as long in the background (the
// clinic sets the minutes, 5 by default; a change reaches the phone with the published rules,
// so the limit is read afresh each time). What is being typed is saved before it locks.
import { devicePolicy } from '../schema.js';
import { lockNow } from '../vault.js';

const ACTIVITY = ['pointerdown', 'keydown', 'input', 'touchstart', 'wheel'];
const CHECK_MS = 5000;

const limitMs = () => Math.max(1, Number(devicePolicy().lock_after_minutes) || 5) * 60 * 1000;

/** Start watching: the clinic's minutes of idleness, or of being hidden, lock the app. */
export function watchForLock() {
  let lastActive = Date.now();
  let hiddenAt = document.visibilityState === 'hidden' ? Date.now() : null;
  let locking = false;
  const lock = () => {
    if (locking) return;
    locking = true;
    lockNow();
  };
  for (const name of ACTIVITY) window.addEventListener(name, () => { lastActive = Date.now(); }, { capture: true, passive: true });
  /** @type {number | undefined} */
  let hiddenTimer;
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      hiddenAt = Date.now();
      hiddenTimer = setTimeout(lock, limitMs());  // locked before anyone brings it back, where timers run
    } else {
      clearTimeout(hiddenTimer);
      if (hiddenAt !== null && Date.now() - hiddenAt >= limitMs()) lock();  // where they slept: before use
      hiddenAt = null;
      lastActive = Date.now();
    }
  });
  // Timers sleep with the phone: the clock, not the count of ticks, decides.
  setInterval(() => {
    if (document.visibilityState === 'visible' && Date.now() - lastActive >= limitMs()) lock();
  }, CHECK_MS);
}
