"""Delivery through a real (local) push service: encryption, VAPID, retries, and at most once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from tests import factories
from webapp.extensions import db
from webapp.reminders import claims
from webapp.reminders import sender as sender_module
from webapp.reminders.models import AttemptOutcome, DeliveryAttempt, Notification, PushSubscription
from webapp.reminders.sender import send_due
from webapp.reminders.services import Planned, payload_json, plan


def _notify(user, clock, key="n1", ttl=3600, **kw) -> Notification:
    payload = payload_json(
        kw.pop("title", "Home visit at 14:00"), kw.pop("body", "Alex, 1 Mill Lane."), "/app/#/clients/x"
    )
    assert plan(
        db.session,
        Planned(user.id, "home_visit", key, payload, due_at=kw.pop("due_at", clock()), ttl=ttl, **kw),
    )
    db.session.commit()
    return db.session.scalars(select(Notification).where(Notification.dedupe_key == key)).one()


def _status(notification) -> str:
    db.session.expire_all()
    return db.session.get(Notification, notification.id).status


def test_a_due_notification_arrives_encrypted_and_signed_with_its_ttl_and_urgency(
    practitioner, subscribe, push_service, send, clock
):
    receiver, subscription = subscribe(practitioner)
    notification = _notify(practitioner, clock, ttl=3600, urgency="high")
    report = send()
    assert report.outcomes == {"sent": 1}
    [got] = push_service.received
    assert got.payload == {
        "title": "Home visit at 14:00",
        "body": "Alex, 1 Mill Lane.",
        "url": "/app/#/clients/x",
    }
    assert got.urgency == "high" and 3590 <= got.ttl <= 3600
    assert _status(notification) == "sent"
    assert db.session.get(PushSubscription, subscription.id).last_success_at == clock()


def test_a_person_deactivated_after_planning_is_sent_nothing(
    practitioner, subscribe, push_service, send, clock
):
    subscribe(practitioner)
    notification = _notify(practitioner, clock)
    practitioner.active = False
    db.session.commit()
    assert send().outcomes == {"failed": 1}
    assert push_service.requests == [] and _status(notification) == "failed"


def test_nothing_is_sent_before_it_is_due_and_nothing_twice(
    practitioner, subscribe, push_service, send, clock
):
    subscribe(practitioner)
    _notify(practitioner, clock, due_at=clock() + dt.timedelta(minutes=5))
    assert send().claimed == 0
    clock.advance(minutes=5)
    assert send().outcomes == {"sent": 1}
    assert send().claimed == 0
    assert len(push_service.received) == 1


def test_each_browser_of_the_person_gets_it_and_a_dead_one_is_removed_without_blocking_the_other(
    practitioner, subscribe, push_service, send, clock
):
    phone, phone_row = subscribe(practitioner, "Chrome on Android")
    laptop, laptop_row = subscribe(practitioner, "Firefox on Linux")
    gone, gone_row = subscribe(practitioner, "Safari on iPhone")
    push_service.answer(phone, 404)
    push_service.answer(gone, 410)
    notification = _notify(practitioner, clock)
    send()
    assert len(push_service.payloads(laptop)) == 1
    assert push_service.payloads(phone) == [] and push_service.payloads(gone) == []
    remaining = set(db.session.scalars(select(PushSubscription.id)))
    assert remaining == {laptop_row.id}
    assert _status(notification) == "sent"


def test_a_server_error_is_retried_later_with_growing_waits_then_sent(
    practitioner, subscribe, push_service, send, clock
):
    receiver, _ = subscribe(practitioner)
    push_service.answer(receiver, 500, 503)
    notification = _notify(practitioner, clock, ttl=24 * 3600)
    assert send().outcomes == {"pending": 1}
    first_wait = db.session.get(Notification, notification.id).next_attempt_at - clock()
    assert first_wait == dt.timedelta(seconds=60)
    clock.advance(seconds=30)
    assert send().claimed == 0  # not before its time
    clock.advance(seconds=30)
    assert send().outcomes == {"pending": 1}
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).next_attempt_at - clock() == dt.timedelta(
        seconds=120
    )
    clock.advance(seconds=120)
    assert send().outcomes == {"sent": 1}
    assert len(push_service.payloads(receiver)) == 1
    assert push_service.requests == [receiver.token] * 3


def test_too_many_requests_waits_as_long_as_the_service_asks(
    practitioner, subscribe, push_service, send, clock
):
    receiver, _ = subscribe(practitioner)
    push_service.answer(receiver, 429)
    notification = _notify(practitioner, clock)
    send()
    assert db.session.get(Notification, notification.id).next_attempt_at - clock() == dt.timedelta(
        seconds=120
    )


def test_a_browser_that_keeps_failing_is_given_up_after_the_maximum_attempts(
    practitioner, subscribe, push_service, send, clock, settings
):
    receiver, _ = subscribe(practitioner)
    push_service.answer(receiver, *[500] * settings.max_attempts)
    notification = _notify(practitioner, clock, ttl=24 * 3600)
    for _ in range(settings.max_attempts):
        send()
        clock.advance(hours=1)
    assert _status(notification) == "failed"
    assert send().claimed == 0
    assert len(push_service.requests) == settings.max_attempts


def test_an_expired_notification_is_not_sent(practitioner, subscribe, push_service, send, clock):
    subscribe(practitioner)
    notification = _notify(practitioner, clock, ttl=600)
    clock.advance(minutes=11)
    assert send().outcomes == {"expired": 1}
    assert push_service.requests == []
    assert _status(notification) == "expired"


def test_a_retry_that_outlives_the_ttl_is_not_sent(practitioner, subscribe, push_service, send, clock):
    receiver, _ = subscribe(practitioner)
    push_service.answer(receiver, 500)
    notification = _notify(practitioner, clock, ttl=90)
    send()
    clock.advance(seconds=120)
    send()
    assert push_service.received == [] and len(push_service.requests) == 1
    assert _status(notification) == "expired"


class Crash(Exception):
    """Stands for the process dying."""


def test_a_crash_between_sending_and_recording_never_leads_to_a_second_send(
    practitioner, subscribe, push_service, send, clock, settings, monkeypatch
):
    receiver, _ = subscribe(practitioner)
    notification = _notify(practitioner, clock)
    recorded = sender_module._record_outcome

    def die(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(sender_module, "_record_outcome", die)
    with pytest.raises(Crash):
        send()
    db.session.rollback()
    assert len(push_service.received) == 1  # it did arrive
    monkeypatch.setattr(sender_module, "_record_outcome", recorded)

    assert send().claimed == 0  # another run while the claim still holds leaves it alone
    clock.advance(seconds=settings.lease_seconds + 1)
    report = send()
    assert report.recovered == 1
    clock.advance(hours=1)
    send()
    assert len(push_service.received) == 1
    assert len(push_service.requests) == 1
    assert _status(notification) == "unknown"
    assert db.session.scalars(select(DeliveryAttempt.outcome)).all() == [AttemptOutcome.UNKNOWN]


def test_after_a_crash_browsers_not_yet_tried_still_get_it_once(
    practitioner, subscribe, push_service, send, clock, settings, monkeypatch
):
    first, _ = subscribe(practitioner, "first")
    second, _ = subscribe(practitioner, "second")
    notification = _notify(practitioner, clock)
    monkeypatch.setattr(sender_module, "_record_outcome", lambda *a, **k: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        send()
    db.session.rollback()
    monkeypatch.undo()
    clock.advance(seconds=settings.lease_seconds + 1)
    send()
    assert len(push_service.payloads(first)) == 1 and len(push_service.payloads(second)) == 1
    assert push_service.requests == [first.token, second.token]
    assert _status(notification) == "sent"


def test_a_sender_that_lost_its_claim_stops_instead_of_sending(
    practitioner, subscribe, push_service, clock, settings
):
    subscribe(practitioner)
    notification = _notify(practitioner, clock)
    [claimed] = claims.claim(db.session, "slow-sender", clock(), 10, settings.lease_seconds)
    clock.advance(seconds=settings.lease_seconds + 1)
    assert sender_module.recover_abandoned(db.session, clock()) == 1
    vapid = sender_module.Vapid.from_pem(settings.vapid_private_key.encode())
    assert sender_module.deliver(db.session, claimed, "slow-sender", settings, vapid, clock) == "lost"
    assert push_service.requests == []
    assert send_due(db.session, settings, clock=clock).outcomes == {"sent": 1}
    assert sender_module.deliver(db.session, claimed, "slow-sender", settings, vapid, clock) == "lost"
    assert len(push_service.requests) == 1
    assert _status(notification) == "sent"


def _run_sender_in_thread(app, settings, clock, errors, barrier):
    with app.app_context():
        try:
            barrier.wait()
            send_due(db.session, settings, clock=clock, limit=5)
            while send_due(db.session, settings, clock=clock, limit=5).claimed:
                pass
        except Exception as error:  # reported to the test thread
            errors.append(error)
        finally:
            db.session.remove()


def test_two_senders_at_once_send_each_notification_to_each_browser_exactly_once(
    app, practitioner, clinic, subscribe, push_service, clock, settings
):
    other = factories.make_user(clinic, name="Second Practitioner")
    phone, _ = subscribe(practitioner)
    tablet, _ = subscribe(practitioner)
    theirs, _ = subscribe(other)
    for n in range(15):
        _notify(practitioner, clock, key=f"mine-{n}", body=f"number {n}")
        _notify(other, clock, key=f"theirs-{n}", body=f"number {n}")
    db.session.commit()
    errors: list[Exception] = []
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=_run_sender_in_thread, args=(app, settings, clock, errors, barrier))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    for receiver in (phone, tablet, theirs):
        bodies = sorted(p["body"] for p in push_service.payloads(receiver))
        assert bodies == sorted(f"number {n}" for n in range(15))
    assert len(push_service.requests) == 45
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Notification.status == "sent")) == 30
