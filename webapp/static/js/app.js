// Fieldbook's practitioner app: start-up and the screens' routes.
//
// Everything shown comes from the phone's own database, so the app opens and works
// offline; the server is only reached by sync (and once, to register this phone).
import { onServerTime } from './api.js';
import { clockEvents, clockWarning, learn, loadClock } from './clock.js';
import * as db from './db.js';
import { loadSchema } from './schema.js';
import {
  currentUser, endWebSession, ensureDevice, firstEscrow, keepDevice, keepProof, LOGIN_URL, registerWithServer,
  unsentCount,
} from './session.js';
import { startSync, syncEvents } from './sync.js';
import { controllerVersion, registerWorker } from './sw-bridge.js';
import { flushAll } from './ui/chips.js';
import { openTheLock } from './ui/unlock-flow.js';
import { renderConfirmPin, renderSetUp } from './ui/lock.js';
import { watchForLock } from './ui/lock-watch.js';
import * as vault from './vault.js';
import { entryInProgress, h, nextScreen, notice, plural, show } from './ui/dom.js';
import { mountSyncIndicator } from './ui/sync-indicator.js';
import { renderDay, renderWeek } from './ui/today.js';
import { mountUpdateBanner } from './ui/update-banner.js';
import { adviseOnKeepingData, renderKeepData } from './ui/keep-data.js';
import { visitInProgress } from './visits.js';
import { useConventions } from './when.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const ID = '([\\w-]+)';
const redirect = (to) => () => window.location.replace(to);
// Every screen but Today loads when first shown (all are precached, so offline too):
// opening the app parses only what Today needs.
const LOADERS = {
  clients: () => import('./ui/clients.js'),
  clientPage: () => import('./ui/client-page.js'),
  firstVisit: () => import('./ui/first-visit.js'),
  visit: () => import('./ui/visit.js'),
  attention: () => import('./ui/attention.js'),
  reminders: () => import('./ui/reminders.js'),
  signOut: () => import('./ui/sign-out.js'),
  handout: () => import('./ui/handout.js'),
};
const lazy = (load, name) => async (main, options, ...args) => {
  let screen;
  try {
    screen = await load();
  } catch {  // only without the service worker's copy (it was blocked, or not installed yet)
    return show(main, [h('h1', {}, 'This screen is not on this phone yet'),
      h('p', {}, 'Connect to the internet once and open Fieldbook again: it then keeps every screen for offline use.')]);
  }
  return screen[name](main, options, ...args);
};
/** Load every screen once the app is up, so all of them are at hand even without the worker. */
const warmScreens = () => Object.values(LOADERS).forEach((load) => load().catch(() => {}));
const { clients, firstVisit, visit } = LOADERS;
// [pattern, render, navigation item, live]: live screens only show data, and are redrawn
// when a sync changed something; entry screens (a visit, a form) are never redrawn under
// the practitioner's thumb.
/** @type {[RegExp, (main: HTMLElement, options: object, ...args: any[]) => unknown, string | null, boolean?][]} */
const ROUTES = [
  [/^#?\/?$/, renderDay, 'today', true],
  [/^#\/day\/(\d{4}-\d{2}-\d{2})$/, renderDay, 'today', true],
  [/^#\/week$/, renderWeek, 'today', true],
  [/^#\/clients$/, lazy(clients, 'renderClientList'), 'clients', true],
  [/^#\/clients\/new$/, lazy(clients, 'renderNewClient'), 'clients'],
  [new RegExp(`^#/clients/${ID}$`), lazy(LOADERS.clientPage, 'renderClient'), 'clients', true],
  [new RegExp(`^#/clients/${ID}/edit$`), lazy(clients, 'renderClientEdit'), 'clients'],
  [new RegExp(`^#/clients/${ID}/case-history$`), lazy(firstVisit, 'renderCaseHistory'), 'clients'],
  [new RegExp(`^#/clients/${ID}/first-visit(?:\\?(.*))?$`), lazy(firstVisit, 'renderFirstVisit'), 'clients'],
  [new RegExp(`^#/clients/${ID}/start$`), lazy(visit, 'startForClient'), 'clients'],
  [new RegExp(`^#/appointments/${ID}/start$`), lazy(visit, 'startFromAppointment'), 'today'],
  [new RegExp(`^#/handout/${ID}$`), lazy(LOADERS.handout, 'renderHandout'), 'clients'],
  [new RegExp(`^#/visits/${ID}(?:/(\\w+))?(?:\\?(.*))?$`), lazy(visit, 'renderVisit'), 'clients'],
  [new RegExp(`^#/sessions/${ID}$`), (main, options, id) => redirect(`#/visits/${id}`)(), 'clients'],
  [/^#\/attention$/, lazy(LOADERS.attention, 'renderAttention'), 'attention', true],
  [/^#\/reminders$/, lazy(LOADERS.reminders, 'renderReminders'), 'reminders'],
  [/^#\/sign-out$/, lazy(LOADERS.signOut, 'renderSignOut'), 'sign-out'],
  [/^#\/keep-data$/, renderKeepData, null],
];

async function route({ focus = true, unlessBusy = false } = {}) {
  const ticket = nextScreen();
  await flushAll();  // text typed on the screen being left is saved before the next one reads
  const found = ROUTES.map(([pattern, render, nav]) => [window.location.hash.match(pattern), render, nav])
    .find(([match]) => match);
  for (const link of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-nav]'))) {
    if (found && link.dataset.nav === found[2]) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!found) return show(main, [h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to today'))]);
  const [match, render] = /** @type {[RegExpMatchArray, (main: HTMLElement, options: object, ...args: any[]) => unknown]} */ (found);
  return render(main, { focus, ticket, unlessBusy }, ...match.slice(1));
}

let stopped = false;  // the phone was signed out by the clinic: show nothing else

function refreshAfterSync(event) {
  if (stopped || !(event.detail && event.detail.changed)) return;
  const found = ROUTES.find(([pattern]) => pattern.test(window.location.hash));
  // Checked again when the redraw is ready to show: typing may have started meanwhile.
  if (found && found[3] && !entryInProgress()) route({ focus: false, unlessBusy: true });
}

async function showRevoked(event) {
  const { lost } = event.detail;
  stopped = true;
  show(main, [h('h1', {}, 'Signing this phone out…')]);
  await endWebSession();  // before saying so: a reload must not register the phone again
  show(main, [h('h1', {}, 'This phone was signed out by the clinic'),
    h('p', {}, 'Its client records have been removed from this phone.'
      + (lost ? ` ${plural(lost, 'change')} that had not reached the clinic were removed with them.` : '')),
    h('p', {}, h('a', { class: 'button primary', href: LOGIN_URL }, 'Sign in again'))]);
}

async function showVersion() {
  const version = await controllerVersion();
  /** @type {HTMLElement} */ (document.getElementById('app-version')).textContent = version ? `Fieldbook, version ${version}` : 'Fieldbook';
  document.body.dataset.version = version || '';
}

async function showOtherUser() {
  // Another practitioner signed in on a phone that still holds someone's unsent changes.
  const owner = await currentUser();
  const name = (owner && owner.name) || 'the previous practitioner';
  const left = await unsentCount();
  show(main, [h('h1', {}, 'This phone holds someone else’s work'),
    h('p', {}, `${plural(left, 'change')} made by ${name} on this phone ${left === 1 ? 'has' : 'have'} not reached `
      + `the clinic yet. Sign in as ${name} to send them, or to sign out properly.`),
    h('p', {}, h('button', { type: 'button', class: 'button primary', onclick: async () => {
      await endWebSession();
      window.location.replace(LOGIN_URL);
    } }, `Sign out, to sign in as ${name}`))]);
}

// Start-up answers that need the server before the app can go on: start again once online.
const WAITING_FOR_NETWORK = {
  offline: ['Connect once to set up Fieldbook', 'The first start needs the internet, to sign this phone in and copy '
    + 'your caseload. After that, Fieldbook works without a connection.'],
  'signed-out-offline': ['Signed out on this phone', 'You signed out without a connection. Fieldbook finishes '
    + 'signing out with the clinic as soon as this phone is online again; then you can sign in.'],
};

/** A new phone, or one whose token the server forgot: register it, locked from the start. */
async function registerThisPhone(session) {
  if (await vault.hasLock()) {  // unlocked already: wrap the key by the new phone's escrow key too
    await renderConfirmPin(main, { intro: 'Enter your PIN to finish signing this phone in again.',
      finish: async (pin) => {
        let answer;
        await vault.addEscrow(pin, async () => { answer = await registerWithServer(session); return answer.escrow_key; });
        await keepDevice(answer, session.user);
      } });
    return 'ready';
  }
  await renderSetUp(main, { user: session.user, finish: async (pin) => {
    const answer = await registerWithServer(session);
    const addPasskey = await vault.setUp({ pin, escrow: answer.escrow_key });
    await keepDevice(answer, session.user);
    return addPasskey;
  } });
  return 'ready';
}

/** A phone that held its caseload before the app locked: lock it now, and seal what it holds. */
async function lockThisPhone() {
  const device = await db.getMeta('device');
  await renderSetUp(main, { user: device.user, finish: async (pin) => {
    const escrow = await firstEscrow(device.device_token);
    const addPasskey = await vault.setUp({ pin, escrow });
    await keepProof(device.device_id, device.device_token, device.user);
    await db.setMeta('device', device);  // sealed now
    await db.sealEverything();
    return addPasskey;
  } });
}

/** Say so when this phone's clock is off: Today and the times proposed follow the clinic's. */
function showClockWarning() {
  const text = clockWarning();
  const shown = document.getElementById('clock-warning');
  if (!text) {
    if (shown) shown.remove();
    return;
  }
  if (!shown || /** @type {HTMLElement} */ (shown.querySelector('p')).textContent !== text) notice(text, { kind: 'warn', id: 'clock-warning' });
}

async function boot() {
  performance.mark('fieldbook-boot');  // modules loaded; bench/app_screens.py reports the steps
  onServerTime(learn);  // every answer teaches the clock, the sign-in's on the lock screen too
  registerWorker().catch(() => notice('This browser could not set Fieldbook up for offline use.', { kind: 'warn' }));
  mountUpdateBanner(document.getElementById('update-banner'));
  showVersion();  // the version says nothing of anyone: shown on the lock screen too
  if ('serviceWorker' in navigator) navigator.serviceWorker.addEventListener('controllerchange', showVersion);
  if ((await openTheLock(main)) !== 'open') return null;
  performance.mark('fieldbook-unlocked');
  const [published] = await Promise.all([loadSchema(), loadClock()]);
  useConventions(published);  // dates and times as the clinic writes them
  showClockWarning();
  clockEvents.addEventListener('change', showClockWarning);
  let status;
  try {
    const outcome = await ensureDevice();
    status = outcome.status === 'register' ? await registerThisPhone(outcome.session) : outcome.status;
    if (status === 'renewed') status = 'ready';
    if (status === 'ready' && !(await vault.hasLock())) await lockThisPhone();
  } catch (error) {
    status = 'error';
    show(main, [h('h1', {}, 'Fieldbook could not start'), h('p', {}, /** @type {Error} */ (error).message)]);
  }
  if (status === 'sign-in') return window.location.replace(LOGIN_URL);
  if (status === 'other-user') return showOtherUser();
  if (status === 'desk') return window.location.replace('/');
  if (WAITING_FOR_NETWORK[status]) {
    const [title, text] = WAITING_FOR_NETWORK[status];
    show(main, [h('h1', {}, title), h('p', {}, text)]);
    window.addEventListener('online', () => window.location.reload(), { once: true });
    return null;
  }
  if (status !== 'ready') return null;
  performance.mark('fieldbook-device');
  await db.tagAppointmentDays();  // once, on a phone whose appointments were stored before day tags
  vault.onBeforeLock(flushAll);  // what is being typed is kept, sealed, before the app locks
  watchForLock();
  mountSyncIndicator(document.getElementById('sync-indicator'));
  window.addEventListener('hashchange', () => { if (!stopped) route(); });
  syncEvents.addEventListener('synced', refreshAfterSync);
  syncEvents.addEventListener('revoked', showRevoked);
  // Opened afresh (from the home screen) in the middle of a visit: carry on with it.
  const open = ['', '#', '#/'].includes(window.location.hash) ? await visitInProgress() : null;
  if (open) window.location.replace(`#/visits/${open.visit_id}/${open.step || 'since'}`);
  await route({ focus: false });
  document.body.dataset.ready = 'true';
  performance.mark('fieldbook-ready');  // bench/app_screens.py times opening the app to here
  setTimeout(warmScreens, 0);
  adviseOnKeepingData();  // on an iPhone in a Safari tab, above all
  if ('serviceWorker' in navigator) {
    // A tapped reminder, with the app already open: go to its screen (no reload).
    navigator.serviceWorker.addEventListener('message', (event) => {
      const { type, url } = event.data || {};
      if (type === 'OPEN' && url && new URL(url).origin === window.location.origin) window.location.hash = new URL(url).hash || '#/';
    });
  }
  startSync();
  return null;
}

boot();
