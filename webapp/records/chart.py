"""A sensation's intensity across visits, against its baseline, as a small SVG.

Drawn on the server so it prints as crisply as the text around it and needs no script.
Black-and-white friendly: the baseline is dashed, each rating is a marked point.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 32
MAX_INTENSITY = 10


@dataclass(frozen=True)
class Point:
    visit_number: int
    intensity: int
    # The session's place among all the client's sessions in course order (visits/course.py),
    # which spaces the x axis; the number is the label. Without it, the number does both.
    position: int | None = None

    @property
    def x(self) -> int:
        return self.visit_number if self.position is None else self.position


def _x(number: int, first: int, last: int) -> float:
    span = max(last - first, 1)
    usable = WIDTH - LEFT - RIGHT
    return LEFT + (usable / 2 if last == first else (number - first) * usable / span)


def _y(intensity: int) -> float:
    return TOP + (MAX_INTENSITY - intensity) * (HEIGHT - TOP - BOTTOM) / MAX_INTENSITY


def summary(title: str, points: list[Point]) -> str:
    if not points:
        return f"{title}: no ratings yet"
    baseline, latest = points[0].intensity, points[-1].intensity
    if len(points) == 1:
        return f"{title}: baseline {baseline} out of 10, not yet re-rated"
    return f"{title}: baseline {baseline}, latest {latest} out of 10 at visit {points[-1].visit_number}"


def intensity_chart(title: str, points: list[Point]) -> str:
    """SVG markup for ``points`` (in course order); text is escaped."""
    label = summary(title, points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label={quoteattr(label)} class="intensity-chart">',
        f"<title>{escape(label)}</title>",
    ]
    for level in (0, 5, 10):  # the scale
        y = _y(level)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#d5dbdf" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#333">{level}</text>'
        )
    if points:
        first, last = points[0].x, points[-1].x
        base_y = _y(points[0].intensity)
        parts.append(
            f'<line class="baseline" x1="{LEFT}" y1="{base_y:.1f}" x2="{WIDTH - RIGHT}" y2="{base_y:.1f}" '
            'stroke="#555" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        coords = " ".join(f"{_x(p.x, first, last):.1f},{_y(p.intensity):.1f}" for p in points)
        if len(points) > 1:
            parts.append(f'<polyline points="{coords}" fill="none" stroke="#1f5f8b" stroke-width="2.5"/>')
        for p in points:
            x, y = _x(p.x, first, last), _y(p.intensity)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1f5f8b" stroke="#000" stroke-width="1"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 12}" text-anchor="middle" font-size="11" fill="#333">'
                f"{p.visit_number}</text>"
            )
    else:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="12" fill="#555">'
            "No ratings yet</text>"
        )
    parts.append(
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 1}" text-anchor="middle" font-size="10" fill="#555">visit</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
