// A question put in a modal <dialog>: named by its title, described by its text, the rest of
// the page inert while it is open; focus moves to its first answer and goes back to where it
// was; Escape gives the answer that changes nothing.
import { h } from './dom.js';

let counter = 0;

/**
 * Ask ``title``, explained by ``body`` (nodes), with ``choices`` [{value, label, kind}] (a
 * null choice is left out; kind 'primary' or 'danger'). Resolves to the value chosen, or to
 * ``dismiss`` when the dialog is dismissed.
 */
export function ask({ title, body, choices, dismiss }) {
  counter += 1;
  const titleId = `ask-${counter}-title`;
  const textId = `ask-${counter}-text`;
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  // data-busy: no redraw after a sync while the practitioner decides (dom.js entryInProgress)
  const dialog = h('dialog', { class: 'ask', 'aria-labelledby': titleId, 'aria-describedby': textId, 'data-busy': 'true' },
    h('h2', { id: titleId }, title),
    h('div', { id: textId }, body),
    h('div', { class: 'actions' }, choices.filter(Boolean).map((choice) => h('button', {
      type: 'button', class: `button ${choice.kind || ''}`.trim(), onclick: () => dialog.close(choice.value),
    }, choice.label))));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();  // the answer may then lead elsewhere
      resolve(dialog.returnValue || dismiss);
    }, { once: true });
    dialog.showModal();
    dialog.querySelector('button').focus();
  });
}
