// Sync: push the outbox, then pull what changed, with the device's bearer token.
//
// One code path for every trigger: app start, the `online` event, ~2 s after each local
// change, the "Sync now" button, the page becoming visible, a timer while changes wait,
// and Background Sync (the worker asks an open page to run this). A Web Lock keeps two
// tabs from syncing at once. See docs/sync-protocol.md for the wire contract.
import { now } from './clock.js';
import * as db from './db.js';
import { api, ApiError, NetworkError } from './api.js';
import { localChanges } from './outbox.js';
import { pullAll } from './sync-pull.js';
import { toWire } from './outbox-rules.js';
import { storeSchema } from './schema.js';
import { useConventions } from './when.js';

// Changes per push: few round trips, yet each answer stays a few hundred kilobytes.
const BATCH = 1000;
const SCHEMA_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const RETRY_MS = 60 * 1000;

/**
 * 'status' when the state below changes; 'synced' after each run (detail.changed: re-read;
 * detail.caseload); 'restored' after this phone recovered from a restore of the server's
 * database (detail.resent: how many changes it sent again).
 */
export const syncEvents = new EventTarget();
/**
 * progress: while a long sync runs, how far it is.
 * @typedef {{running: boolean, offline: boolean, problem: string | null, needsSignIn: boolean, lastSync: string | null,
 *   progress: {kind: 'caseload' | 'changes' | 'sending', done: number, total: number} | null}} SyncState
 */
/** @type {SyncState} */
const state = { running: false, offline: false, problem: null, needsSignIn: false, lastSync: null, progress: null };
export const syncState = () => ({ ...state });

function set(changes) {
  Object.assign(state, changes);
  syncEvents.dispatchEvent(new Event('status'));
}

/**
 * Send the conflict decisions taken on this phone. One the server no longer has open (another
 * device or the desk decided it, or it is gone) or cannot take leaves the queue: the next
 * pull shows the record as it now stands, and brings the conflict back if still open.
 */
async function sendDecisions(token) {
  for (const decision of await db.queuedDecisions()) {
    try {
      await api(`/api/v1/sync/conflicts/${decision.conflict_id}/resolve`, {
        method: 'POST', token, body: { choice: decision.choice, value: decision.value },
      });
    } catch (error) {
      if (!(error instanceof ApiError) || ['unauthenticated', 'device_revoked'].includes(error.code)
          || error.status >= 500) throw error;
    }
    await db.dropDecision(decision.conflict_id);
  }
}

// The pull cursor and the server_id of the last pull go with each push: another copy of the
// server's database (restored from a backup) refuses it with server_restored, applying nothing.
function send(token, { batch, pending }, known) {
  const body = { pending, changes: batch.map(toWire), ...known };
  const answer = api('/api/v1/sync/push', { method: 'POST', token, body });
  answer.catch(() => {});  // awaited later, after the store under way; not unhandled meanwhile
  return answer;
}

/**
 * Push the outbox in batches, one request at a time (a batch may create the parents of the
 * next). The phone claims the next batch while one is on its way, and sends it the moment
 * the answer comes, then stores that answer while the server works on the next: the phone
 * and the server work at the same time. A change queued behind one in flight goes in a
 * later batch, once that answer is stored.
 */
async function pushAll(token) {
  await db.settleUnanswered();
  const known = await knownServer();
  let settledAll = 0;
  // More than one batch to send (days offline): say how far it is, batch by batch.
  const { waiting } = await db.counts();
  const sending = (done) => {
    if (waiting > BATCH) set({ progress: { kind: 'sending', done, total: Math.max(waiting, done) } });
  };
  sending(0);
  let claimed = await db.claimBatch(BATCH);
  let answer = claimed.batch.length ? send(token, claimed, known) : null;
  while (claimed.batch.length) {
    const next = await db.claimBatch(BATCH);
    let results;
    try {
      ({ results } = await answer);
    } catch (error) {
      if (next.batch.length) await db.releaseClaim(next.batch);
      throw error;
    }
    const nextAnswer = next.batch.length ? send(token, next, known) : null;
    const settled = await db.storePushResults(claimed.batch, results || [], claimed.sealed);
    if (settled === 0) throw new ApiError(200, 'no_results', 'The server did not answer for the changes sent.');
    settledAll += settled;
    sending(settledAll);
    if (nextAnswer) {
      [claimed, answer] = [next, nextAnswer];
    } else {  // the changes queued behind this batch are free to go now
      claimed = await db.claimBatch(BATCH);
      answer = claimed.batch.length ? send(token, claimed, known) : null;
    }
  }
  return settledAll;
}

/** What this phone knows of the server's database: the cursor and server_id of its last pull. */
async function knownServer() {
  const [cursor, serverId] = [await db.getMeta('cursor'), await db.getMeta('server_id')];
  return { ...(cursor ? { cursor } : {}), ...(serverId ? { server_id: serverId } : {}) };
}

