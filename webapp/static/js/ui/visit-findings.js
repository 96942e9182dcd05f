// Step 2 of a visit: findings on the body diagram. Tap a region, pick the side, mark tension
// found and released; the finding is saved on the phone at once and marked on the diagram.
// A finding being entered is kept as a draft, so a reload or a locked phone loses nothing.
import * as db from '../db.js';
import { createRecord, deleteRecord } from '../outbox.js';
import { newId } from '../records.js';
import { choicesFor, labelOf, validate } from '../schema.js';
import { dropDraft, loadDraft, saveDraft } from '../visits.js';
import { drawDiagram } from './body-diagram.js';
import { chipGroup, autosaver } from './chips.js';
import { h } from './dom.js';
import { showErrors } from './form.js';

const EMPTY = { region: '', side: null, tension_found: true, released: true, muscle_or_test: '', note: '' };

function outcome(finding) {
  if (!finding.tension_found) return 'no tension found';
  return finding.released ? 'tension found, released' : 'tension found, not released';
}

function findingLine(finding, onRemove) {
  return h('li', { class: 'finding', dataset: { finding: finding.id } },
    h('span', { class: 'card-title' }, `${labelOf('region', finding.region)}, ${labelOf('side', finding.side).toLowerCase()}`),
    h('span', {}, ` — ${outcome(finding)}`),
    finding.muscle_or_test ? h('span', { class: 'muted' }, ` (${finding.muscle_or_test})`) : null,
    finding.tension_line_id ? h('span', { class: 'badge line-badge' }, 'line of tension') : null,
    finding.note ? h('p', { class: 'finding-note' }, finding.note) : null,
    h('button', { type: 'button', class: 'link-button remove', onclick: () => onRemove(finding),
      'aria-label': `Remove the finding at ${labelOf('region', finding.region)}, ${finding.side}` }, 'Remove'));
}

