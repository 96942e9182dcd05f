// Ask the browser to keep Fieldbook's data: unpersisted storage can be evicted (Safari
// clears script-written data of sites not installed after seven days without use).

/** {supported, persisted}: whether the browser promised to keep this site's data. */
export async function askToKeepData() {
  const storage = navigator.storage;
  if (!storage || !storage.persist) return { supported: false, persisted: false };
  try {
    if (await storage.persisted()) return { supported: true, persisted: true };
    return { supported: true, persisted: await storage.persist() };
  } catch {
    return { supported: true, persisted: false };
  }
}
