// Signing out: never loses an unsent change unless the practitioner says so, plainly.
import { LOGIN_URL, signOut, unsentCount } from '../session.js';
import { h, plural, show } from './dom.js';

export async function renderSignOut(main, options) {
  const left = await unsentCount();
  const status = h('p', { role: 'status', 'aria-live': 'polite', id: 'sign-out-status' });
  const finish = async (discardUnsent) => {
    status.textContent = discardUnsent ? 'Removing the data from this phone…' : 'Sending your changes first…';
    document.body.dataset.busy = 'true';  // no redraw after the sync this starts
    const result = await signOut({ discardUnsent }).finally(() => { delete document.body.dataset.busy; });
    if (result.signedOut && result.reachedServer) {
      window.location.replace(LOGIN_URL);
      return;
    }
    if (result.signedOut) {
      // Offline: the client data is gone from this phone; the sign-in page needs the server.
      show(main, [h('h1', {}, 'Signed out on this phone'),
        h('p', {}, 'The client records and unsent changes have been removed from this phone.'),
        h('p', {}, h('a', { class: 'button primary', href: LOGIN_URL }, 'Sign in again when connected'))]);
      return;
    }
    status.textContent = `${plural(result.left, 'change')} could not be sent${result.offline ? ': there is no connection to the clinic server'
      : result.problem ? `: ${result.problem}` : ''}. You are still signed in, and nothing was removed.`;
    await renderSignOut(main, { focus: false });
    /** @type {HTMLElement} */ (document.getElementById('sign-out-status')).textContent = status.textContent;
  };

  const content = [h('h1', {}, 'Sign out')];
  if (left === 0) {
    content.push(h('p', {}, 'Everything on this phone has reached the clinic. Signing out removes the client records '
      + 'from this phone; they stay safe at the clinic.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button primary', id: 'sign-out',
      onclick: () => finish(false) }, 'Sign out')));
  } else {
    const confirm = h('input', { type: 'checkbox', id: 'discard-confirm' });
    const discard = h('button', { type: 'button', class: 'button danger', id: 'discard-and-sign-out', disabled: true,
      onclick: () => { if (confirm.checked) finish(true); } }, `Delete ${plural(left, 'unsent change')} and sign out`);
    confirm.addEventListener('change', () => { discard.disabled = !confirm.checked; });
    content.push(
      h('p', { class: 'banner banner-warn' }, `${plural(left, 'change')} on this phone ${left === 1 ? 'has' : 'have'} `
        + 'not reached the clinic yet.'),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button primary', id: 'sync-and-sign-out',
        onclick: () => finish(false) }, 'Send them, then sign out')),
      h('fieldset', { class: 'danger-zone' }, h('legend', {}, 'Sign out without sending'),
        h('label', { class: 'check', for: 'discard-confirm' }, confirm,
          `Delete ${plural(left, 'unsent change')} from this phone. They have not reached the clinic and will be lost for good.`),
        discard));
  }
  content.push(status);
  show(main, content, options);
}
