// The lock screens: choosing a PIN when the phone is set up, unlocking (PIN or passkey), and
// getting back in after a forgotten PIN or weeks away (a sign-in online on this phone).
// Nothing of the caseload is read here: only the lock's own clear record, the owner's name,
// and how many changes wait (counted from clear fields).
import { now } from '../clock.js';
import { counts } from '../db.js';
import { LOGIN_URL } from '../session.js';
import * as vault from '../vault.js';
import { h, plural, show } from './dom.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function pinField(id, label, autocomplete = 'current-password') {
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('input', { id, name: id, type: 'password', inputmode: 'numeric', autocomplete, required: true,
      minlength: vault.MIN_PIN_LENGTH, 'aria-describedby': `${id}-hint` }),
    h('p', { class: 'hint', id: `${id}-hint` }, `At least ${vault.MIN_PIN_LENGTH} digits, or a passphrase.`));
}

const message = () => h('p', { class: 'error lock-message', role: 'alert', id: 'lock-message' });
// Whose PIN this is, for a password manager (which files a PIN under an account name).
const whose = (owner) => h('input', { type: 'text', name: 'username', autocomplete: 'username', hidden: true,
  value: owner ? owner.name : '', 'aria-hidden': 'true', tabindex: '-1' });

/** How long since this phone last reached the clinic (null: never), and the limit. */
async function awayTooLong(policy, lastSync) {
  const limit = (policy && policy.offline_unlock_days) || 14;
  if (!lastSync) return { tooLong: false, limit };
  return { tooLong: now().getTime() - Date.parse(lastSync) > limit * DAY_MS, limit };  // both by the clinic's clock
}

/**
 * The lock screen. Resolves once unlocked; until then nothing else of the app runs (and
 * nothing syncs). ``state``: {owner, policy, lastSync} from clear meta.
 */
export function renderUnlock(main, { owner, policy, lastSync }) {
  document.body.dataset.locked = 'true';
  return new Promise((resolve) => {
    const unlocked = () => { delete document.body.dataset.locked; resolve('unlocked'); };
    const draw = async (note = '') => {
      const lock = await vault.readLock();
      const { waiting, rejected } = await counts();
      const away = await awayTooLong(policy, lastSync);
      const error = message();
      error.textContent = note;
      const form = h('form', { class: 'panel lock-form', id: 'unlock-form', novalidate: true },
        whose(owner), pinField('pin', 'PIN'), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Unlock')));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const button = form.querySelector('button');
        button.disabled = true;
        performance.mark('fieldbook-unlock-asked');  // bench/app_screens.py times the unlock from here
        try {
          await vault.unlockWithPin(form.elements.pin.value);
          unlocked();
        } catch (problem) {
          if (!(problem instanceof vault.UnlockError)) throw problem;
          await draw(problem.message);
        }
      });
      const passkey = lock.passkey && vault.passkeysPossible() ? h('button', { type: 'button', class: 'button', id: 'unlock-passkey',
        onclick: async () => {
          try {
            await vault.unlockWithPasskey();
            unlocked();
          } catch (problem) {
            await draw(problem instanceof vault.UnlockError ? problem.message : 'The passkey did not unlock Fieldbook. Use your PIN.');
          }
        } }, 'Unlock with fingerprint or face') : null;
      const recover = h('a', { class: 'button', href: `${LOGIN_URL}`, id: 'sign-in-to-unlock' }, 'Sign in to unlock');
      const canUsePin = lock.pin && !away.tooLong;
      show(main, [
        h('h1', {}, 'Fieldbook is locked'),
        h('p', {}, owner ? `This phone holds ${owner.name}’s caseload.` : 'This phone holds a practitioner’s caseload.'),
        h('p', { class: 'hint', id: 'lock-sync' }, 'Nothing is sent or received while Fieldbook is locked.'
          + (waiting + rejected ? ` ${plural(waiting + rejected, 'change')} ${waiting + rejected === 1 ? 'waits' : 'wait'} on this phone.` : '')),
        error,
        canUsePin ? [passkey, form] : h('p', { id: 'lock-why' }, away.tooLong
          ? `This phone has not reached the clinic for over ${away.limit} days. Sign in with your password while online to unlock it.`
          : 'The PIN no longer unlocks this phone. Sign in with your password while online to unlock it; nothing is lost.'),
        h('p', {}, canUsePin ? h('a', { href: LOGIN_URL, id: 'forgot-pin' }, 'Forgot your PIN? Sign in to unlock') : recover),
      ], { focus: false });
      const pin = main.querySelector('#pin');
      if (pin) pin.focus();
    };
    draw();
  });
}

