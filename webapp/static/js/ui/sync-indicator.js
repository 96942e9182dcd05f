// Where the practitioner stands, on every screen: changes waiting, the last successful
// sync, what needs attention, and a "Sync now" button. Read out politely on change.
import * as db from '../db.js';
import { localChanges } from '../outbox.js';
import { LOGIN_URL } from '../session.js';
import { syncEvents, syncNow, syncState } from '../sync.js';
import { currentConventions } from '../when.js';
import { formatWhen, h, notice, plural } from './dom.js';

const PROGRESS = { caseload: 'Downloading your caseload', changes: 'Downloading changes', sending: 'Sending' };

/** "Downloading your caseload: 2,300 of 13,000", numbers as the clinic writes them. */
function progressWords({ kind, done, total }) {
  const number = new Intl.NumberFormat(currentConventions().locale);
  return `${PROGRESS[kind]}${kind === 'sending' ? '' : ':'} ${number.format(done)} of ${number.format(total)}`;
}

function describe(state, counts) {
  const parts = [counts.waiting === 0 ? 'All changes sent' : `${plural(counts.waiting, 'change')} waiting to sync`];
  parts.push(state.lastSync ? `Last synced ${formatWhen(state.lastSync)}` : 'Not synced yet');
  if (state.running && state.progress) parts.push(progressWords(state.progress));
  else if (state.running) parts.push('Syncing…');
  else if (state.offline) parts.push('Offline: changes are kept on this phone');
  else if (state.problem && !state.needsSignIn) parts.push(`Sync failed: ${state.problem}`);
  return parts.join(' · ');
}

// Said once on this phone, after the first sync that brought the whole caseload and the forms,
// and once the service worker keeps the app itself: from then on it opens and records offline.
const READY_SAID = 'offline_ready_said';

async function sayReadyOnce() {
  if (await db.getMeta(READY_SAID)) return;
  if ('serviceWorker' in navigator) await navigator.serviceWorker.ready;
  await db.setMeta(READY_SAID, true);
  const box = notice('Ready to use offline: your caseload is on this phone.', { id: 'ready-offline' });
  window.addEventListener('hashchange', () => box.remove(), { once: true });
}

/** Draw the indicator into ``container`` and keep it current. */
export function mountSyncIndicator(container) {
  const status = h('p', { class: 'sync-status', role: 'status', 'aria-live': 'polite', id: 'sync-status' });
  const attention = h('a', { class: 'attention-link', href: '#/attention', hidden: true });
  const signIn = h('a', { class: 'attention-link', href: LOGIN_URL, hidden: true }, 'Sign in again to send your changes');
  const button = h('button', { type: 'button', class: 'button small', id: 'sync-now' }, 'Sync now');
  button.addEventListener('click', () => syncNow());
  container.replaceChildren(status, h('div', { class: 'sync-actions' }, attention, signIn, button));

  let drawing = Promise.resolve();
  const draw = () => {
    drawing = drawing.then(async () => {
      const state = syncState();
      const counts = await db.counts();
      const text = describe(state, counts);
      if (status.textContent !== text) status.textContent = text;  // unchanged text is not re-announced
      const needs = counts.rejected + counts.conflicts + counts.unknown;
      attention.hidden = needs === 0;
      attention.textContent = `${needs} need${needs === 1 ? 's' : ''} attention`;
      signIn.hidden = !state.needsSignIn;
      button.disabled = state.running;
      Object.assign(container.dataset, {
        waiting: String(counts.waiting), attention: String(needs),
        state: state.running ? 'syncing' : state.offline ? 'offline' : state.problem ? 'problem' : 'idle',
      });
    }).catch(() => { /* the next event draws again */ });
  };
  syncEvents.addEventListener('status', draw);
  syncEvents.addEventListener('synced', draw);
  syncEvents.addEventListener('synced', (event) => {
    if (/** @type {CustomEvent} */ (event).detail.caseload) sayReadyOnce().catch(() => { /* not said: nothing else depends on it */ });
  });
  syncEvents.addEventListener('restored', (event) => {
    const { resent } = /** @type {CustomEvent} */ (event).detail;
    notice(`The clinic's server was restored from a backup. This phone sent its recent work again `
      + `(${plural(resent, 'change')}) and took a fresh copy of your caseload.`,
    { id: 'server-restored' });
  });
  localChanges.addEventListener('change', draw);
  setInterval(draw, 30000);  // "today 10:42" stays right
  draw();
  return draw;
}
