"""Drafts: every entry form of the phone app keeps what was typed, exactly as typed, until it
is saved, so a reload, a locked phone or a switch of apps loses nothing (issue 10, items 1-2).

The main test walks every screen of a whole visit, finds every <form> on it, types into
every control, reloads and expects each form back as it was left: a form added later
without a draft fails it.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from tests import factories
from tests.e2e.helpers import expect, keep_the_server_out_of_reach, sign_in, wait_until_ready
from webapp.auth.models import Clinic, User
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

UI = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js" / "ui"

# Text with the whitespace a person leaves while typing: drafts keep it byte for byte.
TYPED = "  typed, then a pause "
TYPED_LINES = "  first line\n\n  second line, mid-sentence "


def _whole_visit(data, caseload) -> dict:
    """Every kind of screen a visit goes through, seeded: a first visit and a later one."""
    now = dt.datetime.now(dt.UTC)
    with data() as s:
        clinic, pat = s.get(Clinic, caseload["clinic"]), s.get(User, caseload["pat"])
        alex, bea = s.get(Client, caseload["alex"]), s.get(Client, caseload["bea"])
        earlier = factories.make_visit(alex, number=1, started_at=now - dt.timedelta(days=3))
        cramps = factories.make_sensation(alex, kind="calf_cramps", region="calf", side="left")
        factories.make_rating(cramps, earlier, 7, frequency="several_daily", times_of_day=["night"])
        later = factories.make_visit(alex, number=2, started_at=now - dt.timedelta(minutes=5))
        first = factories.make_visit(bea, number=1, started_at=now - dt.timedelta(minutes=5))
        newcomer = factories.make_client(clinic, pat, first_name="Nia", last_name="Okafor")
        halfway = factories.make_client(clinic, pat, first_name="Omar", last_name="Reyes")
        factories.make_case_history(halfway)  # history taken, acknowledgement not yet
        s.flush()
        return {
            "alex": alex.id,
            "later": later.id,
            "first": first.id,
            "newcomer": newcomer.id,
            "halfway": halfway.id,
        }


# screen, its route, and the forms it must hold (more may come; every one is checked)
SCREENS = [
    ("new client", "#/clients/new", ["[data-draft='client:new']"]),
    ("client details", "#/clients/{alex}/edit", ["[data-draft^='client:']"]),
    ("case history", "#/clients/{alex}/case-history", ["[data-draft^='case-history:']"]),
    ("first visit paperwork", "#/clients/{newcomer}/first-visit", ["[data-draft^='case-history:']"]),
    ("acknowledgement", "#/clients/{halfway}/first-visit", ["#acknowledgement-form"]),
    ("complaint", "#/visits/{first}/since", ["#add-sensation"]),
    ("finding", "#/visits/{first}/findings", ["#finding-form"]),
    ("close", "#/visits/{first}/close", ["#close-form"]),
    ("re-rating", "#/visits/{later}/since", ["form[data-sensation]", "#add-sensation"]),
]

# A control's state, by position in its form and by a name that survives a redraw (chip ids
# carry a counter).
SNAPSHOT = """(form) => [...form.elements].filter((c) => c.matches('input, select, textarea') && c.type !== 'hidden')
    .map((c, i) => `${i} ${c.dataset.name || c.name || c.id}${c.type === 'radio' || c.type === 'checkbox'
      ? `=${c.value}: ${c.checked}` : `: ${JSON.stringify(c.value)}`}`)"""

CONTROL = """(c) => ({tag: c.tagName.toLowerCase(), type: c.type, id: c.id, checked: c.checked, name: c.name,
    hasValue: c.hasAttribute('value'), options: c.options ? c.options.length : 0,
    shown: !c.disabled && c.type !== 'hidden' && !c.closest('[hidden]') && c.getClientRects().length > 0})"""

TEXT_VALUES = {
    "email": "nia@example.test",
    "number": "3",
    "date": "2001-02-03",
    "datetime-local": "2030-01-02T10:30",
}


def _type_into_every_control(page, form) -> None:
    """Change every control of ``form`` as a thumb or a keyboard would."""
    controls = form.locator("input, select, textarea")
    radios_done = set()
    for index in range(controls.count()):
        control = controls.nth(index)
        info = control.evaluate(CONTROL)
        if not info["shown"]:
            continue
        label = page.locator(f"label[for='{info['id']}']") if info["id"] else None
        if info["tag"] == "select":
            control.select_option(index=info["options"] - 1)
        elif info["type"] == "radio":
            if info["name"] not in radios_done and not info["checked"]:
                radios_done.add(info["name"])
                label.click()
        elif info["type"] == "checkbox":
            label.first.click() if label and label.count() else control.click()
        elif info["tag"] == "textarea":
            control.fill(TYPED_LINES)
        else:
            control.fill(TEXT_VALUES.get(info["type"], TYPED))


def _settled(page) -> None:
    """Wait for the saves of what was typed (they run as it is typed, one at a time)."""
    page.evaluate("() => import('/static/js/ui/chips.js').then((chips) => chips.flushAll())")


def _expect_snapshot(form, expected: list[str], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while (now := form.evaluate(SNAPSHOT)) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert now == expected


@pytest.mark.parametrize("screen,route,required", SCREENS, ids=[s[0] for s in SCREENS])
def test_every_form_on_the_screens_of_a_visit_keeps_a_draft_through_a_reload(
    new_context, server, caseload, data, screen, route, required
):
    ids = _whole_visit(data, caseload)
    page = sign_in(new_context().new_page())
    # The phone alone: these are its drafts and records, not what a sync makes of them.
    keep_the_server_out_of_reach(page)
    page.goto(f"/app/{route.format(**ids)}")
    expect(page.locator("main h1")).to_be_visible()
    for selector in required:
        expect(page.locator(f"main {selector}").first).to_be_attached()
    for details in page.locator("main details").all():  # "the client mentions something new"
        details.evaluate("(d) => { d.open = true; }")

    forms = page.locator("main form")
    assert forms.count() > 0
    typed = {}
    for index in range(forms.count()):
        form = forms.nth(index)
        key = form.get_attribute("data-draft")
        assert key, (
            f"a form on the {screen} screen keeps no draft: {form.evaluate('(f) => f.outerHTML')[:200]}"
        )
        _type_into_every_control(page, form)
        typed[key] = form.evaluate(SNAPSHOT)
    _settled(page)

    page.reload()
    wait_until_ready(page)
    expect(page.locator("main h1")).to_be_visible()
    for key, snapshot in typed.items():
        _expect_snapshot(page.locator(f"main form[data-draft='{key}']"), snapshot)


def test_a_complaint_being_typed_comes_back_after_a_reload_and_goes_once_added(
    new_context, server, caseload, data
):
    ids = _whole_visit(data, caseload)
    page = sign_in(new_context().new_page())
    page.goto(f"/app/#/visits/{ids['first']}/since")
    form = page.locator("#add-sensation")
    form.get_by_label("What the client feels").select_option(label="Calf cramps")
    form.get_by_label("In the client’s words (optional)").fill("cramps at night, ")
    form.get_by_label("Where").select_option(label="Calf")
    form.locator("[data-field=side]").get_by_text("Left", exact=True).click()
    _settled(page)

    page.reload()
    wait_until_ready(page)
    form = page.locator("#add-sensation")
    expect(form.get_by_label("What the client feels")).to_have_value("calf_cramps")
    expect(form.get_by_label("In the client’s words (optional)")).to_have_value("cramps at night, ")
    expect(form.get_by_label("Where")).to_have_value("calf")
    expect(form.locator("[data-field=side] input[value=left]")).to_be_checked()

    form.locator("[data-field=frequency]").get_by_text("Daily", exact=True).click()
    form.locator("[data-field=intensity]").get_by_text("6", exact=True).click()
    form.get_by_role("button", name="Add this sensation").click()
    expect(page.locator("#sensation-list")).to_contain_text("cramps at night")  # stored trimmed
    assert (
        page.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        return (await db.listRecords('sensation')).map((s) => s.client_words);
    }""").count("cramps at night,")
        == 1
    )
    _settled(page)
    page.reload()
    wait_until_ready(page)
    expect(page.locator("#add-sensation").get_by_label("In the client’s words (optional)")).to_have_value("")
    expect(page.locator("#add-sensation").get_by_label("What the client feels")).to_have_value("")


