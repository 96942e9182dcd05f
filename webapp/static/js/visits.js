// A visit's data on this phone: starting one, the visit in progress (so a reload, a locked
// phone or a switch of apps resumes where the practitioner stopped), and the sensations'
// latest ratings. Screens call these; every write goes through the outbox.
import { startStamp } from './clock.js';
import * as db from './db.js';
import { trackSensations, visitsInOrder } from './course.js';
import { createRecord } from './outbox.js';
import { labelOf } from './schema.js';

const IN_PROGRESS = 'visit-in-progress';
// A visit left open longer than this is not resumed on opening the app (it stays editable).
const RESUME_WITHIN_MS = 12 * 60 * 60 * 1000;

export const addressOf = (client) => [client.address_line, client.town, client.postcode].filter(Boolean).join(', ');

/** Start a session with ``client`` now (from ``appointment`` when there is one); its id. */
/**
 * @param {any} client
 * @param {any} [appointment]
 */
export async function startVisit(client, appointment = null) {
  const earlier = await db.listRecords('visit', 'client_id', client.id);
  const location = appointment ? appointment.location : (client.address_line ? 'home' : 'clinic');
  const address = appointment && appointment.address ? appointment.address : (location === 'home' ? addressOf(client) : '');
  const id = await createRecord('visit', {
    client_id: client.id, appointment_id: appointment ? appointment.id : null, ...startStamp(),
    location, address, number_in_course: visitsInOrder(earlier).length + 1,
    reactions: [], reactions_note: '', notes: '', advice: [], referred: false, referral_reason: '', next_step: '',
  }, { clientId: client.id });
  await markInProgress(id, client.id, 'since');
  return id;
}

export function markInProgress(visitId, clientId, step) {
  return db.setMeta(IN_PROGRESS, { visit_id: visitId, client_id: clientId, step, at: new Date().toISOString() });
}

export const finishVisit = () => db.setMeta(IN_PROGRESS, null);

/** The visit in progress, if it was touched recently enough to resume. */
export async function visitInProgress() {
  const open = await db.getMeta(IN_PROGRESS);
  if (!open || Date.now() - Date.parse(open.at) > RESUME_WITHIN_MS) return null;
  const visit = await db.getRecord('visit', open.visit_id);
  return visit && !visit.deleted ? open : null;
}

/** trackSensations() for one client, read from the phone's database. */
export async function sensationsWithRatings(clientId) {
  const [sensations, ratings, visits] = await Promise.all([
    db.listRecords('sensation', 'client_id', clientId),
    db.listRecords('sensation_rating', 'client_id', clientId),
    db.listRecords('visit', 'client_id', clientId)]);
  return trackSensations(sensations, ratings, visits);
}

/** What the client feels, in a few words: their own words if given, else the vocabulary's. */
export const sensationName = (sensation) => sensation.client_words || labelOf('complaint', sensation.kind);

/** A one-line reminder of the main complaints in ``tracked`` (the most intense first). */
export function complaintsLine(tracked, limit = 2) {
  const latest = (item) => (item.ratings.length ? item.ratings[item.ratings.length - 1].rating.intensity : -1);
  const names = [...tracked].sort((a, b) => latest(b) - latest(a)).map((item) => sensationName(item.sensation));
  if (names.length === 0) return '';
  return names.slice(0, limit).join(', ') + (names.length > limit ? ` and ${names.length - limit} more` : '');
}
