"""The storage question is asked once, in the installed app; a dismissed warning stays dismissed,
and comes back only when the browser later refuses, as one line."""

from __future__ import annotations

import json

import pytest

from tests.e2e.helpers import expect, sign_in, wait_until_ready

pytestmark = pytest.mark.e2e

# The browser's side, as the test sets it (localStorage "test.storage", read at every start):
# {installed, persisted, answer}. Every call of persist() is counted in "test.persist-calls".
BROWSER = """(() => {
  let wanted = {};
  try { wanted = JSON.parse(localStorage.getItem('test.storage') || '{}'); } catch { return; }
  if (wanted.installed) {
    const real = window.matchMedia.bind(window);
    window.matchMedia = (query) => (query.includes('display-mode: standalone')
      ? { matches: true, media: query, addEventListener() {}, removeEventListener() {} } : real(query));
  }
  const storage = navigator.storage;
  const persisted = storage.persisted.bind(storage);
  const persist = storage.persist.bind(storage);
  storage.persisted = async () => ('persisted' in wanted ? wanted.persisted : persisted());
  storage.persist = async () => {
    localStorage.setItem('test.persist-calls', String(Number(localStorage.getItem('test.persist-calls') || 0) + 1));
    return 'answer' in wanted ? wanted.answer : persist();
  };
})();"""


def _phone(new_context, **browser):
    context = new_context()
    context.add_init_script(BROWSER)
    page = context.new_page()
    page.goto("/login")
    page.evaluate("(wanted) => localStorage.setItem('test.storage', wanted)", json.dumps(browser))
    return sign_in(page)


def _restart(page) -> None:
    page.reload()
    wait_until_ready(page)
    page.wait_for_function("() => performance.getEntriesByName('fieldbook-advised').length > 0")


def _asked(page) -> int:
    return int(page.evaluate("() => localStorage.getItem('test.persist-calls') || 0"))


def test_in_a_tab_nothing_is_asked_and_a_dismissed_warning_stays_dismissed(new_context, server, caseload):
    page = _phone(new_context, persisted=False)
    _restart(page)
    notice = page.locator("#storage-notice")
    expect(notice).to_contain_text("This browser has not promised to keep Fieldbook’s data")
    notice.get_by_role("button", name="Dismiss").click()
    expect(notice).to_have_count(0)
    for _ in range(2):
        _restart(page)
        expect(notice).to_have_count(0)
    assert _asked(page) == 0  # only the installed app puts the question


def test_the_installed_app_asks_once_and_a_refusal_is_one_line(new_context, server, caseload):
    page = _phone(new_context, installed=True, persisted=False, answer=False)
    _restart(page)
    line = page.locator("#storage-notice")
    expect(line).to_have_class("notice-line")
    expect(line).to_contain_text("Data may be cleared: sync often.")
    box = line.bounding_box()
    assert box["height"] <= 48, box  # one line (with its 44 px dismiss button), not a panel
    _restart(page)
    assert _asked(page) == 1
    line.get_by_role("button", name="Dismiss: data may be cleared").click()
    _restart(page)
    expect(line).to_have_count(0)
    assert _asked(page) == 1


def test_a_promise_kept_says_nothing_and_one_later_withdrawn_brings_back_the_line(
    new_context, server, caseload
):
    page = _phone(new_context, installed=True, persisted=True)
    _restart(page)
    expect(page.locator("#storage-notice")).to_have_count(0)
    assert _asked(page) == 0  # already promised: nothing to ask

    page.evaluate(
        "() => localStorage.setItem('test.storage', JSON.stringify({installed: true, persisted: false, "
        "answer: false}))"
    )
    _restart(page)
    expect(page.locator("#storage-notice.notice-line")).to_contain_text("Data may be cleared")
    assert _asked(page) == 1  # the one time it is asked: the browser had promised without being asked
    _restart(page)
    expect(page.locator("#storage-notice.notice-line")).to_be_visible()  # until dismissed
    assert _asked(page) == 1
