// Ask the browser to keep Fieldbook's data: unpersisted storage can be evicted (Safari
// clears script-written data of sites not installed after seven days without use).
//
// The question is put once, and only in the installed app: some browsers (Firefox) put it
// to the person, and in a tab the answer would not carry over to the app anyway. What was
// asked and answered, and what the practitioner dismissed, is remembered in localStorage
// (no client data: a few flags, kept apart from the locked records so they are read at once).

const KEY = 'fieldbook.keep-data';

/** What is remembered: {asked, granted, dismissed, lineDue}. */
export function remembered() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || 'null') || {};
  } catch {
    return {};
  }
}

/** Remember ``changes`` with the rest; the whole, as now remembered. */
export function remember(changes) {
  const next = { ...remembered(), ...changes };
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch { /* private mode: asked again next time, which is harmless */ }
  return next;
}

/**
 * {supported, persisted, refused}: whether the browser keeps this site's data, and whether it
 * has just refused to: asked in the installed app and said no, or promised once and no longer.
 */
export async function askToKeepData({ installed = false } = {}) {
  const storage = navigator.storage;
  if (!storage || !storage.persist) return { supported: false, persisted: false, refused: false };
  const before = remembered();
  try {
    if (await storage.persisted()) {
      if (!before.granted) remember({ granted: true });
      return { supported: true, persisted: true, refused: false };
    }
    if (installed && !before.asked) {
      const granted = await storage.persist();
      remember({ asked: true, granted });
      return { supported: true, persisted: granted, refused: !granted };
    }
    if (before.granted) {  // promised before, not any more: the browser changed its mind
      remember({ granted: false });
      return { supported: true, persisted: false, refused: true };
    }
    return { supported: true, persisted: false, refused: false };
  } catch {
    return { supported: true, persisted: false, refused: false };
  }
}
