// Today: the day's appointments in order, with where, who, which visit of the course, and
// a reminder of what the client comes with. Other days are a tap (or a swipe) away.
// Days are the clinic's calendar days (when.js), whatever zone the phone is set to.
import { now } from '../clock.js';
import * as db from '../db.js';
import { trackSensations, visitsInOrder } from '../course.js';
import { complaintsLine, visitInProgress } from '../visits.js';
import { addDays, clinicDate, clinicToday, dayLabel, isDate, longDay, timeOfDay } from '../when.js';
import { h, plural, show } from './dom.js';

const mapsLink = (address) => `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(address)}`;

/**
 * What the day screens show, read in a handful of reads however many years the phone holds:
 * the booked appointments between two of the clinic's dates (YYYY-MM-DD), in time order,
 * found by their day tags (db.js appointmentsOn), and only their clients' records, visits
 * in order and complaints.
 */
async function caseload(from, to) {
  // A clinic's date runs over parts of up to three UTC dates (zones are within ±14 h of UTC).
  const utcDates = [];
  for (let date = addDays(from, -1); date <= addDays(to, 1); date = addDays(date, 1)) utcDates.push(date);
  const appointments = (await db.appointmentsOn(utcDates))
    .filter((a) => a.status !== 'cancelled' && clinicDate(a.starts_at) >= from && clinicDate(a.starts_at) <= to)
    .sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)));
  const ids = [...new Set(appointments.map((a) => a.client_id))];
  const [clients, visits, sensations, ratings] = await Promise.all([db.getRecords('client', ids),
    ...['visit', 'sensation', 'sensation_rating'].map((entity) => db.listRecordsAmong(entity, 'client_id', ids))]);
  const byClient = (rows) => {
    const map = new Map();
    for (const row of rows) {
      if (!map.has(row.client_id)) map.set(row.client_id, []);
      map.get(row.client_id).push(row);
    }
    return map;
  };
  const [visitsOf, sensationsOf, ratingsOf] = [byClient(visits), byClient(sensations), byClient(ratings)];
  return {
    appointments,
    client: new Map(clients.map((c) => [c.id, c])),
    visits: (id) => visitsInOrder(visitsOf.get(id) || []),
    complaints: (id) => complaintsLine(trackSensations(sensationsOf.get(id) || [], ratingsOf.get(id) || [], visitsOf.get(id) || [])),
  };
}

function appointmentCard(appointment, data) {
  const client = data.client.get(appointment.client_id);
  if (!client || client.deleted) return null;
  const visits = data.visits(client.id);
  const held = visits.find((v) => v.appointment_id === appointment.id);
  const before = visits.filter((v) => String(v.started_at) < String(appointment.starts_at) && v !== held).length;
  const number = held ? held.number_in_course : before + 1;
  const complaints = data.complaints(client.id);
  const home = appointment.location === 'home';
  const address = appointment.address || [client.address_line, client.town, client.postcode].filter(Boolean).join(', ');
  return h('li', { class: 'appointment-card', dataset: { appointment: appointment.id } },
    h('div', { class: 'appointment-time' }, timeOfDay(appointment.starts_at),
      h('span', { class: 'muted' }, ` · ${appointment.duration_minutes} min`)),
    h('div', { class: 'appointment-body' },
      h('a', { class: 'card-title', href: `#/clients/${client.id}` }, client.first_name || 'Client'),
      h('span', { class: 'muted' }, number === 1 ? ' · first visit' : ` · visit ${number}`),
      complaints ? h('p', { class: 'complaints' }, complaints) : null,
      home ? h('p', { class: 'place' }, 'Home visit: ',
        address ? h('a', { href: mapsLink(address), target: '_blank', rel: 'noopener' }, address, h('span', { class: 'sr-only' }, ' (opens maps)'))
          : h('span', { class: 'muted' }, 'no address on record'))
        : h('p', { class: 'place' }, 'At the clinic')),
    h('div', { class: 'appointment-action' }, held
      ? h('a', { class: 'button small', href: `#/visits/${held.id}` }, 'Open the session record')
      : h('a', { class: 'button primary small', href: `#/appointments/${appointment.id}/start` }, 'Start the visit')));
}

function dayNav(day) {
  const link = (date, text, rel) => h('a', { class: 'button small', href: `#/day/${date}`, rel }, text);
  return h('nav', { class: 'day-nav', 'aria-label': 'Other days' },
    link(addDays(day, -1), '‹ Previous day', 'prev'),
    h('a', { class: 'button small', href: '#/week' }, 'The week'),
    link(addDays(day, 1), 'Next day ›', 'next'));
}

async function resumeBanner() {
  const open = await visitInProgress();
  if (!open) return null;
  const client = await db.getRecord('client', open.client_id);
  return h('div', { class: 'banner banner-warn', role: 'status', id: 'resume-visit' },
    h('p', {}, `The session with ${client ? client.first_name : 'a client'} is still open.`),
    h('a', { class: 'button primary small', href: `#/visits/${open.visit_id}/${open.step || 'since'}` }, 'Resume the session'));
}

/** Swiping left or right on the day moves to the next or previous day. */
function swipeable(element, day) {
  /** @type {Touch | null} */
  let start = null;
  element.addEventListener('touchstart', (e) => { start = e.touches.length === 1 ? e.touches[0] : null; }, { passive: true });
  element.addEventListener('touchend', (e) => {
    if (!start) return;
    const dx = e.changedTouches[0].clientX - start.clientX;
    const dy = e.changedTouches[0].clientY - start.clientY;
    if (Math.abs(dx) > 80 && Math.abs(dx) > 2 * Math.abs(dy)) window.location.hash = `#/day/${addDays(day, dx < 0 ? 1 : -1)}`;
  });
  return element;
}

export async function renderDay(main, options, dayText = null) {
  const today = clinicToday(now());  // by the clinic's clock and calendar
  const day = isDate(dayText) ? dayText : today;
  const data = await caseload(day, day);
  const cards = data.appointments.map((a) => appointmentCard(a, data)).filter(Boolean);
  const title = dayLabel(day, today);
  show(main, [
    await resumeBanner(),
    h('h1', {}, title === 'Today' ? 'Today' : `${title === 'Tomorrow' ? 'Tomorrow' : 'Day'}: ${longDay(day)}`),
    dayNav(day),
    swipeable(cards.length
      ? h('ol', { class: 'card-list appointment-list', id: 'appointment-list', 'aria-label': plural(cards.length, 'appointment') }, cards)
      : h('p', { class: 'empty' }, 'No appointments on this day.', h('br'), h('a', { href: '#/clients' }, 'See your clients')), day),
  ], options);
}

export async function renderWeek(main, options) {
  const today = clinicToday(now());
  const data = await caseload(today, addDays(today, 6));
  const days = [];
  for (let offset = 0; offset < 7; offset += 1) {
    const day = addDays(today, offset);
    const mine = data.appointments.filter((a) => clinicDate(a.starts_at) === day);
    const cards = mine.map((a) => appointmentCard(a, data)).filter(Boolean);
    days.push(h('section', { class: 'week-day', 'aria-labelledby': `day-${offset}` },
      h('h2', { id: `day-${offset}` }, h('a', { href: `#/day/${day}` }, dayLabel(day, today)),
        h('span', { class: 'muted' }, ` · ${plural(cards.length, 'appointment')}`)),
      cards.length ? h('ol', { class: 'card-list appointment-list' }, cards) : null));
  }
  show(main, [h('h1', {}, 'The week ahead'), h('p', {}, h('a', { href: '#/' }, 'Back to today')), days], options);
}
