// Tap-sized choices: native radio buttons and checkboxes drawn as chips, so a thumb picks an
// option in one tap while keyboards and screen readers get the real controls.
import { intensityRange } from '../schema.js';
import { h } from './dom.js';

let counter = 0;

/**
 * @typedef {object} ChipGroupOptions
 * @property {string} legend
 * @property {string} name
 * @property {{code: string, label: string}[]} options
 * @property {string | string[] | null} [value]
 * @property {boolean} [multiple]
 * @property {((value: any) => unknown) | null} [onChange]
 * @property {string | null} [hint]
 * @property {string} [className]
 */

/**
 * A fieldset of chips. ``multiple`` makes checkboxes (value: array of codes), otherwise
 * radios (value: one code). ``onChange(value)`` runs after every tap.
 * @param {ChipGroupOptions} group
 */
export function chipGroup({ legend, name, options, value, multiple = false, onChange = null, hint = null, className = '' }) {
  counter += 1;
  const group = `${name}-${counter}`;
  const chosen = new Set(multiple ? (value || []) : [value]);
  // The radio name carries a counter, so two groups of one name outside a form stay apart;
  // data-name is the name a draft keeps the value under (drafts.js).
  const inputs = options.map((option) => h('input', {
    type: multiple ? 'checkbox' : 'radio', name: group, value: option.code, id: `${group}-${option.code}`,
    checked: chosen.has(option.code), class: 'chip-input', dataset: { name },
  }));
  const read = () => (multiple ? inputs.filter((i) => i.checked).map((i) => i.value)
    : (inputs.find((i) => i.checked) || {}).value ?? null);
  const fieldset = h('fieldset', { class: `chips ${className}`.trim(), dataset: { field: name } },
    h('legend', {}, legend),
    hint ? h('p', { class: 'hint' }, hint) : null,
    // Each input lies under its chip (chip-option), so focusing it scrolls the whole chip into view.
    h('div', { class: 'chip-row' }, options.map((option, index) => h('span', { class: 'chip-option' }, inputs[index],
      h('label', { for: inputs[index].id, class: 'chip' }, option.label)))),
    h('p', { class: 'error', hidden: true }));
  fieldset.read = read;
  if (onChange) fieldset.addEventListener('change', () => onChange(read()));
  return fieldset;
}

/**
 * An intensity scale, as published (0 to 10), as one row of chips.
 * @param {{legend: string, name: string, value?: number | null, onChange?: ((value: number | null) => unknown) | null}} scale
 */
export function intensityScale({ legend, name, value, onChange = null }) {
  const { min, max } = intensityRange();
  const options = [];
  for (let n = min; n <= max; n += 1) options.push({ code: String(n), label: String(n) });
  const group = chipGroup({ legend, name, options, value: value === null || value === undefined ? null : String(value),
    className: 'scale', onChange: onChange ? (v) => onChange(v === null ? null : Number(v)) : null,
    hint: `${min} is none at all, ${max} the worst the client can imagine.` });
  const read = group.read;
  group.read = () => { const v = read(); return v === null ? null : Number(v); };
  return group;
}

// Saves of what is being typed, still running; flushAll() waits for them.
/** @type {Set<Promise<void>>} */
const running = new Set();
/** Resolves once every save of typed text started so far is stored. */
export const flushAll = () => Promise.all([...running]);

/**
 * Save what is typed as it is typed, one save at a time and always the latest: keystrokes
 * that arrive while a save runs are folded into the next one. Nothing waits for a pause,
 * so a reload, a locked phone or a switch of apps loses at most the keystroke in flight.
 */
export function autosaver(save) {
  /** @type {any[] | null} */
  let latest = null;
  /** @type {Promise<void> | null} */
  let current = null;
  const drain = async () => {
    try {
      while (latest) {
        const args = latest;
        latest = null;
        await save(...args);
      }
    } finally {
      running.delete(/** @type {Promise<void>} */ (current));  // set before drain() first waits
      current = null;
    }
  };
  return (...args) => {
    latest = args;
    if (!current) {
      current = drain();
      running.add(current);
    }
    return current;
  };
}
