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
