// The field rules the server publishes (GET /api/v1/schema), kept on the device so forms
// can check entries offline. Nothing here restates a rule: it only reads the published ones.
// The device database is imported where the document is stored or read back, not above:
// the rules and their checks load under node too (tests/js/).

/** @type {any} the published document, as JSON (null before the first sync) */
let published = null;

/** Take ``document`` as the published rules (loadSchema and storeSchema do; tests give theirs). */
export function usePublished(document) {
  published = document || null;
}

export async function loadSchema() {
  const db = await import('./db.js');
  usePublished(await db.getMeta('schema'));
  return published;
}

export async function storeSchema(document) {
  const db = await import('./db.js');
  await db.setMeta('schema', { ...document, fetched_at: new Date().toISOString() });
  usePublished(await db.getMeta('schema'));
}

export const hasSchema = () => Boolean(published && published.entities);

/** The initial course's sessions, in days after the first (day 1, 4, 11: [0, 3, 10]), as published. */
export const initialCourseDays = () => (published && published.course && published.course.initial_days) || [];

/** The scale a client rates a sensation on, as published ({min: 0, max: 10}). */
export function intensityRange() {
  const field = fieldOf('sensation_rating', 'intensity') || {};
  return { min: field.minimum, max: field.maximum };
}

/** The most characters ``entity``'s text field ``name`` takes, as published (a maxlength). */
export const maxLengthOf = (entity, name) => (fieldOf(entity, name) || {}).max_length;

/** The clinic's rules for this phone's lock: {lock_after_minutes, token_days, offline_unlock_days}. */
export const devicePolicy = () => (published && published.device_policy) || {};

/** The settable fields of ``entity`` (those the server derives itself left out). */
export function fieldsOf(entity) {
  const spec = published && published.entities && published.entities[entity];
  if (!spec) return [];
  const derived = new Set(spec.derived || []);
  return spec.fields.filter((field) => !derived.has(field.name));
}

export const fieldOf = (entity, name) => fieldsOf(entity).find((field) => field.name === name) || null;

/** [{code, label}] a choice field may take. */
export function choicesFor(field) {
  if (field.choices) return field.choices.map((code) => ({ code, label: humanise(code) }));
  return (published && published.vocabularies && published.vocabularies[field.vocabulary]) || [];
}

export function labelOf(kind, code) {
  const terms = (published && published.vocabularies && published.vocabularies[kind]) || [];
  const term = terms.find((t) => t.code === code);
  return term ? term.label : humanise(code);
}

function humanise(code) {
  const text = String(code ?? '').replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// The checks of webapp/core/fieldspec.py, on the same patterns, with the same sentences:
// tests/validation_cases.json holds both to the same answers (tests/js/ runs it here).
const WHOLE_NUMBER = /^[+-]?[0-9]+$/;
const NUMBER = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const DATETIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,6})?)?(Z|([+-])([0-9]{2}):([0-9]{2}))?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What either language calls a space, so that both trim alike (see fieldspec.py SPACES).
const SPACES = /^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/g;

const strip = (text) => text.replace(SPACES, '');
const stripped = (value) => (typeof value === 'string' ? strip(value) : '');
const blank = (value) => value === null || value === undefined || (typeof value === 'string' && !strip(value))
  || (Array.isArray(value) && value.length === 0);

