// The phone's field checks (webapp/static/js/schema.js) against the table of cases that the
// server's checks (webapp/core/fieldspec.py) answer too: tests/validation_cases.json.
// Run with `node --test tests/js/` (tests/js/test_node.py runs it within pytest).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { usePublished, validate } from '../../webapp/static/js/schema.js';

const table = JSON.parse(readFileSync(new URL('../validation_cases.json', import.meta.url), 'utf8'));
// Published vocabularies carry labels too; the checks only read the codes.
const vocabularies = Object.fromEntries(Object.entries(table.vocabularies)
  .map(([kind, codes]) => [kind, codes.map((code) => ({ code, label: code }))]));

for (const [index, example] of table.cases.entries()) {
  const input = example.missing ? 'missing' : JSON.stringify(example.input);
  test(`case ${index}: ${example.field} ${input} is ${example.ok ? 'accepted' : 'refused'}`, () => {
    usePublished({ entities: { case: { fields: [table.fields[example.field]] } }, vocabularies });
    const errors = validate('case', example.missing ? {} : { [example.field]: example.input });
    assert.deepEqual(errors, example.ok ? {} : { [example.field]: example.message });
  });
}