// Fetch the published rules again when the server's rules changed (a new release: every
// answer carries rules_revision), when the clinic's own terms came in with the pull, or
// once they are a day old.
async function refreshSchema(token, { revision = null, vocabularyChanged = false } = {}) {
  const cached = await db.getMeta('schema');
  const fresh = cached && Date.now() - Date.parse(cached.fetched_at) < SCHEMA_MAX_AGE_MS
    && (!revision || cached.rules_revision === revision) && !vocabularyChanged;
  if (fresh) return;
  const answer = await api('/api/v1/schema', { token });
  delete answer.ok;
  await storeSchema(answer);
  useConventions(answer);  // the clinic may have changed its language or time zone
}

async function exchange(token) {
  const pushed = await pushAll(token);
  await db.runDeferredEvictions();
  return { pushed, pulled: await pullAll(token, (progress) => set({ progress })) };
}

/**
 * Push, then pull. When the server says its database was restored from a backup, send again
 * what this phone kept of its pushes (the server lacks those made after the backup), then take
 * a full copy (docs/sync-protocol.md, "After a restore"), in the same run.
 */
async function exchangeAfterAnyRestore(token) {
  try {
    return await exchange(token);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'server_restored')) throw error;
    const resent = await db.recoverFromRestore();
    const result = await exchange(token);
    syncEvents.dispatchEvent(new CustomEvent('restored', { detail: { resent } }));  // the practitioner is told
    return result;
  }
}

async function failed(error, device) {
  if (error instanceof NetworkError) {
    set({ offline: true, problem: null });
  } else if (error instanceof ApiError && error.code === 'device_revoked') {
    // The clinic withdrew this phone: remove its client data now (what waited is counted).
    const lost = await db.wipe();
    set({ problem: error.message, offline: false });
    syncEvents.dispatchEvent(new CustomEvent('revoked', { detail: { lost, message: error.message } }));
  } else if (error instanceof ApiError && error.code === 'unauthenticated') {
    // The token is not known (any more), or lapsed unused. Keep every change; a sign-in
    // renews a lapsed token, or registers the phone anew.
    await db.setMeta('device', { ...device, invalid: true, reason: error.reason || null });
    set({ needsSignIn: true, offline: false, problem: error.message });
  } else {
    set({ offline: false, problem: error.message || 'Sync failed.' });
  }
}

async function once() {
  const device = await db.getMeta('device');
  if (!device || device.invalid) {
    set({ needsSignIn: Boolean(device && device.invalid) });
    return;
  }
  set({ running: true });
  let changed = 1;  // unless the run finishes and shows nothing changed, screens redraw
  let caseload = false;
  try {
    await sendDecisions(device.device_token);
    const { pushed, pulled } = await exchangeAfterAnyRestore(device.device_token);
    changed = pushed + pulled.changed;
    caseload = pulled.caseload;
    await refreshSchema(device.device_token, pulled);
    const at = now().toISOString();  // by the clinic's clock, like every time the app shows
    await db.setMeta('last_sync', at);
    set({ offline: false, problem: null, needsSignIn: false, lastSync: at });
  } catch (error) {
    caseload = false;  // the rules may not have arrived: not ready to work offline yet
    await failed(error, device);
  } finally {
    set({ running: false, progress: null });
    // caseload: this run brought the whole caseload and the rules (a first full sync).
    syncEvents.dispatchEvent(new CustomEvent('synced', { detail: { changed: changed > 0, caseload } }));
  }
}

/** @type {Promise<SyncState> | null} */
let running = null;
let again = false;
/** @type {number | undefined} */
let timer;

const underLock = (work) => (navigator.locks ? navigator.locks.request('fieldbook-sync', work) : work());

/** Sync now (or once more right after the run in progress); resolves with the state. */
export function syncNow() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        await underLock(once);
      } while (again);
    } finally {
      running = null;
    }
    return syncState();
  })();
  return running;
}

export function syncSoon(delay = 2000) {
  clearTimeout(timer);
  timer = setTimeout(syncNow, delay);
}

function requestBackgroundSync() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.getRegistration('/app/')
    .then((registration) => registration && registration.sync && registration.sync.register('fieldbook-push'))
    .catch(() => { /* not available here: the other triggers remain */ });
}

/** Wire up every trigger and run the first sync. */
export async function startSync() {
  state.lastSync = (await db.getMeta('last_sync')) || null;
  localChanges.addEventListener('change', () => {
    syncSoon(2000);
    requestBackgroundSync();
  });
  window.addEventListener('online', () => syncSoon(0));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') syncSoon(500);
  });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', (event) => {
      const [port] = event.ports;
      if (!event.data || event.data.type !== 'SYNC_REQUESTED' || !port) return;
      syncNow().then((after) => port.postMessage({
        ok: !after.offline && !after.problem, error: after.problem || (after.offline ? 'offline' : null),
      }));
    });
  }
  setInterval(async () => {
    const { waiting } = await db.counts();
    if (waiting > 0 || state.offline) syncNow();
  }, RETRY_MS);
  return syncNow();
}