export async function renderFindings({ visit }) {
  const findings = (await db.listRecords('finding', 'visit_id', visit.id)).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const draft = { ...EMPTY, view: 'back', line: null, ...((await loadDraft(`finding:${visit.id}`)) || {}) };
  const keepDraft = autosaver(() => saveDraft(`finding:${visit.id}`, draft));

  const status = h('p', { class: 'sr-status', id: 'finding-saved', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', { class: 'finding-list', id: 'finding-list', 'aria-labelledby': 'findings-heading' });
  const heading = h('h2', { id: 'findings-heading' });
  const diagramBox = h('div', { class: 'diagram-box' });
  const viewButtons = ['back', 'front'].map((view) => h('button', { type: 'button', class: 'button small',
    'aria-pressed': String(draft.view === view), onclick: () => { draft.view = view; keepDraft(); drawAll(); } },
  view === 'back' ? 'Back' : 'Front'));

  // The entry panel: native controls, so the diagram is a shortcut, never the only way.
  const region = h('select', { id: 'finding-region', name: 'region' }, h('option', { value: '' }, 'Choose…'),
    choicesFor({ vocabulary: 'region' }).map((c) => h('option', { value: c.code }, c.label)));
  const side = chipGroup({ legend: 'Side', name: 'side', options: choicesFor({ vocabulary: 'side' }), value: draft.side });
  const found = h('input', { type: 'checkbox', id: 'finding-found', name: 'tension_found' });
  const released = h('input', { type: 'checkbox', id: 'finding-released', name: 'released' });
  const muscle = h('input', { type: 'text', id: 'finding-muscle', name: 'muscle_or_test', maxlength: 120 });
  const note = h('textarea', { id: 'finding-note', name: 'note', rows: 2, maxlength: 2000 });
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const lineButton = h('button', { type: 'button', class: 'button small', id: 'line-toggle' });
  const form = h('form', { class: 'panel finding-form', id: 'finding-form', novalidate: true, 'aria-labelledby': 'finding-form-heading' },
    h('h2', { id: 'finding-form-heading' }, 'Record a finding'), summary,
    h('div', { class: 'field', dataset: { field: 'region' } }, h('label', { for: 'finding-region' }, 'Region'), region,
      h('p', { class: 'error', hidden: true })),
    side,
    h('label', { class: 'check', for: 'finding-found' }, found, 'Tension found'),
    h('label', { class: 'check', for: 'finding-released' }, released, 'Released'),
    h('div', { class: 'field' }, h('label', { for: 'finding-muscle' }, 'Muscle or test (optional)'), muscle),
    h('div', { class: 'field' }, h('label', { for: 'finding-note' }, 'Short note (optional)'), note),
    h('p', { class: 'line-status', id: 'line-status' }), lineButton,
    h('div', { class: 'actions sticky-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Save finding')));

  const fill = () => {
    region.value = draft.region || '';
    for (const input of side.querySelectorAll('input')) input.checked = input.value === draft.side;
    found.checked = draft.tension_found; released.checked = draft.released;
    muscle.value = draft.muscle_or_test; note.value = draft.note;
  };
  const readForm = () => Object.assign(draft, { region: region.value, side: side.read(), tension_found: found.checked,
    released: released.checked, muscle_or_test: muscle.value.trim(), note: note.value.trim() });
  const inLine = () => findings.filter((f) => draft.line && f.tension_line_id === draft.line);
  const drawLine = () => {
    lineButton.textContent = draft.line ? 'End the line of tension' : 'Trace a line of tension';
    lineButton.setAttribute('aria-pressed', String(Boolean(draft.line)));
    form.querySelector('#line-status').textContent = draft.line
      ? `Tracing a line of tension: ${inLine().length} finding${inLine().length === 1 ? '' : 's'} so far. New findings join it.` : '';
  };
  function drawAll() {
    heading.textContent = `Findings (${findings.length})`;
    list.replaceChildren(...findings.map((f) => findingLine(f, remove)));
    diagramBox.replaceChildren(drawDiagram(draft.view, findings, pick));
    viewButtons.forEach((button, i) => button.setAttribute('aria-pressed', String(['back', 'front'][i] === draft.view)));
    drawLine();
  }
  function pick(code, sideCode) {
    Object.assign(draft, { region: code, side: sideCode || draft.side });
    fill();
    keepDraft();
    (sideCode ? form.querySelector('button[type=submit]') : side.querySelector('input')).focus();
  }
  async function remove(finding) {
    await deleteRecord('finding', finding.id);
    findings.splice(findings.indexOf(finding), 1);
    drawAll();
    status.textContent = `Removed: ${labelOf('region', finding.region)}.`;
  }

  lineButton.addEventListener('click', () => { draft.line = draft.line ? null : newId(); keepDraft(); drawLine(); });
  form.addEventListener('input', () => { readForm(); keepDraft(); });
  form.addEventListener('change', () => { readForm(); keepDraft(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    readForm();
    const values = { region: draft.region || null, side: draft.side, muscle_or_test: draft.muscle_or_test,
      tension_found: draft.tension_found, released: draft.tension_found && draft.released, note: draft.note };
    const errors = validate('finding', values, { partial: true });
    showErrors(form, summary, errors);
    if (Object.keys(errors).length) return;
    const record = { visit_id: visit.id, ...values, tension_line_id: draft.line,
      position: draft.line ? inLine().length : findings.length };
    const id = await createRecord('finding', record, { clientId: visit.client_id });
    findings.push({ id, ...record, client_id: visit.client_id, version: 0 });
    Object.assign(draft, { ...EMPTY, view: draft.view, line: draft.line, side: null });
    dropDraft(`finding:${visit.id}`);
    fill();
    drawAll();
    status.textContent = `Saved: ${labelOf('region', values.region)}, ${labelOf('side', values.side).toLowerCase()}.`;
  });

  fill();
  drawAll();
  return [h('div', { class: 'diagram-views', role: 'group', 'aria-label': 'Diagram view' }, viewButtons),
    diagramBox, status, form, heading, list];
}
