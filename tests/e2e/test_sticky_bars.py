"""No focused or primary control hides under a sticky bar (WCAG 2.2, 2.4.11 Focus Not
Obscured): a tap on what has focus lands on it, on a 360 px phone and a larger one (issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.e2e.helpers import expect, sign_in
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

PHONES = [{"width": 360, "height": 740}, {"width": 390, "height": 844}]

# What a tap at the centre of the control's visible box hits: the control itself, or for a
# chip (a visually hidden radio or checkbox) its label.
TAP_LANDS_ON = """(control) => {
    const shown = control.classList.contains('chip-input') ? document.querySelector(`label[for="${control.id}"]`) : control;
    const box = shown.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {ok: Boolean(hit) && shown.contains(hit),
            hit: hit ? hit.outerHTML.slice(0, 120) : null, what: shown.outerHTML.slice(0, 120)};
}"""


def _visits(data, caseload) -> dict:
    now = dt.datetime.now(dt.UTC)
    with data() as s:
        alex, bea = s.get(Client, caseload["alex"]), s.get(Client, caseload["bea"])
        earlier = factories.make_visit(alex, number=1, started_at=now - dt.timedelta(days=3))
        for kind, region in (("calf_cramps", "calf"), ("lower_back_pain", "lumbar_l4")):
            sensation = factories.make_sensation(alex, kind=kind, region=region, side="left")
            factories.make_rating(sensation, earlier, 6)
        later = factories.make_visit(alex, number=2, started_at=now - dt.timedelta(minutes=5))
        first = factories.make_visit(bea, number=1, started_at=now - dt.timedelta(minutes=5))
        s.flush()
        return {"later": later.id, "first": first.id}


@pytest.mark.parametrize("viewport", PHONES, ids=["360x740", "390x844"])
def test_save_finding_is_tappable_where_focus_puts_it_after_a_region_tap(
    new_context, server, caseload, data, viewport
):
    ids = _visits(data, caseload)
    page = sign_in(new_context(viewport=viewport).new_page())
    page.goto(f"/app/#/visits/{ids['first']}/findings")
    page.locator(".body-diagram [data-region=calf][data-side=left]").click()
    save = page.get_by_role("button", name="Save finding")
    expect(save).to_be_focused()
    landing = save.evaluate(TAP_LANDS_ON)
    assert landing["ok"], f"a tap on Save finding hits {landing['hit']}"
    save.click(trial=True)  # Playwright's own check: nothing else would receive the click
    page.mouse.click(*_centre(save))
    expect(page.locator("#finding-saved")).to_have_text("Saved: Calf, left.")


def _centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@pytest.mark.parametrize("viewport", PHONES, ids=["360x740", "390x844"])
@pytest.mark.parametrize(
    "step", ["first/since", "first/findings", "first/close", "later/since", "later/close"]
)
def test_no_control_is_hidden_under_a_sticky_bar_when_it_has_focus(
    new_context, server, caseload, data, viewport, step
):
    ids = _visits(data, caseload)
    visit, key = step.split("/")
    page = sign_in(new_context(viewport=viewport).new_page())
    page.goto(f"/app/#/visits/{ids[visit]}/{key}")
    expect(page.locator("main h1")).to_be_focused()
    for details in page.locator("main details").all():
        details.evaluate("(d) => { d.open = true; }")
    seen = 0
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        if not focused.count() or not focused.evaluate("(el) => Boolean(el.closest('main'))"):
            break
        seen += 1
        landing = focused.evaluate(TAP_LANDS_ON)
        assert landing["ok"], f"{step}: focused {landing['what']} is covered by {landing['hit']}"
    assert seen > 5
