// The pull half of a sync (sync.js runs it after the push): page by page from the phone's
// cursor, each page stored before the next is, so a pull cut short resumes where it stopped.
import * as db from './db.js';
import { api, ApiError } from './api.js';

// Records per page of a snapshot (a first pull): small enough that the server reads the next
// page while the phone stores this one, large enough that the round trips stay few. Pages
// of changes keep the server's size: most of a long one can be the phone's own pushes,
// which the server reads and skips, sending nothing to store.
const SNAPSHOT_PAGE = 1000;

/**
 * Pull page by page until the server has nothing more. A first pull asks for its snapshot in
 * pages too (paged=1), so a large caseload shows its progress: each answer says how much
 * remains after it, and the pages received so far plus that is the honest total. The next
 * page is asked for as soon as an answer names it, while this one is being stored: the
 * server reads it while the phone writes. Pages are still stored one after the other, each
 * with its cursor, so a pull cut short resumes after the last page stored. showProgress gets
 * {kind, done, total} while pages remain, then null.
 */
export async function pullAll(token, showProgress) {
  let cursor = await db.getMeta('cursor');
  // How much changed here, and what matters to the published rules (see refreshSchema).
  // caseload: a whole snapshot arrived (the first full sync, or a fresh copy after a bad cursor).
  const pulled = { changed: 0, revision: null, vocabularyChanged: false, caseload: false };
  let received = 0;
  // The database identity this phone last saw (see db-restore.js); an answer that names one
  // is what storing it keeps, so the page asked for before it is stored names that one too.
  let serverId = await db.getMeta('server_id');
  // snapshot: the page asked for is part of a snapshot (no cursor yet, or the snapshot's own).
  const ask = (from, snapshot) => {
    const limit = snapshot ? `&limit=${SNAPSHOT_PAGE}` : '';
    const answer = api(`/api/v1/sync/pull?paged=1${limit}${from ? `&cursor=${encodeURIComponent(from)}` : ''}${
      serverId ? `&server_id=${encodeURIComponent(serverId)}` : ''}`, { token });
    answer.catch(() => {});  // awaited below; not unhandled if a store fails first
    return answer;
  };
  let next = ask(cursor, !cursor);
  for (let page = 0; page < 10000; page += 1) {
    let answer;
    try {
      answer = await next;
    } catch (error) {
      // A cursor the server no longer understands: start again from a full copy.
      if (error instanceof ApiError && error.code === 'bad_cursor' && cursor) {
        cursor = null;
        received = 0;
        next = ask(null, true);
        continue;
      }
      throw error;
    }
    serverId = answer.server_id || serverId;
    if (answer.more) next = ask(answer.cursor, Boolean(answer.snapshot));
    pulled.changed += await db.storePull(answer, { first: !cursor });
    pulled.revision = answer.rules_revision || pulled.revision;
    pulled.vocabularyChanged ||= (answer.records || []).some((r) => r.entity === 'vocabulary_term');
    cursor = answer.cursor;
    pulled.caseload ||= Boolean(answer.snapshot && !answer.more);
    received += (answer.records || []).length + (answer.evict || []).length;
    showProgress(answer.more ? { kind: answer.snapshot ? 'caseload' : 'changes', done: received,
      total: received + (answer.remaining || 0) } : null);
    if (!answer.more) return pulled;
  }
  return pulled;
}
