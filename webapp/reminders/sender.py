"""Delivery: each claimed notification (claims.py) to each browser, and what happened.

At most once per browser. Before each request to a push service the sender commits a
``DeliveryAttempt`` in state "sending"; only after the request does it record the outcome.
If the sender dies in between, nobody can know whether the browser got the message, so the
attempt is marked "unknown" when its claim runs out and that browser is never sent that
notification again (browsers not yet tried still get it). A lost reminder costs a glance at
the diary; a reminder repeated after every crash teaches people to ignore reminders.
See docs/reminders.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from webapp.auth.models import User
from webapp.db import now_utc
from webapp.reminders.claims import claim, recover_abandoned, release, renew, worker_name
from webapp.reminders.models import (
    AttemptOutcome,
    DeliveryAttempt,
    Notification,
    PushSubscription,
)
from webapp.reminders.services import Planned, encode_payload, payload_json, plan

log = logging.getLogger(__name__)
REQUEST_TIMEOUT = 10  # seconds; well inside the lease, which is renewed before each request


@dataclass
class SenderSettings:
    """What a sender needs from the app's configuration (see ``from_config``)."""

    vapid_private_key: str
    vapid_subject: str
    max_attempts: int = 5
    retry_base_seconds: int = 60
    lease_seconds: int = 300

    @classmethod
    def from_config(cls, config) -> SenderSettings:
        return cls(
            config["VAPID_PRIVATE_KEY"],
            config["VAPID_SUBJECT"],
            int(config["PUSH_MAX_ATTEMPTS"]),
            int(config["PUSH_RETRY_BASE_SECONDS"]),
            int(config["PUSH_LEASE_SECONDS"]),
        )


