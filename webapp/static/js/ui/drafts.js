// Drafts: what is typed in a form, kept on the phone exactly as typed (spaces and line breaks
// too) until it is saved as a record, so a reload, a locked phone or a switch of apps loses
// nothing. Every entry form gets one through form.js; text is trimmed only in the record.
import * as db from '../db.js';
import { autosaver } from './chips.js';
import { LockedError } from '../keyring.js';

const stored = (key) => `draft:${key}`;
export const loadDraft = (key) => db.getMeta(stored(key));

/** @param {unknown} error */
function ignoreLocked(error) {
  if (!(error instanceof LockedError)) throw error;
}
export const dropDraft = (key) => db.setMeta(stored(key), null);

// A chip's own name carries a counter (so that chip groups outside a form never merge into
// one radio group); it gives the name its value is kept under in data-name.
const nameOf = (control) => control.dataset.name || control.name;
// A checkbox with a value is one choice of several (the draft holds a list of codes); one
// without a value is a yes or no.
const isOneOfSeveral = (control) => control.type === 'checkbox' && control.hasAttribute('value');
const holdsValue = (control) => nameOf(control) && 'value' in control && !['submit', 'button', 'reset'].includes(control.type);

/** The values of ``form``'s named controls, exactly as they stand: {name: text, yes/no, code or codes}. */
export function readDraft(form) {
  const values = {};
  for (const control of [...form.elements].filter(holdsValue)) {
    const name = nameOf(control);
    if (isOneOfSeveral(control)) values[name] = [...(values[name] || []), ...(control.checked ? [control.value] : [])];
    else if (control.type === 'checkbox') values[name] = control.checked;
    else if (control.type === 'radio') values[name] = control.checked ? control.value : (values[name] ?? null);
    else values[name] = control.value;
  }
  return values;
}

/** Put ``values`` (as readDraft gives them) back into ``form``'s controls. */
export function fillDraft(form, values) {
  for (const control of [...form.elements].filter(holdsValue)) {
    const name = nameOf(control);
    if (!(name in values)) continue;
    const value = values[name];
    if (isOneOfSeveral(control)) control.checked = (value || []).includes(control.value);
    else if (control.type === 'checkbox') control.checked = Boolean(value);
    else if (control.type === 'radio') control.checked = control.value === value;
    else if (typeof value === 'string') control.value = value;
  }
}

/**
 * Keep what is typed in ``form`` under ``key`` (named in its data-draft): stored at every
 * input, one save at a time; put back when the form is drawn again, after a reload too (the
 * form then fires 'draftrestore'); dropped by ``form.dropDraft()`` once the entry is saved.
 * ``form.keepDraft()`` stores it after a change made by a script rather than by a person.
 * Meanwhile the form is marked unsaved (data-dirty: no redraw, no update under it), unless
 * ``savedAsTyped``: its screen saves each entry to the record as it is made.
 */
export function keepDraft(form, key, { savedAsTyped = false } = {}) {
  form.dataset.draft = key;
  const store = autosaver((values) => (values ? db.setMeta(stored(key), values) : dropDraft(key)));
  const markUnsaved = () => { if (!savedAsTyped) form.dataset.dirty = 'true'; };
  let held = true;  // a draft may wait under this key from an earlier visit to the screen
  form.keepDraft = () => {
    held = true;
    markUnsaved();
    return store(readDraft(form));
  };
  form.dropDraft = () => {
    delete form.dataset.dirty;
    if (!held) return Promise.resolve();  // dropped already (a save that also redrew the screen)
    held = false;
    return store(null);
  };
  // A field that loses its focus as the lock screen replaces the form fires one last change,
  // after the data key is gone: what it holds was saved as the app locked (lock-watch.js).
  const keepUnlessLocked = () => form.keepDraft().catch(ignoreLocked);
  form.addEventListener('input', keepUnlessLocked);
  form.addEventListener('change', keepUnlessLocked);
  form.draftRestored = loadDraft(key).then((values) => {
    if (!values || form.dataset.dirty) return false;  // typing began before the draft was read: it wins
    fillDraft(form, values);
    markUnsaved();
    form.dispatchEvent(new CustomEvent('draftrestore', { detail: values }));
    return true;
  });
  return form;
}
