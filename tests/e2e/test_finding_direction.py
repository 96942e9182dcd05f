"""A finding's direction of tension, chosen on the phone offline, reaches the desk's record and its print."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    open_client,
    sign_in,
    sign_in_at_desk,
    wait_for_sync,
    wait_until_ready,
)
from webapp.visits.models import Finding

pytestmark = pytest.mark.e2e


def test_a_direction_chosen_offline_is_kept_in_the_draft_synced_and_printed_at_the_desk(
    new_context, server, caseload, data
):
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    page.reload()
    wait_until_ready(page)

    open_client(page, "Alex Morgan")
    page.get_by_role("link", name=re.compile(r"^Start (a|the first) visit$")).click()
    page.get_by_role("link", name="Findings ›").click()
    form = page.locator("#finding-form")
    direction = form.get_by_label("Direction of the tension (optional)")
    expect(direction.locator("option")).to_have_count(6)  # "Not noted" and the five directions
    expect(direction).to_have_value("")  # optional: nothing chosen unless the practitioner does

    # Chosen by keyboard alone, like the other fields, and kept in the draft through a reload.
    form.get_by_label("Region").select_option(label="Hip")
    form.locator("[data-field=side]").get_by_text("Left", exact=True).click()
    direction.focus()
    page.keyboard.press(
        "ArrowDown"
    )  # moves a closed select on to the next option, as a screen-reader user would
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(direction).to_have_value("medial")
    page.wait_for_function("""async () => {
        const { loadDraft } = await import('/static/js/ui/drafts.js');
        const drafts = await Promise.all([...document.querySelectorAll('form[data-draft]')]
            .map((form) => loadDraft(form.dataset.draft)));
        return drafts.some((draft) => draft && draft.direction === 'medial');
    }""")
    page.reload()
    wait_until_ready(page)
    form = page.locator("#finding-form")
    direction = form.get_by_label("Direction of the tension (optional)")
    expect(direction).to_have_value("medial")
    form.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-saved")).to_contain_text("Hip")
    expect(page.locator("#finding-list")).to_contain_text("tension found, released, towards the midline")
    expect(direction).to_have_value("")  # the panel is ready for the next finding

    # A second finding without a direction is saved as before.
    form.get_by_label("Region").select_option(label="Calf")
    form.locator("[data-field=side]").get_by_text("Right", exact=True).click()
    form.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-list > li")).to_have_count(2)

    go_online(context, server)
    wait_for_sync(page)
    with data() as s:
        stored = {f.region: f.direction for f in s.scalars(select(Finding))}
    assert stored == {"hip": "medial", "calf": None}

    desk = sign_in_at_desk(new_context(viewport={"width": 1280, "height": 900}).new_page(), data)
    desk.goto(f"/clients/{caseload['alex']}/record")
    said = desk.locator("table.findings .direction")
    expect(said).to_have_count(1)
    expect(said).to_have_text("· Direction: Towards the midline")
    desk.emulate_media(media="print")
    expect(said).to_be_visible()
    expect(desk.locator("table.findings")).to_contain_text(
        "Tension found, released · Direction: Towards the midline"
    )
