"""Every date and time the phone shows is written by when.js, in the clinic's locale and time
zone: nothing else in the app formats one by the phone's own settings."""

from __future__ import annotations

import re
from pathlib import Path

JS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js"
BY_THE_PHONES_SETTINGS = re.compile(r"\.toLocale(?:Date|Time)?String\(|getTimezoneOffset\(")
# course.js's dayLabel() is no longer used by any screen (today.js uses when.js's).
KNOWN = {"course.js": 1}


def test_no_module_but_when_js_writes_a_date_by_the_phones_settings():
    found = {}
    for path in sorted(JS.rglob("*.js")):
        if path.name != "when.js" and (count := len(BY_THE_PHONES_SETTINGS.findall(path.read_text()))):
            found[str(path.relative_to(JS))] = count
    assert found == KNOWN
