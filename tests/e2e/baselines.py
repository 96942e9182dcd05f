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
        # An element laid out at a fractional size may come out a pixel taller or shorter; the
        # pictures are then compared over what they share. More than that is a change of size.
        (width, height), (old_width, old_height) = new_rgb.size, old_rgb.size
        assert abs(width - old_width) <= SIZE_SLACK and abs(height - old_height) <= SIZE_SLACK, (
            f"{name}: {new_rgb.size} now, {old_rgb.size} in the baseline"
        )
        common = (0, 0, min(width, old_width), min(height, old_height))
        new_rgb, old_rgb = new_rgb.crop(common), old_rgb.crop(common)
        red, green, blue = ImageChops.difference(new_rgb, old_rgb).split()
        most = ImageChops.lighter(ImageChops.lighter(red, green), blue)  # each pixel's largest change
        marked = most.point(lambda value: 255 if value > THRESHOLD else 0)
        share = marked.histogram()[255] / (new_rgb.width * new_rgb.height)
        if share > TOLERANCE:
            marked.save(shot.with_suffix(".diff.png"))
        assert share <= TOLERANCE, (
            f"{name}: {share:.2%} of the pixels changed (more than {TOLERANCE:.1%}); "
            f"see {shot} and {shot.with_suffix('.diff.png')}"
        )
