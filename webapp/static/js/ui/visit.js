// The visit, the core of the app: since last time, findings, the close. Each step saves as
// it is made; the step reached is remembered, so the visit resumes where it stopped.
import * as db from '../db.js';
import { hasSchema } from '../schema.js';
import { markInProgress, startVisit } from '../visits.js';
import { formatWhen, h, show } from './dom.js';
import { renderClose } from './visit-close.js';
import { renderFindings } from './visit-findings.js';
import { renderSince } from './visit-since.js';

const STEPS = [
  { key: 'since', label: 'Since last time', render: renderSince },
  { key: 'findings', label: 'Findings', render: renderFindings },
  { key: 'close', label: 'Close', render: renderClose },
];

const OPEN_FOR_MS = 12 * 60 * 60 * 1000;

const missing = (main, options, title, text) => show(main, [h('h1', {}, title), h('p', {}, text),
  h('p', {}, h('a', { href: '#/' }, 'Back to today'))], options);

/** Whether the client still needs the first-visit paperwork (case history, acknowledgement). */
async function needsFirstVisit(clientId) {
  const [histories, acknowledgements] = await Promise.all([
    db.listRecords('case_history', 'client_id', clientId), db.listRecords('acknowledgement', 'client_id', clientId)]);
  return histories.length === 0 || acknowledgements.length === 0;
}

async function begin(client, appointment) {
  if (await needsFirstVisit(client.id)) {
    window.location.replace(`#/clients/${client.id}/first-visit${appointment ? `?appointment=${appointment.id}` : ''}`);
    return;
  }
  const id = await startVisit(client, appointment);
  window.location.replace(`#/visits/${id}/since`);
}

export async function startFromAppointment(main, options, appointmentId) {
  const appointment = await db.getRecord('appointment', appointmentId);
  const client = appointment && await db.getRecord('client', appointment.client_id);
  if (!client || client.deleted) return missing(main, options, 'Appointment not on this phone', 'It may have moved to another practitioner.');
  const held = (await db.listRecords('visit', 'client_id', client.id)).find((v) => v.appointment_id === appointmentId);
  if (held) return window.location.replace(`#/visits/${held.id}`);
  return begin(client, appointment);
}

export async function startForClient(main, options, clientId) {
  const client = await db.getRecord('client', clientId);
  if (!client || client.deleted) return missing(main, options, 'Client not on this phone', 'They may have moved to another practitioner.');
  return begin(client, null);
}

function stepNav(visitId, current) {
  return h('nav', { class: 'step-nav', 'aria-label': 'Steps of the session' }, h('ol', {}, STEPS.map((step, index) =>
    h('li', {}, h('a', { href: `#/visits/${visitId}/${step.key}`, 'aria-current': step.key === current ? 'step' : null },
      h('span', { class: 'step-number' }, String(index + 1)), ` ${step.label}`)))));
}

function stepButtons(visitId, index) {
  const previous = STEPS[index - 1];
  const next = STEPS[index + 1];
  return h('div', { class: 'step-buttons' },
    previous ? h('a', { class: 'button', href: `#/visits/${visitId}/${previous.key}` }, `‹ ${previous.label}`) : h('span'),
    next ? h('a', { class: 'button primary', href: `#/visits/${visitId}/${next.key}` }, `${next.label} ›`) : null);
}

// A control the keyboard focuses on screen but under a sticky bar is scrolled clear of it
// (WCAG 2.4.11): the browser does that only for controls off screen. Not for a tap: scrolling
// between a finger's press and release would lose the tap.
function keepFocusClearOfBars(main) {
  if (main.dataset.barGuard) return;
  main.dataset.barGuard = 'on';
  let byKeyboard = false;
  document.addEventListener('keydown', () => { byKeyboard = true; }, true);
  document.addEventListener('pointerdown', () => { byKeyboard = false; }, true);
  main.addEventListener('focusin', (event) => {
    if (!byKeyboard) return;
    const box = event.target.getBoundingClientRect();
    const over = [...main.querySelectorAll('.step-buttons, .sticky-actions')]
      .filter((bar) => !bar.contains(event.target)).map((bar) => bar.getBoundingClientRect())
      .filter((bar) => bar.top < box.bottom && bar.bottom > box.top);  // a bar lying over the control
    if (over.length) window.scrollBy(0, box.bottom - Math.min(...over.map((bar) => bar.top)) + 8);
  });
}


/**
 * @param {HTMLElement} main
 * @param {{focus?: boolean}} options
 * @param {string} visitId
 * @param {string | null} [stepKey]
 * @param {string} [query]
 */
export async function renderVisit(main, options, visitId, stepKey = null, query = '') {
  keepFocusClearOfBars(main);
  const visit = await db.getRecord('visit', visitId);
  if (!visit || visit.deleted) return missing(main, options, 'Session not on this phone', 'It may belong to a client who moved to another practitioner.');
  if (!hasSchema()) return missing(main, options, 'The session forms are not here yet', 'They arrive with the first sync. Connect and press “Sync now”.');
  if (!stepKey) {
    const open = await db.getMeta('visit-in-progress');
    return window.location.replace(`#/visits/${visitId}/${open && open.visit_id === visitId ? open.step : 'since'}`);
  }
  const index = Math.max(0, STEPS.findIndex((step) => step.key === stepKey));
  const step = STEPS[index];
  if (stepKey !== step.key) return window.location.replace(`#/visits/${visitId}/${step.key}`);
  const client = await db.getRecord('client', visit.client_id);
  if (!client) return missing(main, options, 'Client not on this phone', 'They may have moved to another practitioner.');
  // Only a session held today counts as open; reading an old one does not.
  if (Date.now() - Date.parse(visit.started_at) < OPEN_FOR_MS) await markInProgress(visitId, client.id, step.key);
  const body = await step.render({ visit, client, main, query });
  show(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/clients/${client.id}` }, `${client.first_name} ${client.last_name}`)),
    h('h1', {}, `${step.label} · session ${visit.number_in_course}`),
    h('p', { class: 'muted visit-when' }, `${formatWhen(visit.started_at)} · ${visit.location === 'home' ? 'home visit' : 'at the clinic'}`),
    stepNav(visitId, step.key),
    body,
    stepButtons(visitId, index),
  ], options);
  // A step may ask for focus on one control instead of the heading (the sensation to rate next).
  const wanted = /** @type {HTMLElement | null} */ (main.querySelector('[data-focus-on-show]'));
  if (wanted && options.focus !== false) wanted.focus();
}
