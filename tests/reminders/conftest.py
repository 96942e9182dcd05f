"""Fixtures of the reminder tests: the local push service (tests/reminders/local_service.py),
sender settings, browser subscriptions, a settable clock, and planning and sending at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.reminders import services
from webapp.reminders.planner import plan_all
from webapp.reminders.sender import SenderSettings, send_due


@pytest.fixture
def settings(app) -> SenderSettings:
    return SenderSettings(
        app.config["VAPID_PRIVATE_KEY"],
        app.config["VAPID_SUBJECT"],
        max_attempts=3,
        retry_base_seconds=60,
        lease_seconds=300,
    )


@pytest.fixture
def subscribe(push_service):
    """``subscribe(user)`` makes a browser subscription for ``user``; returns (receiver, row)."""

    def make(user, label: str = "Chrome on Android"):
        receiver = push_service.new_receiver()
        body = receiver.subscription_json()
        row = services.subscribe(
            db.session, user, body["endpoint"], body["keys"]["p256dh"], body["keys"]["auth"], label
        )
        db.session.commit()
        return receiver, row

    return make


class Clock:
    """A settable clock for the sender and planner."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime.now(dt.UTC).replace(microsecond=0))


@pytest.fixture
def send(settings, clock):
    """``send()`` runs one sender pass at the test's clock."""

    def run(**kw):
        return send_due(db.session, settings, clock=kw.pop("clock", clock), **kw)

    return run


@pytest.fixture
def at(settings, push_service):
    """``at(when)`` plans and sends as if the clock said ``when``; returns the new notifications."""

    def run(when: dt.datetime, stale_days: int = 3) -> int:
        added = plan_all(db.session, when, stale_days)
        db.session.commit()
        send_due(db.session, settings, clock=Clock(when))
        return added

    return run


@pytest.fixture
def desk(clinic):
    return factories.make_user(clinic, Role.STAFF, name="Dana Desk")
