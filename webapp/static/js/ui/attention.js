// What needs the practitioner: changes the server refused (fix and send again), conflicts
// (keep mine, keep theirs, or enter the right value), and records this version of the app
// cannot show (kept on the phone until an update knows them).
import * as db from '../db.js';
import { api, NetworkError } from '../api.js';
import { discardRejected, resendFixed } from '../outbox.js';
import { entityLabel, fieldOf, labelOf } from '../schema.js';
import { syncNow } from '../sync.js';
import { fullName } from './clients.js';
import { formatWhen, h, plural, show } from './dom.js';
import { dropDraft } from './drafts.js';
import { recordForm } from './form.js';

const WHY = { not_found: 'This record is not on your caseload (any more), so the clinic cannot take it.',
  change_id_reused: 'The server already had a different change under this change’s id.' };

function shown(entity, name, value) {
  if (name === '_deleted') return value === 'deleted' ? 'deleted' : 'kept';
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const spec = fieldOf(entity, name);
  if (spec && spec.kind === 'choice' && spec.vocabulary) return labelOf(spec.vocabulary, value);
  if (spec && spec.kind === 'datetime') return formatWhen(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const fieldLabel = (entity, name) => (name === '_deleted' ? 'Deleted or kept'
  : (fieldOf(entity, name) || { label: name }).label);

// An open box is a decision in progress: a redraw after a sync must not close it.
function toggle(box, button) {
  box.hidden = !box.hidden;
  button.setAttribute('aria-expanded', String(!box.hidden));
  if (box.hidden) delete box.dataset.busy;
  else box.dataset.busy = 'true';
}

async function clientName(clientId) {
  const client = clientId ? await db.getRecord('client', clientId) : null;
  return client ? fullName(client) : 'a client';
}

async function rejectedItem(entry, redraw) {
  const errors = entry.errors || {};
  const editable = [...new Set([...Object.keys(errors), ...Object.keys(entry.fields || {})])]
    .filter((name) => { const spec = fieldOf(entry.entity, name); return spec && spec.kind !== 'uuid'; });
  const form = entry.op === 'upsert' && editable.length ? recordForm({
    entity: entry.entity, fields: editable, values: entry.fields, draft: `fix:${entry.change_id}`, submitLabel: 'Send again',
    onSave: async (values) => {
      await resendFixed(entry, values);
      await redraw();
      syncNow();
    },
  }) : null;
  const confirm = h('button', { type: 'button', class: 'button danger', onclick: async () => {
    // Until the redraw, this item is on its way out: a second tap must not reopen or repeat it.
    confirm.disabled = true;
    discard.disabled = true;
    try {
      await discardRejected(entry);
    } catch (error) {
      confirm.disabled = false;  // not discarded: the choice is the practitioner's again
      discard.disabled = false;
      throw error;
    }
    await dropDraft(`fix:${entry.change_id}`);
    await redraw();
    syncNow();
  } }, 'Yes, discard this change for good');
  const confirmDiscard = h('div', { hidden: true, class: 'danger-zone panel' },
    h('p', {}, 'Discarding means the clinic never receives this change. This phone shows the clinic’s copy again.'),
    confirm);
  const discard = h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false', onclick: () => {
    toggle(confirmDiscard, discard);
  } }, 'Discard this change…');
  const handOver = entry.code === 'not_found' && entry.client_id ? handOverButton(entry, redraw) : null;
  return h('li', { class: 'panel attention-item', dataset: { kind: 'rejected', seq: entry.seq } },
    h('h3', {}, `${entityLabel(entry.entity)} for ${await clientName(entry.client_id)}`),
    h('p', {}, `The clinic did not accept this change (${formatWhen(entry.rejected_at)}). It is kept on this phone until you fix it.`),
    h('ul', { class: 'server-errors' }, Object.entries(errors).map(([name, message]) =>
      h('li', {}, `${fieldLabel(entry.entity, name)}: ${message}`))),
    WHY[entry.code] ? h('p', {}, WHY[entry.code]) : null,
    handOver, form, discard, confirmDiscard);
}

/**
 * Work for a client who has left the caseload: hand it to the clinic desk, which reads it on
 * the client's record, rather than lose it. Once the desk has it, it leaves this phone.
 */
function handOverButton(entry, redraw) {
  const status = h('p', { role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button primary', onclick: async () => {
    button.disabled = true;
    status.textContent = 'Handing it to the clinic desk…';
    try {
      const device = await db.getMeta('device');
      await api('/api/v1/sync/park', { method: 'POST', token: device.device_token, body: {
        client_id: entry.client_id,
        changes: [{ change_id: entry.change_id, entity: entry.entity, id: entry.record_id, op: entry.op,
          fields: entry.fields || {}, made_at: entry.created_at }] } });
      await discardRejected(entry);
      await dropDraft(`fix:${entry.change_id}`);
      await redraw();
      syncNow();
    } catch (error) {
      button.disabled = false;
      status.textContent = error instanceof NetworkError ? 'This needs a connection to the clinic. Try again when online.'
        : `The desk could not take it: ${/** @type {Error} */ (error).message}`;
    }
  } }, 'Hand it to the clinic desk');
  return h('div', { class: 'hand-over' }, h('p', {}, 'The clinic desk can take it instead, and copy what is needed '
    + 'into the client’s record.'), button, status);
}

