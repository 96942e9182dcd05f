// The caseload on this phone: the list of clients, one client's page, and editing details.
import * as db from '../db.js';
import { updateRecord } from '../outbox.js';
import { hasSchema, labelOf } from '../schema.js';
import { formatWhen, h, plural, show } from './dom.js';
import { recordForm } from './form.js';

const DETAILS = ['first_name', 'last_name', 'phone', 'email', 'date_of_birth', 'address_line', 'town', 'postcode'];
export const fullName = (client) => `${client.first_name || ''} ${client.last_name || ''}`.trim() || 'Unnamed client';

export async function renderClientList(main, options) {
  const clients = (await db.listRecords('client'))
    .sort((a, b) => `${a.last_name} ${a.first_name}`.localeCompare(`${b.last_name} ${b.first_name}`));
  const list = h('ul', { class: 'card-list', id: 'client-list' }, clients.map((client) => h('li', {},
    h('a', { href: `#/clients/${client.id}`, class: 'card-link' },
      h('span', { class: 'card-title' }, fullName(client)),
      h('span', { class: 'muted' }, [client.town, client.phone].filter(Boolean).join(' · '))))));
  const search = h('input', { type: 'search', id: 'client-search', autocomplete: 'off' });
  search.addEventListener('input', () => {
    const term = search.value.trim().toLowerCase();
    for (const item of list.children) item.hidden = term && !item.textContent.toLowerCase().includes(term);
  });
  show(main, [
    h('h1', {}, 'Clients'),
    clients.length === 0
      ? h('p', { class: 'empty' }, 'No clients on this phone yet. Your caseload arrives with the next sync.')
      : [h('div', { class: 'field' }, h('label', { for: 'client-search' }, 'Find a client'), search), list],
  ], options);
}

function detailList(client) {
  const rows = [['Phone', client.phone], ['Email', client.email], ['Date of birth', client.date_of_birth],
    ['Address', [client.address_line, client.town, client.postcode].filter(Boolean).join(', ')]];
  return h('dl', { class: 'dl-grid', id: 'client-details' },
    rows.filter(([, value]) => value).map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
}

export async function renderClient(main, options, clientId) {
  const client = await db.getRecord('client', clientId);
  if (!client || client.deleted) {
    show(main, [h('h1', {}, 'Client not on this phone'), h('p', {}, h('a', { href: '#/' }, 'Back to clients'))], options);
    return;
  }
  const visits = (await db.listRecords('visit', 'client_id', clientId))
    .sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
  const findings = await db.listRecords('finding', 'client_id', clientId);
  const conflicts = (await db.listConflicts()).filter((c) => c.client_id === clientId);
  show(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Clients')),
    h('h1', {}, fullName(client)),
    conflicts.length ? h('div', { class: 'banner banner-warn', role: 'status' },
      h('p', {}, `${plural(conflicts.length, 'conflict')} on this client need${conflicts.length === 1 ? 's' : ''} a decision. `,
        h('a', { href: '#/attention' }, 'See what needs attention'))) : null,
    detailList(client),
    h('div', { class: 'actions' },
      h('a', { class: 'button primary', href: `#/clients/${clientId}/sessions/new` }, 'Record a session'),
      h('a', { class: 'button', href: `#/clients/${clientId}/edit` }, 'Edit details')),
    h('h2', {}, 'Sessions'),
    visits.length === 0 ? h('p', { class: 'empty' }, 'No sessions recorded yet.')
      : h('ul', { class: 'card-list', id: 'visit-list' }, visits.map((visit) => {
        const count = findings.filter((f) => f.visit_id === visit.id).length;
        return h('li', {}, h('a', { href: `#/sessions/${visit.id}`, class: 'card-link' },
          h('span', { class: 'card-title' }, `Session ${visit.number_in_course ?? ''} · ${formatWhen(visit.started_at)}`),
          h('span', { class: 'muted' }, `${labelOf('location', visit.location)} · ${plural(count, 'finding')}`),
          visit.version === 0 ? h('span', { class: 'badge' }, 'Not synced yet') : null));
      })),
  ], options);
}

export async function renderClientEdit(main, options, clientId) {
  const client = await db.getRecord('client', clientId);
  if (!client || !hasSchema()) {
    show(main, [h('h1', {}, 'Edit details'), h('p', {}, 'This needs the client and the forms, which arrive with a sync.')], options);
    return;
  }
  const form = recordForm({
    entity: 'client', fields: DETAILS, values: client, submitLabel: 'Save details',
    onSave: async (values) => {
      await updateRecord('client', clientId, values);
      window.location.hash = `#/clients/${clientId}`;
    },
  });
  show(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/clients/${clientId}` }, fullName(client))),
    h('h1', {}, `Edit details of ${fullName(client)}`), form,
  ], options);
}
