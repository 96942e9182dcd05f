// What a visit can leave unfinished, and the questions put before it is left: a finding begun
// but not saved, and at a later visit the sensations not re-rated. Nothing is dropped unasked.
import { findingOf, findingProblems, findingStarted, saveFinding } from '../findings.js';
import { labelOf } from '../schema.js';
import { sensationName, sensationsWithRatings } from '../visits.js';
import { ask } from './ask.js';
import { h } from './dom.js';
import { dropDraft, loadDraft } from './drafts.js';

export const findingDraftKey = (visit) => `finding:${visit.id}`;
export const ratingDraftKey = (visit, sensation) => `rating:${visit.id}:${sensation.id}`;

function described(entered) {
  const finding = findingOf(entered);
  const where = [finding.region && labelOf('region', finding.region),
    finding.side && labelOf('side', finding.side).toLowerCase()].filter(Boolean).join(', ');
  return [where || 'No region yet', finding.muscle_or_test, finding.note].filter(Boolean).join(' · ');
}

/**
 * Ask what to do with a finding begun but not saved: 'save' (offered only when it can be
 * saved), 'keep' (editing), 'discard', or 'dismissed' (Escape: nothing changes).
 */
export function askAboutFinding(entered) {
  const problems = Object.values(findingProblems(entered));
  return ask({
    title: 'This finding is not saved yet',
    body: [h('p', {}, described(entered)),
      problems.length ? h('p', {}, `It cannot be saved yet: ${problems.join(' ')}`) : null],
    choices: [
      problems.length ? null : { value: 'save', label: 'Save the finding', kind: 'primary' },
      { value: 'keep', label: 'Keep editing' },
      { value: 'discard', label: 'Discard it', kind: 'danger' }],
    dismiss: 'dismissed',
  });
}

/** The sensations followed from an earlier visit that have no rating from ``visit``. */
async function notRerated(visit) {
  const earlier = (rating) => String(rating.visit.started_at) < String(visit.started_at);
  return (await sensationsWithRatings(visit.client_id))
    .filter((item) => item.ratings.some(earlier) && !item.ratings.some((r) => r.visit.id === visit.id));
}

/**
 * Before ``visit`` is finished: settle a finding left begun and sensations not re-rated, by
 * asking. True when the visit may finish; false when the practitioner stays or goes back to it.
 */
export async function settleBeforeFinishing(visit) {
  const entered = await loadDraft(findingDraftKey(visit));
  if (findingStarted(entered)) {
    const choice = await askAboutFinding(entered);
    if (choice === 'keep') window.location.hash = `#/visits/${visit.id}/findings`;
    if (choice === 'keep' || choice === 'dismissed') return false;
    if (choice === 'save') await saveFinding(visit, entered);
    await dropDraft(findingDraftKey(visit));
  }
  const unrated = await notRerated(visit);
  if (unrated.length === 0) return true;
  const them = unrated.length === 1 ? 'it' : 'them';
  const choice = await ask({
    title: 'Not re-rated today',
    body: [h('p', {}, `${unrated.length === 1 ? 'This sensation has' : 'These sensations have'} no rating from this session:`),
      h('ul', {}, unrated.map((item) => h('li', {}, sensationName(item.sensation))))],
    choices: [{ value: 'rate', label: `Rate ${them} now`, kind: 'primary' }, { value: 'finish', label: `Finish without rating ${them}` }],
    dismiss: 'dismissed',
  });
  if (choice === 'rate') window.location.hash = `#/visits/${visit.id}/since?rate=${unrated[0].sensation.id}`;
  if (choice !== 'finish') return false;
  await Promise.all(unrated.map((item) => dropDraft(ratingDraftKey(visit, item.sensation))));
  return true;
}
