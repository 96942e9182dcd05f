// The body diagram of the findings step: the body from the back (the client lies face down)
// and from the front, drawn from the chart's shapes (../body-chart-shapes.js). Each region with
// a side is a button, the client's left first; the lumbar levels and the sacrum are buttons in
// a magnified inset of the lower back. A region's state shows by colour, hatching and mark; a
// finding's direction is an arrow; a line of tension is a smooth curve. The desk draws the same
// chart in Python (webapp/records/body_chart.py follows the geometry below step for step, and
// tests/records/test_body_chart.py compares the two): a change here is made there too.
import CHART from '../body-chart-shapes.js';
import { choicesFor, labelOf } from '../schema.js';

export { CHART };

/** A number as path data writes it: at most one decimal. */
export const fmt = (n) => String(Math.round(n * 10) / 10 || 0);

/** A Catmull-Rom curve through ``points`` as cubic Béziers, closed or open (two points: a segment). */
export function smoothPath(points, closed = false) {
  const n = points.length;
  if (n < 2) return '';
  const at = (i) => (closed ? points[(i + n) % n] : points[Math.max(0, Math.min(n - 1, i))]);
  let d = `M${fmt(points[0][0])} ${fmt(points[0][1])}`;
  for (let i = 0; i < (closed ? n : n - 1); i += 1) {
    const [p0, p1, p2, p3] = [at(i - 1), at(i), at(i + 1), at(i + 2)];
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += ` C${[...c1, ...c2, ...p2].map(fmt).join(' ')}`;
  }
  return closed ? `${d} Z` : d;
}

const straight = (points) => points.map(([x, y], i) => `${i ? 'L' : 'M'}${fmt(x)} ${fmt(y)}`).join(' ');
const arcTo = (rx, ry, large, x, y) => `A${fmt(rx)} ${fmt(ry)} 0 ${large} ${large ? 0 : 1} ${fmt(x)} ${fmt(y)}`;

/** The path data of a shape of the chart's data. */
export function pathOf(shape) {
  if (shape.smooth) return smoothPath(shape.smooth, true);
  if (shape.curve) return smoothPath(shape.curve, false);
  if (shape.poly) return `${straight(shape.poly)} Z`;
  if (shape.line) return straight(shape.line);
  if (shape.ellipse) {
    const [cx, cy, rx, ry] = shape.ellipse;
    return `M${fmt(cx - rx)} ${fmt(cy)} ${arcTo(rx, ry, 1, cx + rx, cy)} ${arcTo(rx, ry, 1, cx - rx, cy)} Z`;
  }
  const [x, y, w, h, r = 0] = shape.rect;
  if (!r) return `M${fmt(x)} ${fmt(y)} H${fmt(x + w)} V${fmt(y + h)} H${fmt(x)} Z`;
  return `M${fmt(x + r)} ${fmt(y)} H${fmt(x + w - r)} ${arcTo(r, r, 0, x + w, y + r)} V${fmt(y + h - r)} ${arcTo(r, r, 0, x + w - r, y + h)}`
    + ` H${fmt(x + r)} ${arcTo(r, r, 0, x, y + h - r)} V${fmt(y + r)} ${arcTo(r, r, 0, x + r, y)} Z`;
}

/** The body's outline: the half on the viewer's left and its mirror image, one closed curve. */
export function outlinePath(view) {
  const half = CHART.views[view].outline;
  return smoothPath([...half, ...half.slice(1, -1).reverse().map(([x, y]) => [-x, y])], true);
}

export const transformOf = (view, mirrored) => `translate(${CHART.views[view].midline} 0)${mirrored ? ' scale(-1 1)' : ''}`;

/**
 * Where each region is drawn in ``view``, in focus order, the client's left first: its region,
 * side (null on the midline), shape data, whether it is mirrored, and ``at`` in the box's
 * coordinates (where marks and lines meet it).
 */
