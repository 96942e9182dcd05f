// After the clinic's server is restored from a backup (docs/sync-protocol.md, "After a
// restore"). The restored database lacks whatever was pushed after the backup was taken, and
// only the phones still hold it. So an acknowledged change does not simply leave the outbox:
// its row is kept in the 'sent' store for KEEP_DAYS, with the others of its push's answer.
// When the server answers `server_restored`, the kept changes go back into the outbox ahead of what waits there,
// exactly as they were sent, under their own change ids: the server answers those it still
// knows from its records and applies the others once. The next pull is a full copy that
// replaces what the phone holds, whatever its versions say.
import { ALL, KEPT_CLIENTS, applyOps, exclusive, read, sealOps, write } from './db-core.js';
import { openRows } from './seal.js';

// A backup older than this is restored at the cost of what phones pushed before the window
// (docs/deployment.md says so, and `flask restore` names the backup's date).
export const KEEP_DAYS = 30;
// Meta flag (in clear, about no one): the next full copy replaces local versions (db-pull.js).
export const RESTORED = 'restored';

/**
 * In the write transaction that answers a push, before its entries leave the outbox: keep
 * the rows of those the server took, as they are stored, sealed, with their seq, so they go
 * back into the outbox in the order they were first made; and forget kept changes older
 * than KEEP_DAYS (kept_at is in clear). The answer's rows are kept as one row, a pack: a row
 * per change cost as much as the rest of storing the answer.
 */
export async function keepAnswered(tx, rows) {
  const sent = tx.objectStore('sent');
  if (rows.length) {
    const clients = [...new Set(rows.map((row) => row.client_id).filter(Boolean))];
    await sent.put({ seq: rows[0].seq, kept_at: new Date().toISOString(), [KEPT_CLIENTS]: clients, rows });
  }
  const before = new Date(Date.now() - KEEP_DAYS * 24 * 60 * 60 * 1000).toISOString();
  await Promise.all((await sent.index('kept_at').getAllKeys(IDBKeyRange.upperBound(before))).map((seq) => sent.delete(seq)));
}

/** In a write transaction: a client left the caseload, so nothing kept of theirs stays either. */
export async function forgetKeptOf(tx, clientId) {
  const sent = tx.objectStore('sent');
  for (const pack of await sent.index(KEPT_CLIENTS).getAll(clientId)) {
    const rows = pack.rows.filter((row) => row.client_id !== clientId);
    if (rows.length === 0) await sent.delete(pack.seq);
    else await sent.put({ ...pack, rows, [KEPT_CLIENTS]: pack[KEPT_CLIENTS].filter((id) => id !== clientId) });
  }
}

/**
 * The server's database was restored (its answer said so): queue again what this phone kept
 * of its pushes, ahead of its outbox, and forget the cursor so the next pull is a full copy
 * that replaces what is held here. Returns how many changes were queued again.
 *
 * Their bases stay as they were: `flask restore` moves the server's versions far ahead, so
 * anything written after the restore is newer than every version a phone saw before it, and a
 * change to a field edited since is a conflict as always.
 */
export function recoverFromRestore() {
  return exclusive(async () => {
    const found = await read(['sent', 'outbox'], async (tx) => ({
      kept: (await tx.objectStore('sent').getAll()).flatMap((pack) => pack.rows),
      waiting: await tx.objectStore('outbox').getAll(),
    }));
    const kept = await openRows('sent', found.kept);
    const waiting = await openRows('outbox', found.waiting);
    const again = kept.map((entry) => ({
      // Sent before, so never folded into again: the server must get the same content it
      // may have stored under this change id (attempts > 0 keeps saveChange off it).
      ...entry, status: 'pending', attempts: Math.max(1, entry.attempts || 0),
    }));
    const queuedAgain = new Set(again);
    const ops = [];
    const byRecord = new Map();
    for (const entry of [...again, ...waiting].sort((x, y) => x.seq - y.seq)) {
      const changed = { ...entry };
      // The oldest change of a record goes first; the others follow it (db-core.js FOLLOWS).
      if (byRecord.has(changed.record_id)) changed.follows = 1;
      else delete changed.follows;
      byRecord.set(changed.record_id, true);
      if (queuedAgain.has(entry) || changed.follows !== entry.follows) {
        ops.push({ store: 'outbox', put: changed });
      }
    }
    const sealed = await sealOps(ops);
    await write(ALL, async (tx) => {
      await applyOps(tx, sealed);
      await tx.objectStore('sent').clear();
      const meta = tx.objectStore('meta');
      await meta.delete('cursor');
      await meta.delete('server_id');  // the next pull brings the restored database's
      await meta.delete('snapshot_ids');
      await meta.put(true, RESTORED);
    });
    return again.length;
  });
}
