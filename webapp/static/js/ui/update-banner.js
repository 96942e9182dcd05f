// "A new version is ready — Reload": applied only when the practitioner presses Reload,
// and not while they are typing something unsaved.
import { dbEvents } from '../db.js';
import { applyUpdate, updates } from '../sw-bridge.js';
import { entryInProgress, h } from './dom.js';

export function mountUpdateBanner(banner) {
  const message = h('p', { class: 'banner-note', role: 'status', 'aria-live': 'polite' });
  const reload = h('button', { type: 'button', class: 'button primary small', id: 'apply-update' }, 'Reload');
  reload.addEventListener('click', () => {
    if (entryInProgress()) {
      message.textContent = 'Save what you are entering first, then press Reload.';
      return;
    }
    message.textContent = 'Reloading…';
    applyUpdate();
  });
  const offer = (text, withButton) => {
    banner.replaceChildren(h('p', {}, text), withButton ? reload : null, message);
    banner.hidden = false;
  };
  updates.addEventListener('available', () => offer('A new version of Fieldbook is ready.', true));
  const reloadOffer = (text) => {
    const again = h('button', { type: 'button', class: 'button small', onclick: () => window.location.reload() }, 'Reload');
    offer(text, false);
    banner.insertBefore(again, message);
  };
  updates.addEventListener('replaced', () => reloadOffer(
    'Fieldbook was updated in another tab. Save what you are entering, then reload this one.'));
  dbEvents.addEventListener('outdated', () => reloadOffer(
    'Fieldbook was updated in another tab, and this one can no longer save. Reload it: everything saved so far is kept.'));
}
