"""Screenshots compared with committed baselines, so that a change to a drawing is seen.

A screenshot may differ from its baseline in a few pixels (antialiasing at the edge of a
curve); it fails when more than TOLERANCE of its pixels differ by more than THRESHOLD in any
colour channel, or when its size changed. A failed comparison leaves the new picture and a
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
        assert new_rgb.size == old_rgb.size, f"{name}: {new_rgb.size} now, {old_rgb.size} in the baseline"
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
