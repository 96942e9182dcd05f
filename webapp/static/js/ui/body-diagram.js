// The body diagram of the findings step: the body seen from the back (the client lies face
// down) and from the front, drawn as SVG from the chart's shapes (../body-chart.js). Each
// region with a side is a button, the client's left first; the lumbar levels and the sacrum
// are buttons in a magnified inset of the lower back, where each is a thumb's width. Regions
// with findings are coloured, hatched and marked by their state, with a legend; a finding's
// direction is an arrow on its region, and a traced line of tension a smooth curve.
import { CHART, arrowPaths, arrowsAt, covers, linePoints, markPath, outlinePath, pathOf, placements,
  smoothPath, stateOf, tensionLines, transformOf } from '../body-chart.js';
import { choicesFor, labelOf } from '../schema.js';

const SVG = 'http://www.w3.org/2000/svg';

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) node.setAttribute(name, value);
  node.append(...children.filter(Boolean));
  return node;
};
const text = (attributes, words) => { const node = el('text', attributes); node.textContent = words; return node; };

/** The hatchings of the states, one pattern each, named after the view. */
function hatchings(prefix) {
  return el('defs', {}, ...Object.entries(CHART.states).map(([state, { hatch }]) => el('pattern', {
    id: `${prefix}-${state}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
  el('path', { d: hatch, class: `ink-${state}` }))));
}

/** What a region's shape is drawn with: its target, the shape, its hatching and its mark. */
function stateLayers(prefix, shapeData, state, at) {
  const d = pathOf(shapeData);
  return [el('path', { d, class: 'shape' }),
    state ? el('path', { d, class: 'hatch', fill: `url(#${prefix}-${state})` }) : null,
    state ? el('path', { d: markPath(state, at), class: `mark ink-${state}` }) : null];
}

/** The outline, the body's details, the small lumbar levels and the inset's frame: drawing only. */
function drawing(view, findings) {
  const { midline, details = [], mini = [], inset } = CHART.views[view];
  const art = el('g', { class: 'art', 'aria-hidden': 'true' }, el('path', { d: outlinePath(view), class: 'outline', transform: transformOf(view, false) }));
  for (const detail of details) {
    art.append(el('path', { d: pathOf(detail), class: 'detail', transform: transformOf(view, false) }));
    if (detail.paired) art.append(el('path', { d: pathOf(detail), class: 'detail', transform: transformOf(view, true) }));
  }
  for (const small of mini) {
    const state = stateOf(findings.filter((f) => f.region === small.region));
    art.append(el('g', { class: `mini ${state}`.trim(), transform: transformOf(view, false) }, el('path', { d: pathOf(small.shape), class: 'shape' })));
  }
  if (inset) {
    const [x, y, w, h, r] = inset.box;
    art.append(el('rect', { x, y, width: w, height: h, rx: r, class: 'inset' }),
      text({ x: x + w / 2, y: y + 16, class: 'inset-title' }, inset.title),
      ...inset.callout.map(([[x1, y1], [x2, y2]]) => el('line', { x1, y1, x2, y2, class: 'callout' })));
  }
  const viewersLeft = CHART.viewerLeft[view] === 'left' ? ['L', 'R'] : ['R', 'L'];
  art.append(text({ x: midline - 96, y: 40, class: 'side-label' }, viewersLeft[0]),
    text({ x: midline + 96, y: 40, class: 'side-label' }, viewersLeft[1]));
  return art;
}

/** The legend: each state's swatch and words, a line of tension and a direction. */
function legend(prefix) {
  const top = CHART.height - 42;
  const key = el('g', { class: 'legend', 'aria-hidden': 'true' });
  Object.entries(CHART.states).forEach(([state, { label }], i) => {
    const x = 4 + i * 110;
    key.append(el('g', { class: `legend-key ${state}` }, ...stateLayers(prefix, { rect: [x, top, 24, 18, 3] }, state, [x + 12, top + 9])),
      text({ x: x + 30, y: top + 14 }, label));
  });
  const y = top + 32;
  const arrow = arrowPaths('up', [140, y - 2]);
  key.append(el('path', { d: smoothPath([[4, y], [14, y - 8], [24, y], [34, y - 6]]), class: 'legend-line' }),
    text({ x: 40, y: y + 2 }, 'Line of tension'),
    el('path', { d: arrow.shaft, class: 'arrow' }), el('path', { d: arrow.head, class: 'arrow-head' }),
    text({ x: 152, y: y + 2 }, 'Direction of tension'));
  return key;
}

/**
 * Draw one view ('back' or 'front'). ``onPick(region, side)`` runs on a tap or Enter; side
 * is null for a region on the midline (the practitioner then picks the side). A finding may
 * carry a ``direction``: its arrow is drawn on the region.
 */
export function drawDiagram(view, findings, onPick) {
  const prefix = `bd-${view}`;
  const svg = el('svg', { viewBox: `0 0 ${CHART.width} ${CHART.height}`, class: 'body-diagram body-chart', role: 'group',
    'aria-label': `Body seen from the ${view}. Choose a region to record a finding.` }, hatchings(prefix), drawing(view, findings));
  // A shape whose region the clinic's vocabulary does not have (yet) is drawn, not offered.
  const known = new Set(choicesFor({ vocabulary: 'region' }).map((choice) => choice.code));
  for (const place of placements(view)) {
    const { entry } = place;
    const choosable = known.size === 0 || known.has(place.region);
    const here = findings.filter((f) => covers(f, place));
    const state = stateOf(here);
    const name = `${labelOf('region', place.region)}${place.side ? `, ${place.side}` : ''}`;
    const arrows = arrowsAt(place, here, view);
    const markAt = arrows.length ? [entry.at[0], entry.at[1] - 11] : entry.at;
    const button = el('g', { class: `region ${state}`.trim(), ...(choosable ? { tabindex: '0', role: 'button' } : { 'aria-hidden': 'true' }),
      transform: entry.frame === 'inset' ? undefined : transformOf(view, place.mirrored),
      'data-region': place.region, 'data-side': place.side || '',
      'aria-label': `${name}${here.length ? ` (${here.length} finding${here.length > 1 ? 's' : ''})` : ''}` },
    entry.hit ? el('path', { d: pathOf({ rect: entry.hit }), class: 'hit' }) : null,
    ...stateLayers(prefix, entry.shape, state, markAt),
    ...(entry.ticks || []).map((y) => el('path', { d: `M-7 ${y} H7`, class: 'tick' })),
    entry.label ? text({ x: entry.at[0] - 25, y: entry.at[1] - 4, class: 'level' }, entry.label) : null);
    for (const { code, at, flip } of arrows) {
      const { shaft, head } = arrowPaths(code, at, flip);
      button.append(el('g', { class: 'direction', 'data-direction': code },
        shaft ? el('path', { d: shaft, class: 'arrow' }) : null, el('path', { d: head, class: 'arrow-head' })));
    }
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
