"""One phone, two engines: what a scenario does with a phone, for Chromium (Playwright) and for
WebKit, Safari's engine (Selenium driving WebKitGTK's own WebDriver on a virtual display).

A scenario says what a practitioner does: fill the field labelled "PIN", press "Unlock", pick
"Left" among the chips of "Side". Each driver says how its engine does it. Reading the page
(its text, the app's own modules) is done by the same JavaScript in both engines, so a check
means the same thing in Chromium and in WebKit.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.support.select import Select

WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
XVFB = os.environ.get("XVFB", "/usr/bin/Xvfb")
PHONE_SIZE = (360, 740)

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
            self.wait_for(f"([css, words]) => {{ const text = ({_TEXT_OF})(css); return text !== null && text.includes(words); }}",
                          [css, " ".join(words.split())])
        except AssertionError as timeout:
            raise AssertionError(f"{css} never showed {words!r}; it shows {self.evaluate(_TEXT_OF, css)!r}") from timeout

    def wait_for_attribute(self, css: str, name: str, value: str) -> None:
        self.wait_for("([css, name, value]) => { const e = document.querySelector(css); "
                      "return e !== null && e.getAttribute(name) === value; }", [css, name, value])

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


# Finds a control as a person does. Returns [control, label]: the label is what a finger
# taps (chips hide their input under it).
_FIND = """([kind, words, group]) => {
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const shown = (e) => e !== null && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  let scope = document;
  if (group !== null) {
    scope = [...document.querySelectorAll('fieldset')].find((f) => shown(f) && norm(f.querySelector('legend')?.textContent) === group);
    if (!scope) return null;
  }
  if (kind === 'press') {
    const found = [...scope.querySelectorAll('button, a, input[type=submit]')]
      .find((e) => shown(e) && norm(e.textContent || e.value) === words);
    return found ? [found, null] : null;
  }
  for (const label of scope.querySelectorAll('label')) {
    if (norm(label.textContent) !== words) continue;
    const control = label.htmlFor ? document.getElementById(label.htmlFor) : label.querySelector('input, select, textarea');
    if (control && (shown(control) || shown(label))) return [control, label];
  }
  const named = [...scope.querySelectorAll('[aria-label]')].find((e) => shown(e) && norm(e.getAttribute('aria-label')) === words);
  return named ? [named, null] : null;
}"""


class WebKitPhone(Phone):
    """MiniBrowser, WebKitGTK's own browser, through WebKitWebDriver and Selenium.

    Each phone has a driver of its own, started with the phone's time zone and language in
    its environment (WebKit takes both from there), on the session's virtual display.
    """

    engine = "webkit"

    def __init__(self, base_url: str, timeout_s: float, display: str, *, time_zone: str | None = None,
                 locale: str | None = None, log: Path | None = None):
        self.base_url, self.timeout_s = base_url, timeout_s
        env = {**os.environ, "DISPLAY": display}
        if time_zone:
            env["TZ"] = time_zone
        if locale:  # WebKit reads the language from the environment, as GLib does
            env["LANG"] = env["LC_ALL"] = f"{locale.replace('-', '_')}.UTF-8"
            env["LANGUAGE"] = locale.replace("-", "_")
        port = _free_port()
        self._log = open(log or os.devnull, "ab")  # closed with the driver
        self._process = subprocess.Popen([WEBKIT_DRIVER, f"--port={port}"], env=env, stdout=self._log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for_port(port, self._process)
            connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=f"http://127.0.0.1:{port}"))
            self.driver = webdriver.Remote(command_executor=connection, options=webdriver.WebKitGTKOptions())
            self.driver.set_script_timeout(timeout_s)
            self.driver.set_window_rect(width=PHONE_SIZE[0], height=PHONE_SIZE[1])
        except BaseException:
            self._stop_driver()
            raise

    def close(self) -> None:
        with suppress(Exception):
            self.driver.quit()
        self._stop_driver()

    def _stop_driver(self) -> None:
        """End the driver and whatever it started (its own process group: a browser left over
        by a session that could not quit goes too)."""
        with suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        self._log.close()

    def goto(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def reload(self) -> None:
        self.driver.refresh()

    def _act(self, kind: str, words: str, action: Callable, group: str | None = None) -> Any:
        """Find the control and act on it, again until it works or time is up (a screen being
        redrawn replaces its elements), as Playwright does for Chromium."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            problem = None
            try:
                found = self.driver.execute_script(f"return ({_FIND})(arguments[0]);", [kind, words, group])
                if found:
                    # In the middle of the screen, clear of the sticky bars (Playwright does the same).
                    self.driver.execute_script("(arguments[1] || arguments[0]).scrollIntoView({block: 'center'});", *found)
                    return action(*found)
                problem = "not on the screen"
            except WebDriverException as error:  # stale, covered or not yet interactable
                problem = error.msg
            if time.monotonic() > deadline:
                where = f" in {group!r}" if group else ""
                raise AssertionError(f"could not {kind} {words!r}{where}: {problem}")
            time.sleep(0.05)

    def fill(self, label: str, value: str) -> None:
        def type_in(control, _label):
            control.clear()
            control.send_keys(value)
        self._act("fill", label, type_in)

    def select(self, label: str, option: str) -> None:
        self._act("select", label, lambda control, _label: Select(control).select_by_visible_text(option))

    def check(self, label: str, ticked: bool = True) -> None:
        def tick(control, label_element):
            if control.is_selected() != ticked:
                (control if control.is_displayed() else label_element).click()
        self._act("check", label, tick)

    def pick(self, group: str, option: str) -> None:
        self._act("pick", option, lambda _control, label: label.click(), group=group)

    def press(self, words: str) -> None:
        self._act("press", words, lambda control, _label: control.click())

    def value(self, label: str) -> str:
        return self._act("read", label, lambda control, _label: control.get_property("value"))

    def wait_for_value(self, label: str, value: str) -> None:
        deadline = time.monotonic() + self.timeout_s
        while (found := self.value(label)) != value:
            if time.monotonic() > deadline:
                raise AssertionError(f"{label!r} never held {value!r}; it holds {found!r}")
            time.sleep(0.05)

    def evaluate(self, function: str, arg: Any = None) -> Any:
        answer = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => ({function})(arguments[0]))"
            ".then((value) => done({value: value === undefined ? null : value}),"
            " (error) => done({error: String((error && error.stack) || error)}));", arg)
        if "error" in answer:
            raise AssertionError(f"the page threw: {answer['error']}")
        return json.loads(json.dumps(answer["value"]))

    def wait_for(self, predicate: str, arg: Any = None) -> Any:
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                result = self.evaluate(predicate, arg)
                if result:
                    return result
            except (AssertionError, WebDriverException):
                pass  # a page being replaced (a reload) answers nothing for a moment
            if time.monotonic() > deadline:
                raise AssertionError(f"never true: {predicate}")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return self.driver.current_url


class VirtualDisplay:
    """An X server in memory (Xvfb) for WebKitGTK's windows: its MiniBrowser has no headless
    mode in WebKitGTK 2.50, so the WebKit lane runs on this display."""

    def __init__(self):
        read, write = os.pipe()
        self._process = subprocess.Popen([XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24",
                                          "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(write)
        with os.fdopen(read) as answer:
            number = answer.readline().strip()
        if not number:
            self._process.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"WebKitWebDriver stopped (exit {process.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError("WebKitWebDriver did not start listening") from None
            time.sleep(0.05)


def webkit_missing() -> str | None:
    """What is missing for the WebKit lane (``make webkit`` installs it), or None."""
    missing = [path for path in (WEBKIT_DRIVER, XVFB) if not os.access(path, os.X_OK)]
    return f"{', '.join(missing)} not found: `make webkit` installs them" if missing else None
