// The course rhythm the phone proposes comes from the published rules (course.initial_days),
// not from a copy in course.js: a rhythm other than the real one shows it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { initialCourseProgress, proposeNext } from '../../webapp/static/js/course.js';
import { usePublished } from '../../webapp/static/js/schema.js';

const first = { id: 'v1', number_in_course: 1, started_at: new Date(2026, 2, 2, 10, 0).toISOString() };
const daysAfterFirst = (when) => Math.round((when - new Date(first.started_at)) / (24 * 3600 * 1000));

test('the next session of the initial course falls on the published day', () => {
  usePublished({ course: { initial_days: [0, 2, 9] } });
  const [recommended] = proposeNext([first], new Date(first.started_at));
  assert.equal(recommended.label, 'Day 3 of the course');
  assert.equal(daysAfterFirst(recommended.when), 2);
  assert.deepEqual(initialCourseProgress([first]), { done: 1, of: 3 });
});

test('after the published initial course, a week later is proposed first', () => {
  usePublished({ course: { initial_days: [0, 5] } });
  const second = { id: 'v2', number_in_course: 2, started_at: new Date(2026, 2, 7, 10, 0).toISOString() };
  const [recommended] = proposeNext([first, second], new Date(second.started_at));
  assert.equal(recommended.label, 'In a week');
  assert.deepEqual(initialCourseProgress([first, second]), { done: 2, of: 2 });
});

test('proposed times fall on the 15-minute booking grid, not the odd minute a session began (issue 17)', () => {
  usePublished({ course: { initial_days: [0, 3, 10] } });
  for (const [minute, proposed] of [[37, [12, 30]], [38, [12, 45]], [52, [12, 45]], [53, [13, 0]]]) {
    const held = { id: 'v1', number_in_course: 1, started_at: new Date(2026, 2, 2, 12, minute).toISOString() };
    for (const option of proposeNext([held], new Date(held.started_at))) {
      assert.deepEqual([option.when.getHours(), option.when.getMinutes(), option.when.getSeconds()], [...proposed, 0],
        `${option.label} after a session at 12:${minute}`);
    }
  }
});
