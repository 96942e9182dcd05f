// One client: contact, case history and acknowledgement at a glance, progress against the
// baseline, and the sessions so far. Starting a visit begins here or on Today.
import * as db from '../db.js';
import { visitsInOrder } from '../course.js';
import { fieldOf, labelOf } from '../schema.js';
import { addressOf } from '../visits.js';
import { fullName } from './clients.js';
import { formatWhen, h, plural, show } from './dom.js';

function detailList(client) {
  const rows = [['Phone', client.phone], ['Email', client.email], ['Date of birth', client.date_of_birth],
    ['Address', addressOf(client)]];
  const shown = rows.filter(([, value]) => value);
  return h('dl', { class: 'dl-grid', id: 'client-details' },
    shown.length ? shown.map(([label, value]) => [h('dt', {}, label), h('dd', {},
      label === 'Phone' ? h('a', { href: `tel:${value}` }, value) : value)]) : [h('dt', {}, 'Contact'), h('dd', {}, 'None recorded')]);
}

// The case history at a glance, each fact under its published label (the words the desk's
// record and forms use too: clients/schemas.py).
const AT_A_GLANCE = ['occupation', 'sitting_hours_per_day', 'water_litres_per_day', 'takes_magnesium', 'goals'];
const historyLabel = (name) => (fieldOf('case_history', name) || { label: name }).label;

function historyFacts(history) {
  return AT_A_GLANCE.map((name) => {
    const value = history[name];
    if (value === null || value === undefined || value === '') return null;  // not asked: nothing to say
    return `${historyLabel(name)}: ${value === true ? 'yes' : value === false ? 'no' : value}`;
  }).filter(Boolean);
}

function paperwork(client, history, acknowledgement) {
  const facts = history ? historyFacts(history) : [];
  return h('section', { class: 'panel', 'aria-labelledby': 'paperwork-heading', id: 'paperwork' },
    h('h2', { id: 'paperwork-heading' }, 'Case history'),
    history ? h('p', {}, facts.length ? `${facts.join('; ')}.` : 'Taken.', ' ',
      h('a', { href: `#/clients/${client.id}/case-history` }, 'Read or change it'))
      : h('p', {}, 'Not taken yet: it is taken at the first visit.'),
    history && history.reported_diagnoses
      ? h('p', {}, h('strong', {}, `${historyLabel('reported_diagnoses')}: `), history.reported_diagnoses) : null,
    h('p', { id: 'acknowledgement-status' }, acknowledgement
      ? `Acknowledgement given on ${acknowledgement.acknowledged_on} (${acknowledgement.method}).`
      : h('strong', {}, 'No acknowledgement yet: the client gives it before the first session.')));
}

async function progress(clientId) {
  try {
    const { progressSection } = await import('./progress.js');
    return await progressSection(clientId);
  } catch (error) {
    console.error(error);
    return h('p', { class: 'empty' }, 'The progress chart could not be drawn on this phone.');
  }
}

export async function renderClient(main, options, clientId) {
  const client = await db.getRecord('client', clientId);
  if (!client || client.deleted) {
    show(main, [h('h1', {}, 'Client not on this phone'), h('p', {}, h('a', { href: '#/clients' }, 'Back to my clients'))], options);
    return;
  }
  // The findings are only counted, a session at a time, from their clear visit_id: years of
  // sessions hold hundreds, and none needs decrypting for a count.
  const [visits, findingsOf, conflicts, [history], [acknowledgement]] = await Promise.all([
    db.listRecords('visit', 'client_id', clientId), db.countRecordsBy('finding', 'client_id', clientId, 'visit_id'),
    db.listConflicts().then((all) => all.filter((c) => c.client_id === clientId)),
    db.listRecords('case_history', 'client_id', clientId), db.listRecords('acknowledgement', 'client_id', clientId)]);
  const first = visits.length === 0;
  show(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/clients' }, 'My clients')),
    h('h1', {}, fullName(client)),
    conflicts.length ? h('div', { class: 'banner banner-warn', role: 'status' },
      h('p', {}, `${plural(conflicts.length, 'conflict')} on this client need${conflicts.length === 1 ? 's' : ''} a decision. `,
        h('a', { href: '#/attention' }, 'See what needs attention'))) : null,
    h('div', { class: 'actions' },
      h('a', { class: 'button primary', href: `#/clients/${clientId}/start` }, first ? 'Start the first visit' : 'Start a visit'),
      h('a', { class: 'button', href: `#/clients/${clientId}/edit` }, 'Edit details')),
    detailList(client),
    paperwork(client, history, acknowledgement),
    await progress(clientId),
    h('h2', {}, 'Sessions'),
    visits.length === 0 ? h('p', { class: 'empty' }, 'No sessions recorded yet.')
      : h('ul', { class: 'card-list', id: 'visit-list' }, visitsInOrder(visits).reverse().map((visit) => {
        const count = findingsOf.get(visit.id) || 0;
        return h('li', {}, h('a', { href: `#/visits/${visit.id}/findings`, class: 'card-link' },
          h('span', { class: 'card-title' }, `Session ${visit.number_in_course ?? ''} · ${formatWhen(visit.started_at)}`),
          h('span', { class: 'muted' }, `${labelOf('location', visit.location)} · ${plural(count, 'finding')}`),
          visit.referred ? h('span', { class: 'badge' }, 'referred') : null,
          visit.version === 0 ? h('span', { class: 'badge' }, 'Not synced yet') : null));
      })),
  ], options);
}
