// Step 1 of a visit: reactions since the last session, and the client's sensations. At the
// first visit the complaints become the baseline; later, each is re-rated with a tap.
import * as db from '../db.js';
import { createRecord, updateRecord } from '../outbox.js';
import { choicesFor, fieldOf, labelOf, validate } from '../schema.js';
import { sensationName, sensationsWithRatings } from '../visits.js';
import { chipGroup, autosaver, intensityScale } from './chips.js';
import { h } from './dom.js';
import { showErrors } from './form.js';

const vocab = (kind) => choicesFor({ vocabulary: kind });
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
  const last = item.ratings.length ? item.ratings[item.ratings.length - 1].rating : {};
  const rating = { sensation_id: item.sensation.id, visit_id: visit.id, times_of_day: last.times_of_day || [],
    frequency: last.frequency || 'daily', intensity: last.intensity ?? 0, ...fields };
  const id = await createRecord('sensation_rating', rating, { clientId: visit.client_id });
  item.ratings.push({ rating: { id, ...rating }, visit });
  return true;
}

function sensationCard(visit, item) {
  const { sensation } = item;
  const today = item.ratings.find((r) => r.visit.id === visit.id);
  const earlier = item.ratings.filter((r) => r.visit.id !== visit.id);
  const baseline = item.ratings[0];
  const last = earlier[earlier.length - 1];
  const current = today ? today.rating : (last ? last.rating : {});
  const name = sensationName(sensation);
  const where = `${labelOf('region', sensation.region)}, ${labelOf('side', sensation.side).toLowerCase()}`;
  return h('li', { class: 'panel sensation-card', dataset: { sensation: sensation.id } },
    h('h3', {}, name, h('span', { class: 'muted' }, ` · ${where}`)),
    last ? h('p', { class: 'muted' }, `Last time ${last.rating.intensity}/10, ${labelOf('frequency', last.rating.frequency).toLowerCase()}`,
      last.rating.times_of_day && last.rating.times_of_day.length ? `, ${labels('time_of_day', last.rating.times_of_day).toLowerCase()}` : '',
      baseline && baseline !== last ? ` · baseline ${baseline.rating.intensity}/10` : '') : null,
    intensityScale({ legend: `${name}: how intense today`, name: 'intensity', value: today ? today.rating.intensity : null,
      onChange: (intensity) => rate(visit, item, { intensity }) }),
    h('details', { open: !last }, h('summary', {}, 'When in the day and how often'),
      chipGroup({ legend: 'When in the day', name: 'times_of_day', options: vocab('time_of_day'), value: current.times_of_day,
        multiple: true, onChange: (codes) => rate(visit, item, { times_of_day: codes }) }),
      chipGroup({ legend: 'How often', name: 'frequency', options: vocab('frequency'), value: current.frequency,
        onChange: (code) => rate(visit, item, { frequency: code }) })));
}

function addSensationForm(visit, onAdded) {
  const select = (id, kind, label) => h('div', { class: 'field', dataset: { field: id } },
    h('label', { for: `new-${id}` }, label),
    h('select', { id: `new-${id}`, name: id }, h('option', { value: '' }, 'Choose…'),
      vocab(kind).map((c) => h('option', { value: c.code }, c.label))), h('p', { class: 'error', hidden: true }));
  const words = h('input', { id: 'new-client_words', name: 'client_words', type: 'text', maxlength: 200 });
  const side = chipGroup({ legend: 'Side', name: 'side', options: vocab('side') });
  const times = chipGroup({ legend: 'When in the day', name: 'times_of_day', options: vocab('time_of_day'), multiple: true });
  const frequency = chipGroup({ legend: 'How often', name: 'frequency', options: vocab('frequency') });
  const intensity = intensityScale({ legend: 'How intense (the client’s rating)', name: 'intensity' });
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const form = h('form', { class: 'panel', id: 'add-sensation', novalidate: true, 'aria-labelledby': 'add-sensation-heading' },
    h('h3', { id: 'add-sensation-heading' }, visit.number_in_course === 1 ? 'Add a complaint (its baseline)' : 'Add a new sensation'),
    summary, select('kind', 'complaint', 'What the client feels'),
    h('div', { class: 'field', dataset: { field: 'client_words' } },
      h('label', { for: 'new-client_words' }, 'In the client’s words (optional)'), words, h('p', { class: 'error', hidden: true })),
    select('region', 'region', 'Where'), side, times, frequency, intensity,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Add this sensation')));
  form.addEventListener('input', () => { form.dataset.dirty = 'true'; });
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
    delete form.dataset.dirty;
    onAdded();
  });
  return form;
}

export async function renderSince({ visit, main }) {
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
      tracked.map((item) => sensationCard(visit, item)))
      : h('p', { class: 'empty' }, 'No sensations recorded for this client yet.'),
    // At the first visit the complaints are the point; later a new one is the exception.
    tracked.length && earlierVisits.length
      ? h('details', { class: 'add-sensation' }, h('summary', {}, 'The client mentions something new'), addSensationForm(visit, redraw))
      : addSensationForm(visit, redraw),
  ];
}
