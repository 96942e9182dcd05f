"""Every tap target of a whole visit is thumb-sized at 360 x 740, and no screen scrolls
sideways at 320, 360 or 390 px (issue 15).

The walk records a first visit (case history, acknowledgement, complaints, findings on the
chart, close), a later visit with re-rating, and a sync, and measures each screen as it goes:
every visible element a finger can use must be at least 44 x 44 CSS px. A checkbox or radio
is measured by its label, the thing a thumb hits; a link inside a sentence is exempt, as in
WCAG 2.5.8, because making it taller would break the sentence's lines.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.e2e.axe import violations
from tests.e2e.helpers import expect, open_client, sign_in, wait_for_sync
from webapp.auth.models import Clinic, User
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
SMALLEST = 44
WIDTHS = (320, 390)  # checked for sideways scrolling besides 360

# What a finger can use, measured in the page itself: [description, width, height] of each
# offender. Elements drawn away (hidden, zero-sized, off-screen like the skip link) are not
# targets; an input under a label is measured by the label.
MEASURE = """(smallest) => {
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex="0"]';
  const offenders = [];
  const seen = new Set();
  for (let el of document.querySelectorAll(targets)) {
    if (el.closest('[hidden], [aria-hidden=true], .visually-hidden')) continue;
    if (el.matches('input[type=checkbox], input[type=radio]')) el = el.closest('label') || document.querySelector(`label[for="${el.id}"]`) || el;
    if (seen.has(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || box.right <= 0) continue;
    if (el.matches('a') && el.parentElement && el.parentElement.matches('p, li, dd, span')
        && el.parentElement.textContent.trim() !== el.textContent.trim()) continue;  // a link in a sentence
    if (Math.round(box.width) < smallest || Math.round(box.height) < smallest) {
      const name = el.getAttribute('aria-label') || el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40) || el.name || el.id;
      offenders.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return offenders;
}"""


class Walk:
    """The screens seen, and what was wrong on each."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.screens: list[str] = []

    def check(self, screen: str) -> None:
        page = self.page
        expect(page.locator("main h1")).to_be_visible()
        page.wait_for_timeout(150)  # charts size themselves to their box
        self.screens.append(screen)
        self.problems += [f"{screen}: {offender}" for offender in page.evaluate(MEASURE, SMALLEST)]
        self.problems += [f"{screen}: {broken}" for broken in violations(page)]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 740})
            page.wait_for_timeout(100)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                self.problems.append(f"{screen}: scrolls sideways by {overflow} px at {width} px")
        page.set_viewport_size({"width": 360, "height": 740})
        page.wait_for_timeout(100)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.problems.append(f"{screen}: scrolls sideways by {overflow} px at 360 px")


def _a_day_of_work(data, caseload) -> None:
    """Cara, new, booked today; Alex had a first visit three days ago with a sensation rated."""
    with data() as s:
        clinic, pat = s.get(Clinic, caseload["clinic"]), s.get(User, caseload["pat"])
        cara = factories.make_client(clinic, pat, first_name="Cara", last_name="Nolan", town="Ashford")
        today = dt.datetime.now(LONDON).date()
        factories.make_appointment(
            cara, pat, starts_at=dt.datetime.combine(today, dt.time(15, 30), tzinfo=LONDON)
        )
        alex = s.get(Client, caseload["alex"])
        first = factories.make_visit(
            alex, number=1, started_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        )
        sensation = factories.make_sensation(alex, kind="calf_cramps", region="calf", side="left")
        factories.make_rating(sensation, first, 7, frequency="several_daily", times_of_day=["night"])
        factories.make_finding(first, "calf", "left", muscle_or_test="Gastrocnemius")


def test_a_whole_visit_has_thumb_sized_targets_and_never_scrolls_sideways(
    new_context, server, caseload, data
):
    _a_day_of_work(data, caseload)
    page = sign_in(
        new_context(viewport={"width": 360, "height": 740}, timezone_id="Europe/London").new_page()
    )
    walk = Walk(page)

    walk.check("Today")
    page.goto("/app/#/clients")
    walk.check("Client list")
    open_client(page, "Cara Nolan")
    walk.check("Client page (new client)")

    # A first visit, started from Today.
    page.goto("/app/#/")
    page.get_by_role("link", name="Start the visit").click()
    expect(page.locator("main h1")).to_contain_text("First visit with Cara")
    walk.check("First visit: case history")
    page.get_by_label("Occupation (optional)").fill("Accountant")
    page.get_by_role("button", name="Save the case history").click()
    expect(page.get_by_label("The client has read this and agrees")).to_be_visible()
    walk.check("First visit: acknowledgement")
    page.get_by_label("The client has read this and agrees").check()
    page.get_by_role("button", name="Record the acknowledgement").click()
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("main h1")).to_have_text("Since last time · session 1")
    walk.check("Complaints (the baseline form open)")

    page.get_by_role("link", name="Findings ›").click()
    expect(page.get_by_role("heading", name="Record a finding")).to_be_visible()
    walk.check("Findings, the chart from the back")
    page.get_by_role("button", name="Lower back, L4", exact=True).click()
    page.locator("#finding-form [data-field=side]").get_by_text("Left", exact=True).click()
    page.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-list > li")).to_have_count(1)
    page.get_by_role("button", name="Calf, left", exact=True).click()
    page.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-list > li")).to_have_count(2)
    walk.check("Findings, two recorded")
    page.get_by_role("button", name="Front").click()
    walk.check("Findings, the chart from the front")

    page.get_by_role("link", name="Close ›").click()
    walk.check("Close")
    page.get_by_role("button", name="Finish the session").click()
    expect(page.locator("main h1")).to_have_text("Cara Nolan")
    walk.check("Client page after the first visit")

    # A later visit: Alex's sensation is re-rated.
    open_client(page, "Alex Morgan")
    walk.check("Client page (later client)")
    page.get_by_role("link", name="Start a visit").click()
    expect(page.locator("main h1")).to_have_text("Since last time · session 2")
    walk.check("Later visit: reactions and re-rating")
    page.get_by_text("When in the day and how often").first.click()
    walk.check("Later visit: when and how often open")
    page.get_by_text("The client mentions something new").click()
    walk.check("Later visit: a new sensation open")
    page.get_by_role("navigation", name="Steps of the session").get_by_role("link", name="Close").click()
    walk.check("Later visit: close")

    page.get_by_role("button", name="Sync now").click()
    wait_for_sync(page)
    walk.check("After the sync")
    page.goto("/app/#/attention")
    walk.check("Needs attention")

    assert len(walk.screens) >= 15
    assert not walk.problems, "Too small or too wide:\n" + "\n".join(walk.problems)
