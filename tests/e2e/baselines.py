"""Screenshots compared with committed baselines, so that a change to a drawing is seen.

A screenshot may differ from its baseline in a few pixels (antialiasing at the edge of a
curve); it fails when more than TOLERANCE of its pixels differ by more than THRESHOLD in any
colour channel, or when its size changed by more than a pixel or two. A failed comparison leaves the new picture and a
map of the differences beside the test's other files. Run the tests with UPDATE_BASELINES=1
to accept a deliberate change: the new pictures replace the baselines, to be committed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PIL import Image, ImageChops

BASELINES = Path(__file__).resolve().parent / "baselines"
THRESHOLD = 40  # of 255, per channel
TOLERANCE = 0.005  # a half of one per cent of the pixels
SIZE_SLACK = 2  # pixels either way
SHIFTS = range(-SIZE_SLACK, SIZE_SLACK + 1)


def _changed(new: Image.Image, old: Image.Image, dx: int, dy: int) -> tuple[float, Image.Image]:
    """The share of pixels that differ when ``new`` is moved by (dx, dy) over ``old``, and
    their map, over the area the two then share."""
    width = min(new.width, old.width) - abs(dx)
    height = min(new.height, old.height) - abs(dy)
    moved = new.crop((max(dx, 0), max(dy, 0), max(dx, 0) + width, max(dy, 0) + height))
    fixed = old.crop((max(-dx, 0), max(-dy, 0), max(-dx, 0) + width, max(-dy, 0) + height))
    red, green, blue = ImageChops.difference(moved, fixed).split()
    most = ImageChops.lighter(ImageChops.lighter(red, green), blue)  # each pixel's largest change
    marked = most.point(lambda value: 255 if value > THRESHOLD else 0)
    return marked.histogram()[255] / (width * height), marked


def matches_baseline(shot: Path, name: str) -> None:
    """Assert that the screenshot at ``shot`` looks like the baseline ``name``."""
    baseline = BASELINES / name
    if os.environ.get("UPDATE_BASELINES") == "1":
        BASELINES.mkdir(exist_ok=True)
        shutil.copy(shot, baseline)
        return
    assert baseline.is_file(), f"no baseline {name}: run with UPDATE_BASELINES=1 and commit it"
    with Image.open(shot) as new, Image.open(baseline) as old:
        new_rgb, old_rgb = new.convert("RGB"), old.convert("RGB")
        # An element laid out at a fractional size or place may come out a pixel taller, or
        # drawn a pixel lower; the pictures are compared at the best of those small shifts, over
        # what they share. More than SIZE_SLACK is a change of size.
        (width, height), (old_width, old_height) = new_rgb.size, old_rgb.size
        assert abs(width - old_width) <= SIZE_SLACK and abs(height - old_height) <= SIZE_SLACK, (
            f"{name}: {new_rgb.size} now, {old_rgb.size} in the baseline"
        )
        share, marked = min(
            (_changed(new_rgb, old_rgb, dx, dy) for dx in SHIFTS for dy in SHIFTS), key=lambda found: found[0]
        )
        if share > TOLERANCE:
            marked.save(shot.with_suffix(".diff.png"))
        assert share <= TOLERANCE, (
            f"{name}: {share:.2%} of the pixels changed (more than {TOLERANCE:.1%}); "
            f"see {shot} and {shot.with_suffix('.diff.png')}"
        )
