// Keeping Fieldbook's records on the phone: what to do, in the app's own words (the screen
// #/keep-data), and at start-up a reminder where the records are at risk. On an iPhone in a
// Safari tab they are website data, deleted after 7 days without use; added to the Home
// Screen, Fieldbook is an app of its own and keeps them.
import { inASafariTab, installed } from '../install.js';
import { askToKeepData, remember, remembered } from '../storage.js';
import { h, show } from './dom.js';

export const KEEP_DATA_URL = '#/keep-data';

/** A dismissable notice at the top of the app, with a link to the screen that explains. */
function reminder(id, text, linkText) {
  const existing = document.getElementById(id);
  if (existing) existing.remove();
  const box = h('div', { class: 'banner banner-warn', id, role: 'status' },
    h('p', {}, text, ' ', h('a', { href: KEEP_DATA_URL }, linkText)),
    h('button', { type: 'button', class: 'link-button', onclick: () => box.remove() }, 'Dismiss'));
  /** @type {HTMLElement} */ (document.getElementById('notices')).append(box);
  return box;
}

/** On an iPhone or iPad in a browser tab: say that Safari will delete the records, and what to do. */
export function remindIfInATab() {
  if (!inASafariTab()) return false;
  reminder('home-screen-reminder', 'Fieldbook is open in a Safari tab on this phone, not from the Home Screen: once you '
    + 'have used Safari for 7 days without opening Fieldbook, Safari deletes its records, with any change not yet sent.',
  'How to keep Fieldbook’s records on this iPhone');
  return true;
}

/** One line, for when the browser refused to keep the data: what it means, and a way to read more. */
function refusalLine(onDismiss) {
  const existing = document.getElementById('storage-notice');
  if (existing) existing.remove();
  const line = h('p', { class: 'notice-line', id: 'storage-notice', role: 'status' },
    h('span', {}, 'Data may be cleared: sync often. ', h('a', { href: KEEP_DATA_URL }, 'Why')),
    h('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss: data may be cleared',
      onclick: () => { line.remove(); onDismiss(); } }, '×'));
  document.getElementById('notices')?.append(line);
  return line;
}

/**
 * At start-up: the iPhone reminder; else, in the installed app, ask the browser once to keep
 * the data. Where it is not kept, the warning shows until dismissed, and a dismissal holds:
 * it comes back only when the browser later refuses, as one line.
 */
export async function adviseOnKeepingData() {
  const reminded = remindIfInATab();
  const { supported, persisted, refused } = await askToKeepData({ installed: installed() });
  if (refused) remember({ lineDue: true });
  const said = remembered();
  if (persisted) {
    if (said.lineDue) remember({ lineDue: false });
  } else if (!reminded && said.lineDue) {
    refusalLine(() => remember({ lineDue: false, dismissed: true }));
  } else if (!reminded && !said.dismissed) {
    const box = reminder('storage-notice', supported
      ? 'This browser has not promised to keep Fieldbook’s data: sync often.'
      : 'This browser cannot promise to keep Fieldbook’s data: sync often.', 'How to keep it');
    box.querySelector('button').addEventListener('click', () => remember({ dismissed: true }));
  }
  performance.mark('fieldbook-advised');  // the start-up notices are up: the screen no longer moves
}

const step = (...content) => h('li', {}, ...content);

/** The screen: how to keep Fieldbook's records, on an iPhone above all, and why. */
export function renderKeepData(main, options) {
  const here = inASafariTab() ? h('p', { class: 'banner banner-warn', id: 'keep-data-here' },
    'You are reading this in a Safari tab: this is the case to put right.') : null;
  show(main, [
    h('h1', {}, 'Keeping Fieldbook’s records on this phone'),
    h('p', {}, 'Fieldbook keeps your clients’ records and the sessions you record on this phone, encrypted, so that '
      + 'it works without a connection. What has reached the clinic is safe there; what has not is only on this phone '
      + 'until the next sync.'),
    h('section', { 'aria-labelledby': 'keep-iphone' },
      h('h2', { id: 'keep-iphone' }, 'On an iPhone or iPad: add Fieldbook to the Home Screen'),
      here,
      h('ol', { class: 'steps' },
        step('Let Fieldbook send everything first: the bar at the top says “All changes sent”.'),
        step('In Safari, with Fieldbook open, tap Share (the square with an arrow), then “Add to Home Screen”, then '
          + '“Add”.'),
        step('From then on, open Fieldbook from its icon on the Home Screen. Sign in there once more and choose your PIN: '
          + 'the Home Screen app keeps its records apart from Safari’s.'),
        step('Once it has your caseload, sign out of Fieldbook in the Safari tab.')),
      h('h3', {}, 'Why'),
      h('p', {}, 'In a Safari tab, Fieldbook’s records are website data, and Safari deletes the website data of a site '
        + 'you have not opened in 7 days of using Safari: a week off work, and the records and any session not yet sent '
        + 'are gone from the phone. '
        + 'Added to the Home Screen, Fieldbook is an app of its own: Safari does not delete its records for being unused, '
        + 'and only there can it show your reminders (iOS 16.4 or later).')),
    h('section', { 'aria-labelledby': 'keep-android' },
      h('h2', { id: 'keep-android' }, 'On an Android phone'),
      h('p', {}, 'In Chrome, open the menu (⋮) and choose “Install app” or “Add to Home screen”, then open Fieldbook from '
        + 'its icon. Installed, it asks Chrome to keep its records.')),
    h('section', { 'aria-labelledby': 'keep-always' },
      h('h2', { id: 'keep-always' }, 'On any phone'),
      h('p', {}, 'Let Fieldbook sync at the end of each working day: open it once with a connection. What has reached the '
        + 'clinic is never lost with the phone.')),
    h('p', {}, h('a', { href: '#/' }, 'Back to today')),
  ], options);
}
