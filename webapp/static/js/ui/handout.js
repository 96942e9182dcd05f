// A short page for the client after a session: the advice given (in the clinic's words), the
// reactions some people notice for a day or two, and the next appointment. Drawn from the
// phone's own database, so it works with no signal; shared through the phone's share sheet
// where the browser has one (the Web Share API), printed otherwise.
import * as db from '../db.js';
import { choicesFor, labelOf } from '../schema.js';
import { dayAndTime } from '../when.js';
import { h, show } from './dom.js';

/**
 * What the handout says, as plain lines (the text shared) and as sections (the page).
 * @param {any} visit
 * @param {any} client
 * @param {any} next  the client's next booked appointment, or null
 */
export function handoutContent(visit, client, next) {
  const advice = (visit.advice || []).map((/** @type {string} */ code) => labelOf('advice', code));
  const reactions = choicesFor({ vocabulary: 'reaction' }).filter(({ code }) => code !== 'none')
    .map(({ label }) => label.toLowerCase());
  const sections = [
    ['Advice from today', advice.length ? advice : ['Nothing particular: carry on as usual.']],
    ['For a day or two', [`Some people notice ${reactions.join(', ')}. This is common and passes; tell your practitioner about it at your next session.`]],
    ['Your next appointment', [next ? `${dayAndTime(next.starts_at)}${next.location === 'home' ? ', at your home' : ', at the clinic'}` : 'Not booked yet: the clinic will be in touch.']],
  ];
  const title = `After your session, ${client.first_name || ''}`.trim();
  const text = [title, ...sections.flatMap(([heading, lines]) => ['', `${heading}:`, ...lines.map((line) => `- ${line}`)])].join('\n');
  return { title, sections, text };
}

/** The client's next booked appointment after ``visit``, from the phone's own database. */
async function nextAppointment(visit) {
  const booked = (await db.listRecords('appointment', 'client_id', visit.client_id))
    .filter((a) => !a.deleted && a.status !== 'cancelled' && String(a.starts_at) > String(visit.started_at))
    .sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)));
  return booked[0] || null;
}

/** @param {HTMLElement} main @param {object} options @param {string} visitId */
export async function renderHandout(main, options, visitId) {
  const visit = await db.getRecord('visit', visitId);
  const client = visit && await db.getRecord('client', visit.client_id);
  if (!visit || !client) {
    return show(main, [h('h1', {}, 'Session not on this phone'), h('p', {}, h('a', { href: '#/clients' }, 'Your clients'))], options);
  }
  const { title, sections, text } = handoutContent(visit, client, await nextAppointment(visit));
  const share = h('button', { type: 'button', class: 'button primary', id: 'share-handout' }, 'Share with the client');
  share.addEventListener('click', () => {
    navigator.share({ title, text }).catch(() => { /* the practitioner closed the share sheet */ });
  });
  const print = h('button', { type: 'button', class: 'button', id: 'print-handout' }, 'Print');
  print.addEventListener('click', () => window.print());
  return show(main, [
    h('p', { class: 'breadcrumb no-print' }, h('a', { href: `#/visits/${visit.id}/close` }, '‹ Back to the session')),
    h('article', { class: 'handout', 'aria-labelledby': 'handout-title' },
      h('h1', { id: 'handout-title' }, title),
      ...sections.map(([heading, lines]) => h('section', {}, h('h2', {}, heading), h('ul', {}, ...lines.map((line) => h('li', {}, line)))))),
    h('div', { class: 'actions no-print' }, 'share' in navigator ? share : null, print),
  ], options);
}
