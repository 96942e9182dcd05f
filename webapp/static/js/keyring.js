// The data key while the app is unlocked: a non-extractable AES-GCM CryptoKey held in this
// page's memory only. Locking drops it (and reloads the page, so nothing decrypted lingers);
// without it nothing sealed can be read or written.

let dataKey = null;

export class LockedError extends Error {
  constructor() {
    super('Fieldbook is locked.');
    this.name = 'LockedError';
  }
}

export const isUnlocked = () => dataKey !== null;

/** The data key; LockedError while locked. */
export function currentKey() {
  if (!dataKey) throw new LockedError();
  return dataKey;
}

export function holdKey(key) {
  if (key.extractable) throw new Error('The data key must be held as non-extractable.');
  dataKey = key;
}

export function dropKey() {
  dataKey = null;
}
