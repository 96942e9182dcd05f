// The progress section of a client: each sensation's intensity across the visits, drawn against
// its baseline, with the figures as a table and a summary in words the client can be shown.
// The numbers are worked out in ../progress-data.js; this module only draws them.
import * as db from '../db.js';
import { visitsInOrder } from '../course.js';
import { sensationProgress, chartSeries, scaleWords, summaryText, shortDate } from '../progress-data.js';
import { intensityRange, labelOf } from '../schema.js';
import { h } from './dom.js';

const UPLOT_SCRIPT = new URL('../../vendor/uplot/uPlot.iife.min.js', import.meta.url).href;
const UPLOT_STYLES = new URL('../../vendor/uplot/uPlot.min.css', import.meta.url).href;
const CHART_HEIGHT = 160;

/** A colour of the app's palette (css/tokens.css), read from the page: a canvas cannot use var(). */
const colour = (name) => getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();

/** @type {Promise<any> | null} */
let uplotReady = null;
let sections = 0;

/**
 * uPlot, loaded the first time a chart is drawn, so screens without charts never parse it.
 * The package's minified build is a classic script that defines a global (its ES module
 * build is not minified, and the shell precaches this file: see vendor/uplot/README.md).
 * The stylesheet goes in with it, once; CSP allows both as they come from 'self'.
 */
function loadUplot() {
  if (!uplotReady) {
    const added = (element) => new Promise((resolve, reject) => {
      element.addEventListener('load', resolve, { once: true });
      element.addEventListener('error', () => reject(new Error(`Could not load ${element.src || element.href}`)), { once: true });
      document.head.append(element);
    });
    uplotReady = Promise.all([
      window.uPlot ? null : added(h('script', { src: UPLOT_SCRIPT })),
      document.querySelector(`link[href="${UPLOT_STYLES}"]`) ? null : added(h('link', { rel: 'stylesheet', href: UPLOT_STYLES })),
    ]).then(() => window.uPlot);
    uplotReady.catch(() => { uplotReady = null; });  // offline before it was ever cached: try again next time
  }
  return uplotReady;
}

const nameOf = (sensation) => {
  const label = labelOf('complaint', sensation.kind);
  return sensation.client_words ? `${label} (“${sensation.client_words}”)` : label;
};
const whereOf = (sensation) => [labelOf('region', sensation.region), sensation.side && labelOf('side', sensation.side)]
  .filter(Boolean).join(', ');
const timesOf = (point) => point.timesOfDay.map((code) => labelOf('time_of_day', code)).join(', ') || 'Not recorded';
const oftenOf = (point) => (point.frequency ? labelOf('frequency', point.frequency) : 'Not recorded');

function chartOptions(width) {
  const whole = (u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : ''));
  const { min, max } = intensityRange();  // y: the whole published scale, whatever was rated
  const [line, baseline, grid] = [colour('accent'), colour('muted'), colour('chart-grid')];
  return {
    width, height: CHART_HEIGHT,
    legend: { show: false },
    cursor: { show: false },  // no hover read-out: touch screens have none, and the table has the figures
    // x: visits are whole numbers; pad half a visit so a lone first point is not drawn on the edge.
    scales: { x: { time: false, range: (u, min, max) => [min - 0.5, max + 0.5] }, y: { range: [min, max] } },
    axes: [
      { label: 'Visit', incrs: [1, 2, 5, 10], values: whole, grid: { stroke: grid }, size: 30, labelSize: 18 },
      { incrs: [2, 5, 10], values: whole, grid: { stroke: grid }, size: 30 },
    ],
    series: [
      {},
      { label: 'Intensity', stroke: line, width: 2, points: { size: 7, fill: line } },
      { label: 'Baseline', stroke: baseline, width: 1.5, dash: [6, 4], points: { show: false } },
    ],
  };
}

/**
 * Draw each chart once its box has a width, and follow the box as it changes (window resize,
 * rotation, a wider layout). The section is usually built before it is in the page, so there
 * is no width to read yet; a ResizeObserver reports it as soon as it is laid out.
 */
