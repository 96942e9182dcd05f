"""The body chart on a 360 px phone and on the desk's record (issue 15): the lower back's inset,
the states' hatchings and marks, direction arrows, smooth lines of tension.

Screenshots of the chart (back and front at 360 px) and of the desk record's drawing at 1440 px
are compared with the committed baselines in tests/e2e/baselines/ (see tests/e2e/baselines.py).
"""

from __future__ import annotations

import uuid

import pytest

from tests import factories
from tests.e2e.baselines import matches_baseline
from tests.e2e.helpers import expect, open_client, sign_in, sign_in_at_desk
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

LINE = "0b7c2d7e-3f55-4c43-9a55-4d0e3c1f7a10"
# Findings as the phone stores them, a direction on most (the field may not be synced yet:
# the chart reads it when it is there).
FINDINGS = [
    {
        "region": "lumbar_l4",
        "side": "left",
        "tension_found": True,
        "released": True,
        "direction": "up",
        "tension_line_id": LINE,
        "position": 0,
    },
    {"region": "lumbar_l5", "side": "both", "tension_found": True, "released": False, "direction": "medial"},
    {
        "region": "buttock",
        "side": "left",
        "tension_found": True,
        "released": True,
        "direction": "lateral",
        "tension_line_id": LINE,
        "position": 1,
    },
    {
        "region": "hamstring",
        "side": "left",
        "tension_found": True,
        "released": False,
        "tension_line_id": LINE,
        "position": 2,
    },
    {
        "region": "calf",
        "side": "left",
        "tension_found": True,
        "released": True,
        "direction": "down",
        "tension_line_id": LINE,
        "position": 3,
    },
    {"region": "calf", "side": "right", "tension_found": False, "released": False},
    {"region": "knee", "side": "both", "tension_found": True, "released": False, "direction": "medial"},
    {"region": "itb", "side": "right", "tension_found": True, "released": True, "direction": "rotation"},
    {"region": "hip", "side": "right", "tension_found": True, "released": False, "direction": "spiral"},
]

# Draws FINDINGS on the findings step's own chart box, as the step does (drawAll).
DRAW = """async ([view, findings]) => {
  const { drawDiagram } = await import('/static/js/ui/body-diagram.js');
  const box = document.querySelector('.diagram-box');
  box.replaceChildren(drawDiagram(view, findings, () => {}));
}"""

# The step's bar of buttons stays at the foot of the screen, over the chart: out of the picture.
HIDE_STICKY_BARS = "() => document.querySelectorAll('.sticky-actions').forEach((bar) => { bar.style.visibility = 'hidden'; })"


def _open_findings_step(new_context):
    page = sign_in(new_context(viewport={"width": 360, "height": 740}).new_page())
    open_client(page, "Alex Morgan")
    page.get_by_role("link", name="Start the first visit").click()
    page.get_by_role("link", name="Findings ›").click()
    expect(page.get_by_role("heading", name="Record a finding")).to_be_visible()
    return page


def test_each_lumbar_level_and_the_sacrum_is_a_thumb_sized_button_in_the_inset(new_context, server, caseload):
    page = _open_findings_step(new_context)
    for code, name in [
        ("lumbar_l1", "Lower back, L1"),
        ("lumbar_l2", "Lower back, L2"),
        ("lumbar_l3", "Lower back, L3"),
        ("lumbar_l4", "Lower back, L4"),
        ("lumbar_l5", "Lower back, L5"),
        ("sacrum", "Sacrum"),
    ]:
        level = page.get_by_role("button", name=name, exact=True)
        box = level.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (name, box)
        level.click()
        expect(page.locator("#finding-region")).to_have_value(code)
    # Every region button of both views is at least 44 px on its short side at 360 px.
    for view in ("Back", "Front"):
        page.get_by_role("button", name=view, exact=True).click()
        sizes = page.evaluate("""() => [...document.querySelectorAll('.body-diagram [role=button]')]
            .map((el) => [el.getAttribute('aria-label'), el.getBoundingClientRect().width, el.getBoundingClientRect().height])""")
        assert sizes and all(min(w, h) >= 44 for _, w, h in sizes), [s for s in sizes if min(s[1], s[2]) < 44]


