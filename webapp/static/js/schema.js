// The field rules the server publishes (GET /api/v1/schema), kept on the device so forms
// can check entries offline. Nothing here restates a rule: it only reads the published ones.
import * as db from './db.js';

let published = null;

export async function loadSchema() {
  published = (await db.getMeta('schema')) || null;
  return published;
}

export async function storeSchema(document) {
  await db.setMeta('schema', { ...document, fetched_at: new Date().toISOString() });
  published = await db.getMeta('schema');
}

export const hasSchema = () => Boolean(published && published.entities);

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

const blank = (value) => value === null || value === undefined || (typeof value === 'string' && !value.trim())
  || (Array.isArray(value) && value.length === 0);

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
      if (field.max_length && value.trim().length > field.max_length) {
        return `${label} can be at most ${field.max_length} characters long.`;
      }
      return null;
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
        return `${label} must be a date, like 2026-03-21.`;
      }
      return range(Number(value.slice(0, 4)));
    case 'datetime':
      if (!/(Z|[+-]\d{2}:\d{2})$/.test(String(value)) || Number.isNaN(Date.parse(value))) {
        return `${label} must be a date and time.`;
      }
      return null;
    case 'int':
      if (!Number.isInteger(Number(value)) || typeof value === 'boolean') return `${label} must be a whole number.`;
      return range(Number(value));
    case 'decimal':
      if (!Number.isFinite(Number(value)) || typeof value === 'boolean') return `${label} must be a number, like 1.5.`;
      return range(Number(value));
    case 'bool':
      return typeof value === 'boolean' ? null : `${label} must be yes or no.`;
    case 'choice':
      return allowed().has(value) ? null : `Choose ${label.toLowerCase()} from the list.`;
    case 'choices':
      return Array.isArray(value) && value.every((v) => allowed().has(v)) ? null : `Choose ${label.toLowerCase()} from the list.`;
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? null
        : `${label} is not a valid reference.`;
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