function watchCharts(boxes) {
  const charts = new Map();
  const observer = new ResizeObserver((entries) => {
    for (const { target } of entries) {
      if (!target.isConnected) {
        if (charts.get(target)) {  // the screen went away: free the canvas and stop watching
          charts.get(target).destroy();
          charts.delete(target);
          observer.unobserve(target);
        }
        continue;  // (not in the page YET: wait for it to be put in)
      }
      const width = Math.floor(target.clientWidth);
      if (width < 50) continue;  // hidden or not laid out yet
      // Still null while uPlot loads: the chart is then drawn at the width it finds.
      if (charts.has(target)) { charts.get(target)?.setSize({ width, height: CHART_HEIGHT }); continue; }
      charts.set(target, null);  // claimed, so a second resize while uPlot loads draws nothing twice
      loadUplot().then((UPlot) => {
        target.replaceChildren();  // clears a failure note left by an earlier try
        target.setAttribute('aria-hidden', 'true');
        const chart = new UPlot(chartOptions(Math.floor(target.clientWidth) || width), chartSeries(boxes.get(target)), target);
        if (target.isConnected) charts.set(target, chart); else chart.destroy();
      }).catch(() => {
        charts.delete(target);
        target.replaceChildren(h('p', { class: 'muted' }, 'The chart could not be drawn here; the figures are below.'));
        target.removeAttribute('aria-hidden');
      });
    }
  });
  for (const box of boxes.keys()) observer.observe(box);
}

function figuresTable(item, name) {
  return h('details', { class: 'progress-figures' },
    h('summary', {}, 'Show the figures'),
    h('table', {},
      h('caption', {}, `${name}: intensity at each visit (${scaleWords()}, as the client rated it)`),
      h('thead', {}, h('tr', {}, ['Visit', 'Date', 'Intensity', 'When in the day', 'How often']
        .map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, item.points.map((point) => h('tr', {},
        h('th', { scope: 'row' }, String(point.x)),
        h('td', {}, shortDate(point.startedAt)),
        h('td', {}, String(point.intensity), point === item.points[0] ? ' (baseline)' : ''),
        h('td', {}, timesOf(point)),
        h('td', {}, oftenOf(point)))))));
}

function sensationBlock(item, boxes) {
  const name = nameOf(item.sensation);
  const parts = [h('h3', {}, name), h('p', { class: 'progress-where muted' }, whereOf(item.sensation))];
  if (!item.points.length) {
    return h('article', { class: 'progress-sensation' }, parts, h('p', { class: 'muted' }, 'Not rated at a visit yet.'));
  }
  // The canvas says nothing to a screen reader: it is hidden from them, and the table
  // below carries the same figures.
  const box = h('div', { class: 'progress-chart', 'aria-hidden': 'true' });
  boxes.set(box, item);
  const latest = h('dl', { class: 'progress-latest' },
    h('dt', {}, 'Latest rating'), h('dd', {}, `${item.latest.intensity} of ${intensityRange().max} (baseline ${item.baseline})`),
    h('dt', {}, 'When in the day'), h('dd', {}, timesOf(item.latest)),
    h('dt', {}, 'How often'), h('dd', {}, oftenOf(item.latest)));
  return h('article', { class: 'progress-sensation' }, parts,
    h('div', { class: 'progress-body' }, box, latest), figuresTable(item, name));
}

/**
 * The progress section for one client, from the records on this device: a <section> to put
 * into a screen. Charts are drawn once it is in the page.
 */
export async function progressSection(clientId) {
  const [sensations, ratings, visits] = await Promise.all([
    db.listRecords('sensation', 'client_id', clientId),
    db.listRecords('sensation_rating', 'client_id', clientId),
    db.listRecords('visit', 'client_id', clientId),
  ]);
  sections += 1;  // ids stay unique if the section is drawn twice on one page
  const headingId = `progress-heading-${sections}`;
  const section = h('section', { class: 'progress', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Progress'));
  if (!sensations.length) {
    section.append(h('p', { class: 'empty' },
      'No sensations recorded yet. Each one’s baseline is recorded at the first visit, and its progress shows here after that.'));
    return section;
  }
  const items = sensationProgress(sensations, ratings, visits);
  const firstVisit = visitsInOrder(visits)[0];
  const boxes = new Map();
  section.append(
    h('p', { class: 'progress-summary' }, summaryText(items, { nameOf, firstVisitId: firstVisit && firstVisit.id })),
    ...items.map((item) => sensationBlock(item, boxes)));  // append() takes nodes, not an array
  if (boxes.size) watchCharts(boxes);
  return section;
}
