// The caseload on this phone: the list of clients (searchable as you type), registering a
// new client, and editing a client's details. The client's own page is client-page.js.
import * as db from '../db.js';
import { createRecord, updateRecord } from '../outbox.js';
import { hasSchema } from '../schema.js';
import { h, show } from './dom.js';
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
  const search = h('input', { type: 'search', id: 'client-search', autocomplete: 'off', 'aria-controls': 'client-list' });
  const found = h('p', { class: 'sr-status', role: 'status', 'aria-live': 'polite', id: 'client-search-status' });
  const none = h('p', { class: 'empty', hidden: true }, 'No client matches. Check the spelling, or register a new client.');
  // What each card is searched by, worked out once when the list is drawn (the names were
  // decrypted then): a keystroke compares strings, and touches only the cards it shows or hides.
  const searched = clients.map((client) => [fullName(client), client.town, client.phone].filter(Boolean).join(' ').toLowerCase());
  const items = [...list.children];
  search.addEventListener('input', () => {
    const term = search.value.trim().toLowerCase();
    let shown = 0;
    items.forEach((item, i) => {
      const hidden = Boolean(term) && !searched[i].includes(term);
      if (item.hidden !== hidden) item.hidden = hidden;
      if (!hidden) shown += 1;
    });
    none.hidden = shown > 0;
    found.textContent = term ? `${shown} of ${clients.length} clients` : '';
  });
  show(main, [
    h('h1', {}, 'My clients'),
    h('div', { class: 'actions' }, h('a', { class: 'button primary', href: '#/clients/new' }, 'New client')),
    clients.length === 0
      ? h('p', { class: 'empty' }, 'No clients on this phone yet. Your caseload arrives with the next sync, '
        + 'or register a new client.')
      : [h('div', { class: 'field' }, h('label', { for: 'client-search' }, 'Find a client'), search), found, none, list],
  ], options);
}

export async function renderNewClient(main, options) {
  if (!hasSchema()) {
    show(main, [h('h1', {}, 'New client'), h('p', {}, 'The form arrives with the first sync. Connect and press “Sync now”.')], options);
    return;
  }
  const form = recordForm({
    entity: 'client', fields: [...DETAILS, 'heard_about'], draft: 'client:new', submitLabel: 'Register the client',
    onSave: async (values) => {
      const id = await createRecord('client', values);
      window.location.hash = `#/clients/${id}`;
    },
  });
  show(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/clients' }, 'My clients')),
    h('h1', {}, 'New client'),
    h('p', { class: 'hint' }, 'Saved on this phone at once, and sent to the clinic with the next sync.'), form,
  ], options);
}

export async function renderClientEdit(main, options, clientId) {
  const client = await db.getRecord('client', clientId);
  if (!client || !hasSchema()) {
    show(main, [h('h1', {}, 'Edit details'), h('p', {}, 'This needs the client and the forms, which arrive with a sync.')], options);
    return;
  }
  const form = recordForm({
    entity: 'client', fields: DETAILS, values: client, draft: `client:${clientId}`, submitLabel: 'Save details',
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
