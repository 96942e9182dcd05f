// How a client's sensations changed across their visits, worked out from the device's records.
// Pure: no DOM and no database, so a test can call every function with plain objects (and
// the published rules: schema.js). Intensities are the client's own ratings on the published
// scale (0–10); the words here only compare numbers and never say why a sensation changed.

import { trackSensations } from './course.js';
import { intensityRange } from './schema.js';
import { shortDay } from './when.js';

/**
 * For each sensation, its ratings in visit order (course.js trackSensations). A point's
 * ``x`` is the visit's place among ALL the client's visits (1, 2, 3...), not its number in
 * the course: a second course starts counting again, and the chart must not fold it back
 * onto the first. ``baseline`` is the first rating's intensity, ``latest`` the last point
 * (both null while it has no rating).
 */
export function sensationProgress(sensations, ratings, visits) {
  const items = trackSensations(sensations, ratings, visits).map(({ sensation, ratings: tracked }) => {
    const points = tracked.map(({ rating, visit, index }) => ({
      x: index + 1, visitId: visit.id, startedAt: visit.started_at, numberInCourse: visit.number_in_course,
      intensity: Number(rating.intensity), timesOfDay: rating.times_of_day || [], frequency: rating.frequency || null,
    }));
    return { sensation, points, baseline: points.length ? points[0].intensity : null,
      latest: points.length ? points[points.length - 1] : null };
  });
  // Sensations baselined first come first; those not rated yet go last.
  const first = (item) => (item.points.length ? item.points[0].x : Infinity);
  return items.sort((a, b) => first(a) - first(b) || String(a.sensation.kind).localeCompare(String(b.sensation.kind)));
}

/** The three series a chart draws: visit places, intensities, and the baseline held level. */
export function chartSeries(item) {
  return [item.points.map((p) => p.x), item.points.map((p) => p.intensity), item.points.map(() => item.baseline)];
}

/** The published intensity scale in words: "0–10". */
export function scaleWords() {
  const { min, max } = intensityRange();
  return `${min}–${max}`;
}

/** "4 lower", "2 higher", "no change": a difference of ratings, with no judgement in it. */
export function changeWords(from, to) {
  if (to === from) return 'no change';
  return `${Math.abs(to - from)} ${to < from ? 'lower' : 'higher'}`;
}

export const shortDate = (iso) => shortDay(iso);  // "4 Dec": the clinic's day and language (when.js)

/**
 * One paragraph a practitioner can show the client, e.g. "Compared with the first visit
 * (12 Mar), on the client's own 0–10 scale: Lower back pain 7 → 3 (4 lower); Calf cramps
 * 5 → 5 (no change)." ``nameOf(sensation)`` gives each sensation's name in the client's terms.
 */
export function summaryText(items, { nameOf, dateOf = shortDate, firstVisitId = null }) {
  const compared = items.filter((item) => item.points.length > 1);
  const onlyBaseline = items.filter((item) => item.points.length === 1);
  if (!compared.length && !onlyBaseline.length) {
    return 'No ratings yet. Each sensation’s baseline is recorded at the first visit.';
  }
  const sentences = [];
  if (compared.length) {
    const startVisits = new Set(compared.map((item) => item.points[0].visitId));
    // Only say "the first visit" when it is true for every sensation compared.
    const fromFirst = startVisits.size === 1 && (!firstVisitId || startVisits.has(firstVisitId));
    const parts = compared.map((item) => {
      const since = fromFirst ? '' : ` since ${dateOf(item.points[0].startedAt)}`;
      return `${nameOf(item.sensation)} ${item.baseline} → ${item.latest.intensity}${since} `
        + `(${changeWords(item.baseline, item.latest.intensity)})`;
    });
    const opening = fromFirst ? `Compared with the first visit (${dateOf(compared[0].points[0].startedAt)})`
      : 'Compared with when each was first rated';
    sentences.push(`${opening}, on the client’s own ${scaleWords()} scale: ${parts.join('; ')}.`);
  }
  if (onlyBaseline.length) {
    const parts = onlyBaseline.map((item) => `${nameOf(item.sensation)} ${item.baseline} (${dateOf(item.points[0].startedAt)})`);
    sentences.push(`Baseline only so far: ${parts.join('; ')}.`);
  }
  return sentences.join(' ');
}
