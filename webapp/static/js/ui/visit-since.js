// Step 1 of a visit: reactions since the last session, and the client's sensations. At the
// first visit the complaints become the baseline; later, each is re-rated with a tap. Each
// sensation's rating and the new complaint are forms that keep a draft (form.js).
import * as db from '../db.js';
import { createRecord, updateRecord } from '../outbox.js';
import { choicesFor, fieldOf, intensityRange, labelOf, maxLengthOf, validate } from '../schema.js';
import { sensationName, sensationsWithRatings } from '../visits.js';
import { chipGroup, autosaver, intensityScale } from './chips.js';
import { h } from './dom.js';
import { readDraft } from './drafts.js';
import { entryForm, showErrors } from './form.js';
import { ratingDraftKey } from './visit-unfinished.js';

const vocab = (kind) => choicesFor({ vocabulary: kind });
// A draft put back inside a closed <details> must not stay out of sight.
const openAround = (element) => { const details = element.closest('details'); if (details) details.open = true; };
const labels = (kind, codes) => (codes || []).map((code) => labelOf(kind, code)).join(', ');

function reactionsBlock(visit) {
  const saveNote = autosaver((text) => updateRecord('visit', visit.id, { reactions_note: text }));
  const note = h('textarea', { id: 'reactions-note', rows: 2, maxlength: fieldOf('visit', 'reactions_note').max_length },
    visit.reactions_note || '');
  note.addEventListener('input', () => saveNote(note.value));
  return h('section', { class: 'panel', 'aria-labelledby': 'reactions-heading' },
    h('h2', { id: 'reactions-heading' }, 'Reactions since the last session'),
    chipGroup({ legend: 'What the client noticed', name: 'reactions', options: vocab('reaction'), value: visit.reactions,
      multiple: true, onChange: (codes) => updateRecord('visit', visit.id, { reactions: codes }) }),
    h('label', { for: 'reactions-note' }, 'More about the reactions (optional)'), note);
}

/** Save this visit's rating of a sensation: a new rating, or a change to today's. */
async function rate(visit, item, fields) {
  const today = item.ratings.find((r) => r.visit.id === visit.id);
  if (today) return updateRecord('sensation_rating', today.rating.id, fields);
  const rating = { sensation_id: item.sensation.id, visit_id: visit.id, ...fields };
  const id = await createRecord('sensation_rating', rating, { clientId: visit.client_id });
  item.ratings.push({ rating: { id, ...rating }, visit });
  return true;
}

/**
 * A sensation, re-rated with a tap on its intensity: the rating is saved then, with when and
 * how often as they stand (last time's, unless changed). Changing those alone is a rating
 * begun, kept as a draft: never saved with an intensity the client did not give today.
 */
function sensationCard(visit, item, focusFirst) {
  const { sensation } = item;
  const today = item.ratings.find((r) => r.visit.id === visit.id);
  const earlier = item.ratings.filter((r) => r.visit.id !== visit.id);
  const baseline = item.ratings[0];
  const last = earlier[earlier.length - 1];
  const current = today ? today.rating : (last ? last.rating : {});
  const name = sensationName(sensation);
  const where = `${labelOf('region', sensation.region)}, ${labelOf('side', sensation.side).toLowerCase()}`;
  const form = entryForm({ draft: ratingDraftKey(visit, sensation), class: 'panel sensation-card',
    dataset: { sensation: sensation.id }, 'aria-label': `${name}, today` },
    h('h3', {}, name, h('span', { class: 'muted' }, ` · ${where}`)),
    last ? h('p', { class: 'muted' }, `Last time ${last.rating.intensity}/${intensityRange().max}, ${labelOf('frequency', last.rating.frequency).toLowerCase()}`,
      last.rating.times_of_day && last.rating.times_of_day.length ? `, ${labels('time_of_day', last.rating.times_of_day).toLowerCase()}` : '',
      baseline && baseline !== last ? ` · baseline ${baseline.rating.intensity}/${intensityRange().max}` : '') : null,
    intensityScale({ legend: `${name}: how intense today`, name: 'intensity', value: today ? today.rating.intensity : null }),
    h('details', { open: !last }, h('summary', {}, 'When in the day and how often'),
      chipGroup({ legend: 'When in the day', name: 'times_of_day', options: vocab('time_of_day'), value: current.times_of_day,
        multiple: true }),
      chipGroup({ legend: 'How often', name: 'frequency', options: vocab('frequency'), value: current.frequency })));
  // One save at a time, with the latest taps: two quick taps never make two ratings.
  const save = autosaver(async () => {
    const entered = readDraft(form);
    if (entered.intensity === null) return;  // begun, not made: kept as a draft until the intensity is given
    await rate(visit, item, { intensity: Number(entered.intensity), times_of_day: entered.times_of_day,
      frequency: entered.frequency || 'daily' });
    await form.dropDraft();
  });
  form.addEventListener('change', () => save());
  form.addEventListener('draftrestore', () => openAround(form.querySelector('details')));
  form.addEventListener('submit', (event) => event.preventDefault());
  if (focusFirst) form.querySelector('[data-field=intensity] input').dataset.focusOnShow = 'true';
  return h('li', {}, form);
}

