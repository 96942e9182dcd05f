"""Draw Fieldbook's app icons (an open field book on the desk's blue) as PNG files.

Run ``python scripts/make_icons.py`` after changing the drawing; the PNGs it writes under
``webapp/static/icons/`` are committed, so the app needs no image library. Only the
standard library is used: each pixel is sampled on a small grid for smooth edges, and the
PNG is written with zlib and struct.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "webapp" / "static"
OUT = STATIC / "icons"


def _token(name: str) -> tuple[int, int, int]:
    """A colour of css/tokens.css (where the app's colours are written) as (r, g, b)."""
    found = re.search(rf"--{name}:\s*#([0-9a-fA-F]{{6}})\s*;", (STATIC / "css" / "tokens.css").read_text())
    return tuple(int(found[1][i : i + 2], 16) for i in (0, 2, 4))


BLUE = _token("accent")
PAPER = _token("paper")
SAMPLES = 3  # per axis, so 9 samples a pixel

# The book in a unit square: two pages meeting at the spine, each a quadrilateral.
LEFT_PAGE = [(0.17, 0.27), (0.48, 0.33), (0.48, 0.78), (0.17, 0.72)]
RIGHT_PAGE = [(0.52, 0.33), (0.83, 0.27), (0.83, 0.72), (0.52, 0.78)]
# Ruled lines on each page (drawn in blue over the paper): (x0, y0, x1, y1, half-width).
LINES = [(0.22, y, 0.44, y + 0.045, 0.012) for y in (0.40, 0.49, 0.58)] + [
    (0.56, y + 0.045, 0.78, y, 0.012) for y in (0.40, 0.49, 0.58)
]


def _inside_quad(x: float, y: float, quad) -> bool:
    sign = None
    for (ax, ay), (bx, by) in zip(quad, quad[1:] + quad[:1], strict=True):
        cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
        if cross != 0:
            if sign is None:
                sign = cross > 0
            elif (cross > 0) != sign:
                return False
    return True


def _near_segment(x: float, y: float, seg) -> bool:
    x0, y0, x1, y1, half = seg
    dx, dy = x1 - x0, y1 - y0
    t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
    px, py = x0 + t * dx, y0 + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= half * half


def _in_rounded_square(x: float, y: float, radius: float) -> bool:
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius


def _sample(x: float, y: float, maskable: bool):
    """The colour at a point, or None where the icon is transparent."""
    if not maskable and not _in_rounded_square(x, y, 0.18):
        return None
    # A maskable icon keeps its drawing inside the central safe circle (80 % of the size).
    scale = 0.78 if maskable else 1.0
    u, v = 0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale
    if _inside_quad(u, v, LEFT_PAGE) or _inside_quad(u, v, RIGHT_PAGE):
        return BLUE if any(_near_segment(u, v, line) for line in LINES) else PAPER
    return BLUE


def draw(size: int, maskable: bool) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter type 0 for each scanline
        for px in range(size):
            r = g = b = a = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    colour = _sample(
                        (px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size, maskable
                    )
                    if colour is not None:
                        r, g, b, a = r + colour[0], g + colour[1], b + colour[2], a + 1
            if a:
                row += bytes((r // a, g // a, b // a, round(255 * a / SAMPLES**2)))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width: int, height: int, raw_rgba_rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw_rgba_rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ]:
        (OUT / name).write_bytes(draw(size, maskable))
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
