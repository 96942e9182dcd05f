// Step 3 of a visit: notes, advice given, a referral to a medical practitioner if one was
// suggested, and booking the next visit at the date the course's rhythm proposes. The notes
// are saved to the visit as they are typed (trimmed) and kept as typed in the form's draft;
// finishing asks about anything left unfinished first (visit-unfinished.js).
import { now } from '../clock.js';
import * as db from '../db.js';
import { initialCourseProgress, proposeNext, visitsInOrder } from '../course.js';
import { createRecord, updateRecord } from '../outbox.js';
import { choicesFor, fieldOf } from '../schema.js';
import { currentUser } from '../session.js';
import { finishVisit } from '../visits.js';
import { chipGroup, autosaver, flushAll } from './chips.js';
import { h } from './dom.js';
import { entryForm } from './form.js';
import { settleBeforeFinishing } from './visit-unfinished.js';
import { clinicDate, dayAndTime, fromInputValue, toInputValue } from '../when.js';

function textField(visit, name, rows = 3) {
  const id = `close-${name}`;
  const save = autosaver((value) => updateRecord('visit', visit.id, { [name]: value }));
  const area = h('textarea', { id, name, rows, maxlength: fieldOf('visit', name).max_length }, visit[name] || '');
  area.addEventListener('input', () => save(area.value.trim()));
  return h('div', { class: 'field' }, h('label', { for: id }, `${fieldOf('visit', name).label} (optional)`), area);
}

function referral(visit) {
  const reason = textField(visit, 'referral_reason', 2);
  reason.hidden = !visit.referred;
  const box = h('input', { type: 'checkbox', id: 'close-referred', name: 'referred', checked: Boolean(visit.referred) });
  box.addEventListener('change', () => { reason.hidden = !box.checked; updateRecord('visit', visit.id, { referred: box.checked }); });
  const panel = h('div', { class: 'panel' }, h('label', { class: 'check', for: 'close-referred' }, box,
    'Referred to a medical practitioner'), reason);
  panel.showReason = () => { reason.hidden = !box.checked; };
  return panel;
}

async function nextBooking(visit, client) {
  const visits = visitsInOrder(await db.listRecords('visit', 'client_id', client.id));
  const { done, of } = initialCourseProgress(visits);
  const course = h('p', { id: 'course-progress' }, done < of ? `Initial course: ${done} of ${of} sessions done.`
    : `Initial course of ${of} sessions done${visits.length > of ? ` (this is session ${visit.number_in_course})` : ''}.`);
  const booked = (await db.listRecords('appointment', 'client_id', client.id))
    // Booked for a later day (this visit's own appointment, or another today, is not the next).
    .filter((a) => a.status !== 'cancelled' && a.id !== visit.appointment_id && clinicDate(a.starts_at) > clinicDate(visit.started_at))
    .sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)))[0];
  const section = h('section', { class: 'panel', 'aria-labelledby': 'next-heading' }, h('h2', { id: 'next-heading' }, 'The next visit'), course);
  if (booked) {
    section.append(h('p', { id: 'next-booked' }, `Booked: ${dayAndTime(booked.starts_at)}.`));
    return section;
  }
  const options = proposeNext(visits, now());  // by the clinic's clock, not a wrong phone's
  // The date and time are typed on the clinic's clock, as the desk books them.
  const input = h('input', { type: 'datetime-local', id: 'next-when', value: toInputValue(options[0].when) });
  const status = h('p', { role: 'status', 'aria-live': 'polite', id: 'next-status' });
  const book = h('button', { type: 'button', class: 'button primary' }, 'Book this visit');
  book.addEventListener('click', async () => {
    const when = fromInputValue(input.value);
    if (!when) { status.textContent = 'Choose a date and time first.'; return; }
    const me = await currentUser();
    await createRecord('appointment', { client_id: client.id, practitioner_id: me.id, starts_at: when.toISOString(),
      duration_minutes: 30, location: visit.location, address: visit.address || '', status: 'booked', note: '' }, { clientId: client.id });
    section.replaceChildren(section.firstChild, course, h('p', { id: 'next-booked' }, `Booked: ${dayAndTime(when)}.`));
    section.querySelector('#next-booked').setAttribute('role', 'status');
  });
  section.append(
    h('p', { class: 'hint' }, `Proposed: ${options[0].label.toLowerCase()}.`),
    h('div', { class: 'chip-row', role: 'group', 'aria-label': 'Other spacings' }, options.map((option) =>
      h('button', { type: 'button', class: 'button small', onclick: () => { input.value = toInputValue(option.when); } }, option.label))),
    h('div', { class: 'field' }, h('label', { for: 'next-when' }, 'Date and time'), input),
    h('div', { class: 'actions' }, book), status);
  return section;
}

export async function renderClose({ visit, client }) {
  const calves = (await db.listRecords('finding', 'visit_id', visit.id)).some((f) => f.region === 'calf');
  const referralPanel = referral(visit);
  const form = entryForm({ draft: `close:${visit.id}`, savedAsTyped: true, id: 'close-form', 'aria-label': 'Close of the session' },
    textField(visit, 'notes', 4),
    chipGroup({ legend: 'Advice given', name: 'advice', options: choicesFor({ vocabulary: 'advice' }), value: visit.advice,
      multiple: true, hint: calves ? 'Calves were involved in this session: magnesium and water are worth a word.' : null,
      onChange: (codes) => updateRecord('visit', visit.id, { advice: codes }) }),
    referralPanel,
    textField(visit, 'next_step', 2));
  form.addEventListener('draftrestore', referralPanel.showReason);
  form.addEventListener('submit', (event) => event.preventDefault());  // each entry is saved as it is made
  const finish = h('button', { type: 'button', class: 'button primary', id: 'finish-visit' }, 'Finish the session');
  finish.addEventListener('click', async () => {
    await flushAll();
    if (!(await settleBeforeFinishing(visit))) return;
    await form.dropDraft();
    await finishVisit();
    window.location.hash = `#/clients/${client.id}`;
  });
  return [
    form,
    await nextBooking(visit, client),
    h('div', { class: 'actions' }, finish),
    h('p', {}, h('a', { class: 'button', href: `#/handout/${visit.id}` }, 'A page for the client')),
  ];
}