/** Decide a conflict: kept on this phone at once, sent with the next sync (offline too). */
async function resolve(conflict, choice, value, redraw) {
  await db.decideConflict(conflict, choice, value);
  await dropDraft(`conflict:${conflict.conflict_id}`);  // an edit begun, then Keep mine or theirs
  syncNow();
  await redraw();
}

async function conflictItem(conflict, redraw) {
  const status = h('p', { class: 'muted', role: 'status' });
  const label = fieldLabel(conflict.entity, conflict.field);
  const editBox = h('div', { hidden: true });
  const buttons = h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'button', onclick: () => resolve(conflict, 'mine', null, redraw) },
      'Keep mine'),
    h('button', { type: 'button', class: 'button', onclick: () => resolve(conflict, 'theirs', null, redraw) },
      'Keep theirs'),
    conflict.field !== '_deleted' && fieldOf(conflict.entity, conflict.field) ? h('button', {
      type: 'button', class: 'button', 'aria-expanded': 'false',
      onclick: (event) => {
        toggle(editBox, event.currentTarget);
        if (!editBox.hidden) editBox.querySelector('input, select, textarea').focus();
      },
    }, 'Edit') : null);
  if (conflict.field !== '_deleted' && fieldOf(conflict.entity, conflict.field)) {
    editBox.append(recordForm({
      entity: conflict.entity, fields: [conflict.field], values: { [conflict.field]: conflict.device_value },
      draft: `conflict:${conflict.conflict_id}`, submitLabel: 'Save this value',
      onSave: (values) => resolve(conflict, 'edit', values[conflict.field], redraw),
    }));
  }
  return h('li', { class: 'panel attention-item', dataset: { kind: 'conflict', conflict: conflict.conflict_id } },
    h('h3', {}, `${label}: ${entityLabel(conflict.entity)} of ${await clientName(conflict.client_id)}`),
    h('p', {}, 'This was changed on this phone and at the clinic (or on another device) at the same time.'),
    h('dl', { class: 'dl-grid' },
      h('dt', {}, 'On this phone'), h('dd', { class: 'mine' }, shown(conflict.entity, conflict.field, conflict.device_value)),
      h('dt', {}, 'At the clinic'), h('dd', { class: 'theirs' }, shown(conflict.entity, conflict.field, conflict.server_value))),
    buttons, editBox, status);
}

/** Records of an entity this version does not know, kept aside by the pull (db-pull.js). */
function unknownItem({ entity, count }) {
  return h('li', { class: 'panel attention-item', dataset: { kind: 'unknown', entity } },
    h('h3', {}, entityLabel(entity)),
    h('p', {}, `${plural(count, 'record')} of a kind this version of Fieldbook cannot show came from the clinic. `
      + `${count === 1 ? 'It is' : 'They are'} kept on this phone, and shown once Fieldbook is updated: `
      + 'reload when it says a new version is ready.'));
}

export async function renderAttention(main, options) {
  const redraw = () => renderAttention(main, { focus: false });
  const rejected = (await db.outboxEntries()).filter((entry) => entry.status === 'rejected');
  const conflicts = await db.listConflicts();
  const unknown = await db.keptUnknown();
  const decided = (await db.queuedDecisions()).length;
  show(main, [
    h('h1', {}, 'Needs attention'),
    decided ? h('p', { class: 'banner', id: 'decisions-waiting' }, `${decided === 1 ? 'Your decision on 1 conflict is'
      : `Your decisions on ${decided} conflicts are`} kept on this phone and will be sent with the next sync.`) : null,
    rejected.length + conflicts.length + unknown.length === 0 ? h('p', { class: 'empty' }, 'Nothing needs your attention.')
      : null,
    rejected.length ? [h('h2', {}, 'Changes the clinic did not accept'),
      h('ul', { class: 'plain-list', id: 'rejected-list' }, await Promise.all(rejected.map((e) => rejectedItem(e, redraw))))] : null,
    conflicts.length ? [h('h2', {}, 'Conflicts to decide'),
      h('ul', { class: 'plain-list', id: 'conflict-list' }, await Promise.all(conflicts.map((c) => conflictItem(c, redraw))))] : null,
    unknown.length ? [h('h2', {}, 'Records this version cannot show yet'),
      h('ul', { class: 'plain-list', id: 'unknown-list' }, unknown.map(unknownItem))] : null,
  ], options);
}
