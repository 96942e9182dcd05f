"""A report's figures as horizontal bars, drawn on the server like the record's charts.

The table beside it is the accessible equivalent, so the picture is hidden from screen
readers apart from its one-line title. Bars are solid with a dark edge and carry their value
as text, so they read in black and white too.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
LABEL_WIDTH, VALUE_WIDTH, ROW, GAP, PAD = 170, 48, 22, 6, 8


def bar_chart(title: str, bars: list[tuple[str, int]]) -> str:
    """SVG markup of one bar per (label, value); text is escaped."""
    height = PAD * 2 + len(bars) * (ROW + GAP)
    largest = max((value for _, value in bars), default=0) or 1
    usable = WIDTH - LABEL_WIDTH - VALUE_WIDTH - PAD
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="report-chart" '
        f'role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
    ]
    for n, (label, value) in enumerate(bars):
        y = PAD + n * (ROW + GAP)
        length = max(usable * value / largest, 1 if value else 0)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + ROW * 0.7:.1f}" text-anchor="end" font-size="12" '
            f'fill="#222">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{ROW}" fill="#1f5f8b" '
            'stroke="#000" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + ROW * 0.7:.1f}" font-size="12" '
            f'fill="#222">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