export function placements(view) {
  const { midline, regions } = CHART.views[view];
  const out = [];
  for (const entry of regions) {
    const place = (side, mirrored) => ({ region: entry.region, side, entry, mirrored,
      at: entry.frame === 'inset' ? entry.at : [midline + (mirrored ? -entry.at[0] : entry.at[0]), entry.at[1]] });
    if (!entry.paired) out.push(place(null, false));
    else {
      const leftOnLeft = CHART.viewerLeft[view] === 'left';
      out.push(place('left', !leftOnLeft), place('right', leftOnLeft));
    }
  }
  return out;
}

export const covers = (finding, place) => finding.region === place.region
  && (place.side === null || finding.side === place.side || finding.side === 'both');

/** '' (no findings), 'found' (not all released), 'released', or 'clear' (tested, no tension). */
export function stateOf(findings) {
  if (!findings.length) return '';
  if (findings.some((f) => f.tension_found && !f.released)) return 'found';
  return findings.some((f) => f.tension_found) ? 'released' : 'clear';
}

/** A state's mark centred on (x, y): a cross, a tick or a ring. */
export function markPath(state, [x, y]) {
  const mark = CHART.states[state]?.mark;
  if (mark === 'cross') return `M${fmt(x - 5)} ${fmt(y - 5)} L${fmt(x + 5)} ${fmt(y + 5)} M${fmt(x + 5)} ${fmt(y - 5)} L${fmt(x - 5)} ${fmt(y + 5)}`;
  if (mark === 'tick') return `M${fmt(x - 6)} ${fmt(y)} L${fmt(x - 2)} ${fmt(y + 5)} L${fmt(x + 6)} ${fmt(y - 5)}`;
  if (mark === 'ring') return `M${fmt(x - 5)} ${fmt(y)} A5 5 0 1 0 ${fmt(x + 5)} ${fmt(y)} A5 5 0 1 0 ${fmt(x - 5)} ${fmt(y)} Z`;
  return '';
}

/**
 * {shaft, head} of a direction's arrow centred on (x, y), in the shape's own coordinates, where
 * the midline lies to the right: mirroring the shape mirrors medial and lateral with it.
 * ``flip`` turns it for a midline region's right-hand half. Rotation is a turning arrow; a
 * clinic's own code a plain diamond.
 * @param {string} code
 * @param {number[]} at  the centre, [x, y]
 * @param {boolean} [flip]
 */
export function arrowPaths(code, [x, y], flip = false) {
  if (code === 'rotation') {
    return { shaft: `M${fmt(x - 8)} ${fmt(y)} A8 8 0 1 1 ${fmt(x)} ${fmt(y + 8)}`,
      head: `M${fmt(x - 5)} ${fmt(y + 8)} L${fmt(x + 2)} ${fmt(y + 3)} L${fmt(x + 2)} ${fmt(y + 13)} Z` };
  }
  const vector = CHART.directions[code];
  if (!vector) return { shaft: '', head: `M${fmt(x)} ${fmt(y - 6)} L${fmt(x + 6)} ${fmt(y)} L${fmt(x)} ${fmt(y + 6)} L${fmt(x - 6)} ${fmt(y)} Z` };
  const [dx, dy] = [vector[0] * (flip ? -1 : 1), vector[1]];
  const tip = [x + dx * 11, y + dy * 11];
  const base = [tip[0] - dx * 8, tip[1] - dy * 8];
  return { shaft: `M${fmt(x - dx * 11)} ${fmt(y - dy * 11)} L${fmt(base[0])} ${fmt(base[1])}`,
    head: `M${fmt(tip[0])} ${fmt(tip[1])} L${fmt(base[0] - dy * 6)} ${fmt(base[1] + dx * 6)} L${fmt(base[0] + dy * 6)} ${fmt(base[1] - dx * 6)} Z` };
}

/**
 * The arrows on one place, {code, at, flip}: one per direction its findings have (none for a
 * finding without one). On a midline region the finding's side says which half it sits in.
 */
