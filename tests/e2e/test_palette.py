"""The app's colours come from css/tokens.css, online and offline (the shell caches it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import go_offline, sign_in, wait_until_ready
from webapp.pwa.shell import colour_tokens

pytestmark = pytest.mark.e2e

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"
PALETTE = """() => { const style = getComputedStyle(document.documentElement);
    return ['accent', 'muted', 'chart-grid'].map((name) => style.getPropertyValue(`--${name}`).trim()); }"""


def test_the_app_uses_the_palette_online_and_offline(new_context, server, caseload):
    colours = colour_tokens(STATIC)
    expected = [colours["accent"], colours["muted"], colours["chart-grid"]]
    context = new_context()
    page = sign_in(context.new_page())
    assert page.evaluate(PALETTE) == expected
    go_offline(context, server)
    page.reload()
    wait_until_ready(page)
    assert page.evaluate(PALETTE) == expected
