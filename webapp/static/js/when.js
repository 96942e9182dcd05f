// Dates and times as the clinic writes them, whatever language and time zone the phone is set
// to: an iPhone set to American English still reads "15:30" for a clinic in the UK, and
// "today" is the clinic's today wherever the phone thinks it is. The clinic's locale and time
// zone come with the published rules (GET /api/v1/schema, `conventions`); until the first
// rules arrive, the server's defaults. Pure: "now" is passed in (clock.js knows it).

const DEFAULTS = Object.freeze({ locale: 'en-GB', time_zone: 'Europe/London' });
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** @type {Readonly<{locale: string, time_zone: string}>} */
let conventions = DEFAULTS;
/** @type {Map<string, Intl.DateTimeFormat>} */
let formats = new Map();

/** Follow the conventions of a published rules document; the defaults for what it lacks or gets wrong. */
export function useConventions(published) {
  const given = (published && published.conventions) || {};
  const next = { locale: given.locale || DEFAULTS.locale, time_zone: given.time_zone || DEFAULTS.time_zone };
  try {
    new Intl.DateTimeFormat(next.locale, { timeZone: next.time_zone });  // throws on a zone or locale unknown here
    conventions = Object.freeze(next);
  } catch {
    conventions = DEFAULTS;
  }
  formats = new Map();
}

/** {locale, time_zone} in use. */
export const currentConventions = () => conventions;

/**
 * @param {Intl.DateTimeFormatOptions} options
 * @param {string} [timeZone]
 * @param {string} [locale]
 * @returns {Intl.DateTimeFormat}
 */
function format(options, timeZone = conventions.time_zone, locale = conventions.locale) {
  const key = JSON.stringify([locale, timeZone, options]);
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(locale, { ...options, timeZone }));
  return /** @type {Intl.DateTimeFormat} */ (formats.get(key));
}

const instant = (when) => (when instanceof Date ? when : new Date(when));
const valid = (date) => !Number.isNaN(date.getTime());

/** The numbers of an instant's date and time on the clinic's wall clock. */
function wallClock(when) {
  // Digits and the calendar fixed, whatever the clinic's locale: these are numbers, not text.
  const parts = format({ year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    second: 'numeric', hourCycle: 'h23', calendar: 'gregory', numberingSystem: 'latn' }, conventions.time_zone, 'en-US')
    .formatToParts(when);
  const number = (type) => Number(/** @type {Intl.DateTimeFormatPart} */ (parts.find((part) => part.type === type)).value);
  return { year: number('year'), month: number('month'), day: number('day'), hour: number('hour') % 24,
    minute: number('minute'), second: number('second') };
}

const pad = (number, width = 2) => String(number).padStart(width, '0');

// ---- calendar dates: "YYYY-MM-DD", the clinic's days -----------------------------------------

/** The clinic's calendar date of an instant (a Date or ISO text), as YYYY-MM-DD. */
export function clinicDate(when) {
  const { year, month, day } = wallClock(instant(when));
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The clinic's today, for ``now`` (clock.js ``now()``: the clinic's clock as best known). */
export const clinicToday = (now = new Date()) => clinicDate(now);

const noonOf = (date) => {
  const [, year, month, day] = /** @type {RegExpExecArray} */ (DATE.exec(date));  // (isDate checks first where it may not be one)
  return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), 12));
};

export const isDate = (text) => DATE.test(text || '') && valid(noonOf(text));

/** The date ``days`` after (or before) ``date``. */
export const addDays = (date, days) => new Date(noonOf(date).getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** Whole days from one date to another. */
export const daysBetween = (from, to) => Math.round((noonOf(to).getTime() - noonOf(from).getTime()) / DAY_MS);

// A calendar date is written at noon UTC in UTC: the same day whatever the zone.
const writeDate = (date, options) => format(options, 'UTC').format(noonOf(date));

/** "Today", "Tomorrow", "Yesterday", or "Thu 4 Dec" in the clinic's language. */
export function dayLabel(date, today) {
  const offset = daysBetween(today, date);
  if (offset === 0) return 'Today';
  if (offset === 1) return 'Tomorrow';
  if (offset === -1) return 'Yesterday';
  return writeDate(date, { weekday: 'short', day: 'numeric', month: 'short' });
}

/** "Thursday 4 December". */
export const longDay = (date) => writeDate(date, { weekday: 'long', day: 'numeric', month: 'long' });

// ---- instants, on the clinic's wall clock ----------------------------------------------------

/** "15:30" (or "3:30 PM" for a clinic whose language writes it so). */
export const timeOfDay = (when) => format({ hour: '2-digit', minute: '2-digit' }).format(instant(when));

/** "today 10:42", "3 Mar 2026 10:42", for a stored time; ``now`` says which day is today. */
export function formatWhen(when, now = new Date()) {
  if (!when) return '';
  const moment = instant(when);
  if (!valid(moment)) return String(when);
  if (clinicDate(moment) === clinicDate(now)) return `today ${timeOfDay(moment)}`;
  return `${format({ day: 'numeric', month: 'short', year: 'numeric' }).format(moment)} ${timeOfDay(moment)}`;
}

/** "Thu 4 Dec, 15:30". */
export const dayAndTime = (when) => format({ weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit',
  minute: '2-digit' }).format(instant(when));

/** "4 Dec". */
export const shortDay = (when) => format({ day: 'numeric', month: 'short' }).format(instant(when));

/** A stored time as the value of a datetime-local input, on the clinic's wall clock. */
export function toInputValue(when) {
  if (!when) return '';
  const moment = instant(when);
  if (!valid(moment)) return '';
  const t = wallClock(moment);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}`;
}

/** How far the clinic's wall clock is ahead of UTC at an instant, in ms. */
function zoneOffset(ms) {
  const t = wallClock(new Date(ms));
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a datetime-local input's value means on the clinic's wall clock (null if it means none). */
export function fromInputValue(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text || '');
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part || 0));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (Number.isNaN(wall)) return null;
  // Guess with the offset at that wall time read as UTC, then once more with the offset at
  // the guess: right on both sides of a change of the clocks.
  const guess = wall - zoneOffset(wall);
  return new Date(wall - zoneOffset(guess));
}
