// The rhythm of a course of sessions, as docs/domain.md describes it: an initial three on day 1,
// day 4 and day 11 (the days come with the published rules: vocab/defaults.py
// INITIAL_COURSE_DAYS), then weekly or fortnightly while needed, then maintenance every three
// to six weeks. Pure functions of the records and the rules: the screens propose, the
// practitioner decides.
import { initialCourseDays } from './schema.js';

// Appointments are booked on a grid of this many minutes (the desk's form steps by 5; clinics
// book by the quarter hour).
export const BOOKING_GRID_MINUTES = 15;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from a to b, by calendar date in the phone's time zone. */
function daysBetween(a, b) {
  const start = new Date(a.getFullYear(), a.getMonth(), a.getDate());
  const end = new Date(b.getFullYear(), b.getMonth(), b.getDate());
  return Math.round((end.getTime() - start.getTime()) / DAY_MS);
}

function addDays(when, days) {
  const next = new Date(when);
  next.setDate(next.getDate() + days);
  return next;
}

const startTime = (iso) => {
  const value = Date.parse(iso);
  return Number.isNaN(value) ? Infinity : value;  // a visit with no usable start time sorts last
};

const number = (visit) => visit.number_in_course ?? 0;
const byTime = (a, b) => startTime(a.started_at) - startTime(b.started_at) || number(a) - number(b)
  || String(a.id).localeCompare(String(b.id));
const byNumber = (a, b) => number(a) - number(b) || byTime(a, b);

/**
 * The client's live visits in course order, the one order used everywhere (the server's
 * webapp/visits/course.py too): a course begins at each session numbered 1, in start-time
 * order; any other session belongs to the latest course begun at or before its start (the
 * first, if it starts before them all); within a course, sessions go by their number. So a
 * phone clock that was wrong moves no session before an earlier one: the numbers decide.
 */
export function visitsInOrder(visits) {
  const live = visits.filter((v) => !v.deleted).sort(byTime);
  const firsts = live.filter((v) => number(v) === 1);
  if (firsts.length === 0) return live.sort(byNumber);
  const courses = firsts.map(() => []);
  for (const visit of live) {
    let course = firsts.indexOf(visit);
    if (course < 0) {
      course = 0;
      firsts.forEach((first, i) => { if (startTime(first.started_at) <= startTime(visit.started_at)) course = i; });
    }
    courses[course].push(visit);
  }
  return courses.flatMap((course) => course.sort(byNumber));
}

/**
 * Each live sensation with its ratings in visit order: [{sensation, ratings: [{rating, visit,
 * index}]}]; the first rating is the baseline. Pure: give it one client's records.
 */
export function trackSensations(sensations, ratings, visits) {
  const order = new Map(visitsInOrder(visits).map((visit, index) => [visit.id, { visit, index }]));
  return sensations.map((sensation) => ({
    sensation,
    ratings: ratings.filter((r) => r.sensation_id === sensation.id && order.has(r.visit_id))
      .map((rating) => ({ rating, visit: order.get(rating.visit_id).visit, index: order.get(rating.visit_id).index }))
      .sort((a, b) => a.index - b.index),
  }));
}

/** How far through the initial course: {done, of} (done never above `of`). */
export function initialCourseProgress(visits) {
  const of = initialCourseDays().length;
  return { done: Math.min(visitsInOrder(visits).length, of), of };
}

/** The nearest slot of the booking grid (a session that began at 12:37 proposes 12:30). */
export function onTheGrid(when, minutes = BOOKING_GRID_MINUTES) {
  const slot = minutes * 60 * 1000;
  return new Date(Math.round(when.getTime() / slot) * slot);
}

/**
 * Proposed options for the next session after ``visits`` (the one just held included).
 * Returns [{label, when: Date, recommended}], the recommended one first. Times keep the
 * time of day of the latest session, so a client's usual slot is proposed again.
 */
export function proposeNext(visits, now = new Date()) {
  const ordered = visitsInOrder(visits);
  const latest = ordered.length ? new Date(ordered[ordered.length - 1].started_at) : now;
  const first = ordered.length ? new Date(ordered[0].started_at) : now;
  const count = ordered.length;
  const initialDays = initialCourseDays();
  const options = [];
  if (count > 0 && count < initialDays.length) {
    const target = addDays(first, initialDays[count]);
    const label = `Day ${initialDays[count] + 1} of the course`;
    // A session held late moves the next one on, never into the past.
    options.push({ label, when: target > latest ? target : addDays(latest, 3), recommended: true });
  }
  options.push({ label: 'In a week', when: addDays(latest, 7), recommended: count >= initialDays.length });
  options.push({ label: 'In two weeks', when: addDays(latest, 14), recommended: false });
  options.push({ label: 'Maintenance, in four weeks', when: addDays(latest, 28), recommended: false });
  return options.map((option) => ({ ...option, when: onTheGrid(option.when) }))
    .sort((a, b) => Number(b.recommended) - Number(a.recommended));
}

/** "Thu 4 Dec" style label, with "today"/"tomorrow" where they apply. */
export function dayLabel(when, now = new Date()) {
  const offset = daysBetween(now, when);
  if (offset === 0) return 'Today';
  if (offset === 1) return 'Tomorrow';
  if (offset === -1) return 'Yesterday';
  return when.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });
}

/** The local calendar date of an instant, as YYYY-MM-DD. */
export function localDate(when) {
  const d = new Date(when);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export { addDays, daysBetween };
