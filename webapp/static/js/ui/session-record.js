// Recording a session: start it (a visit), then add findings one after another.
import * as db from '../db.js';
import { createRecord } from '../outbox.js';
import { hasSchema, labelOf } from '../schema.js';
import { fullName } from './clients.js';
import { formatWhen, h, show } from './dom.js';
import { recordForm } from './form.js';

const VISIT_FIELDS = ['started_at', 'location', 'number_in_course', 'notes'];
const FINDING_FIELDS = ['region', 'side', 'muscle_or_test', 'tension_found', 'released', 'note'];

const needsSchema = (main, options, title) => show(main, [h('h1', {}, title),
  h('p', {}, 'The forms arrive with the first sync. Connect to the internet and press “Sync now”.')], options);

export async function renderNewSession(main, options, clientId) {
  const client = await db.getRecord('client', clientId);
  if (!client) return show(main, [h('h1', {}, 'Client not on this phone')], options);
  if (!hasSchema()) return needsSchema(main, options, 'Record a session');
  const earlier = await db.listRecords('visit', 'client_id', clientId);
  const form = recordForm({
    entity: 'visit', fields: VISIT_FIELDS, submitLabel: 'Start the session',
    values: { started_at: new Date().toISOString(), location: client.address_line ? 'home' : 'clinic',
      number_in_course: earlier.length + 1 },
    onSave: async (values) => {
      const address = values.location === 'home'
        ? [client.address_line, client.town, client.postcode].filter(Boolean).join(', ') : '';
      const id = await createRecord('visit', { client_id: clientId, address, ...values }, { clientId });
      window.location.hash = `#/sessions/${id}`;
    },
  });
  return show(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/clients/${clientId}` }, fullName(client))),
    h('h1', {}, `Record a session with ${fullName(client)}`), form,
  ], options);
}

function findingLine(finding) {
  const outcome = finding.tension_found ? (finding.released ? 'tension found, released' : 'tension found, not released')
    : 'no tension found';
  return h('li', { class: 'finding' },
    h('span', { class: 'card-title' }, `${labelOf('region', finding.region)}, ${labelOf('side', finding.side).toLowerCase()}`),
    h('span', {}, ` — ${outcome}`),
    finding.muscle_or_test ? h('span', { class: 'muted' }, ` (${finding.muscle_or_test})`) : null,
    finding.version === 0 ? h('span', { class: 'badge' }, 'Not synced yet') : null);
}

export async function renderSession(main, options, visitId) {
  const visit = await db.getRecord('visit', visitId);
  if (!visit || visit.deleted) return show(main, [h('h1', {}, 'Session not on this phone')], options);
  const client = await db.getRecord('client', visit.client_id);
  const findings = (await db.listRecords('finding', 'visit_id', visitId))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const list = h('ol', { class: 'finding-list', id: 'finding-list' }, findings.map(findingLine));
  const heading = h('h2', { id: 'findings-heading' }, `Findings (${findings.length})`);
  const form = hasSchema() ? recordForm({
    entity: 'finding', fields: FINDING_FIELDS, values: { tension_found: true, released: true },
    submitLabel: 'Add finding',
    onSave: async (values) => {
      await createRecord('finding', { visit_id: visitId, position: findings.length, ...values }, { clientId: visit.client_id });
      // Drawn again from the phone's database, ready for the next finding.
      await renderSession(main, { focus: false }, visitId);
      main.querySelector('form select, form input').focus();
      main.querySelector('#finding-saved').textContent =  // announced: the region is already on the page
        `Saved: ${labelOf('region', values.region)}, ${labelOf('side', values.side).toLowerCase()}.`;
    },
  }) : h('p', {}, 'The finding form arrives with the first sync.');
  return show(main, [
    h('p', { class: 'breadcrumb' }, client ? h('a', { href: `#/clients/${client.id}` }, fullName(client)) : null),
    h('h1', {}, `Session ${visit.number_in_course ?? ''} · ${formatWhen(visit.started_at)}`),
    h('p', { class: 'muted' }, `${labelOf('location', visit.location)}${visit.notes ? ` · ${visit.notes}` : ''}`),
    heading,
    list,
    h('h2', {}, 'Add a finding'),
    h('p', { class: 'sr-status', id: 'finding-saved', role: 'status', 'aria-live': 'polite' }),
    form,
    h('p', { class: 'actions' }, client ? h('a', { class: 'button', href: `#/clients/${client.id}` },
      `Done: back to ${fullName(client)}`) : null),
  ], options);
}
