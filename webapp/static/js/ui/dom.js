// Small helpers for building screens without a framework (and without innerHTML).
import { now } from '../clock.js';
import * as when from '../when.js';

/** Make an element: h('a', {href: '#/'}, 'Clients'). `on<event>` attributes add listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

let latestScreen = 0;
/** A ticket for a screen about to be drawn; drawing with an older ticket is skipped. */
export const nextScreen = () => { latestScreen += 1; return latestScreen; };

/**
 * Replace what a screen shows, and move focus to its heading on a new screen. A screen
 * drawn for a route the practitioner has already left (its ``ticket`` is stale) is dropped.
 */
export function show(main, nodes, { focus = true, ticket = null, unlessBusy = false } = {}) {
  if (ticket !== null && ticket !== latestScreen) return;
  if (unlessBusy && entryInProgress()) return;  // a redraw after sync never replaces a form in use
  if (ticket === null) latestScreen += 1;  // a screen drawn directly outdates any route still loading
  main.replaceChildren(...[nodes].flat(Infinity).filter((node) => node !== null && node !== undefined && node !== false));
  const heading = main.querySelector('h1');
  if (heading) {
    document.title = `${heading.textContent} · Fieldbook`;
    if (focus) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
    }
  }
}

/** "today 10:42", "3 Mar 2026 10:42", for a stored ISO time: the clinic's day, clock and language. */
export const formatWhen = (iso) => when.formatWhen(iso, now());

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Whether the practitioner is typing (or saving) something, or a screen is busy. */
export function entryInProgress() {
  const active = document.activeElement;
  return Boolean(document.querySelector('form[data-dirty], form[data-saving], [data-busy]')
    || (active && active.closest('main form') && active.matches('input, select, textarea')));
}

/**
 * @param {string} text
 * @param {{kind?: string, id?: string | null}} [options]
 */
export function notice(text, { kind = 'info', id = null } = {}) {
  const area = /** @type {HTMLElement} */ (document.getElementById('notices'));
  document.getElementById(id || '')?.remove();
  const box = h('div', { class: `banner banner-${kind}`, id, role: kind === 'error' ? 'alert' : 'status' },
    h('p', {}, text),
    h('button', { type: 'button', class: 'link-button', onclick: () => box.remove() }, 'Dismiss'));
  area.append(box);
  return box;
}
