// A finding as it is entered: the record it makes, whether one was started at all, what keeps
// it from being saved, and saving it. The findings step and the close of a visit share these,
// since a finding left half entered may be saved from either.
import * as db from './db.js';
import { createRecord } from './outbox.js';
import { validate } from './schema.js';

/**
 * The finding's fields from what was entered (a draft: see ui/drafts.js), text trimmed. Where no
 * tension was found there is none to release, and no direction for it to lie in.
 */
export function findingOf(entered) {
  const found = Boolean(entered.tension_found);
  return { region: entered.region || null, side: entered.side || null, tension_found: found,
    released: found && Boolean(entered.released), direction: (found && entered.direction) || null,
    muscle_or_test: (entered.muscle_or_test || '').trim(), note: (entered.note || '').trim() };
}

/** Whether a finding was begun: a region, a side or some text (turning the diagram is not). */
export const findingStarted = (entered) => Boolean(entered && (entered.region || entered.side
  || (entered.muscle_or_test || '').trim() || (entered.note || '').trim()));

/** {field: sentence} for what keeps ``entered`` from being saved, by the published rules. */
export const findingProblems = (entered) => validate('finding', findingOf(entered), { partial: true });

/** Save ``entered`` as a finding of ``visit``, last in the visit or on its line of tension; the record. */
export async function saveFinding(visit, entered) {
  const findings = await db.listRecords('finding', 'visit_id', visit.id);
  const line = entered.line || null;
  const record = { visit_id: visit.id, ...findingOf(entered), tension_line_id: line,
    position: line ? findings.filter((f) => f.tension_line_id === line).length : findings.length };
  const id = await createRecord('finding', record, { clientId: visit.client_id });
  return { id, ...record, client_id: visit.client_id, version: 0 };
}