export function arrowsAt(place, here, view) {
  const [x, y] = place.entry.at;
  const wanted = [];
  for (const f of here) {
    if (!f.direction) continue;
    const halves = place.side !== null ? [null] : f.side === 'left' || f.side === 'right' ? [f.side] : ['left', 'right'];
    for (const half of halves) if (!wanted.some((w) => w.code === f.direction && w.half === half)) wanted.push({ code: f.direction, half });
  }
  const paired = wanted.filter((w) => w.half === null);
  return wanted.map(({ code, half }, i) => {
    if (half === null) return { code, at: [x + (paired.indexOf(wanted[i]) - (paired.length - 1) / 2) * 16, y + 9], flip: false };
    const onLeft = CHART.viewerLeft[view] === half;
    return { code, at: [x + (onLeft ? -16 : 16), y + 9], flip: !onLeft };
  });
}

/** The findings of each traced line of tension, in the order first met. */
export function tensionLines(findings) {
  const lines = new Map();
  for (const f of findings) if (f.tension_line_id) lines.set(f.tension_line_id, [...(lines.get(f.tension_line_id) || []), f]);
  return [...lines.values()];
}

/** The points a line runs through, in order: a "both" finding on the left, lumbar levels on the body. */
export function linePoints(view, members) {
  const { midline, mini = [] } = CHART.views[view];
  const places = placements(view);
  return [...members].sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((f) => {
    const small = mini.find((m) => m.region === f.region);
    if (small) return [midline + small.at[0], small.at[1]];
    const side = f.side === 'both' ? 'left' : f.side;
    return places.find((p) => p.region === f.region && (p.side === null || p.side === side))?.at;
  }).filter(Boolean);
}

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) node.setAttribute(name, value);
  node.append(...children.filter(Boolean));
  return node;
};
const text = (attributes, words) => el('text', attributes, words);

/** A shape, with its state's hatching (a pattern named after the view) and mark. */
function stateLayers(prefix, shape, state, at) {
  const d = pathOf(shape);
  return [el('path', { d, class: 'shape' }), state && el('path', { d, class: 'hatch', fill: `url(#${prefix}-${state})` }),
    state && el('path', { d: markPath(state, at), class: `mark ink-${state}` })];
}

