// The body diagram of the findings step: an outline seen from the back (the client lies face
// down) and from the front, drawn here as SVG. Each region with a side is a button; regions
// with findings are marked, and a traced line of tension is drawn through its regions.
import { labelOf } from '../schema.js';

const SVG = 'http://www.w3.org/2000/svg';
// Shapes in a 200 x 420 box, for the client's LEFT side seen from the back. The right side
// is the mirror image; seen from the front, the sides swap over.
/** @type {[string, string, any, string?][]} region, kind of shape, the shape, 'centre' when it has no side */
const BACK = [
  ['lumbar_l1', 'rect', { x: 90, y: 88, width: 20, height: 12 }, 'centre'],
  ['lumbar_l2', 'rect', { x: 90, y: 100, width: 20, height: 12 }, 'centre'],
  ['lumbar_l3', 'rect', { x: 90, y: 112, width: 20, height: 12 }, 'centre'],
  ['lumbar_l4', 'rect', { x: 90, y: 124, width: 20, height: 12 }, 'centre'],
  ['lumbar_l5', 'rect', { x: 90, y: 136, width: 20, height: 12 }, 'centre'],
  ['sacrum', 'path', { d: 'M90 148 H110 L100 170 Z' }, 'centre'],
  ['pelvis', 'rect', { x: 58, y: 146, width: 30, height: 18 }],
  ['buttock', 'ellipse', { cx: 78, cy: 186, rx: 20, ry: 17 }],
  ['hip', 'rect', { x: 40, y: 160, width: 16, height: 30 }],
  ['itb', 'rect', { x: 44, y: 206, width: 14, height: 64 }],
  ['knee', 'rect', { x: 62, y: 274, width: 32, height: 22 }],
  ['calf', 'ellipse', { cx: 78, cy: 326, rx: 15, ry: 27 }],
  ['ankle', 'rect', { x: 68, y: 357, width: 20, height: 16 }],
  ['foot', 'ellipse', { cx: 78, cy: 388, rx: 15, ry: 10 }],
];
const FRONT_REGIONS = new Set(['pelvis', 'hip', 'itb', 'knee', 'ankle', 'foot']);
const OUTLINE = 'M100 6 a18 18 0 1 1 -0.1 0 Z M62 44 H138 L150 150 L146 270 L138 400 H108 L104 210 H96 L92 400 H62 L54 270 L50 150 Z';

const el = (tag, attributes = {}) => {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
};

function mirrored(kind, shape) {
  const flip = (x) => 200 - x;
  if (kind === 'rect') return { ...shape, x: flip(shape.x + shape.width) };
  if (kind === 'ellipse') return { ...shape, cx: flip(shape.cx) };
  return shape;
}

/** The sides a shape stands for, and where it is drawn, for one view. */
function placements(view) {
  const out = [];
  for (const [region, kind, shape, centre] of BACK) {
    if (view === 'front' && !FRONT_REGIONS.has(region)) continue;
    if (centre) { out.push({ region, side: null, kind, shape }); continue; }
    // Seen from the back the client's left is on the viewer's left; from the front, on the right.
    const leftShape = view === 'back' ? shape : mirrored(kind, shape);
    const rightShape = view === 'back' ? mirrored(kind, shape) : shape;
    out.push({ region, side: 'left', kind, shape: leftShape }, { region, side: 'right', kind, shape: rightShape });
  }
  return out;
}

const centreOf = ({ kind, shape }) => (kind === 'rect' ? [shape.x + shape.width / 2, shape.y + shape.height / 2]
  : kind === 'ellipse' ? [shape.cx, shape.cy] : [100, 158]);

const covers = (finding, place) => finding.region === place.region
  && (place.side === null || finding.side === place.side || finding.side === 'both');

/**
 * Draw one view ('back' or 'front'). ``onPick(region, side)`` runs on a tap or Enter; side
 * is null for a region on the midline (the practitioner then picks the side).
 */
export function drawDiagram(view, findings, onPick) {
  const svg = el('svg', { viewBox: '0 0 200 420', class: 'body-diagram', role: 'group',
    'aria-label': `Body seen from the ${view}. Choose a region to record a finding.` });
  svg.append(el('path', { d: OUTLINE, class: 'outline', 'aria-hidden': 'true' }));
  const leftX = view === 'back' ? 18 : 182;
  for (const [x, text] of [[leftX, 'L'], [200 - leftX, 'R']]) {
    const label = el('text', { x, y: 30, class: 'side-label', 'aria-hidden': 'true' });
    label.textContent = text;
    svg.append(label);
  }
  const places = placements(view);
  for (const place of places) {
    const here = findings.filter((f) => covers(f, place));
    const name = `${labelOf('region', place.region)}${place.side ? `, ${place.side}` : ''}`;
    const state = here.length === 0 ? '' : here.every((f) => !f.tension_found || f.released) ? 'released' : 'found';
    const shape = el(place.kind, { ...place.shape, class: `region ${state}`.trim(), tabindex: '0', role: 'button',
      'data-region': place.region, 'data-side': place.side || '',
      'aria-label': `${name}${here.length ? ` (${here.length} finding${here.length > 1 ? 's' : ''})` : ''}` });
    const pick = () => onPick(place.region, place.side);
    shape.addEventListener('click', pick);
    shape.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); pick(); }
    });
    svg.append(shape);
  }
  drawLines(svg, places, findings);
  return svg;
}

/** A polyline through the regions of each traced line of tension, in order. */
function drawLines(svg, places, findings) {
  const lines = new Map();
  for (const finding of findings) {
    if (!finding.tension_line_id) continue;
    if (!lines.has(finding.tension_line_id)) lines.set(finding.tension_line_id, []);
    lines.get(finding.tension_line_id).push(finding);
  }
  for (const members of lines.values()) {
    const points = members.sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
      .map((f) => places.find((p) => p.region === f.region && (p.side === null || p.side === (f.side === 'both' ? 'left' : f.side))))
      .filter(Boolean).map((p) => centreOf(p).join(','));
    if (points.length > 1) svg.append(el('polyline', { points: points.join(' '), class: 'tension-line', 'aria-hidden': 'true' }));
  }
}
