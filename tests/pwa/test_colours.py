"""Fieldbook's colours are written once, in css/tokens.css, and everything else uses them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from webapp.pwa.shell import MANIFEST_URL, colour_tokens

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"
PWA = Path(__file__).resolve().parents[2] / "webapp" / "pwa"


def test_the_installed_apps_theme_colours_are_the_stylesheets(app, browser):
    colours = colour_tokens(STATIC)
    manifest = json.loads(browser.get(MANIFEST_URL).get_data())
    assert (manifest["theme_color"], manifest["background_color"]) == (colours["accent"], colours["wash"])
    shell = app.extensions["fieldbook_shell"].page.decode()
    assert f'<meta name="theme-color" content="{colours["accent"]}">' in shell


def test_the_app_and_the_desk_take_their_colours_from_the_tokens():
    for sheet in ("app.css", "desk.css"):
        assert '@import url("tokens.css");' in (STATIC / "css" / sheet).read_text()


def test_no_colour_of_the_palette_is_written_twice():
    values = {value.lower() for value in colour_tokens(STATIC).values()}
    sources = [
        STATIC / "css" / "app.css",
        STATIC / "css" / "desk.css",
        *sorted((STATIC / "js").rglob("*.js")),
        *sorted(PWA.glob("*.py")),
    ]
    copies = [
        f"{path.name}: {colour}"
        for path in sources
        for colour in re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text())
        if colour.lower() in values
    ]
    assert copies == []
