// Dates and times follow the clinic's published conventions, not the phone's: this process
// plays a phone set to New York (and Node's own language), and the clinic is in London.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  addDays, clinicDate, clinicToday, dayAndTime, dayLabel, daysBetween, formatWhen, fromInputValue, longDay,
  timeOfDay, toInputValue, useConventions,
} from '../../webapp/static/js/when.js';

process.env.TZ = 'America/New_York';
const LONDON = { conventions: { locale: 'en-GB', time_zone: 'Europe/London' } };

test('a clinic in the UK reads its own times, whatever the phone is set to', () => {
  useConventions(LONDON);
  assert.equal(timeOfDay('2026-07-01T14:30:00Z'), '15:30');  // summer time
  assert.equal(timeOfDay('2026-12-01T15:30:00Z'), '15:30');
  assert.equal(dayAndTime('2026-12-03T15:30:00Z'), 'Thu 3 Dec, 15:30');
  assert.equal(formatWhen('2026-03-14T09:05:00Z', new Date('2026-06-01T12:00:00Z')), '14 Mar 2026 09:05');
  assert.equal(formatWhen('2026-06-01T08:00:00Z', new Date('2026-06-01T20:00:00Z')), 'today 09:00');
});

test("the clinic's language decides how a time is written", () => {
  useConventions({ conventions: { locale: 'en-US', time_zone: 'America/Chicago' } });
  assert.match(timeOfDay('2026-12-01T21:30:00Z'), /^03:30\sPM$/u);
  useConventions(LONDON);
});

test("today and the day of a time are the clinic's calendar days", () => {
  useConventions(LONDON);
  // 23:30 UTC on 1 July is already 2 July in London (and still 1 July in New York).
  assert.equal(clinicDate('2026-07-01T23:30:00Z'), '2026-07-02');
  assert.equal(clinicToday(new Date('2026-07-01T23:30:00Z')), '2026-07-02');
  useConventions({ conventions: { locale: 'en-NZ', time_zone: 'Pacific/Auckland' } });
  assert.equal(clinicDate('2026-07-01T13:00:00Z'), '2026-07-02');
  useConventions(LONDON);
});

test('days are counted and named by the calendar', () => {
  useConventions(LONDON);
  assert.equal(addDays('2026-03-28', 1), '2026-03-29');  // across the change to summer time
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
  assert.equal(daysBetween('2026-10-24', '2026-10-26'), 2);  // across the change back
  assert.equal(dayLabel('2026-12-03', '2026-12-03'), 'Today');
  assert.equal(dayLabel('2026-12-04', '2026-12-03'), 'Tomorrow');
  assert.equal(dayLabel('2026-12-02', '2026-12-03'), 'Yesterday');
  assert.equal(dayLabel('2026-12-10', '2026-12-03'), 'Thu 10 Dec');
  assert.equal(longDay('2026-12-10'), 'Thursday 10 December');
});

test("a time typed on the phone is read on the clinic's clock, and shown back the same", () => {
  useConventions(LONDON);
  assert.equal(fromInputValue('2026-07-01T15:30').toISOString(), '2026-07-01T14:30:00.000Z');
  assert.equal(fromInputValue('2026-12-01T15:30').toISOString(), '2026-12-01T15:30:00.000Z');
  for (const typed of ['2026-03-29T00:30', '2026-03-29T02:30', '2026-10-25T00:30', '2026-10-25T02:30', '2026-07-01T23:45']) {
    assert.equal(toInputValue(fromInputValue(typed)), typed);
  }
  assert.equal(toInputValue('2026-07-01T14:30:00Z'), '2026-07-01T15:30');
  assert.equal(fromInputValue(''), null);
  assert.equal(fromInputValue('soon'), null);
});

test('conventions the phone cannot use fall back to the defaults', () => {
  useConventions({ conventions: { locale: 'en-GB', time_zone: 'Mars/Olympus_Mons' } });
  assert.equal(timeOfDay('2026-07-01T14:30:00Z'), '15:30');
  useConventions(null);
  assert.equal(timeOfDay('2026-07-01T14:30:00Z'), '15:30');
});
