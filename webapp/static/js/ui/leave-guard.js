// Asking before leaving a screen with something half entered on it: a tap on a link to
// another screen first waits for the screen's answer. (The browser's Back button cannot be
// held back; what was entered stays as a draft, and finishing the visit asks again.)
/** @type {{element: Element, started: () => boolean, settle: () => Promise<boolean>} | null} */
let guard = null;

/**
 * While ``element`` is shown, a link elsewhere first checks ``started()``; when true, it goes
 * only if ``settle()`` (which asks) resolves true.
 */
export function guardLeaving(element, { started, settle }) {
  guard = { element, started, settle };
}

const plainClick = (event) => event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href^="#/"]') : null;
  if (!link || !guard || event.defaultPrevented || !plainClick(event)) return;
  if (!guard.element.isConnected) { guard = null; return; }  // that screen is gone
  const target = /** @type {string} */ (link.getAttribute('href'));  // (the selector asks for one)
  if (target === window.location.hash || !guard.started()) return;
  event.preventDefault();  // decided at once: whether to go is settled after the question
  guard.settle().then((go) => { if (go) window.location.hash = target; });
}, true);