/** What is only drawn: hatchings, outline, details, the small lumbar levels, the inset's frame, L and R. */
function drawing(view, findings, prefix) {
  const { midline, details = [], mini = [], inset } = CHART.views[view];
  const art = el('g', { class: 'art', 'aria-hidden': 'true' }, el('defs', {}, ...Object.entries(CHART.states).map(([state, { hatch }]) => el('pattern', {
    id: `${prefix}-${state}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
  el('path', { d: hatch, class: `ink-${state}` })))), el('path', { d: outlinePath(view), class: 'outline', transform: transformOf(view, false) }));
  for (const detail of details) {
    for (const mirrored of detail.paired ? [false, true] : [false]) art.append(el('path', { d: pathOf(detail), class: 'detail', transform: transformOf(view, mirrored) }));
  }
  for (const small of mini) {
    art.append(el('g', { class: `mini ${stateOf(findings.filter((f) => f.region === small.region))}`.trim(), transform: transformOf(view, false) },
      el('path', { d: pathOf(small.shape), class: 'shape' })));
  }
  if (inset) {
    const [x, y, width, height, rx] = inset.box;
    art.append(el('rect', { x, y, width, height, rx, class: 'inset' }), text({ x: x + width / 2, y: y + 16, class: 'inset-title' }, inset.title),
      ...inset.callout.map(([[x1, y1], [x2, y2]]) => el('line', { x1, y1, x2, y2, class: 'callout' })));
  }
  const letters = CHART.viewerLeft[view] === 'left' ? ['L', 'R'] : ['R', 'L'];
  art.append(...letters.map((letter, i) => text({ x: midline + (i ? 96 : -96), y: 40, class: 'side-label' }, letter)));
  return art;
}

/** The legend: each state's swatch and words, a line of tension and a direction. */
function legend(prefix) {
  const top = CHART.height - 42;
  const y = top + 32;
  const arrow = arrowPaths('up', [140, y - 2]);
  return el('g', { class: 'legend', 'aria-hidden': 'true' }, ...Object.entries(CHART.states).flatMap(([state, { label }], i) => [
    el('g', { class: `legend-key ${state}` }, ...stateLayers(prefix, { rect: [4 + i * 110, top, 24, 18, 3] }, state, [16 + i * 110, top + 9])),
    text({ x: 34 + i * 110, y: top + 14 }, label)]),
  el('path', { d: smoothPath([[4, y], [14, y - 8], [24, y], [34, y - 6]]), class: 'legend-line' }), text({ x: 40, y: y + 2 }, 'Line of tension'),
  el('path', { d: arrow.shaft, class: 'arrow' }), el('path', { d: arrow.head, class: 'arrow-head' }), text({ x: 152, y: y + 2 }, 'Direction of tension'));
}

/**
 * Draw one view ('back' or 'front'). ``onPick(region, side)`` runs on a tap or Enter; side
 * is null for a region on the midline (the practitioner then picks the side). A finding's
 * ``direction``, when it has one, is drawn as an arrow on its region.
 */
export function drawDiagram(view, findings, onPick) {
  const prefix = `bd-${view}`;
  const svg = el('svg', { viewBox: `0 0 ${CHART.width} ${CHART.height}`, class: 'body-diagram body-chart', role: 'group',
    'aria-label': `Body seen from the ${view}. Choose a region to record a finding.` }, drawing(view, findings, prefix));
  // A shape whose region the clinic's vocabulary does not have (yet) is drawn, not offered.
  const known = new Set(choicesFor({ vocabulary: 'region' }).map((choice) => choice.code));
  for (const place of placements(view)) {
    const { entry } = place;
    const here = findings.filter((f) => covers(f, place));
    const state = stateOf(here);
    const choosable = known.size === 0 || known.has(place.region);
    const arrows = arrowsAt(place, here, view);
    const name = `${labelOf('region', place.region)}${place.side ? `, ${place.side}` : ''}`;
    const button = el('g', { class: `region ${state}`.trim(), ...(choosable ? { tabindex: '0', role: 'button' } : { 'aria-hidden': 'true' }),
      transform: entry.frame === 'inset' ? undefined : transformOf(view, place.mirrored),
      'data-region': place.region, 'data-side': place.side || '',
      'aria-label': `${name}${here.length ? ` (${here.length} finding${here.length > 1 ? 's' : ''})` : ''}` },
    entry.hit && el('path', { d: pathOf({ rect: entry.hit }), class: 'hit' }),
    ...stateLayers(prefix, entry.shape, state, arrows.length ? [entry.at[0], entry.at[1] - 11] : entry.at),
    ...(entry.ticks || []).map((tick) => el('path', { d: `M-7 ${tick} H7`, class: 'tick' })),
    entry.label && text({ x: entry.at[0] - 25, y: entry.at[1] - 4, class: 'level' }, entry.label),
    ...arrows.map(({ code, at, flip }) => {
      const { shaft, head } = arrowPaths(code, at, flip);
      return el('g', { class: 'direction', 'data-direction': code }, shaft && el('path', { d: shaft, class: 'arrow' }), el('path', { d: head, class: 'arrow-head' }));
    }));
    svg.append(button);
    if (!choosable) continue;
    const pick = () => onPick(place.region, place.side);
    button.addEventListener('click', pick);
    button.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); pick(); }
    });
  }
  for (const members of tensionLines(findings)) {
    const points = linePoints(view, members);
    if (points.length > 1) svg.append(el('path', { d: smoothPath(points), class: 'tension-line', 'aria-hidden': 'true' }));
  }
  svg.append(legend(prefix));
  return svg;
}
