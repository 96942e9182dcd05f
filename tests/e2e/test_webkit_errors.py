"""The WebKit lane sees the app's uncaught errors, as Playwright does for Chromium."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.webkit]


@pytest.mark.parametrize("engine", ["webkit"], indirect=True)
def test_an_uncaught_error_and_an_unhandled_rejection_are_kept_across_a_reload(open_phone):
    phone = open_phone()
    phone.goto("/login")
    phone.evaluate(
        "() => { setTimeout(() => { throw new Error('thrown on purpose'); }); "
        "Promise.reject(new Error('rejected on purpose')); }"
    )
    phone.wait_for(
        "() => (sessionStorage.getItem('fieldbook-test-errors') || '').includes('thrown on purpose')"
    )
    phone.reload()
    kept = phone.page_errors()
    assert any("thrown on purpose" in error for error in kept), kept
    assert any("rejected on purpose" in error for error in kept), kept
    phone.evaluate("() => sessionStorage.removeItem('fieldbook-test-errors')")  # seen: not the app's
    assert phone.page_errors() == []
