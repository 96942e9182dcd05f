// Step 2 of a visit: findings on the body diagram. Tap a region, pick the side, mark tension
// found and released; the finding is saved on the phone at once and marked on the diagram.
// A finding being entered is kept as a draft (form.js), so a reload or a locked phone loses
// nothing; leaving the step with one begun asks whether to save it, go on or discard it.
import * as db from '../db.js';
import { findingProblems, findingStarted, saveFinding } from '../findings.js';
import { deleteRecord } from '../outbox.js';
import { newId } from '../outbox-rules.js';
import { choicesFor, fieldOf, labelOf, maxLengthOf } from '../schema.js';
import { drawDiagram } from './body-diagram.js';
import { chipGroup } from './chips.js';
import { h } from './dom.js';
import { fillDraft, readDraft } from './drafts.js';
import { entryForm, showErrors } from './form.js';
import { guardLeaving } from './leave-guard.js';
import { askAboutFinding, findingDraftKey } from './visit-unfinished.js';

const BLANK = { region: '', side: null, tension_found: true, released: true, direction: '', muscle_or_test: '', note: '' };

function outcome(finding) {
  if (!finding.tension_found) return 'no tension found';
  const direction = finding.direction ? `, ${labelOf('direction', finding.direction).toLowerCase()}` : '';
  return (finding.released ? 'tension found, released' : 'tension found, not released') + direction;
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

/**
 * The direction the tension lies in: optional, from the clinic's vocabulary (which may grow
 * long, hence a list rather than chips). Left out where the published rules have no such field.
 */
function directionField() {
  const spec = fieldOf('finding', 'direction');
  if (!spec) return null;
  return h('div', { class: 'field', dataset: { field: 'direction' } },
    h('label', { for: 'finding-direction' }, `${spec.label} (optional)`),
    h('select', { id: 'finding-direction', name: 'direction', 'aria-describedby': 'finding-direction-error' },
      h('option', { value: '' }, 'Not noted'),
      choicesFor(spec).map((c) => h('option', { value: c.code }, c.label))),
    h('p', { class: 'error', id: 'finding-direction-error', hidden: true }));
}

/**
 * The entry panel: native controls, so the diagram is a shortcut, never the only way. The
 * diagram's side and the line being traced are kept with the draft, in hidden fields.
 */
function entryPanel(visit) {
  const region = h('select', { id: 'finding-region', name: 'region' }, h('option', { value: '' }, 'Choose…'),
    choicesFor({ vocabulary: 'region' }).map((c) => h('option', { value: c.code }, c.label)));
  const side = chipGroup({ legend: 'Side', name: 'side', options: choicesFor({ vocabulary: 'side' }), value: null });
  const found = h('input', { type: 'checkbox', id: 'finding-found', name: 'tension_found', checked: true });
  const released = h('input', { type: 'checkbox', id: 'finding-released', name: 'released', checked: true });
  const direction = directionField();
  const muscle = h('input', { type: 'text', id: 'finding-muscle', name: 'muscle_or_test',
    maxlength: maxLengthOf('finding', 'muscle_or_test') });
  const note = h('textarea', { id: 'finding-note', name: 'note', rows: 2, maxlength: maxLengthOf('finding', 'note') });
  const view = h('input', { type: 'hidden', name: 'view', value: 'back' });
  const line = h('input', { type: 'hidden', name: 'line', value: '' });
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
    direction,
    h('div', { class: 'field' }, h('label', { for: 'finding-muscle' }, 'Muscle or test (optional)'), muscle),
    h('div', { class: 'field' }, h('label', { for: 'finding-note' }, 'Short note (optional)'), note),
    view, line, h('p', { class: 'line-status', id: 'line-status' }), lineButton,
    h('div', { class: 'actions sticky-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Save finding')));
  return { form, region, side, summary, view, line, lineButton };
}

