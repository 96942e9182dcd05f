// The first visit's paperwork, before the session record: the full case history, then the
// client's acknowledgement that Body Stress Release is not medical care. What is typed is
// kept as a draft on the phone until it is saved (form.js), so nothing is lost to a reload.
import { now } from '../clock.js';
import * as db from '../db.js';
import { createRecord, updateRecord } from '../outbox.js';
import { currentAcknowledgement, fieldsOf, hasSchema } from '../schema.js';
import { startVisit } from '../visits.js';
import { clinicToday } from '../when.js';
import { chipGroup } from './chips.js';
import { h, show } from './dom.js';
import { entryForm, recordForm, showErrors } from './form.js';

const today = () => clinicToday(now());  // the clinic's date (not UTC's: after midnight in summer they differ)

function caseHistoryForm(client, history, onSaved) {
  const fields = fieldsOf('case_history').map((f) => f.name).filter((name) => name !== 'client_id');
  return recordForm({
    entity: 'case_history', fields, values: history || {}, draft: `case-history:${client.id}`,
    submitLabel: 'Save the case history', questions: true,
    onSave: async (values, form) => {
      if (history) await updateRecord('case_history', history.id, values);
      else await createRecord('case_history', { client_id: client.id, ...values }, { clientId: client.id });
      await form.dropDraft();  // before the screen is drawn again, with this form's next draft
      onSaved();
    },
  });
}

function acknowledgementForm(client, onSaved) {
  const wording = currentAcknowledgement();
  const method = chipGroup({ legend: 'How the client gave it', name: 'method', value: 'ticked',
    options: [{ code: 'ticked', label: 'Ticked on this phone' }, { code: 'signed', label: 'Signed on paper' }] });
  const agreed = h('input', { type: 'checkbox', id: 'ack-agreed', name: 'agreed' });
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const form = entryForm({ draft: `acknowledgement:${client.id}`, class: 'panel', id: 'acknowledgement-form', tabindex: '-1' },
    summary,
    h('blockquote', { class: 'acknowledgement-text', id: 'ack-text' }, wording ? wording.text : ''),
    h('div', { class: 'field', dataset: { field: 'agreed' } },
      h('label', { class: 'check', for: 'ack-agreed' }, agreed, 'The client has read this and agrees'),
      h('p', { class: 'error', hidden: true })),
    method,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Record the acknowledgement')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = agreed.checked ? {} : { agreed: 'The client needs to agree before the first session.' };
    showErrors(form, summary, errors);
    if (!agreed.checked) return;
    await createRecord('acknowledgement', { client_id: client.id, acknowledged_on: today(),
      // (drawn only with the published rules, hasSchema(), and they carry the wording)
      wording_version: /** @type {{version: string}} */ (wording).version, method: method.read() }, { clientId: client.id });
    await form.dropDraft();
    onSaved();
  });
  return form;
}

export async function renderFirstVisit(main, options, clientId, query = '') {
  const client = await db.getRecord('client', clientId);
  if (!client || client.deleted || !hasSchema()) {
    return show(main, [h('h1', {}, 'First visit'), h('p', {}, 'This needs the client and the forms, which arrive with a sync.')], options);
  }
  const appointmentId = new URLSearchParams(query).get('appointment');
  const [history] = await db.listRecords('case_history', 'client_id', clientId);
  const [acknowledgement] = await db.listRecords('acknowledgement', 'client_id', clientId);
  const again = () => renderFirstVisit(main, { focus: false }, clientId, query)
    .then(() => { const next = main.querySelector('#acknowledgement-form, #start-first-session'); if (next) next.focus(); });
  const start = async () => {
    const appointment = appointmentId ? await db.getRecord('appointment', appointmentId) : null;
    const id = await startVisit(client, appointment);
    window.location.hash = `#/visits/${id}/since`;
  };
  const done = history && acknowledgement;
  return show(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/clients/${clientId}` }, `${client.first_name} ${client.last_name}`)),
    h('h1', {}, `First visit with ${client.first_name}`),
    h('section', { 'aria-labelledby': 'history-heading' },
      h('h2', { id: 'history-heading' }, `1. Case history${history ? ' (taken)' : ''}`),
      history && acknowledgement ? h('p', {}, h('a', { href: `#/clients/${clientId}/case-history` }, 'Read or change the case history'))
        : caseHistoryForm(client, history, again)),
    h('section', { 'aria-labelledby': 'ack-heading' },
      h('h2', { id: 'ack-heading' }, `2. Acknowledgement${acknowledgement ? ' (given)' : ''}`),
      acknowledgement ? h('p', {}, `Given on ${acknowledgement.acknowledged_on} (${acknowledgement.method}).`)
        : history ? acknowledgementForm(client, again) : h('p', { class: 'muted' }, 'After the case history.')),
    done ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button primary', id: 'start-first-session',
      onclick: start }, 'Start the session')) : null,
  ], options);
}

export async function renderCaseHistory(main, options, clientId) {
  const client = await db.getRecord('client', clientId);
  const [history] = client ? await db.listRecords('case_history', 'client_id', clientId) : [];
  if (!client || !hasSchema()) return show(main, [h('h1', {}, 'Case history'), h('p', {}, 'Not on this phone yet.')], options);
  return show(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/clients/${clientId}` }, `${client.first_name} ${client.last_name}`)),
    h('h1', {}, `Case history of ${client.first_name}`),
    caseHistoryForm(client, history, () => { window.location.hash = `#/clients/${clientId}`; }),
  ], options);
}