/**
 * Choose the PIN that will unlock this phone (and, where the browser can, a passkey).
 * ``finish(pin)`` does the setting up and returns a function that adds a passkey, or throws
 * with a message to show.
 */
/**
 * @param {HTMLElement} main
 * @param {{user: any, finish: (pin: string) => Promise<((user: any) => Promise<unknown>) | null>, intro?: string}} options
 */
export function renderSetUp(main, { user, finish, intro }) {
  return new Promise((resolve) => {
    const error = message();
    const form = h('form', { class: 'panel lock-form', id: 'lock-setup', novalidate: true },
      whose(user), pinField('new-pin', 'Choose a PIN', 'new-password'), pinField('new-pin-again', 'The same PIN again', 'new-password'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Lock Fieldbook with this PIN')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const pin = form.elements['new-pin'].value;
      const problem = vault.checkPin(pin) || (pin !== form.elements['new-pin-again'].value ? 'The two PINs are not the same.' : null);
      error.textContent = problem || '';
      if (problem) return;
      form.querySelector('button').disabled = true;
      let addPasskey;
      try {
        addPasskey = await finish(pin);
      } catch (failure) {
        error.textContent = /** @type {Error} */ (failure).message;
        form.querySelector('button').disabled = false;
        return;
      }
      if (!addPasskey || !vault.passkeysPossible()) return resolve('done');
      return offerPasskey(main, user, addPasskey).then(() => resolve('done'));
    });
    show(main, [h('h1', {}, 'Protect this phone’s records'),
      h('p', {}, intro || 'Fieldbook keeps your clients’ records on this phone, encrypted. Choose a PIN to unlock them: '
        + 'the app locks itself after a few minutes without use, and when it has been in the background.'),
      error, form]);
  });
}

/** Ask for the PIN once more (to wrap the data key anew); ``finish(pin)`` throws when it fails. */
export function renderConfirmPin(main, { intro, finish }) {
  return new Promise((resolve) => {
    const error = message();
    const form = h('form', { class: 'panel lock-form', id: 'confirm-pin', novalidate: true }, pinField('pin', 'PIN'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Go on')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      form.querySelector('button').disabled = true;
      try {
        await finish(form.elements.pin.value);
        resolve('done');
      } catch (failure) {
        const { name, message: text } = /** @type {Error} */ (failure);
        error.textContent = name === 'OperationError' ? 'That PIN is not right.' : text;
        form.querySelector('button').disabled = false;
      }
    });
    show(main, [h('h1', {}, 'Your PIN, please'), h('p', {}, intro), error, form]);
  });
}

function offerPasskey(main, user, addPasskey) {
  return /** @type {Promise<void>} */ (new Promise((resolve) => {
    const status = h('p', { role: 'status', id: 'passkey-status' });
    show(main, [h('h1', {}, 'Unlock with your fingerprint or face?'),
      h('p', {}, 'This phone can also unlock Fieldbook with a passkey, even with no signal. Your PIN keeps working too.'),
      status,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button primary', id: 'add-passkey', onclick: async () => {
          try {
            await addPasskey(user);
            resolve();
          } catch (problem) {
            status.textContent = problem instanceof vault.UnlockError ? problem.message
              : 'No passkey was added. You can unlock with your PIN.';
          }
        } }, 'Use a passkey'),
        h('button', { type: 'button', class: 'button', id: 'skip-passkey', onclick: () => resolve() }, 'Not now'))]);
  }));
}
