"""Rules the phone reads from the published schema instead of keeping a copy of its own."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tests import factories
from webapp.appointments.services import follow_ups_due
from webapp.vocab.defaults import INTENSITY_MAX, INTENSITY_MIN

JS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js"


def _published(make_device, practitioner) -> dict:
    device = make_device(practitioner)
    return device.http.get("/api/v1/schema", headers=device.auth).get_json()


def test_the_course_rhythm_is_published_and_the_desks_follow_ups_keep_to_it(
    make_device, practitioner, clinic
):
    days = _published(make_device, practitioner)["course"]["initial_days"]
    assert days == [0, 3, 10]  # day 1, day 4, day 11
    client = factories.make_client(clinic, practitioner)
    first = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    factories.make_visit(client, number=1, started_at=first)
    [due] = follow_ups_due(clinic.id)
    assert due.suggested == first.date() + dt.timedelta(days=days[1])
    factories.make_visit(client, number=2, started_at=first + dt.timedelta(days=days[1]))
    [due] = follow_ups_due(clinic.id)
    assert due.suggested == first.date() + dt.timedelta(days=days[2])


def test_the_intensity_scale_and_the_lengths_the_phone_shows_are_published(make_device, practitioner):
    entities = _published(make_device, practitioner)["entities"]

    def field(entity: str, name: str) -> dict:
        return next(f for f in entities[entity]["fields"] if f["name"] == name)

    intensity = field("sensation_rating", "intensity")
    assert (intensity["minimum"], intensity["maximum"]) == (INTENSITY_MIN, INTENSITY_MAX)
    assert intensity["label"] == f"Intensity ({INTENSITY_MIN}-{INTENSITY_MAX})"
    assert field("finding", "muscle_or_test")["max_length"] == 120
    assert field("finding", "note")["max_length"] == 2000
    assert field("sensation", "client_words")["max_length"] == 200


# A limit written into the phone's code is a copy of a rule: they come from the published rules.
COPIED_LIMITS = re.compile(
    r"maxlength:\s*\d|range:\s*\[\s*\d+\s*,\s*\d+\s*\]|\b(?:0|1)[-–]10\b|/10\b|of 10\b"
)


def test_the_phones_code_writes_no_length_or_scale_of_its_own():
    found = []
    for path in sorted(JS.rglob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//")[0]  # a comment may say what the published value is
            if not code.lstrip().startswith(("*", "/*")) and COPIED_LIMITS.search(code):
                found.append(f"{path.relative_to(JS)}:{number}: {line.strip()}")
    assert found == []
