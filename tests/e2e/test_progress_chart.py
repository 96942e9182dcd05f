"""The progress section: a chart per sensation against its baseline, the figures, the summary."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.e2e.helpers import expect, sign_in
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

FIRST_VISIT = dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC)
# (days after the first visit, lower back pain, calf cramps), one row per visit of the course
VISITS = [(0, 7, 5), (3, 5, 6), (10, 3, 5)]

ADD_SECTION = """async (id) => {
    const { progressSection } = await import('/static/js/ui/progress.js');
    const section = await progressSection(id);
    document.querySelector('main').append(section);
    return section.getAttribute('aria-labelledby');
}"""

# How many pixels of each chart's canvas are painted: more than the axes alone once the lines are in.
PAINTED = """() => [...document.querySelectorAll('.progress-chart canvas')].map((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
    return { painted, cssWidth: canvas.getBoundingClientRect().width };
})"""


@pytest.fixture
def rated(data, caseload):
    """Alex has two sensations, rated at each of three visits; Bea has none."""
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        back = factories.make_sensation(alex, kind="lower_back_pain", region="lumbar_l5", side="both")
        calf = factories.make_sensation(alex, kind="calf_cramps", region="calf", side="left")
        for number, (days, back_intensity, calf_intensity) in enumerate(VISITS, start=1):
            visit = factories.make_visit(
                alex, number=number, started_at=FIRST_VISIT + dt.timedelta(days=days)
            )
            factories.make_rating(back, visit, back_intensity, frequency="daily", times_of_day=["on_waking"])
            factories.make_rating(calf, visit, calf_intensity, frequency="few_weekly", times_of_day=["night"])
    return caseload


def _watch_console(page) -> list[str]:
    """Console errors, CSP violations included (Chromium reports them there too)."""
    problems: list[str] = []

    def console(message):
        # The sign-in page has no icon, so the browser's own guess at /favicon.ico is a 404.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_each_sensation_is_charted_against_its_baseline_with_the_figures(new_context, rated):
    page = new_context().new_page()
    problems = _watch_console(page)
    sign_in(page)
    page.evaluate("""() => document.addEventListener('securitypolicyviolation',
        (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`))""")

    heading_id = page.evaluate(ADD_SECTION, str(rated["alex"]))
    section = page.locator(f"section[aria-labelledby='{heading_id}']")
    expect(section.get_by_role("heading", name="Progress")).to_be_visible()

    summary = section.locator(".progress-summary")
    expect(summary).to_contain_text("Compared with the first visit")
    expect(summary).to_contain_text("Lower back pain 7 → 3 (4 lower)")
    expect(summary).to_contain_text("Calf cramps 5 → 5 (no change)")

    # One chart per sensation, drawn on canvas, hidden from screen readers, fitting a 360 px screen.
    expect(section.locator(".progress-chart canvas")).to_have_count(2)
    expect(section.locator(".progress-chart[aria-hidden=true]")).to_have_count(2)
    page.wait_for_function(f"() => ({PAINTED})().every((chart) => chart.painted > 500)")
    narrow = page.evaluate(PAINTED)
    assert all(0 < chart["cssWidth"] <= 360 for chart in narrow), narrow

    # The same figures, for everyone, in a table.
    back = section.locator(".progress-sensation").filter(
        has=page.get_by_role("heading", name="Lower back pain")
    )
    expect(back.locator(".progress-where")).to_have_text("Lower back, L5, Both sides")
    back.get_by_text("Show the figures").click()
    table = back.get_by_role("table", name="Lower back pain: intensity at each visit")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr td:nth-child(3)")).to_have_text(["7 (baseline)", "5", "3"])
    expect(table.locator("tbody tr th")).to_have_text(["1", "2", "3"])
    expect(back.locator(".progress-latest")).to_contain_text("3 of 10 (baseline 7)")

    # Wider window, wider charts.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.wait_for_function(f"() => ({PAINTED})().every((chart) => chart.cssWidth > 400)")

    assert not problems, problems


def test_a_client_with_no_sensations_gets_the_empty_state(new_context, rated):
    page = new_context().new_page()
    problems = _watch_console(page)
    sign_in(page)
    heading_id = page.evaluate(ADD_SECTION, str(rated["bea"]))
    section = page.locator(f"section[aria-labelledby='{heading_id}']")
    expect(section.locator("p.empty")).to_contain_text("baseline is recorded at the first visit")
    expect(section.locator("canvas")).to_have_count(0)
    assert not problems, problems


def test_ratings_follow_the_visits_and_the_baseline_is_the_first_rating(new_context, server):
    page = new_context().new_page()
    page.goto("/login")
    result = page.evaluate("""async () => {
        const data = await import('/static/js/progress-data.js');
        // The scale the summary names is the published one (no sync on this page: given here).
        (await import('/static/js/schema.js')).usePublished({ entities: { sensation_rating: { fields: [
            { name: 'intensity', label: 'Intensity', kind: 'int', required: true, minimum: 0, maximum: 10 }] } } });
        // Stored in no particular order; the third visit started last but was stored first.
        const visits = [
            { id: 'v3', started_at: '2026-03-22T10:00:00Z', number_in_course: 3 },
            { id: 'v1', started_at: '2026-03-12T10:00:00Z', number_in_course: 1 },
            { id: 'v2', started_at: '2026-03-15T10:00:00Z', number_in_course: 2 },
        ];
        const sensations = [{ id: 'calf', kind: 'calf_cramps' }, { id: 'knee', kind: 'knee_pain' }, { id: 'back', kind: 'lower_back_pain' }];
        const ratings = [
            { sensation_id: 'back', visit_id: 'v3', intensity: 3, times_of_day: ['night'], frequency: 'daily' },
            { sensation_id: 'back', visit_id: 'v1', intensity: 7 },
            { sensation_id: 'back', visit_id: 'v2', intensity: 5 },
            { sensation_id: 'calf', visit_id: 'v2', intensity: 4 },
            { sensation_id: 'calf', visit_id: 'v3', intensity: 6 },
            { sensation_id: 'back', visit_id: 'gone', intensity: 9 },  // its visit was removed
        ];
        const items = data.sensationProgress(sensations, ratings, visits);
        return {
            order: items.map((item) => item.sensation.id),
            series: items.map((item) => data.chartSeries(item)),
            baselines: items.map((item) => item.baseline),
            latest: items[0].latest.frequency,
            summary: data.summaryText(items, { nameOf: (s) => s.kind, dateOf: (iso) => iso.slice(0, 10), firstVisitId: 'v1' }),
            words: [data.changeWords(7, 3), data.changeWords(4, 6), data.changeWords(5, 5)],
        };
    }""")
    assert result["order"] == ["back", "calf", "knee"]  # baselined first, first; never rated, last
    assert result["series"][0] == [[1, 2, 3], [7, 5, 3], [7, 7, 7]]
    assert result["series"][1] == [[2, 3], [4, 6], [4, 4]]
    assert result["baselines"] == [7, 4, None]
    assert result["latest"] == "daily"
    assert result["words"] == ["4 lower", "2 higher", "no change"]
    assert result["summary"] == (
        "Compared with when each was first rated, on the client’s own 0–10 scale: "
        "lower_back_pain 7 → 3 since 2026-03-12 (4 lower); "
        "calf_cramps 4 → 6 since 2026-03-15 (2 higher)."
    )
