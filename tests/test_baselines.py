"""The screenshot comparison used by the browser tests fails when a drawing changes."""

import pytest
from PIL import Image, ImageDraw

from tests.e2e import baselines


def _picture(path, box=None, size=(200, 100)):
    image = Image.new("RGB", size, "white")
    if box:
        ImageDraw.Draw(image).rectangle(box, fill="black")
    image.save(path)
    return path


@pytest.fixture
def committed(tmp_path, monkeypatch):
    monkeypatch.setattr(baselines, "BASELINES", tmp_path / "baselines")
    monkeypatch.delenv("UPDATE_BASELINES", raising=False)
    (tmp_path / "baselines").mkdir()
    _picture(tmp_path / "baselines" / "chart.png", box=(10, 10, 50, 50))
    return tmp_path


def test_the_same_picture_matches(committed):
    baselines.matches_baseline(_picture(committed / "shot.png", box=(10, 10, 50, 50)), "chart.png")


def test_a_few_pixels_of_antialiasing_are_tolerated(committed):
    baselines.matches_baseline(_picture(committed / "shot.png", box=(10, 10, 50, 51)), "chart.png")


def test_a_changed_drawing_fails_and_leaves_a_map_of_the_difference(committed):
    shot = _picture(committed / "shot.png", box=(60, 10, 100, 50))
    with pytest.raises(AssertionError, match="of the pixels changed"):
        baselines.matches_baseline(shot, "chart.png")
    assert shot.with_suffix(".diff.png").is_file()


def test_a_changed_size_fails(committed):
    with pytest.raises(AssertionError, match="in the baseline"):
        baselines.matches_baseline(_picture(committed / "shot.png", size=(210, 100)), "chart.png")


def test_a_pixel_of_layout_either_way_is_compared_over_what_the_pictures_share(committed):
    baselines.matches_baseline(
        _picture(committed / "shot.png", box=(10, 10, 50, 50), size=(200, 101)), "chart.png"
    )


def test_updating_replaces_the_baseline(committed, monkeypatch):
    monkeypatch.setenv("UPDATE_BASELINES", "1")
    baselines.matches_baseline(_picture(committed / "shot.png", box=(60, 10, 100, 50)), "chart.png")
    monkeypatch.delenv("UPDATE_BASELINES")
    baselines.matches_baseline(_picture(committed / "again.png", box=(60, 10, 100, 50)), "chart.png")


def _stripes(path, offset):
    image = Image.new("RGB", (200, 100), "white")
    draw = ImageDraw.Draw(image)
    for y in range(offset, 100, 4):  # a fine pattern: moved a pixel, half of it changes
        draw.line((0, y, 199, y), fill="black", width=2)
    image.save(path)
    return path


def test_a_drawing_laid_out_a_pixel_lower_still_matches(committed):
    _stripes(committed / "baselines" / "stripes.png", 0)
    baselines.matches_baseline(_stripes(committed / "shot.png", 1), "stripes.png")
    with pytest.raises(AssertionError, match="of the pixels changed"):  # but half a stripe is a change
        baselines.matches_baseline(_half(committed), "stripes.png")


def _half(committed):
    image = Image.open(_stripes(committed / "half.png", 0))
    ImageDraw.Draw(image).rectangle((0, 0, 99, 99), fill="white")
    image.save(committed / "half.png")
    return committed / "half.png"