function addSensationForm(visit, onAdded) {
  const select = (id, kind, label) => h('div', { class: 'field', dataset: { field: id } },
    h('label', { for: `new-${id}` }, label),
    h('select', { id: `new-${id}`, name: id }, h('option', { value: '' }, 'Choose…'),
      vocab(kind).map((c) => h('option', { value: c.code }, c.label))), h('p', { class: 'error', hidden: true }));
  const words = h('input', { id: 'new-client_words', name: 'client_words', type: 'text', maxlength: maxLengthOf('sensation', 'client_words') });
  const side = chipGroup({ legend: 'Side', name: 'side', options: vocab('side') });
  const times = chipGroup({ legend: 'When in the day', name: 'times_of_day', options: vocab('time_of_day'), multiple: true });
  const frequency = chipGroup({ legend: 'How often', name: 'frequency', options: vocab('frequency') });
  const intensity = intensityScale({ legend: 'How intense (the client’s rating)', name: 'intensity' });
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const form = entryForm({ draft: `new-sensation:${visit.id}`, class: 'panel', id: 'add-sensation',
    'aria-labelledby': 'add-sensation-heading' },
    h('h3', { id: 'add-sensation-heading' }, visit.number_in_course === 1 ? 'Add a complaint (its baseline)' : 'Add a new sensation'),
    summary, select('kind', 'complaint', 'What the client feels'),
    h('div', { class: 'field', dataset: { field: 'client_words' } },
      h('label', { for: 'new-client_words' }, 'In the client’s words (optional)'), words, h('p', { class: 'error', hidden: true })),
    select('region', 'region', 'Where'), side, times, frequency, intensity,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Add this sensation')));
  form.addEventListener('draftrestore', () => openAround(form));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const sensation = { client_id: visit.client_id, kind: form.elements.kind.value || null,
      client_words: words.value.trim(), region: form.elements.region.value || null, side: side.read() };
    const rating = { intensity: intensity.read(), times_of_day: times.read(), frequency: frequency.read() };
    const errors = { ...validate('sensation', sensation), ...validate('sensation_rating', rating, { partial: true }) };
    showErrors(form, summary, errors);
    if (Object.keys(errors).length) return;
    const id = await createRecord('sensation', sensation, { clientId: visit.client_id });
    await createRecord('sensation_rating', { sensation_id: id, visit_id: visit.id, ...rating }, { clientId: visit.client_id });
    await form.dropDraft();  // before the step is drawn again, with an empty form
    onAdded();
  });
  return form;
}

export async function renderSince({ visit, main, query }) {
  const rateFirst = new URLSearchParams(query || '').get('rate');  // sent back from the close to rate this
  const tracked = await sensationsWithRatings(visit.client_id);
  const earlierVisits = (await db.listRecords('visit', 'client_id', visit.client_id))
    .filter((v) => String(v.started_at) < String(visit.started_at));
  const redraw = () => import('./visit.js').then(({ renderVisit }) => renderVisit(main, { focus: false }, visit.id, 'since'))
    .then(() => { const status = main.querySelector('#sensation-saved'); if (status) status.textContent = 'Sensation added.'; });
  return [
    earlierVisits.length ? reactionsBlock(visit) : h('p', { class: 'hint' },
      'First visit: record each complaint the client brings. These ratings are the baseline later visits are compared with.'),
    h('h2', { id: 'sensations-heading' }, 'Sensations'),
    h('p', { class: 'sr-status', id: 'sensation-saved', role: 'status', 'aria-live': 'polite' }),
    tracked.length ? h('ul', { class: 'plain-list', id: 'sensation-list', 'aria-labelledby': 'sensations-heading' },
      tracked.map((item) => sensationCard(visit, item, item.sensation.id === rateFirst)))
      : h('p', { class: 'empty' }, 'No sensations recorded for this client yet.'),
    // At the first visit the complaints are the point; later a new one is the exception.
    tracked.length && earlierVisits.length
      ? h('details', { class: 'add-sensation' }, h('summary', {}, 'The client mentions something new'), addSensationForm(visit, redraw))
      : addSensationForm(visit, redraw),
  ];
}