const leapYear = (year) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
/** Whether year-month-day is a day of the calendar (years 1 to 9999, as Python's dates). */
function calendarDay(year, month, day) {
  const days = [31, leapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year >= 1 && days !== undefined && day >= 1 && day <= days;
}

/**
 * A date and time as fieldspec.py reads it: null if it is none; {zoned: false} without a zone.
 * @param {string} text
 * @returns {{zoned: false} | {zoned: true, utcYear: number} | null}
 */
function readDateTime(text) {
  const match = DATETIME.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const [zone, sign, zoneHours, zoneMinutes] = [match[7], match[8], Number(match[9]), Number(match[10])];
  if (!calendarDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  if (!zone) return { zoned: false };
  if (sign && (zoneHours > 23 || zoneMinutes > 59)) return null;
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);  // (Date.UTC reads years 0 to 99 as 1900 to 1999)
  instant.setUTCHours(hour, minute, second);
  const offset = sign ? (sign === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes) * 60000 : 0;
  return { zoned: true, utcYear: new Date(instant.getTime() - offset).getUTCFullYear() };
}

function problem(field, value) {
  const label = field.label;
  const allowed = () => new Set(choicesFor(field).map((c) => c.code));
  const range = (number) => {
    if (field.minimum !== undefined && number < field.minimum) return `${label} must be at least ${field.minimum}.`;
    if (field.maximum !== undefined && number > field.maximum) return `${label} must be at most ${field.maximum}.`;
    return null;
  };
  switch (field.kind) {
    case 'text': case 'longtext':
      if (typeof value !== 'string') return `${label} must be text.`;
      if (value.includes('\u0000')) return `${label} contains a character that cannot be stored.`;
      // Characters as Python counts them: an emoji is one, not two UTF-16 units.
      if (field.max_length && [...strip(value)].length > field.max_length) {
        return `${label} can be at most ${field.max_length} characters long.`;
      }
      return null;
    case 'date': {
      const match = DATE.exec(stripped(value));
      if (!match || !calendarDay(...match.slice(1, 4).map(Number))) return `${label} must be a date, like 2026-03-21.`;
      const year = Number(match[1]);
      if (field.minimum !== undefined && year < field.minimum) return `${label} must be in the year ${field.minimum} or later.`;
      if (field.maximum !== undefined && year > field.maximum) return `${label} must be in the year ${field.maximum} or earlier.`;
      return null;
    }
    case 'datetime': {
      const when = readDateTime(stripped(value));
      if (!when) return `${label} must be a date and time.`;
      if (!when.zoned) return `${label} must include its time zone.`;
      if (when.utcYear < 1 || when.utcYear > 9999) return `${label} must be a date and time between the years 1 and 9999.`;
      return null;
    }
    case 'int': {
      const number = typeof value === 'number' ? value : WHOLE_NUMBER.test(stripped(value)) ? Number(stripped(value)) : NaN;
      return Number.isInteger(number) ? range(number) : `${label} must be a whole number.`;
    }
    case 'decimal': {
      const number = typeof value === 'number' ? value : NUMBER.test(stripped(value)) ? Number(stripped(value)) : NaN;
      return Number.isFinite(number) ? range(number) : `${label} must be a number, like 1.5.`;
    }
    case 'bool':
      return typeof value === 'boolean' ? null : `${label} must be yes or no.`;
    case 'choice':
      return typeof value === 'string' && allowed().has(value) ? null : `Choose ${label.toLowerCase()} from the list.`;
    case 'choices':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && allowed().has(v)) ? null
        : `Choose ${label.toLowerCase()} from the list.`;
    case 'uuid':
      return UUID.test(stripped(value)) ? null : `${label} is not a valid reference.`;
    default:
      return null;
  }
}

/** {field: sentence} for what breaks the published rules; with ``partial``, given fields only. */
export function validate(entity, values, { partial = false } = {}) {
  const errors = {};
  for (const field of fieldsOf(entity)) {
    if (partial && !(field.name in values)) continue;
    const value = values[field.name];
    if (blank(value)) {
      if (field.required) {
        errors[field.name] = ['choice', 'choices', 'bool'].includes(field.kind)
          ? `Choose ${field.label.toLowerCase()}.` : `Enter ${field.label.toLowerCase()}.`;
      }
      continue;
    }
    const message = problem(field, value);
    if (message) errors[field.name] = message;
  }
  return errors;
}

/** The acknowledgement the client agrees to now: {version, text}, or null before a sync. */
export function currentAcknowledgement() {
  const wording = published && published.acknowledgement;
  if (!wording) return null;
  return { version: wording.current, text: wording.wordings[wording.current] };
}

/** What an entity is called on screen ("Session" for a visit), as the server publishes it. */
export function entityLabel(entity) {
  const spec = published && published.entities && published.entities[entity];
  return (spec && spec.label) || humanise(entity);
}
