"""A change the server refuses stays on the phone, visible, and can be fixed and sent again;
the clinic's own terms reach the phone's forms at the next sync."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.e2e.helpers import (
    expect,
    go_offline,
    go_online,
    idb_counts,
    open_client,
    record_session,
    sign_in,
    wait_for_sync,
    wait_until_ready,
)
from webapp.db import now_utc
from webapp.visits.models import Finding, Visit
from webapp.vocab.models import VocabularyTerm

pytestmark = pytest.mark.e2e


def test_a_refused_finding_is_kept_marked_and_can_be_fixed_and_resent(new_context, server, caseload, data):
    # The clinic had added its own region term; the phone learnt it at its last sync.
    with data() as s:
        term = VocabularyTerm(
            clinic_id=caseload["clinic"], kind="region", code="shoulder_blade", label="Shoulder blade"
        )
        s.add(term)
    context = new_context()
    page = sign_in(context.new_page())
    go_offline(context, server)
    # Meanwhile the clinic withdraws the term, so a finding using it will be refused.
    with data() as s:
        s.scalars(select(VocabularyTerm)).one().deleted_at = now_utc()

    record_session(page, "Alex Morgan", [("Shoulder blade", "Left", True)])
    go_online(context, server)
    indicator = page.locator("#sync-indicator")
    expect(indicator).to_have_attribute("data-attention", "1")
    wait_for_sync(page)  # the session itself went through; the finding waits for a fix

    with data() as s:
        assert len(s.scalars(select(Visit)).all()) == 1
        assert s.scalars(select(Finding)).all() == []
    counts = idb_counts(page)
    assert counts["rejected"] == 1 and counts["finding"] == 1  # kept on the phone, marked

    page.reload()  # still there after a reload
    wait_until_ready(page)
    indicator.get_by_role("link", name="1 needs attention").click()
    item = page.locator("[data-kind=rejected]")
    expect(item).to_contain_text("Finding for Alex Morgan")
    expect(item.locator(".server-errors")).to_contain_text("Region: Choose region from the list.")

    item.get_by_label("Region").select_option(label="Calf")
    item.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("Nothing needs your attention.")).to_be_visible()
    wait_for_sync(page)
    expect(indicator).to_have_attribute("data-attention", "0")

    with data() as s:
        findings = s.scalars(select(Finding)).all()
        assert [(f.region, f.side) for f in findings] == [("calf", "left")]
    assert idb_counts(page)["outbox"] == 0


def test_a_term_the_clinic_adds_is_in_the_phones_forms_after_the_next_sync(
    new_context, server, caseload, data
):
    page = sign_in(new_context().new_page())
    with data() as s:
        s.add(VocabularyTerm(clinic_id=caseload["clinic"], kind="region", code="neck", label="Neck"))
    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    open_client(page, "Alex Morgan")
    page.get_by_role("link", name="Start the first visit").click()
    page.get_by_role("link", name="Findings ›").click()
    # Exactly "Neck": the starting regions have "Neck (cervical)" since issue 15.
    expect(page.locator("#finding-region option", has_text=re.compile(r"^Neck$"))).to_have_count(1)
