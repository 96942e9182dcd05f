"""A session's findings on the body chart, as SVG drawn on the server for the desk's record.

The shapes are the phone's own (webapp/static/js/body-chart-shapes.js, read here as JSON) and
the steps follow webapp/static/js/ui/body-diagram.js one for one, so the record and its print show
the drawing the practitioner tapped. Drawn on the server so it prints with no script; every
state has a colour, a hatching and a mark, so a black-and-white print still tells them apart.

The shapes' format: coordinates are SVG user units in a 330 x 720 box; at 360 px wide the
phone draws the chart about 328 px wide, so 46 units make a 44 px thumb target. Shapes of the
"body" frame are given for the half on the viewer's left, x measured from the midline
(negative to the left), and mirrored for the other half; "inset" shapes (the magnified lower
back, back view only) are in the box's own coordinates. A shape is one of "smooth" (a closed
curve through the points), "poly" (closed, straight), "line" (open, straight), "curve" (open,
through the points), "rect" [x, y, w, h, r] or "ellipse" [cx, cy, rx, ry]. "hit" is a larger
invisible target where the anatomy is smaller than a thumb; "at" is where marks, arrows and
lines of tension meet the region; "mini" places the lumbar levels on the body itself, where
lines of tension run. Each state has a mark and a hatching (a 6 x 6 tile turned 45 degrees);
its colours are in css/body-chart.css.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from xml.sax.saxutils import escape, quoteattr

SHAPES_FILE = Path(__file__).resolve().parent.parent / "static" / "js" / "body-chart-shapes.js"
VIEWS = ("back", "front")


class FindingLike(Protocol):
    region: str
    side: str
    tension_found: bool
    released: bool


@cache
def chart() -> dict[str, Any]:
    """The chart's shapes: the JSON that follows ``export default`` in the phone's module."""
    source = SHAPES_FILE.read_text(encoding="utf-8")
    body = source.split("\nexport default", 1)[1].strip().removesuffix(";")
    return json.loads(body)


def fmt(n: float) -> str:
    """A number as path data writes it: at most one decimal (as JavaScript's String() would)."""
    value = math.floor(n * 10 + 0.5) / 10
    return str(int(value)) if value == int(value) else str(value)


def smooth_path(points: list[list[float]], closed: bool = False) -> str:
    """A Catmull-Rom curve through ``points`` as cubic Béziers (body-diagram.js smoothPath)."""
    n = len(points)
    if n < 2:
        return ""

    def at(i: int) -> list[float]:
        return points[(i + n) % n] if closed else points[max(0, min(n - 1, i))]

    d = f"M{fmt(points[0][0])} {fmt(points[0][1])}"
    for i in range(n if closed else n - 1):
        p0, p1, p2, p3 = at(i - 1), at(i), at(i + 1), at(i + 2)
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d += " C" + " ".join(fmt(v) for v in (*c1, *c2, *p2))
    return d + " Z" if closed else d


def _straight(points: list[list[float]]) -> str:
    return " ".join(f"{'L' if i else 'M'}{fmt(x)} {fmt(y)}" for i, (x, y) in enumerate(points))


def _rect_path(x: float, y: float, w: float, h: float, r: float = 0) -> str:
    if not r:
        return f"M{fmt(x)} {fmt(y)} H{fmt(x + w)} V{fmt(y + h)} H{fmt(x)} Z"

    def arc(tx: float, ty: float) -> str:
        return f"A{fmt(r)} {fmt(r)} 0 0 1 {fmt(tx)} {fmt(ty)}"

    return (
        f"M{fmt(x + r)} {fmt(y)} H{fmt(x + w - r)} {arc(x + w, y + r)} V{fmt(y + h - r)} {arc(x + w - r, y + h)}"
        f" H{fmt(x + r)} {arc(x, y + h - r)} V{fmt(y + r)} {arc(x + r, y)} Z"
    )


def path_of(shape: dict[str, Any]) -> str:
    """The path data of one shape of the chart's data."""
    # The shapes are the chart's own, the same on every chart drawn: a record of years draws
    # two charts a session, and working their curves out afresh each time was most of its page.
    return _path_data(json.dumps(shape, sort_keys=True))


@cache
def _path_data(shape_json: str) -> str:
    shape = json.loads(shape_json)
    if "smooth" in shape:
        return smooth_path(shape["smooth"], True)
    if "curve" in shape:
        return smooth_path(shape["curve"], False)
    if "poly" in shape:
        return _straight(shape["poly"]) + " Z"
    if "line" in shape:
        return _straight(shape["line"])
    if "rect" in shape:
        return _rect_path(*shape["rect"])
    cx, cy, rx, ry = shape["ellipse"]
    return (
        f"M{fmt(cx - rx)} {fmt(cy)} A{fmt(rx)} {fmt(ry)} 0 1 0 {fmt(cx + rx)} {fmt(cy)} "
        f"A{fmt(rx)} {fmt(ry)} 0 1 0 {fmt(cx - rx)} {fmt(cy)} Z"
    )


@cache
def outline_path(view: str) -> str:
    half = chart()["views"][view]["outline"]
    other = [[-x, y] for x, y in reversed(half[1:-1])]
    return smooth_path(half + other, True)


def transform_of(view: str, mirrored: bool) -> str:
    return f"translate({chart()['views'][view]['midline']} 0)" + (" scale(-1 1)" if mirrored else "")


def placements(view: str) -> list[dict[str, Any]]:
    """Where each region is drawn in ``view``, the client's left first (body-diagram.js placements)."""
    data = chart()
    midline = data["views"][view]["midline"]
    out: list[dict[str, Any]] = []
    for entry in data["views"][view]["regions"]:
        if entry["frame"] == "inset":
            out.append(
                {
                    "region": entry["region"],
                    "side": None,
                    "entry": entry,
                    "mirrored": False,
                    "at": entry["at"],
                }
            )
            continue

        def place(side: str | None, mirrored: bool, entry: dict = entry) -> dict[str, Any]:
            x = midline + (-entry["at"][0] if mirrored else entry["at"][0])
            return {
                "region": entry["region"],
                "side": side,
                "entry": entry,
                "mirrored": mirrored,
                "at": [x, entry["at"][1]],
            }

        if not entry.get("paired"):
            out.append(place(None, False))
            continue
        left_is_viewers_left = data["viewerLeft"][view] == "left"
        out += [place("left", not left_is_viewers_left), place("right", left_is_viewers_left)]
    return out


def covers(finding: FindingLike, place: dict[str, Any]) -> bool:
    return finding.region == place["region"] and (
        place["side"] is None or finding.side in (place["side"], "both")
    )


def state_of(findings: Sequence[FindingLike]) -> str:
    """'' (no findings), 'found' (not all released), 'released' or 'clear' (no tension found)."""
    if not findings:
        return ""
    if any(f.tension_found and not f.released for f in findings):
        return "found"
    return "released" if any(f.tension_found for f in findings) else "clear"


def mark_path(state: str, at: list[float]) -> str:
    x, y = at
    mark = chart()["states"].get(state, {}).get("mark")
    if mark == "cross":
        return f"M{fmt(x - 5)} {fmt(y - 5)} L{fmt(x + 5)} {fmt(y + 5)} M{fmt(x + 5)} {fmt(y - 5)} L{fmt(x - 5)} {fmt(y + 5)}"
    if mark == "tick":
        return f"M{fmt(x - 6)} {fmt(y)} L{fmt(x - 2)} {fmt(y + 5)} L{fmt(x + 6)} {fmt(y - 5)}"
    if mark == "ring":
        return f"M{fmt(x - 5)} {fmt(y)} A5 5 0 1 0 {fmt(x + 5)} {fmt(y)} A5 5 0 1 0 {fmt(x - 5)} {fmt(y)} Z"
    return ""


def arrow_paths(code: str, at: list[float], flip: bool = False) -> tuple[str, str]:
    """(shaft, head) of a direction's arrow centred on ``at`` (body-diagram.js arrowPaths)."""
    x, y = at
    if code == "rotation":
        return (
            f"M{fmt(x - 8)} {fmt(y)} A8 8 0 1 1 {fmt(x)} {fmt(y + 8)}",
            f"M{fmt(x - 5)} {fmt(y + 8)} L{fmt(x + 2)} {fmt(y + 3)} L{fmt(x + 2)} {fmt(y + 13)} Z",
        )
    vector = chart()["directions"].get(code)
    if not vector:
        return (
            "",
            f"M{fmt(x)} {fmt(y - 6)} L{fmt(x + 6)} {fmt(y)} L{fmt(x)} {fmt(y + 6)} L{fmt(x - 6)} {fmt(y)} Z",
        )
    dx, dy = vector[0] * (-1 if flip else 1), vector[1]
    tip = (x + dx * 11, y + dy * 11)
    base = (tip[0] - dx * 8, tip[1] - dy * 8)
    return (
        f"M{fmt(x - dx * 11)} {fmt(y - dy * 11)} L{fmt(base[0])} {fmt(base[1])}",
        f"M{fmt(tip[0])} {fmt(tip[1])} L{fmt(base[0] - dy * 6)} {fmt(base[1] + dx * 6)} "
        f"L{fmt(base[0] + dy * 6)} {fmt(base[1] - dx * 6)} Z",
    )


def arrows_at(
    place: dict[str, Any], here: Sequence[FindingLike], view: str
) -> list[tuple[str, list[float], bool]]:
    """(code, centre, flip) of each arrow on ``place``: one per direction its findings have."""
    x, y = place["entry"]["at"]
    wanted: list[tuple[str, str | None]] = []
    for f in here:
        code = getattr(f, "direction", None)
        if not code:
            continue
        halves = (
            [None]
            if place["side"] is not None
            else [f.side]
            if f.side in ("left", "right")
            else ["left", "right"]
        )
        for half in halves:
            if (code, half) not in wanted:
                wanted.append((code, half))
    paired = [w for w in wanted if w[1] is None]
    out = []
    for code, half in wanted:
        if half is None:
            k = paired.index((code, half))
            out.append((code, [x + (k - (len(paired) - 1) / 2) * 16, y + 9], False))
        else:
            on_viewers_left = chart()["viewerLeft"][view] == half
            out.append((code, [x + (-16 if on_viewers_left else 16), y + 9], not on_viewers_left))
    return out


def tension_lines(findings: Iterable[Any]) -> list[list[Any]]:
    lines: dict[Any, list[Any]] = {}
    for finding in findings:
        line_id = getattr(finding, "tension_line_id", None)
        if line_id:
            lines.setdefault(line_id, []).append(finding)
    return list(lines.values())


def line_points(view: str, members: list[Any]) -> list[list[float]]:
    """The points a line of tension runs through, in order (body-diagram.js linePoints)."""
    data = chart()["views"][view]
    places = placements(view)
    points = []
    for f in sorted(members, key=lambda f: getattr(f, "position", None) or 0):
        small = next((m for m in data.get("mini", []) if m["region"] == f.region), None)
        if small:
            points.append([data["midline"] + small["at"][0], small["at"][1]])
            continue
        side = "left" if f.side == "both" else f.side
        place = next((p for p in places if p["region"] == f.region and p["side"] in (None, side)), None)
        if place:
            points.append(place["at"])
    return points


def _path(d: str, cls: str, **extra: str) -> str:
    attributes = "".join(
        f" {name.replace('_', '-')}={quoteattr(value)}" for name, value in extra.items() if value
    )
    return f'<path d="{d}" class="{cls}"{attributes}/>'


def _state_layers(prefix: str, shape: dict[str, Any], state: str, at: list[float]) -> str:
    d = path_of(shape)
    out = _path(d, "shape")
    if state:
        out += _path(d, "hatch", fill=f"url(#{prefix}-{state})") + _path(
            mark_path(state, at), f"mark ink-{state}"
        )
    return out


def _drawing(view: str, findings: Sequence[FindingLike]) -> str:
    data = chart()["views"][view]
    parts = [_path(outline_path(view), "outline", transform=transform_of(view, False))]
    for detail in data.get("details", []):
        parts.append(_path(path_of(detail), "detail", transform=transform_of(view, False)))
        if detail.get("paired"):
            parts.append(_path(path_of(detail), "detail", transform=transform_of(view, True)))
    for small in data.get("mini", []):
        state = state_of([f for f in findings if f.region == small["region"]])
        parts.append(
            f'<g class="{" ".join(filter(None, ("mini", state)))}" transform="{transform_of(view, False)}">'
            f"{_path(path_of(small['shape']), 'shape')}</g>"
        )
    if "inset" in data:
        x, y, w, h, r = data["inset"]["box"]
        parts.append(
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" class="inset"/>'
            f'<text x="{fmt(x + w / 2)}" y="{y + 16}" class="inset-title">{escape(data["inset"]["title"])}</text>'
        )
        for (x1, y1), (x2, y2) in data["inset"]["callout"]:
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="callout"/>')
    letters = ("L", "R") if chart()["viewerLeft"][view] == "left" else ("R", "L")
    for dx, letter in zip((-96, 96), letters, strict=True):
        parts.append(f'<text x="{data["midline"] + dx}" y="40" class="side-label">{letter}</text>')
    return "".join(parts)


def _legend(prefix: str) -> str:
    data = chart()
    top = data["height"] - 42
    parts = ['<g class="legend">']
    for i, (state, spec) in enumerate(data["states"].items()):
        x = 4 + i * 110
        parts.append(
            f'<g class="legend-key {state}">{_state_layers(prefix, {"rect": [x, top, 24, 18, 3]}, state, [x + 12, top + 9])}</g>'
            f'<text x="{x + 30}" y="{top + 14}">{escape(spec["label"])}</text>'
        )
    y = top + 32
    shaft, head = arrow_paths("up", [140, y - 2])
    parts.append(
        _path(smooth_path([[4, y], [14, y - 8], [24, y], [34, y - 6]]), "legend-line")
        + f'<text x="40" y="{y + 2}">Line of tension</text>'
        + _path(shaft, "arrow")
        + _path(head, "arrow-head")
        + f'<text x="152" y="{y + 2}">Direction of tension</text></g>'
    )
    return "".join(parts)


def body_chart_svg(view: str, findings: Sequence[FindingLike], prefix: str, title: str) -> str:
    """SVG markup of ``findings`` on the chart seen from ``view``; ``prefix`` keeps its ids apart."""
    data = chart()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {data["width"]} {data["height"]}" '
        f'class="body-chart" role="img" aria-label={quoteattr(title)}><title>{escape(title)}</title><defs>'
    ]
    for state, spec in data["states"].items():
        parts.append(
            f'<pattern id="{prefix}-{state}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><path d="{spec["hatch"]}" class="ink-{state}"/></pattern>'
        )
    parts.append("</defs>" + _drawing(view, findings))
    for place in placements(view):
        entry = place["entry"]
        here = [f for f in findings if covers(f, place)]
        state = state_of(here)
        arrows = arrows_at(place, here, view)
        mark_at = [entry["at"][0], entry["at"][1] - 11] if arrows else entry["at"]
        transform = (
            "" if entry["frame"] == "inset" else f' transform="{transform_of(view, place["mirrored"])}"'
        )
        parts.append(
            f'<g class="{" ".join(filter(None, ("region", state)))}" data-region={quoteattr(place["region"])} '
            f'data-side="{place["side"] or ""}"{transform}>'
            + _state_layers(prefix, entry["shape"], state, mark_at)
        )
        parts += [f'<path d="M-7 {y} H7" class="tick"/>' for y in entry.get("ticks", [])]
        if entry.get("label"):
            parts.append(
                f'<text x="{fmt(entry["at"][0] - 25)}" y="{fmt(entry["at"][1] - 4)}" class="level">{escape(entry["label"])}</text>'
            )
        for code, at, flip in arrows:
            shaft, head = arrow_paths(code, at, flip)
            parts.append(
                f'<g class="direction" data-direction={quoteattr(code)}>'
                + (_path(shaft, "arrow") if shaft else "")
                + _path(head, "arrow-head")
                + "</g>"
            )
        parts.append("</g>")
    for members in tension_lines(findings):
        points = line_points(view, members)
        if len(points) > 1:
            parts.append(_path(smooth_path(points), "tension-line"))
    parts.append(_legend(prefix) + "</svg>")
    return "".join(parts)
