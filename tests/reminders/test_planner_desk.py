"""What the planner sends the desk: the morning's follow-ups, and a phone that has stopped
syncing while its practitioner has appointments coming."""

from __future__ import annotations

from tests import factories
from tests.reminders.planning import add_device, london
from webapp.extensions import db
from webapp.reminders.models import PushPreference


def test_the_desk_gets_the_mornings_follow_ups(clinic, practitioner, desk, subscribe, push_service, at):
    desk_browser, _ = subscribe(desk)
    practitioner_browser, _ = subscribe(practitioner)
    cara = factories.make_client(clinic, practitioner, first_name="Cara", last_name="Moss")
    factories.make_visit(cara, started_at=london(9, 10))
    db.session.commit()
    assert at(london(11, 7, 59)) == 0
    assert at(london(11, 8, 5)) == 1
    assert push_service.payloads(desk_browser) == [
        {
            "title": "Follow-ups due",
            "body": "1 client is waiting for their next booking: Cara M.",
            "url": "/appointments/follow-ups",
        }
    ]
    assert push_service.payloads(practitioner_browser) == []


def test_the_desk_hears_of_a_silent_phone_whose_practitioner_has_appointments_coming(
    clinic, practitioner, other_practitioner, desk, subscribe, push_service, at
):
    receiver, _ = subscribe(desk)
    db.session.add(PushPreference(user_id=desk.id, morning_follow_ups=False))
    add_device(practitioner, pending=0, last_sync=london(7, 9))
    add_device(other_practitioner, pending=0, last_sync=london(7, 9))  # silent too, but nothing booked
    factories.make_appointment(factories.make_client(clinic, practitioner), starts_at=london(13, 10))
    db.session.commit()
    assert at(london(11, 9), stale_days=5) == 0
    assert at(london(11, 9), stale_days=3) == 1
    assert at(london(12, 9), stale_days=3) == 0  # once for this silent spell
    assert push_service.payloads(receiver) == [
        {
            "title": "A phone has stopped syncing",
            "body": "Pat's phone (Chrome on Android) has not synced for 4 days, and Pat has 1 appointment in the next week.",
            "url": f"/appointments/day?practitioner={practitioner.id}",
        }
    ]