def test_a_findings_note_comes_back_byte_for_byte_and_is_trimmed_only_when_saved(
    new_context, server, caseload, data
):
    ids = _whole_visit(data, caseload)
    page = sign_in(new_context().new_page())
    page.goto(f"/app/#/visits/{ids['first']}/findings")
    page.locator(".body-diagram [data-region=calf][data-side=left]").click()
    note = "  Left calf:\n\n  eased a little after the "
    page.get_by_label("Muscle or test (optional)").fill("Gastrocnemius ")
    page.get_by_label("Short note (optional)").fill(note)
    _settled(page)

    page.reload()
    wait_until_ready(page)
    expect(page.get_by_label("Short note (optional)")).to_have_value(note)
    expect(page.get_by_label("Muscle or test (optional)")).to_have_value("Gastrocnemius ")
    page.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-saved")).to_contain_text("Calf")
    saved = page.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        return (await db.listRecords('finding')).map((f) => [f.muscle_or_test, f.note]);
    }""")
    assert saved == [["Gastrocnemius", "Left calf:\n\n  eased a little after the"]]


# The lock screens' forms take a PIN, which must never be kept anywhere: they alone are built
# by hand, and keep no draft.
NEVER_DRAFTED = {"lock.js"}


def test_no_screen_builds_a_form_that_could_keep_no_draft():
    """Forms come from form.js (entryForm, recordForm), which need a draft key: a screen that
    built one by hand could forget it."""
    hand_built = [
        path.name
        for path in UI.glob("*.js")
        if path.name != "form.js" and re.search(r"""h\(\s*['"]form['"]""", path.read_text())
    ]
    assert sorted(hand_built) == sorted(NEVER_DRAFTED)
    assert "draft" not in (UI / "lock.js").read_text()


ENTRY_IN_PROGRESS = "() => import('/static/js/ui/dom.js').then((dom) => dom.entryInProgress())"


def test_a_draft_marks_its_form_unsaved_unless_the_screen_saves_as_typed(new_context, server, caseload, data):
    """An unsaved draft holds back a redraw or an update; the close, saved to the visit at
    every keystroke, does not hold back an update until the session is finished."""
    ids = _whole_visit(data, caseload)
    page = sign_in(new_context().new_page())
    page.goto(f"/app/#/visits/{ids['first']}/close")
    page.get_by_label("Notes (optional)").fill("Calves tight ")
    page.get_by_role("heading", level=1).focus()
    _settled(page)
    assert page.evaluate(ENTRY_IN_PROGRESS) is False
    page.reload()
    wait_until_ready(page)
    expect(page.get_by_label("Notes (optional)")).to_have_value("Calves tight ")
    assert page.evaluate(ENTRY_IN_PROGRESS) is False

    page.goto(f"/app/#/visits/{ids['first']}/findings")
    page.get_by_label("Short note (optional)").fill("eased")
    page.get_by_role("heading", level=1).focus()
    assert page.evaluate(ENTRY_IN_PROGRESS) is True