def test_states_show_by_hatching_and_mark_with_a_legend_arrows_and_a_smooth_line(
    new_context, server, caseload, tmp_path
):
    page = _open_findings_step(new_context)
    page.evaluate(DRAW, ["back", FINDINGS])
    chart = page.locator(".body-diagram")
    for selector, state in (
        ("[data-region=calf][data-side=left]", "released"),
        ("[data-region=calf][data-side=right]", "clear"),
        ("[data-region=lumbar_l5]", "found"),
    ):
        region = chart.locator(selector)
        expect(region).to_have_class(f"region {state}")
        expect(region.locator(".hatch")).to_have_attribute("fill", f"url(#bd-back-{state})")
        expect(region.locator(f".mark.ink-{state}")).to_have_count(1)
        expect(chart.locator(f"pattern#bd-back-{state} path")).to_have_count(1)
    expect(chart.locator(".legend")).to_contain_text("Not released")
    expect(chart.locator(".legend")).to_contain_text("Released")
    expect(chart.locator(".legend")).to_contain_text("No tension")

    # Arrows: up on L4 (the left half of the level), down on the left calf, none where no direction.
    expect(chart.locator("[data-region=lumbar_l4] [data-direction=up] .arrow-head")).to_have_count(1)
    expect(chart.locator("[data-region=calf][data-side=left] [data-direction=down]")).to_have_count(1)
    expect(chart.locator("[data-region=calf][data-side=right] .direction")).to_have_count(0)
    # Medial on both knees points to the midline: on screen, the left knee's arrow (viewer's
    # left, from the back) points right and the right knee's points left.
    tips = page.evaluate("""() => ['left', 'right'].map((side) => {
        const head = document.querySelector(`.body-diagram [data-region=knee][data-side=${side}] [data-direction=medial] .arrow-head`);
        const shaft = head.previousElementSibling;
        return head.getBoundingClientRect().x - shaft.getBoundingClientRect().x; })""")
    assert tips[0] > 0 > tips[1], tips
    # A clinic's own direction is a plain mark: a head with no shaft.
    expect(chart.locator("[data-direction=spiral] .arrow")).to_have_count(0)
    expect(chart.locator("[data-direction=spiral] .arrow-head")).to_have_count(1)

    # The line of tension is one smooth curve (cubic Béziers) through its four regions.
    line = chart.locator("path.tension-line")
    expect(line).to_have_count(1)
    assert line.get_attribute("d").count(" C") == 3
    page.evaluate(HIDE_STICKY_BARS)
    chart.screenshot(path=tmp_path / "back.png")
    matches_baseline(tmp_path / "back.png", "body-chart-back-360.png")

    page.evaluate(DRAW, ["front", FINDINGS])
    # From the front the client's left knee is on the viewer's right: medial points left.
    tip = page.evaluate("""() => {
        const head = document.querySelector('.body-diagram [data-region=knee][data-side=left] [data-direction=medial] .arrow-head');
        return head.getBoundingClientRect().x - head.previousElementSibling.getBoundingClientRect().x; }""")
    assert tip < 0
    page.evaluate(HIDE_STICKY_BARS)
    chart.screenshot(path=tmp_path / "front.png")
    matches_baseline(tmp_path / "front.png", "body-chart-front-360.png")


def test_the_desk_record_shows_the_findings_on_the_chart_and_prints_it(
    new_context, server, caseload, data, tmp_path
):
    line = uuid.uuid4()
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        visit = factories.make_visit(alex, number=1)
        factories.make_finding(visit, "lumbar_l5", "left", tension_line_id=line, position=0, released=True)
        factories.make_finding(visit, "buttock", "left", tension_line_id=line, position=1, released=False)
        factories.make_finding(visit, "calf", "left", tension_line_id=line, position=2, released=True)
        factories.make_finding(visit, "knee", "both", tension_found=False, released=False)
        factories.make_finding(visit, "itb", "right", released=False)
    page = sign_in_at_desk(new_context(viewport={"width": 1440, "height": 900}).new_page(), data)
    page.goto(f"/clients/{caseload['alex']}/record")
    figure = page.locator("figure.body-charts")
    expect(figure.locator("svg.body-chart")).to_have_count(2)
    expect(figure.locator("svg.body-chart").first).to_have_attribute(
        "aria-label", "Findings of session 1 on the body seen from the back"
    )
    expect(figure.locator("[data-region=buttock][data-side=left]").first).to_have_class("region found")
    expect(figure.locator("path.tension-line")).to_have_count(1)  # seen from the back only
    page.emulate_media(media="print")
    assert figure.bounding_box()["height"] > 200  # printed too
    page.emulate_media(media="screen")
    figure.screenshot(
        path=tmp_path / "desk.png"
    )  # the drawing alone: the page around it carries today's dates
    matches_baseline(tmp_path / "desk.png", "desk-record-body-chart-1440.png")
