// Reminders on this phone: what they are for, turning them on (the permission request comes
// only from this button), a test, and turning them off. Needs the network, unlike the rest.
import { NetworkError } from '../api.js';
import * as db from '../db.js';
import { currentSubscription, pushSupport, sendTest, turnOff, turnOn } from '../reminders.js';
import { h, show } from './dom.js';

const WHY = 'Fieldbook can remind you of your visits: the evening before your first appointment of the day, '
  + 'and an hour before each home visit, with the client’s first name and the address. It also tells you when '
  + 'a change you made needs your attention. Reminders never show anything from a client’s record.';

const REASONS = {
  'ios-install': [h('strong', {}, 'On an iPhone or iPad, reminders need Fieldbook on the home screen. '),
    'In Safari, tap Share, then “Add to Home Screen”, open Fieldbook from there and come back to this page '
    + '(iOS 16.4 or later).'],
  unsupported: ['This browser cannot show reminders. Chrome, Edge, Firefox or Safari (added to the home screen) can.'],
  denied: ['Notifications are blocked for Fieldbook in this browser’s settings. Allow them there (site settings, '
    + 'Notifications), then come back to this page.'],
};

const TEST_ANSWERS = {
  sent: 'A test reminder is on its way.',
  pending: 'The push service is busy; the test will be tried again in a minute.',
  'not-subscribed': 'Reminders are not on for this phone.',
};

export async function renderReminders(main, options) {
  const device = await db.getMeta('device');
  const token = device && !device.invalid ? device.device_token : undefined;
  const status = h('p', { role: 'status', 'aria-live': 'polite', id: 'reminder-status' });
  const support = pushSupport();
  const subscribed = support.ready ? Boolean(await currentSubscription()) : false;
  const act = (label, work, primary = false) => h('button', { type: 'button', class: `button${primary ? ' primary' : ''}`,
    onclick: async (event) => {
      event.target.disabled = true;
      status.textContent = 'One moment…';
      try {
        const message = await work();
        if (message !== undefined) status.textContent = message;
      } catch (error) {
        status.textContent = error instanceof NetworkError ? 'Reminders need a connection to set up. Try again when online.'
          : `That did not work: ${/** @type {Error} */ (error).message}`;
      } finally {
        event.target.disabled = false;
      }
    } }, label);
  const on = async () => {
    const answer = await turnOn({ token });
    if (!answer.on) {
      return answer.reason === 'denied' ? 'You blocked notifications; allow them in the browser’s site settings to get reminders.'
        : 'Reminders stay off: the browser was not given permission.';
    }
    await renderReminders(main, { focus: false });
    main.querySelector('#reminder-status').textContent = 'Reminders are on for this phone.';
    return undefined;
  };
  const off = async () => {
    await turnOff({ token });
    await renderReminders(main, { focus: false });
    main.querySelector('#reminder-status').textContent = 'Reminders are off for this phone.';
    return undefined;
  };
  show(main, [
    h('h1', {}, 'Reminders'),
    h('p', {}, WHY),
    !support.ready ? h('div', { class: 'banner banner-warn', id: 'reminder-unavailable' }, h('p', {}, REASONS[support.reason]))
      : subscribed ? [h('p', { id: 'reminder-state' }, 'Reminders are on for this phone.'),
        h('div', { class: 'actions' }, act('Send a test reminder', async () => TEST_ANSWERS[await sendTest({ token })] || 'The test could not be sent.'),
          act('Turn reminders off', off))]
        : [h('p', { id: 'reminder-state' }, 'Reminders are off for this phone. The browser will ask whether Fieldbook may show '
          + 'notifications.'), h('div', { class: 'actions' }, act('Turn reminders on', on, true))],
    status,
    h('p', { class: 'hint' }, 'When and what you are reminded of is set on the clinic desk, under Reminders.'),
  ], options);
}