/** The button and the words that say whether a line of tension is being traced, and how long it is. */
function drawLineStatus({ form, line, lineButton }, findings) {
  const inLine = findings.filter((f) => line.value && f.tension_line_id === line.value).length;
  lineButton.textContent = line.value ? 'End the line of tension' : 'Trace a line of tension';
  lineButton.setAttribute('aria-pressed', String(Boolean(line.value)));
  form.querySelector('#line-status').textContent = line.value
    ? `Tracing a line of tension: ${inLine} finding${inLine === 1 ? '' : 's'} so far. New findings join it.` : '';
}

/**
 * What shows the visit's findings (the diagram, its back and front buttons, the list and its
 * heading, and the status read out after a save or a removal), and ``drawAll()`` to draw it
 * all again from ``findings``. Tapping a region on the diagram fills the entry panel.
 */
function findingsView(panel, findings) {
  const { form, region, side, view } = panel;
  const shown = {
    status: h('p', { class: 'sr-status', id: 'finding-saved', role: 'status', 'aria-live': 'polite' }),
    list: h('ol', { class: 'finding-list', id: 'finding-list', 'aria-labelledby': 'findings-heading' }),
    heading: h('h2', { id: 'findings-heading' }),
    diagramBox: h('div', { class: 'diagram-box' }),
  };
  shown.viewButtons = ['back', 'front'].map((diagramSide) => h('button', { type: 'button', class: 'button small',
    onclick: () => { view.value = diagramSide; form.keepDraft(); shown.drawAll(); } }, diagramSide === 'back' ? 'Back' : 'Front'));

  function pick(code, sideCode) {
    region.value = code;
    if (sideCode) fillDraft(form, { side: sideCode });
    form.keepDraft();
    (sideCode ? form.querySelector('button[type=submit]') : side.querySelector('input')).focus();
  }
  async function remove(finding) {
    await deleteRecord('finding', finding.id);
    findings.splice(findings.indexOf(finding), 1);
    shown.drawAll();
    shown.status.textContent = `Removed: ${labelOf('region', finding.region)}.`;
  }
  shown.drawAll = () => {
    shown.heading.textContent = `Findings (${findings.length})`;
    shown.list.replaceChildren(...findings.map((f) => findingLine(f, remove)));
    shown.diagramBox.replaceChildren(drawDiagram(view.value, findings, pick));
    shown.viewButtons.forEach((button, i) => button.setAttribute('aria-pressed', String(['back', 'front'][i] === view.value)));
    drawLineStatus(panel, findings);
  };
  return shown;
}

/** Save what is entered in the panel as a finding of ``visit``, if it can be; whether it was saved. */
async function saveEntered(visit, panel, findings, shown) {
  const { form, summary } = panel;
  const entered = readDraft(form);
  const errors = findingProblems(entered);
  showErrors(form, summary, errors);
  if (Object.keys(errors).length) return false;
  const finding = await saveFinding(visit, entered);
  findings.push(finding);
  fillDraft(form, { ...BLANK, view: entered.view, line: entered.line });
  await form.dropDraft();
  shown.drawAll();
  shown.status.textContent = `Saved: ${labelOf('region', finding.region)}, ${labelOf('side', finding.side).toLowerCase()}.`;
  return true;
}

/** Leaving the step with a finding begun asks whether to save it, go on without it, or discard it. */
function askBeforeLeaving(panel, save) {
  const { form, view, line } = panel;
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
}

export async function renderFindings({ visit }) {
  const findings = (await db.listRecords('finding', 'visit_id', visit.id)).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const panel = entryPanel(visit);
  const shown = findingsView(panel, findings);
  const save = () => saveEntered(visit, panel, findings, shown);

  const { form, line, lineButton } = panel;
  lineButton.addEventListener('click', () => { line.value = line.value ? '' : newId(); form.keepDraft(); drawLineStatus(panel, findings); });
  form.addEventListener('draftrestore', shown.drawAll);
  form.addEventListener('submit', (event) => { event.preventDefault(); save(); });
  askBeforeLeaving(panel, save);

  shown.drawAll();
  return [h('div', { class: 'diagram-views', role: 'group', 'aria-label': 'Diagram view' }, shown.viewButtons),
    shown.diagramBox, shown.status, form, shown.heading, shown.list];
}
