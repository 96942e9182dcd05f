// The clinic's time, as this phone best knows it. A phone's clock can be off by minutes or by
// days (a SIM out, a clock set by hand): every answer from the server carries its time, and
// the phone keeps the difference (the offset, in whole seconds; positive when the phone is
// behind), offline too, with the last one it learnt. Today, the times proposed and the start
// of a session follow the corrected time; a visit carries both clocks (docs/sync-protocol.md,
// "Time").
import * as db from './db.js';

const CLOCK = 'clock';  // meta, in clear: {offset_seconds, learnt_at (the server's time)}
const RESAVE_MS = 60 * 60 * 1000;
/** Off by more than this, the practitioner is told (the server flags a visit from 10 minutes). */
export const WARN_SECONDS = 5 * 60;

/** @typedef {{offset_seconds: number, learnt_at: string}} KnownClock */
/** @type {KnownClock | null} */
let known = null;
export const clockEvents = new EventTarget();

export async function loadClock() {
  known = (await db.getMeta(CLOCK)) || null;
  return known;
}

/** The offset this phone knows (seconds, positive when its clock is behind), or null. */
export const offsetSeconds = () => (known ? known.offset_seconds : null);

/** Now, by the clinic's clock as best known (the phone's own clock when no offset is known). */
export const now = () => new Date(Date.now() + (offsetSeconds() || 0) * 1000);

/**
 * Learn from an answer: ``serverTime`` (ISO) arrived for a request sent at ``sentAt`` and
 * answered at ``answeredAt`` (the phone's clock, ms); the server's moment is taken as the
 * middle of the round trip. Saved when it moved by 2 s or more, or hourly.
 */
export async function learn(serverTime, sentAt, answeredAt) {
  const server = Date.parse(serverTime);
  if (Number.isNaN(server)) return;
  const offset = Math.round((server - (sentAt + answeredAt) / 2) / 1000);
  const moved = known === null || Math.abs(offset - known.offset_seconds) >= 2
    || server - Date.parse(known.learnt_at) > RESAVE_MS;
  if (!moved) return;
  const warnedBefore = isOff(known);
  known = { offset_seconds: offset, learnt_at: new Date(server).toISOString() };
  await db.setMeta(CLOCK, known);
  if (warnedBefore !== isOff(known) || isOff(known)) clockEvents.dispatchEvent(new Event('change'));
}

/**
 * @param {KnownClock | null} clock
 * @returns {clock is KnownClock}
 */
function isOff(clock) {
  return Boolean(clock && Math.abs(clock.offset_seconds) > WARN_SECONDS);
}

/** What a session started now records: the corrected start and the evidence of the correction. */
export function startStamp() {
  const own = new Date();
  return { started_at: now().toISOString(), device_started_at: own.toISOString(), clock_offset_seconds: offsetSeconds() };
}

function inWords(seconds) {
  /** @type {[number, string][]} */
  const units = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    const count = Math.round(seconds / size);
    if (count >= 1 && (seconds >= size || name === 'minute')) return `${count} ${name}${count === 1 ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}

/** The warning to show when this phone's clock is off: null when it is near enough. */
export function clockWarning() {
  if (!isOff(known)) return null;
  const offset = known.offset_seconds;
  return `This phone’s clock is ${inWords(Math.abs(offset))} ${offset < 0 ? 'ahead' : 'behind'}. `
    + 'Times are corrected using the clinic’s clock.';
}
