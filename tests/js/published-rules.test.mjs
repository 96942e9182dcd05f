// What the phone shows of the published rules: lengths and the intensity scale come from the
// published document, so a different document shows different limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { scaleWords, sensationProgress, summaryText } from '../../webapp/static/js/progress-data.js';
import { intensityRange, maxLengthOf, usePublished } from '../../webapp/static/js/schema.js';

const published = {
  entities: {
    finding: { fields: [{ name: 'note', label: 'Note', kind: 'longtext', required: false, max_length: 300 }] },
    sensation_rating: { fields: [{ name: 'intensity', label: 'Intensity', kind: 'int', required: true, minimum: 1, maximum: 5 }] },
  },
};

test('lengths and the intensity scale are read from the published rules', () => {
  usePublished(published);
  assert.equal(maxLengthOf('finding', 'note'), 300);
  assert.deepEqual(intensityRange(), { min: 1, max: 5 });
  assert.equal(scaleWords(), '1–5');
});

test('the progress summary names the published scale', () => {
  usePublished(published);
  const visits = [{ id: 'v1', number_in_course: 1, started_at: '2026-03-02T10:00:00Z' },
    { id: 'v2', number_in_course: 2, started_at: '2026-03-05T10:00:00Z' }];
  const sensation = { id: 's1', kind: 'calf_cramps' };
  const ratings = [{ sensation_id: 's1', visit_id: 'v1', intensity: 4 }, { sensation_id: 's1', visit_id: 'v2', intensity: 2 }];
  const text = summaryText(sensationProgress([sensation], ratings, visits),
    { nameOf: () => 'Calf cramps', dateOf: () => '2 Mar', firstVisitId: 'v1' });
  assert.equal(text, 'Compared with the first visit (2 Mar), on the client’s own 1–5 scale: Calf cramps 4 → 2 (2 lower).');
});
