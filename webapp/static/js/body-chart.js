// The body chart's geometry, with no DOM: where each region is drawn in a view, what state its
// findings put it in, and the path data of shapes, marks, arrows and lines of tension. The
// phone's diagram (ui/body-diagram.js) draws from it; the desk's printed record draws the same
// chart from the same shapes in Python (webapp/records/body_chart.py), which follows this
// module step for step, so a change here is made there too (tests/records/test_body_chart.py
// compares the two).
import CHART from './body-chart-shapes.js';

export { CHART };

/** A number as path data writes it: at most one decimal. */
export const fmt = (n) => String(Math.round(n * 10) / 10 || 0);

/**
 * A smooth curve through ``points`` (Catmull-Rom, written as cubic Béziers), closed or open.
 * An open curve starts and ends at its end points; two points give a straight segment.
 */
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

function rectPath([x, y, w, h, r = 0]) {
  if (!r) return `M${fmt(x)} ${fmt(y)} H${fmt(x + w)} V${fmt(y + h)} H${fmt(x)} Z`;
  const arc = (tx, ty) => `A${fmt(r)} ${fmt(r)} 0 0 1 ${fmt(tx)} ${fmt(ty)}`;
  return `M${fmt(x + r)} ${fmt(y)} H${fmt(x + w - r)} ${arc(x + w, y + r)} V${fmt(y + h - r)} ${arc(x + w - r, y + h)}`
    + ` H${fmt(x + r)} ${arc(x, y + h - r)} V${fmt(y + r)} ${arc(x + r, y)} Z`;
}

/** The path data of a shape of the chart's data (see body-chart-shapes.js for the kinds). */
export function pathOf(shape) {
  if (shape.smooth) return smoothPath(shape.smooth, true);
  if (shape.curve) return smoothPath(shape.curve, false);
  if (shape.poly) return `${straight(shape.poly)} Z`;
  if (shape.line) return straight(shape.line);
  if (shape.rect) return rectPath(shape.rect);
  const [cx, cy, rx, ry] = shape.ellipse;
  const arc = (tx) => `A${fmt(rx)} ${fmt(ry)} 0 1 0 ${fmt(tx)} ${fmt(cy)}`;
  return `M${fmt(cx - rx)} ${fmt(cy)} ${arc(cx + rx)} ${arc(cx - rx)} Z`;
}

/** The body's outline: the half on the viewer's left, mirrored, as one closed curve. */
export function outlinePath(view) {
  const half = CHART.views[view].outline;
  const other = half.slice(1, -1).reverse().map(([x, y]) => [-x, y]);
  return smoothPath([...half, ...other], true);
}

/** How a body-frame shape is placed: moved onto the midline, and mirrored for the other half. */
export const transformOf = (view, mirrored) => `translate(${CHART.views[view].midline} 0)${mirrored ? ' scale(-1 1)' : ''}`;

/**
 * Where each region is drawn in ``view``, in the chart's order (which is the focus order):
 * a region with sides is drawn twice, the client's left first. Each placement has the
 * region, its side (null on the midline), the shape's data, whether it is mirrored, and
 * ``at``: the point where marks and lines meet it, in the chart's own coordinates.
 */
export function placements(view) {
  const { midline, regions } = CHART.views[view];
  const out = [];
  for (const entry of regions) {
    if (entry.frame === 'inset') { out.push({ region: entry.region, side: null, entry, mirrored: false, at: entry.at }); continue; }
    const place = (side, mirrored) => ({ region: entry.region, side, entry, mirrored,
      at: [midline + (mirrored ? -entry.at[0] : entry.at[0]), entry.at[1]] });
    if (!entry.paired) { out.push(place(null, false)); continue; }
    const leftIsViewersLeft = CHART.viewerLeft[view] === 'left';
    out.push(place('left', !leftIsViewersLeft), place('right', leftIsViewersLeft));
  }
  return out;
}

/** Whether ``finding`` belongs to ``place``: same region, and a side it covers. */
export const covers = (finding, place) => finding.region === place.region
  && (place.side === null || finding.side === place.side || finding.side === 'both');

/**
 * The state the findings at one place put it in: '' (none), 'found' (tension found and not
 * all of it released), 'released' (found, and all released) or 'clear' (tested, no tension).
 */
export function stateOf(findings) {
  if (!findings.length) return '';
  if (findings.some((f) => f.tension_found && !f.released)) return 'found';
  return findings.some((f) => f.tension_found) ? 'released' : 'clear';
}

/** The mark of a state, centred on (x, y), as path data: a cross, a tick or a ring. */
export function markPath(state, [x, y]) {
  const mark = CHART.states[state]?.mark;
  if (mark === 'cross') return `M${fmt(x - 5)} ${fmt(y - 5)} L${fmt(x + 5)} ${fmt(y + 5)} M${fmt(x + 5)} ${fmt(y - 5)} L${fmt(x - 5)} ${fmt(y + 5)}`;
  if (mark === 'tick') return `M${fmt(x - 6)} ${fmt(y)} L${fmt(x - 2)} ${fmt(y + 5)} L${fmt(x + 6)} ${fmt(y - 5)}`;
  if (mark === 'ring') return `M${fmt(x - 5)} ${fmt(y)} A5 5 0 1 0 ${fmt(x + 5)} ${fmt(y)} A5 5 0 1 0 ${fmt(x - 5)} ${fmt(y)} Z`;
  return '';
}

/**
 * The arrow of a direction, centred on (x, y), in the shape's own coordinates (where the
 * midline lies to the right, so mirroring the shape mirrors medial and lateral with it).
 * ``flip`` turns it for a midline region seen on the viewer's right. A code with no arrow
 * (a clinic's own) is drawn as a plain diamond; rotation as a turning arrow.
 * Returns {shaft, head} path data: the head is filled.
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
 * The arrows to draw on one place, each {code, at, flip} in the coordinates its shape is drawn
 * in: one per direction its findings have (a finding without one draws none). On a midline
 * region the side of the finding says which half the arrow sits in.
 */
export function arrowsAt(place, here, view) {
  const [x, y] = place.entry.at;
  const wanted = [];
  for (const f of here) {
    if (!f.direction) continue;
    const halves = place.side !== null ? [null] : f.side === 'left' || f.side === 'right' ? [f.side] : ['left', 'right'];
    for (const half of halves) {
      if (!wanted.some((w) => w.code === f.direction && w.half === half)) wanted.push({ code: f.direction, half });
    }
  }
  const paired = wanted.filter((w) => w.half === null);
  return wanted.map((w) => {
    if (w.half === null) {
      const k = paired.indexOf(w);
      return { code: w.code, at: [x + (k - (paired.length - 1) / 2) * 16, y + 9], flip: false };
    }
    // A midline region: the client's side is on the viewer's left or right by the view.
    const onViewersLeft = CHART.viewerLeft[view] === w.half;
    return { code: w.code, at: [x + (onViewersLeft ? -16 : 16), y + 9], flip: !onViewersLeft };
  });
}

/**
 * The points a line of tension runs through, in order: each finding's place (a finding on
 * both sides is drawn on the left), the lumbar levels and sacrum at their place on the body.
 */
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

/** The findings of each traced line of tension, by line id, in the order first met. */
export function tensionLines(findings) {
  const lines = new Map();
  for (const finding of findings) {
    if (!finding.tension_line_id) continue;
    if (!lines.has(finding.tension_line_id)) lines.set(finding.tension_line_id, []);
    lines.get(finding.tension_line_id).push(finding);
  }
  return [...lines.values()];
}
