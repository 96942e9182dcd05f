// The app's forms: every entry form keeps a draft of what is typed (drafts.js), and a record
// form is drawn from the published field rules (schema.js) and checked before saving.
import { choicesFor, fieldOf, validate } from '../schema.js';
import { fromInputValue, toInputValue } from '../when.js';
import { h } from './dom.js';
import { keepDraft } from './drafts.js';

let counter = 0;

// A yes/no question put to the client ("Takes magnesium"): not asked is kept apart from no,
// as the desk's form keeps it, so the record never says "No" for a question never asked.
const ANSWERS = [['', 'Not asked yet'], ['yes', 'Yes'], ['no', 'No']];
const answerOf = (value) => (value === true ? 'yes' : value === false ? 'no' : '');

function control(spec, value, id, describedBy, questions) {
  const common = { id, name: spec.name, 'aria-describedby': describedBy };
  if (spec.kind === 'bool' && questions) {
    return h('select', { ...common, dataset: { question: 'true' } },
      ANSWERS.map(([code, words]) => h('option', { value: code, selected: code === answerOf(value) }, words)));
  }
  switch (spec.kind) {
    case 'longtext':
      return h('textarea', { ...common, rows: 3 }, value ?? '');
    case 'bool':
      return h('input', { ...common, type: 'checkbox', checked: Boolean(value) });
    case 'date':
      return h('input', { ...common, type: 'date', value: value ?? '' });
    case 'datetime':
      return h('input', { ...common, type: 'datetime-local', value: toInputValue(value) });  // the clinic's clock
    case 'int': case 'decimal':
      return h('input', { ...common, type: 'number', inputmode: spec.kind === 'int' ? 'numeric' : 'decimal',
        step: spec.kind === 'int' ? '1' : 'any', value: value ?? '' });
    case 'choice':
      return h('select', common, h('option', { value: '' }, 'Choose…'),
        choicesFor(spec).map((c) => h('option', { value: c.code, selected: c.code === value }, c.label)));
    default: {
      const type = spec.name === 'email' ? 'email' : spec.name === 'phone' ? 'tel' : 'text';
      return h('input', { ...common, type, value: value ?? '', maxlength: spec.max_length });
    }
  }
}

function read(spec, form) {
  if (spec.kind === 'choices') {
    return [...form.querySelectorAll(`input[name="${spec.name}"]:checked`)].map((box) => box.value);
  }
  const input = form.elements[spec.name];
  if (spec.kind === 'bool') return input.dataset.question ? { yes: true, no: false }[input.value] ?? null : input.checked;
  const raw = input.value.trim();
  if (spec.kind === 'int' || spec.kind === 'decimal') return raw === '' ? null : Number(raw);
  if (spec.kind === 'date' || spec.kind === 'choice') return raw === '' ? null : raw;
  if (spec.kind === 'datetime') {  // typed on the clinic's clock; what is not a time is left for the checks to name
    if (raw === '') return null;
    const moment = fromInputValue(raw);
    return moment ? moment.toISOString() : raw;
  }
  return raw;
}

function fieldBlock(spec, value, questions) {
  counter += 1;
  const id = `f${counter}-${spec.name}`;
  const errorId = `${id}-error`;
  const error = h('p', { class: 'error', id: errorId, hidden: true });
  const optional = spec.required ? '' : ' (optional)';
  if (spec.kind === 'choices') {
    return h('fieldset', { class: 'field', dataset: { field: spec.name } },
      h('legend', {}, spec.label + optional),
      choicesFor(spec).map((c) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: spec.name, value: c.code, checked: (value || []).includes(c.code) }), c.label)),
      error);
  }
  if (spec.kind === 'bool' && !questions) {
    return h('div', { class: 'field', dataset: { field: spec.name } },
      h('label', { class: 'check', for: id }, control(spec, value, id, errorId), spec.label), error);
  }
  return h('div', { class: 'field', dataset: { field: spec.name } },
    h('label', { for: id }, spec.kind === 'bool' ? spec.label : spec.label + optional),
    control(spec, value, id, errorId, questions), error);
}

/**
 * A <form> for entering something. What is typed in it is kept as a draft under ``draft``
 * (a key naming what is entered, e.g. ``finding:<visit id>``) until the screen calls
 * ``form.dropDraft()`` once it is saved; ``savedAsTyped`` when the screen saves each entry as
 * it is made (drafts.js). Every form of the app is made here, so none can forget its draft.
 */
export function entryForm({ draft, savedAsTyped = false, ...attributes }, ...children) {
  if (!draft) throw new Error('An entry form needs a draft key.');
  const form = h('form', { novalidate: true, ...attributes }, ...children);
  // A browser scrolls a focused field into view only when none of it shows, so one half under
  // a sticky bar stays there: bring it clear of the bars (the page's scroll-padding, app.css).
  form.addEventListener('focusin', (event) => {
    if (event.target.matches('input:not(.chip-input), select, textarea')) event.target.scrollIntoView({ block: 'nearest' });
  });
  return keepDraft(form, draft, { savedAsTyped });
}

/**
 * A form for some fields of ``entity``, its typing kept under ``draft`` until saved.
 * ``onSave(values, form)`` runs once the entries pass the published rules (text trimmed);
 * a problem is shown beside its field and in a summary at the top. With ``questions``, its
 * yes/no fields are questions put to the client, answered yes, no, or not asked yet.
 */
export function recordForm({ entity, fields, values = {}, draft, submitLabel, onSave, extra = null, questions = false }) {
  const specs = fields.map((name) => fieldOf(entity, name)).filter(Boolean);
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const form = entryForm({ draft, class: 'record-form' }, summary,
    specs.map((spec) => fieldBlock(spec, values[spec.name], questions)), extra,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, submitLabel)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const entered = Object.fromEntries(specs.map((spec) => [spec.name, read(spec, form)]));
    // Only the fields on this form are checked; the caller supplies the rest (e.g. ids).
    const errors = validate(entity, entered, { partial: true });
    showErrors(form, summary, errors);
    if (Object.keys(errors).length) return;
    form.dataset.saving = 'true';  // no redraw after a sync while this is being saved
    try {
      await onSave(entered, form);
      await form.dropDraft();  // a no-op when onSave dropped it before drawing the next screen
    } finally {
      delete form.dataset.saving;
    }
  });
  return form;
}

export function showErrors(form, summary, errors) {
  for (const block of form.querySelectorAll('[data-field]')) {
    const message = errors[block.dataset.field];
    const error = block.querySelector('.error');
    error.hidden = !message;
    error.textContent = message || '';
    block.classList.toggle('has-error', Boolean(message));
    for (const input of block.querySelectorAll('input, select, textarea')) {
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }
  const messages = Object.values(errors);
  summary.hidden = messages.length === 0;
  summary.replaceChildren(...(messages.length
    ? [h('p', {}, 'Please check what you entered:'), h('ul', {}, messages.map((m) => h('li', {}, m)))] : []));
  if (messages.length) summary.focus();
}
