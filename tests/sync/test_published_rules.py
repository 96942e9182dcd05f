"""Rules the phone reads from the published schema instead of keeping a copy of its own."""

from __future__ import annotations

import datetime as dt

from tests import factories
from webapp.appointments.services import follow_ups_due


def _published(make_device, practitioner) -> dict:
    device = make_device(practitioner)
    return device.http.get("/api/v1/schema", headers=device.auth).get_json()


def test_the_course_rhythm_is_published_and_the_desks_follow_ups_keep_to_it(make_device, practitioner, clinic):
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
