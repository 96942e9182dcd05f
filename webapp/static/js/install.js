// Whether Fieldbook runs as an installed app or in a browser tab, and on which kind of phone.
// It matters most on an iPhone: Safari deletes what a site stores after 7 days without use,
// unless the site was added to the Home Screen, and only there can it show reminders.

/** An iPhone or iPad (an iPad asks for desktop pages, so it says "Mac" with a touch screen). */
export const isIos = () => /iPad|iPhone|iPod/.test(navigator.userAgent)
  || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);

/** Opened as an installed app (from the Home Screen), not in a browser tab. */
export const installed = () => window.matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;

/**
 * Open in a Safari tab on an iPhone or iPad: ``navigator.standalone`` exists only in Safari
 * there, and says false in a tab.
 */
export const inASafariTab = () => (typeof navigator.standalone === 'boolean' || isIos()) && !installed();
