"""The phone shows a case history under the published words, the ones the desk uses."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import expect, open_client, sign_in

pytestmark = pytest.mark.e2e


def test_the_client_page_sums_up_the_case_history_under_its_published_labels(new_context, server, caseload):
    page = sign_in(new_context().new_page())
    open_client(page, "Alex Morgan")
    # The caseload's case history: an accountant, sitting eight hours a day.
    expect(page.locator("#paperwork")).to_contain_text("Occupation: Accountant; Hours sitting a day: 8.")
