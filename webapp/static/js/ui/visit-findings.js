// Step 2 of a visit: findings on the body diagram. Tap a region, pick the side, mark tension
// found and released; the finding is saved on the phone at once and marked on the diagram.
// A finding being entered is kept as a draft (form.js), so a reload or a locked phone loses
// nothing; leaving the step with one begun asks whether to save it, go on or discard it.
import * as db from '../db.js';
import { findingProblems, findingStarted, saveFinding } from '../findings.js';
import { deleteRecord } from '../outbox.js';
import { newId } from '../records.js';
import { choicesFor, labelOf, maxLengthOf } from '../schema.js';
import { drawDiagram } from './body-diagram.js';
import { chipGroup } from './chips.js';
import { h } from './dom.js';
import { fillDraft, readDraft } from './drafts.js';
import { entryForm, showErrors } from './form.js';
import { guardLeaving } from './leave-guard.js';
import { askAboutFinding, findingDraftKey } from './visit-unfinished.js';

const BLANK = { region: '', side: null, tension_found: true, released: true, muscle_or_test: '', note: '' };

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

  const status = h('p', { class: 'sr-status', id: 'finding-saved', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', { class: 'finding-list', id: 'finding-list', 'aria-labelledby': 'findings-heading' });
  const heading = h('h2', { id: 'findings-heading' });
  const diagramBox = h('div', { class: 'diagram-box' });
  // The diagram's side and the line being traced are kept with the draft, in hidden fields.
  const view = h('input', { type: 'hidden', name: 'view', value: 'back' });
  const line = h('input', { type: 'hidden', name: 'line', value: '' });
  const viewButtons = ['back', 'front'].map((side) => h('button', { type: 'button', class: 'button small',
    onclick: () => { view.value = side; form.keepDraft(); drawAll(); } }, side === 'back' ? 'Back' : 'Front'));

  // The entry panel: native controls, so the diagram is a shortcut, never the only way.
  const region = h('select', { id: 'finding-region', name: 'region' }, h('option', { value: '' }, 'Choose…'),
    choicesFor({ vocabulary: 'region' }).map((c) => h('option', { value: c.code }, c.label)));
  const side = chipGroup({ legend: 'Side', name: 'side', options: choicesFor({ vocabulary: 'side' }), value: null });
  const found = h('input', { type: 'checkbox', id: 'finding-found', name: 'tension_found', checked: true });
  const released = h('input', { type: 'checkbox', id: 'finding-released', name: 'released', checked: true });
  const muscle = h('input', { type: 'text', id: 'finding-muscle', name: 'muscle_or_test', maxlength: maxLengthOf('finding', 'muscle_or_test') });
  const note = h('textarea', { id: 'finding-note', name: 'note', rows: 2, maxlength: maxLengthOf('finding', 'note') });
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const lineButton = h('button', { type: 'button', class: 'button small', id: 'line-toggle' });
  const form = entryForm({ draft: findingDraftKey(visit), class: 'panel finding-form', id: 'finding-form',
    'aria-labelledby': 'finding-form-heading' },
    h('h2', { id: 'finding-form-heading' }, 'Record a finding'), summary,
    h('div', { class: 'field', dataset: { field: 'region' } }, h('label', { for: 'finding-region' }, 'Region'), region,
      h('p', { class: 'error', hidden: true })),
    side,
    h('label', { class: 'check', for: 'finding-found' }, found, 'Tension found'),
    h('label', { class: 'check', for: 'finding-released' }, released, 'Released'),
    h('div', { class: 'field' }, h('label', { for: 'finding-muscle' }, 'Muscle or test (optional)'), muscle),
    h('div', { class: 'field' }, h('label', { for: 'finding-note' }, 'Short note (optional)'), note),
    view, line, h('p', { class: 'line-status', id: 'line-status' }), lineButton,
    h('div', { class: 'actions sticky-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Save finding')));

  const inLine = () => findings.filter((f) => line.value && f.tension_line_id === line.value);
  const drawLine = () => {
    lineButton.textContent = line.value ? 'End the line of tension' : 'Trace a line of tension';
    lineButton.setAttribute('aria-pressed', String(Boolean(line.value)));
    form.querySelector('#line-status').textContent = line.value
      ? `Tracing a line of tension: ${inLine().length} finding${inLine().length === 1 ? '' : 's'} so far. New findings join it.` : '';
  };
  function drawAll() {
    heading.textContent = `Findings (${findings.length})`;
    list.replaceChildren(...findings.map((f) => findingLine(f, remove)));
    diagramBox.replaceChildren(drawDiagram(view.value, findings, pick));
    viewButtons.forEach((button, i) => button.setAttribute('aria-pressed', String(['back', 'front'][i] === view.value)));
    drawLine();
  }
  function pick(code, sideCode) {
    region.value = code;
    if (sideCode) fillDraft(form, { side: sideCode });
    form.keepDraft();
    (sideCode ? form.querySelector('button[type=submit]') : side.querySelector('input')).focus();
  }
  async function remove(finding) {
    await deleteRecord('finding', finding.id);
    findings.splice(findings.indexOf(finding), 1);
    drawAll();
    status.textContent = `Removed: ${labelOf('region', finding.region)}.`;
  }
  /** Save what is entered, if it can be; whether it was saved. */
  async function save() {
    const entered = readDraft(form);
    const errors = findingProblems(entered);
    showErrors(form, summary, errors);
    if (Object.keys(errors).length) return false;
    const finding = await saveFinding(visit, entered);
    findings.push(finding);
    fillDraft(form, { ...BLANK, view: entered.view, line: entered.line });
    await form.dropDraft();
    drawAll();
    status.textContent = `Saved: ${labelOf('region', finding.region)}, ${labelOf('side', finding.side).toLowerCase()}.`;
    return true;
  }

  lineButton.addEventListener('click', () => { line.value = line.value ? '' : newId(); form.keepDraft(); drawLine(); });
  form.addEventListener('draftrestore', drawAll);
  form.addEventListener('submit', (event) => { event.preventDefault(); save(); });
  guardLeaving(form, {
    started: () => findingStarted(readDraft(form)),
    settle: async () => {
      const choice = await askAboutFinding(readDraft(form));
      if (choice === 'save') return save();
      if (choice !== 'discard') return false;
      fillDraft(form, { ...BLANK, view: view.value, line: line.value });
      await form.dropDraft();
      return true;
    },
  });

  drawAll();
  return [h('div', { class: 'diagram-views', role: 'group', 'aria-label': 'Diagram view' }, viewButtons),
    diagramBox, status, form, heading, list];
}
