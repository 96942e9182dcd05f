"""Nothing started is dropped without a word (issue 10, item 3): leaving the findings, or
finishing the session, with a finding half entered asks whether to save it, keep editing or
discard it; finishing a later visit lists the sensations not re-rated and asks."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.e2e.helpers import expect, sign_in
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

UNSAVED_FINDING = "This finding is not saved yet"
NOT_RERATED = "Not re-rated today"


def _visits(data, caseload) -> dict:
    """Bea's first visit, under way; Alex's second, after a first with two sensations rated."""
    now = dt.datetime.now(dt.UTC)
    with data() as s:
        alex, bea = s.get(Client, caseload["alex"]), s.get(Client, caseload["bea"])
        earlier = factories.make_visit(alex, number=1, started_at=now - dt.timedelta(days=3))
        cramps = factories.make_sensation(alex, kind="calf_cramps", region="calf", side="left")
        back = factories.make_sensation(alex, kind="lower_back_pain", region="lumbar_l4", side="both")
        factories.make_rating(cramps, earlier, 7)
        factories.make_rating(back, earlier, 5)
        later = factories.make_visit(alex, number=2, started_at=now - dt.timedelta(minutes=5))
        first = factories.make_visit(bea, number=1, started_at=now - dt.timedelta(minutes=5))
        s.flush()
        return {
            name: str(record.id)
            for name, record in {"first": first, "later": later, "cramps": cramps, "back": back}.items()
        }


def _local(page, entity: str, field: str = "visit_id", value=None) -> list[dict]:
    return page.evaluate(
        """async ([entity, field, value]) => {
        const db = await import('/static/js/db.js');
        return (await db.listRecords(entity)).filter((r) => value === null || r[field] === value);
    }""",
        [entity, field, value],
    )


def _start_a_finding(page, visit_id) -> None:
    """Tap a region and side on the diagram and type a muscle, without saving."""
    page.goto(f"/app/#/visits/{visit_id}/findings")
    page.locator(".body-diagram [data-region=calf][data-side=left]").click()
    page.get_by_label("Muscle or test (optional)").fill("Gastrocnemius")


def _findings_step_shows(page, count: int, muscle: str = "") -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings · session 1")
    expect(page.locator("#finding-list > li")).to_have_count(count)
    expect(page.get_by_label("Muscle or test (optional)")).to_have_value(muscle)


# ---- leaving the findings step -------------------------------------------------------------


def test_leaving_the_findings_with_a_finding_started_asks_and_can_save_it(
    new_context, server, caseload, data
):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    _start_a_finding(page, ids["first"])
    page.get_by_role("link", name="Close ›").click()
    dialog = page.get_by_role("dialog", name=UNSAVED_FINDING)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Calf, left")
    expect(dialog.get_by_role("button", name="Save the finding")).to_be_focused()
    dialog.get_by_role("button", name="Save the finding").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Close · session 1")
    [finding] = _local(page, "finding", "visit_id", ids["first"])
    assert (finding["region"], finding["side"], finding["muscle_or_test"]) == (
        "calf",
        "left",
        "Gastrocnemius",
    )
    page.get_by_role("link", name="‹ Findings").click()
    _findings_step_shows(page, 1)  # saved once, and the entry panel is empty again


def test_keep_editing_stays_on_the_findings_with_the_entry_as_it_was(new_context, server, caseload, data):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    _start_a_finding(page, ids["first"])
    page.get_by_role("link", name="‹ Since last time").click()
    dialog = page.get_by_role("dialog", name=UNSAVED_FINDING)
    dialog.get_by_role("button", name="Keep editing").click()
    expect(dialog).to_be_hidden()
    _findings_step_shows(page, 0, "Gastrocnemius")
    expect(page.get_by_role("link", name="‹ Since last time")).to_be_focused()  # focus back where it was
    assert _local(page, "finding") == []


def test_discarding_a_started_finding_leaves_the_findings_without_it(new_context, server, caseload, data):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    _start_a_finding(page, ids["first"])
    page.get_by_role("navigation", name="Steps of the session").get_by_role("link", name="Close").click()
    page.get_by_role("dialog", name=UNSAVED_FINDING).get_by_role("button", name="Discard it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close · session 1")
    page.get_by_role("link", name="‹ Findings").click()
    _findings_step_shows(page, 0, "")  # the draft went too
    expect(page.locator("#finding-region")).to_have_value("")
    assert _local(page, "finding") == []


def test_a_finding_that_cannot_be_saved_yet_says_why_and_offers_no_save(new_context, server, caseload, data):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    page.goto(f"/app/#/visits/{ids['first']}/findings")
    page.locator("#finding-region").select_option(label="Knee")  # no side yet
    page.get_by_role("link", name="Close ›").click()
    dialog = page.get_by_role("dialog", name=UNSAVED_FINDING)
    expect(dialog).to_contain_text("side")
    expect(dialog.get_by_role("button", name="Save the finding")).to_have_count(0)
    expect(dialog.get_by_role("button", name="Keep editing")).to_be_focused()
    dialog.get_by_role("button", name="Keep editing").click()
    page.locator("#finding-form [data-field=side]").get_by_text("Right", exact=True).click()
    page.get_by_role("link", name="Close ›").click()
    page.get_by_role("dialog", name=UNSAVED_FINDING).get_by_role("button", name="Save the finding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close · session 1")
    assert [(f["region"], f["side"]) for f in _local(page, "finding")] == [("knee", "right")]


def test_nothing_is_asked_when_no_finding_was_started(new_context, server, caseload, data):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    page.goto(f"/app/#/visits/{ids['first']}/findings")
    page.get_by_role("button", name="Front").click()  # looking is not entering
    page.get_by_role("link", name="Close ›").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close · session 1")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_the_question_is_a_modal_dialog_that_works_by_keyboard(new_context, server, caseload, data):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    _start_a_finding(page, ids["first"])
    close_link = page.get_by_role("link", name="Close ›")
    close_link.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=UNSAVED_FINDING)
    expect(dialog).to_be_visible()
    assert dialog.evaluate("(d) => d.matches(':modal') && Boolean(d.getAttribute('aria-describedby'))")
    expect(dialog.get_by_role("button", name="Save the finding")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Keep editing")).to_be_focused()
    page.keyboard.press("Escape")  # dismissing it keeps editing
    expect(dialog).to_be_hidden()
    expect(close_link).to_be_focused()
    _findings_step_shows(page, 0, "Gastrocnemius")

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Discard it")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Close · session 1")
    expect(page.locator("dialog")).to_have_count(0)


# ---- finishing the session -----------------------------------------------------------------


def _finish_with_a_finding_started(page, visit_id) -> None:
    """Start a finding, then reach the close without passing the question (the browser's Back
    button, then the steps), and tap Finish."""
    page.goto(f"/app/#/visits/{visit_id}/since")
    page.get_by_role("link", name="Findings ›").click()
    page.locator(".body-diagram [data-region=calf][data-side=left]").click()
    page.get_by_label("Muscle or test (optional)").fill("Gastrocnemius")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Since last time · session 1")
    page.get_by_role("navigation", name="Steps of the session").get_by_role("link", name="Close").click()
    page.get_by_role("button", name="Finish the session").click()


@pytest.mark.parametrize("choice", ["Save the finding", "Keep editing", "Discard it"])
def test_finishing_with_a_finding_started_asks_first(new_context, server, caseload, data, choice):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    _finish_with_a_finding_started(page, ids["first"])
    dialog = page.get_by_role("dialog", name=UNSAVED_FINDING)
    expect(dialog).to_contain_text("Gastrocnemius")
    dialog.get_by_role("button", name=choice).click()

    if choice == "Keep editing":
        _findings_step_shows(page, 0, "Gastrocnemius")
        assert page.evaluate(
            "async () => Boolean(await (await import('/static/js/visits.js')).visitInProgress())"
        )
        return
    expect(page.get_by_role("heading", level=1)).to_have_text("Bea Lund")
    findings = [(f["region"], f["muscle_or_test"]) for f in _local(page, "finding")]
    assert findings == ([("calf", "Gastrocnemius")] if choice == "Save the finding" else [])
    assert (
        page.evaluate(
            """async (id) => (await (await import('/static/js/ui/drafts.js')).loadDraft(`finding:${id}`))""",
            ids["first"],
        )
        is None
    )


def _rate_the_cramps_only(page, ids) -> None:
    page.goto(f"/app/#/visits/{ids['later']}/since")
    page.locator(f"[data-sensation='{ids['cramps']}'] [data-field=intensity]").get_by_text(
        "4", exact=True
    ).click()
    page.get_by_role("link", name="Findings ›").click()
    page.get_by_role("link", name="Close ›").click()
    page.get_by_role("button", name="Finish the session").click()


def test_finishing_a_later_visit_lists_what_was_not_rerated_and_can_go_back_to_rate_it(
    new_context, server, caseload, data
):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    _rate_the_cramps_only(page, ids)
    dialog = page.get_by_role("dialog", name=NOT_RERATED)
    expect(dialog.get_by_role("listitem")).to_have_text(["Lower back pain"])
    dialog.get_by_role("button", name="Rate it now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Since last time · session 2")
    back = page.locator(f"[data-sensation='{ids['back']}']")
    expect(back.locator("[data-field=intensity] input").first).to_be_focused()
    back.locator("[data-field=intensity]").get_by_text("2", exact=True).click()
    page.get_by_role("navigation", name="Steps of the session").get_by_role("link", name="Close").click()
    page.get_by_role("button", name="Finish the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")  # nothing left to ask
    ratings = {
        r["sensation_id"]: r["intensity"] for r in _local(page, "sensation_rating", "visit_id", ids["later"])
    }
    assert ratings == {ids["cramps"]: 4, ids["back"]: 2}


def test_finishing_without_rerating_is_the_practitioners_choice(new_context, server, caseload, data):
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    _rate_the_cramps_only(page, ids)
    dialog = page.get_by_role("dialog", name=NOT_RERATED)
    dialog.get_by_role("button", name="Finish without rating it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    ratings = {
        r["sensation_id"]: r["intensity"] for r in _local(page, "sensation_rating", "visit_id", ids["later"])
    }
    assert ratings == {ids["cramps"]: 4}


def test_a_sensation_half_rerated_is_not_saved_with_last_times_intensity(new_context, server, caseload, data):
    """Tapping how often, but no intensity, is a rating started, not one made: it is kept as a
    draft and listed at the close, never saved with an intensity the client did not give."""
    ids = _visits(data, caseload)
    page = sign_in(new_context().new_page())
    page.goto(f"/app/#/visits/{ids['later']}/since")
    page.locator(f"[data-sensation='{ids['cramps']}'] [data-field=intensity]").get_by_text(
        "4", exact=True
    ).click()
    back = page.locator(f"[data-sensation='{ids['back']}']")
    back.get_by_text("When in the day and how often").click()
    back.locator("[data-field=frequency]").get_by_text("Constant", exact=True).click()
    page.get_by_role("navigation", name="Steps of the session").get_by_role("link", name="Close").click()
    page.get_by_role("button", name="Finish the session").click()
    expect(page.get_by_role("dialog", name=NOT_RERATED).get_by_role("listitem")).to_have_text(
        ["Lower back pain"]
    )
    assert [r["sensation_id"] for r in _local(page, "sensation_rating", "visit_id", ids["later"])] == [
        ids["cramps"]
    ]
