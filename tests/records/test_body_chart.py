"""The body chart on the desk's record: the phone's shapes, drawn on the server (issue 15)."""

import json
import re
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

from tests import factories
from webapp.records import body_chart
from webapp.records.body_chart import body_chart_svg, chart, path_of, placements

SVG_NS = "{http://www.w3.org/2000/svg}"
STATIC = Path(body_chart.__file__).resolve().parent.parent / "static"


def finding(region, side, found=True, released=True, **more):
    return SimpleNamespace(region=region, side=side, tension_found=found, released=released, **more)


def drawn(svg):
    return ET.fromstring(svg)


def region_group(root, region, side=""):
    return root.find(f".//{SVG_NS}g[@data-region='{region}'][@data-side='{side}']")


def test_every_default_region_has_a_shape_including_the_ones_being_added():
    from webapp.vocab.defaults import REGIONS

    drawn_regions = {p["region"] for view in body_chart.VIEWS for p in placements(view)}
    wanted = {code for code, _label, _group in REGIONS} | {"hamstring", "quadriceps", "thoracic", "cervical"}
    assert wanted <= drawn_regions


def test_each_state_has_its_colour_class_hatching_and_mark():
    svg = body_chart_svg(
        "back",
        [
            finding("calf", "left", released=False),
            finding("knee", "right"),
            finding("buttock", "left", found=False, released=False),
        ],
        "t",
        "A chart",
    )
    root = drawn(svg)
    for region, side, state in (
        ("calf", "left", "found"),
        ("knee", "right", "released"),
        ("buttock", "left", "clear"),
    ):
        group = region_group(root, region, side)
        assert group.get("class") == f"region {state}"
        hatch = group.find(f"{SVG_NS}path[@class='hatch']")
        assert hatch.get("fill") == f"url(#t-{state})"
        assert group.find(f"{SVG_NS}path[@class='mark ink-{state}']").get("d")
        assert root.find(f".//{SVG_NS}pattern[@id='t-{state}']") is not None
    # The legend names the three states, so a black-and-white print can be read.
    for words in ("Not released", "Released", "No tension", "Line of tension", "Direction of tension"):
        assert f">{words}<" in svg


def test_the_lumbar_levels_are_in_the_magnified_inset_and_marked_on_the_body_too():
    root = drawn(body_chart_svg("back", [finding("lumbar_l4", "left", released=False)], "t", "A chart"))
    level = region_group(root, "lumbar_l4")
    assert level.get("class") == "region found" and level.get("transform") is None  # drawn in the inset
    assert root.find(f".//{SVG_NS}g[@class='mini found']") is not None


def test_a_finding_with_a_direction_has_its_arrow_mirrored_by_side_and_view():
    def medial_arrow(view, side):
        root = drawn(body_chart_svg(view, [finding("knee", side, direction="medial")], "t", "A chart"))
        group = region_group(root, "knee", side)
        arrow = group.find(f"{SVG_NS}g[@data-direction='medial']")
        assert arrow is not None
        return group.get("transform")

    # The left knee from the back is on the viewer's left, unmirrored; the arrow (pointing to
    # +x in the shape's own coordinates) points to the midline. The right knee is mirrored.
    assert "scale(-1 1)" not in medial_arrow("back", "left")
    assert "scale(-1 1)" in medial_arrow("back", "right")
    assert "scale(-1 1)" in medial_arrow("front", "left")


def test_no_direction_draws_no_arrow_and_a_clinics_own_code_draws_a_plain_mark():
    svg = body_chart_svg(
        "back", [finding("calf", "left"), finding("calf", "right", direction="spiral")], "t", "A chart"
    )
    root = drawn(svg)
    assert region_group(root, "calf", "left").find(f"{SVG_NS}g[@class='direction']") is None
    mark = region_group(root, "calf", "right").find(f"{SVG_NS}g[@data-direction='spiral']")
    assert [p.get("class") for p in mark] == ["arrow-head"]  # a diamond, with no shaft


def test_a_line_of_tension_is_a_smooth_curve_through_its_regions_in_order():
    line = uuid.uuid4()
    svg = body_chart_svg(
        "back",
        [
            finding("calf", "left", tension_line_id=line, position=2),
            finding("lumbar_l5", "left", tension_line_id=line, position=0),
            finding("buttock", "left", tension_line_id=line, position=1),
        ],
        "t",
        "A chart",
    )
    d = drawn(svg).find(f".//{SVG_NS}path[@class='tension-line']").get("d")
    assert d.count(" C") == 2  # two cubic Béziers through three points
    start = [float(v) for v in re.match(r"M(\S+) (\S+)", d).groups()]
    assert start == [126, 275]  # starts at L5, on the body


def test_clinic_regions_without_a_shape_are_simply_not_drawn():
    svg = body_chart_svg("back", [finding("shoulder_blade", "left")], "t", "A chart")
    assert "shoulder_blade" not in svg


def test_the_record_draws_each_sessions_findings_on_the_chart(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, first_name="Dora")
    visit = factories.make_visit(client, number=1)
    factories.make_finding(visit, "calf", "left", released=False)
    factories.make_finding(visit, "knee", "right")
    factories.make_visit(client, number=2)
    page = login(staff).get(f"/clients/{client.id}/record").get_data(as_text=True)
    assert page.count('class="body-chart"') == 2  # back and front of the session with findings only
    assert 'aria-label="Findings of session 1 on the body seen from the back"' in page
    assert 'data-region="calf" data-side="left"' in page and "region found" in page
    assert f'id="bc-{visit.id.hex[:12]}-back-found"' in page  # ids kept apart per session and view


def test_the_desk_draws_every_shape_exactly_as_the_phone_does():
    # Not a skip: without Node.js this would pass while proving nothing (make node installs it).
    assert shutil.which("node"), "Node.js is needed to read the phone's chart: make node installs it"
    script = """
      const chart = await import(process.argv[1]);
      const out = {};
      for (const view of ['back', 'front']) {
        out[view] = { outline: chart.outlinePath(view),
          shapes: chart.placements(view).map((p) => chart.pathOf(p.entry.shape)) };
      }
      console.log(JSON.stringify(out));
    """
    run = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(STATIC / "js" / "ui" / "body-diagram.js")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    phone = json.loads(run.stdout)
    for view in body_chart.VIEWS:
        assert phone[view]["outline"] == body_chart.outline_path(view)
        assert phone[view]["shapes"] == [path_of(p["entry"]["shape"]) for p in placements(view)]
    assert chart()["width"] == 330
