"""One phone, two engines: what a scenario does with a phone, for Chromium (Playwright, here)
and for WebKit, Safari's engine (Selenium driving WebKitGTK's own WebDriver: webkit.py).

A scenario says what a practitioner does: fill the field labelled "PIN", press "Unlock", pick
"Left" among the chips of "Side". Each driver says how its engine does it. Reading the page
(its text, the app's own modules) is done by the same JavaScript in both engines, so a check
means the same thing in Chromium and in WebKit.
"""

from __future__ import annotations

import os
import time
from typing import Any

from playwright.sync_api import Page, expect

PHONE_SIZE = (360, 740)
# Debian's Chromium, as Playwright launches it for the tests and the benches here.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The visible text of an element, with runs of white space made one (both engines alike).
_TEXT_OF = "(css) => { const e = document.querySelector(css); return e ? e.innerText.replace(/\\s+/g, ' ').trim() : null; }"


class Phone:
    """A phone with Fieldbook open: the steps a scenario takes, whatever the engine."""

    engine: str
    base_url: str
    timeout_s: float

    # -- what each engine does its own way ------------------------------------------------
    def goto(self, path: str) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def fill(self, label: str, value: str) -> None:
        """Type ``value`` into the field labelled ``label`` (what was there is replaced)."""
        raise NotImplementedError

    def select(self, label: str, option: str) -> None:
        """Choose the option with the words ``option`` in the list labelled ``label``."""
        raise NotImplementedError

    def check(self, label: str, ticked: bool = True) -> None:
        """Tick (or untick) the checkbox labelled ``label``; left as it is if it already is."""
        raise NotImplementedError

    def pick(self, group: str, option: str) -> None:
        """Tap the chip ``option`` in the group of chips whose legend is ``group``."""
        raise NotImplementedError

    def press(self, words: str) -> None:
        """Press the button, or follow the link, that says exactly ``words``."""
        raise NotImplementedError

    def value(self, label: str) -> str:
        """What the field labelled ``label`` holds (a list: the value of the option chosen)."""
        raise NotImplementedError

    def wait_for_value(self, label: str, value: str) -> None:
        """Wait until the field labelled ``label`` holds ``value`` (a draft is put back after the screen is drawn)."""
        raise NotImplementedError

    def evaluate(self, function: str, arg: Any = None) -> Any:
        """Run ``function`` (JavaScript source, may be async) in the page with ``arg``; its result."""
        raise NotImplementedError

    def wait_for(self, predicate: str, arg: Any = None) -> Any:
        """Wait until ``predicate`` (JavaScript source, may be async) returns something truthy."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    # -- the same in both engines ---------------------------------------------------------
    def text(self, css: str) -> str:
        """The visible text of the first element matching ``css``, once there is one."""
        self.wait_for("(css) => document.querySelector(css) !== null", css)
        return self.evaluate(_TEXT_OF, css)

    def wait_for_text(self, css: str, words: str) -> None:
        """Wait until the element matching ``css`` shows ``words`` (white space aside)."""
        try:
            self.wait_for(
                f"([css, words]) => {{ const text = ({_TEXT_OF})(css); return text !== null && text.includes(words); }}",
                [css, " ".join(words.split())],
            )
        except AssertionError as timeout:
            raise AssertionError(
                f"{css} never showed {words!r}; it shows {self.evaluate(_TEXT_OF, css)!r}"
            ) from timeout

    def wait_for_attribute(self, css: str, name: str, value: str) -> None:
        self.wait_for(
            "([css, name, value]) => { const e = document.querySelector(css); "
            "return e !== null && e.getAttribute(name) === value; }",
            [css, name, value],
        )

    def count(self, css: str) -> int:
        return self.evaluate("(css) => document.querySelectorAll(css).length", css)

    def wait_for_url(self, fragment: str) -> None:
        """Wait until the page's address contains ``fragment``."""
        deadline = time.monotonic() + self.timeout_s
        while fragment not in self.url:
            if time.monotonic() > deadline:
                raise AssertionError(f"the address never held {fragment!r}: {self.url}")
            time.sleep(0.05)


class ChromiumPhone(Phone):
    """A Playwright page in Debian's Chromium."""

    engine = "chromium"

    def __init__(self, page: Page, base_url: str, timeout_s: float):
        self.page, self.base_url, self.timeout_s = page, base_url, timeout_s

    def goto(self, path: str) -> None:
        self.page.goto(path)

    def reload(self) -> None:
        self.page.reload()

    def _control(self, label: str):
        return self.page.get_by_label(label, exact=True)

    def fill(self, label: str, value: str) -> None:
        self._control(label).fill(value)

    def select(self, label: str, option: str) -> None:
        self._control(label).select_option(label=option)

    def check(self, label: str, ticked: bool = True) -> None:
        self._control(label).set_checked(ticked)

    def pick(self, group: str, option: str) -> None:
        self.page.get_by_role("group", name=group, exact=True).get_by_text(option, exact=True).click()

    def press(self, words: str) -> None:
        button = self.page.get_by_role("button", name=words, exact=True)
        link = self.page.get_by_role("link", name=words, exact=True)
        button.or_(link).first.click()

    def value(self, label: str) -> str:
        return self._control(label).input_value()

    def wait_for_value(self, label: str, value: str) -> None:
        expect(self._control(label)).to_have_value(value, timeout=self.timeout_s * 1000)

    def evaluate(self, function: str, arg: Any = None) -> Any:
        return self.page.evaluate(function, arg)

    def wait_for(self, predicate: str, arg: Any = None) -> Any:
        try:
            return self.page.wait_for_function(predicate, arg=arg, timeout=self.timeout_s * 1000).json_value()
        except Exception as timeout:  # Playwright's TimeoutError: the same failure as WebKit's
            raise AssertionError(f"never true: {predicate}") from timeout

    def wait_for_url(self, fragment: str) -> None:
        # Playwright learns of a navigation only while it is called: no sleeping loop here.
        self.page.wait_for_url(lambda url: fragment in url, timeout=self.timeout_s * 1000)

    @property
    def url(self) -> str:
        return self.page.url
