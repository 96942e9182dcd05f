// Fieldbook's practitioner app: start-up and the screens' routes.
//
// Everything shown comes from the phone's own database, so the app opens and works
// offline; the server is only reached by sync (and once, to register this phone).
import { loadSchema } from './schema.js';
import { currentUser, endWebSession, ensureDevice, LOGIN_URL, unsentCount } from './session.js';
import { askToKeepData } from './storage.js';
import { startSync, syncEvents } from './sync.js';
import { controllerVersion, registerWorker } from './sw-bridge.js';
import { renderAttention } from './ui/attention.js';
import { flushAll } from './ui/chips.js';
import { renderClient } from './ui/client-page.js';
import { renderReminders } from './ui/reminders.js';
import { renderClientEdit, renderClientList, renderNewClient } from './ui/clients.js';
import { entryInProgress, h, nextScreen, notice, plural, show } from './ui/dom.js';
import { renderCaseHistory, renderFirstVisit } from './ui/first-visit.js';
import { renderSignOut } from './ui/sign-out.js';
import { mountSyncIndicator } from './ui/sync-indicator.js';
import { renderDay, renderWeek } from './ui/today.js';
import { mountUpdateBanner } from './ui/update-banner.js';
import { renderVisit, startForClient, startFromAppointment } from './ui/visit.js';
import { visitInProgress } from './visits.js';

const main = document.getElementById('main');
const ID = '([\\w-]+)';
const redirect = (to) => () => window.location.replace(to);
const ROUTES = [
  [/^#?\/?$/, renderDay, 'today'],
  [/^#\/day\/(\d{4}-\d{2}-\d{2})$/, renderDay, 'today'],
  [/^#\/week$/, renderWeek, 'today'],
  [/^#\/clients$/, renderClientList, 'clients'],
  [/^#\/clients\/new$/, renderNewClient, 'clients'],
  [new RegExp(`^#/clients/${ID}$`), renderClient, 'clients'],
  [new RegExp(`^#/clients/${ID}/edit$`), renderClientEdit, 'clients'],
  [new RegExp(`^#/clients/${ID}/case-history$`), renderCaseHistory, 'clients'],
  [new RegExp(`^#/clients/${ID}/first-visit(?:\\?(.*))?$`), renderFirstVisit, 'clients'],
  [new RegExp(`^#/clients/${ID}/start$`), startForClient, 'clients'],
  [new RegExp(`^#/appointments/${ID}/start$`), startFromAppointment, 'today'],
  [new RegExp(`^#/visits/${ID}(?:/(\\w+))?$`), renderVisit, 'clients'],
  [new RegExp(`^#/sessions/${ID}$`), (main, options, id) => redirect(`#/visits/${id}`)(), 'clients'],
  [/^#\/attention$/, renderAttention, 'attention'],
  [/^#\/reminders$/, renderReminders, 'reminders'],
  [/^#\/sign-out$/, renderSignOut, 'sign-out'],
];

async function route({ focus = true, unlessBusy = false } = {}) {
  const ticket = nextScreen();
  await flushAll();  // text typed on the screen being left is saved before the next one reads
  const found = ROUTES.map(([pattern, render, nav]) => [window.location.hash.match(pattern), render, nav])
    .find(([match]) => match);
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (found && link.dataset.nav === found[2]) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!found) return show(main, [h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to today'))]);
  const [match, render] = found;
  return render(main, { focus, ticket, unlessBusy }, ...match.slice(1));
}

let stopped = false;  // the phone was signed out by the clinic: show nothing else

// Screens that only show data, and so are redrawn when a sync changed something. Entry
// screens (a visit, a form) are never redrawn under the practitioner's thumb.
const LIVE = new Set([renderDay, renderWeek, renderClientList, renderClient, renderAttention]);

function refreshAfterSync(event) {
  if (stopped || !(event.detail && event.detail.changed)) return;
  const found = ROUTES.find(([pattern]) => pattern.test(window.location.hash));
  // Checked again when the redraw is ready to show: typing may have started meanwhile.
  if (found && LIVE.has(found[1]) && !entryInProgress()) route({ focus: false, unlessBusy: true });
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
  document.getElementById('app-version').textContent = version ? `Fieldbook, version ${version}` : 'Fieldbook';
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

async function boot() {
  registerWorker().catch(() => notice('This browser could not set Fieldbook up for offline use.', { kind: 'warn' }));
  mountUpdateBanner(document.getElementById('update-banner'));
  await loadSchema();
  let status;
  try {
    status = await ensureDevice();
  } catch (error) {
    status = 'error';
    show(main, [h('h1', {}, 'Fieldbook could not start'), h('p', {}, error.message)]);
  }
  if (status === 'sign-in') return window.location.replace(LOGIN_URL);
  if (status === 'other-user') return showOtherUser();
  if (status === 'desk') return window.location.replace('/');
  if (status === 'signed-out-offline') {
    show(main, [h('h1', {}, 'Signed out on this phone'),
      h('p', {}, 'You signed out without a connection. Fieldbook finishes signing out with the clinic as soon as '
        + 'this phone is online again; then you can sign in.')]);
    window.addEventListener('online', () => window.location.reload(), { once: true });
    return null;
  }
  if (status === 'offline') {
    show(main, [h('h1', {}, 'Connect once to set up Fieldbook'),
      h('p', {}, 'The first start needs the internet, to sign this phone in and copy your caseload. '
        + 'After that, Fieldbook works without a connection.')]);
    window.addEventListener('online', () => window.location.reload(), { once: true });
    return null;
  }
  if (status !== 'ready') return null;
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
  askToKeepData().then(({ supported, persisted }) => {
    if (!persisted) {
      notice(supported
        ? 'This browser has not promised to keep Fieldbook’s data. It could clear it if space runs low or after weeks '
          + 'without use. Add Fieldbook to your home screen, and sync often.'
        : 'This browser cannot promise to keep Fieldbook’s data. Sync often.', { kind: 'warn', id: 'storage-notice' });
    }
  });
  showVersion();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('controllerchange', showVersion);
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