@dataclass
class SendReport:
    """What one run did, for the command's output and for tests."""

    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    recovered: int = 0

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class PushFailed(Exception):
    """A push service did not take the message: ``status`` is None when nothing answered."""

    def __init__(self, status: int | None, message: str, retry_after: str | None = None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def post(subscription_info: dict, data: bytes, ttl: int, urgency: str, vapid: Vapid, subject: str) -> int:
    """Encrypt ``data`` for one browser and POST it to its push service; the HTTP status."""
    try:
        response = webpush(
            subscription_info,
            data.decode(),
            vapid_private_key=vapid,
            vapid_claims={"sub": subject},  # a new dict each time: pywebpush adds aud and exp
            ttl=ttl,
            headers={"Urgency": urgency},
            timeout=REQUEST_TIMEOUT,
        )
    except WebPushException as error:
        raise PushFailed(error.status_code, error.message, error.retry_after) from error
    except requests.RequestException as error:
        raise PushFailed(None, f"{type(error).__name__}: {error}") from error
    return response.status_code


def outcome_for(status: int | None) -> str:
    """How to treat a push service's answer (None: no answer at all)."""
    if status in (200, 201, 202):
        return AttemptOutcome.SENT
    if status in (404, 410):
        return AttemptOutcome.GONE
    if status is None or status == 429 or status >= 500:
        return AttemptOutcome.RETRY
    return AttemptOutcome.FAILED


Clock = Callable[[], dt.datetime]


def send_due(
    session: Session,
    settings: SenderSettings,
    clock: Clock = now_utc,
    limit: int = 100,
    only: uuid.UUID | None = None,
) -> SendReport:
    """Send every notification due now (or just ``only``), once; commits as it goes."""
    report = SendReport(recovered=recover_abandoned(session, clock()))
    worker = worker_name()
    vapid = Vapid.from_pem(settings.vapid_private_key.encode())
    for notification in claim(session, worker, clock(), limit, settings.lease_seconds, only):
        report.claimed += 1
        report.count(deliver(session, notification, worker, settings, vapid, clock))
    return report


def _targets(session: Session, notification: Notification) -> list[PushSubscription]:
    """The person's browsers that have not had (or may have had) this notification."""
    done = select(DeliveryAttempt.subscription_id).where(
        DeliveryAttempt.notification_id == notification.id, DeliveryAttempt.outcome.in_(AttemptOutcome.FINAL)
    )
    # A person deactivated since the reminder was planned gets nothing more.
    query = (
        select(PushSubscription)
        .join(User, User.id == PushSubscription.user_id)
        .where(
            PushSubscription.user_id == notification.user_id,
            User.active.is_(True),
            PushSubscription.id.not_in(done),
        )
    )
    if notification.subscription_id is not None:
        query = query.where(PushSubscription.id == notification.subscription_id)
    return list(session.scalars(query.order_by(PushSubscription.created_at)))


def deliver(
    session: Session,
    notification: Notification,
    worker: str,
    settings: SenderSettings,
    vapid: Vapid,
    clock: Clock = now_utc,
) -> str:
    """Send one claimed notification to each of its browsers; the notification's new status."""
    data = encode_payload(notification.payload)
    retry_after: list[str | None] = []
    for subscription in _targets(session, notification):
        now, subscription_id, info = clock(), subscription.id, subscription.subscription_info()
        ttl = int((notification.expires_at - now).total_seconds())
        if ttl <= 0:
            break
        # Renew the claim and record the attempt in one commit, before the request: if the
        # claim was lost to a recovery, stop; if this process dies after the request, the
        # attempt is found "sending" and that browser is never sent this again.
        if not renew(session, notification.id, worker, now + dt.timedelta(seconds=settings.lease_seconds)):
            session.rollback()
            log.warning("push: lost the claim on notification %s; leaving it", notification.id)
            return "lost"
        attempt_id = uuid.uuid4()
        session.add(
            DeliveryAttempt(
                id=attempt_id,
                notification_id=notification.id,
                subscription_id=subscription_id,
                at=now,
                outcome=AttemptOutcome.SENDING,
            )
        )
        session.commit()
        status: int | None  # None: no push service answered
        try:
            status, error, after = (
                post(info, data, ttl, notification.urgency, vapid, settings.vapid_subject),
                "",
                None,
            )
        except PushFailed as failed:
            status, error, after = failed.status, str(failed), failed.retry_after
        outcome = outcome_for(status)
        if outcome == AttemptOutcome.RETRY:
            retry_after.append(after)
        _record_outcome(session, attempt_id, subscription_id, outcome, status, error, clock())
    return release(
        session,
        notification,
        worker,
        retry_after,
        settings.max_attempts,
        settings.retry_base_seconds,
        clock(),
    )


def _record_outcome(
    session: Session,
    attempt_id: uuid.UUID,
    subscription_id: uuid.UUID,
    outcome: str,
    status: int | None,
    error: str,
    now: dt.datetime,
) -> None:
    """Store the push service's answer; a browser that unsubscribed (404/410) is forgotten."""
    session.execute(
        update(DeliveryAttempt)
        .where(DeliveryAttempt.id == attempt_id)
        .values(outcome=outcome, status_code=status, error=error[:2000])
    )
    if outcome == AttemptOutcome.SENT:
        session.execute(
            update(PushSubscription).where(PushSubscription.id == subscription_id).values(last_success_at=now)
        )
    elif outcome == AttemptOutcome.GONE:
        session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))
        log.info("push: subscription %s is gone (%s); removed", subscription_id, status)
    elif error:
        log.warning("push: attempt %s to subscription %s: %s", attempt_id, subscription_id, error)
    session.commit()


def send_test(session: Session, settings: SenderSettings, subscription: PushSubscription) -> str:
    """Send a test notification to one browser now; the notification's status afterwards."""
    key = f"test:{subscription.id}:{uuid.uuid4().hex}"
    payload = payload_json(
        "Test notification",
        f"Fieldbook reminders reach {subscription.label or 'this browser'}.",
        "/settings/notifications",
    )
    plan(
        session,
        Planned(
            subscription.user_id,
            "test",
            key,
            payload,
            due_at=now_utc(),
            ttl=600,
            subscription_id=subscription.id,
        ),
    )
    session.commit()
    notification_id = session.scalar(select(Notification.id).where(Notification.dedupe_key == key))
    report = send_due(session, settings, only=notification_id, limit=1)
    return next(iter(report.outcomes), "pending")
