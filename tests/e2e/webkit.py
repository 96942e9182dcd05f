"""WebKit, Safari's engine, as a ``Phone`` (engines.py): WebKitGTK's MiniBrowser driven by
Selenium through WebKitGTK's own WebDriver, on a virtual X display (Xvfb), since WebKitGTK
2.50's browser has no headless mode."""

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

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.support.select import Select

from tests.e2e.engines import PHONE_SIZE, Phone

WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
XVFB = os.environ.get("XVFB", "/usr/bin/Xvfb")


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


# WebDriver has no hook for a page's uncaught errors in WebKit (Playwright's "weberror" is
# Chromium's). So the phone listens in the page itself: after each navigation, and before
# each step, it adds listeners (once per page) that keep every uncaught error and unhandled
# rejection in sessionStorage, which outlives a reload. An error thrown while a page is still
# loading, before the listeners are in, is not seen; everything a step makes happen is.
_ERRORS_KEY = "fieldbook-test-errors"
_WATCH = f"""if (!window.__fieldbookWatched) {{
  window.__fieldbookWatched = true;
  const keep = (text) => {{
    const kept = JSON.parse(sessionStorage.getItem('{_ERRORS_KEY}') || '[]');
    kept.push(location.href + ': ' + text);
    sessionStorage.setItem('{_ERRORS_KEY}', JSON.stringify(kept));
  }};
  // The message first: WebKit's stack of an error thrown by a timer can be a bare "@".
  const described = (error, fallback) => `${{error || fallback}} ${{(error && error.stack) || ''}}`.trim();
  addEventListener('error', (event) => keep(described(event.error, event.message)));
  addEventListener('unhandledrejection', (event) => keep(described(event.reason, 'a rejection')));
}}"""


class WebKitPhone(Phone):
    """MiniBrowser, WebKitGTK's own browser, through WebKitWebDriver and Selenium.

    Each phone has a driver of its own, started with the phone's time zone and language in
    its environment (WebKit takes both from there), on the session's virtual display.
    """

    engine = "webkit"

    def __init__(
        self,
        base_url: str,
        timeout_s: float,
        display: str,
        *,
        time_zone: str | None = None,
        locale: str | None = None,
        log: Path | None = None,
    ):
        self.base_url, self.timeout_s = base_url, timeout_s
        env = {**os.environ, "DISPLAY": display}
        if time_zone:
            env["TZ"] = time_zone
        if locale:  # WebKit reads the language from the environment, as GLib does
            env["LANG"] = env["LC_ALL"] = f"{locale.replace('-', '_')}.UTF-8"
            env["LANGUAGE"] = locale.replace("-", "_")
        port = _free_port()
        self._log = open(log or os.devnull, "ab")  # closed with the driver
        self._process = subprocess.Popen(
            [WEBKIT_DRIVER, f"--port={port}"],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for_port(port, self._process)
            connection = RemoteConnection(
                client_config=ClientConfig(remote_server_addr=f"http://127.0.0.1:{port}")
            )
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
        self._watch()

    def reload(self) -> None:
        self.driver.refresh()
        self._watch()

    def _watch(self) -> None:
        with suppress(WebDriverException):  # a page being replaced: the next step tries again
            self.driver.execute_script(_WATCH)

    def page_errors(self) -> list[str]:
        """The uncaught errors the app's pages threw while this phone watched (see _WATCH)."""
        self._watch()
        kept = self.driver.execute_script(f"return sessionStorage.getItem('{_ERRORS_KEY}') || '[]';")
        return json.loads(kept)

    def _act(self, kind: str, words: str, action: Callable, group: str | None = None) -> Any:
        """Find the control and act on it, again until it works or time is up (a screen being
        redrawn replaces its elements), as Playwright does for Chromium."""
        deadline = time.monotonic() + self.timeout_s
        self._watch()
        while True:
            problem = None
            try:
                found = self.driver.execute_script(f"return ({_FIND})(arguments[0]);", [kind, words, group])
                if found:
                    # In the middle of the screen, clear of the sticky bars (Playwright does the same).
                    self.driver.execute_script(
                        "(arguments[1] || arguments[0]).scrollIntoView({block: 'center'});", *found
                    )
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
            " (error) => done({error: String((error && error.stack) || error)}));",
            arg,
        )
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
        self._process = subprocess.Popen(
            [XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
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
