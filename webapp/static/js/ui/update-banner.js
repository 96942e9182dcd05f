// "A new version is ready — Reload": applied only when the practitioner presses Reload. The
// banner says plainly what a reload does to work in hand: changes still waiting to be sent
// are kept on the phone and go after the reload; what is being typed is kept as a draft and
// comes back; the app opens locked, as at every start.
import { counts, dbEvents } from '../db.js';
import { applyUpdate, updates } from '../sw-bridge.js';
import { syncEvents } from '../sync.js';
import { flushAll } from './chips.js';
import { h, plural } from './dom.js';

const SAVING_WAIT_MS = 50;

/** Resolves once no form is in the middle of saving a record. */
async function savesFinished() {
  while (document.querySelector('form[data-saving]')) {
    await new Promise((resolve) => setTimeout(resolve, SAVING_WAIT_MS));
  }
}

async function whatAReloadKeeps() {
  let waiting = 0;
  try {
    const found = await counts();
    waiting = found.waiting + found.rejected;
  } catch { /* the database is out of reach (another tab upgraded it): say nothing of it */ }
  const kept = waiting
    ? `${plural(waiting, 'change')} ${waiting === 1 ? 'is' : 'are'} still waiting to be sent: you can reload safely, `
      + `${waiting === 1 ? 'it is' : 'they are'} kept on this phone and sent afterwards. `
    : 'Everything is sent. ';
  return `${kept}Anything half typed comes back after the reload; you unlock Fieldbook again with your PIN.`;
}

export function mountUpdateBanner(banner) {
  const message = h('p', { class: 'banner-note', role: 'status', 'aria-live': 'polite' });
  const detail = h('p', { class: 'banner-note', id: 'update-keeps' });
  const reload = h('button', { type: 'button', class: 'button primary small', id: 'apply-update' }, 'Reload');
  reload.addEventListener('click', async () => {
    reload.disabled = true;
    message.textContent = 'Keeping what you are typing…';
    await flushAll();
    await savesFinished();
    message.textContent = 'Reloading…';
    applyUpdate();
  });
  let offered = false;
  const refreshDetail = async () => { if (offered) detail.textContent = await whatAReloadKeeps(); };
  const offer = async (text, withButton) => {
    offered = withButton;
    banner.replaceChildren(h('p', {}, text), withButton ? detail : null, withButton ? reload : null, message);
    banner.hidden = false;
    await refreshDetail();
  };
  updates.addEventListener('available', () => offer('A new version of Fieldbook is ready.', true));
  syncEvents.addEventListener('status', refreshDetail);  // the count of waiting changes moves with sync
  const reloadOffer = (text) => {
    const again = h('button', { type: 'button', class: 'button small', onclick: () => window.location.reload() }, 'Reload');
    offer(text, false);
    banner.insertBefore(again, message);
  };
  updates.addEventListener('replaced', () => reloadOffer(
    'Fieldbook was updated in another tab. Reload this one: what you are typing is kept as a draft.'));
  dbEvents.addEventListener('outdated', () => reloadOffer(
    'Fieldbook was updated in another tab, and this one can no longer save. Reload it: everything saved so far is kept.'));
}
