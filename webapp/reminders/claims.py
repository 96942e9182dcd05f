"""Claims on due notifications: taken atomically, renewed while sending, released with a verdict.

A sender claims a notification for a lease; while it holds the claim no other sender touches
it, so several senders (one per node) can run at once. A claim that runs out mid-send was
abandoned by a sender that died: its in-flight attempts become "unknown" and are never
resent (see sender.py for why). See docs/reminders.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from webapp.db import rows_changed
from webapp.reminders.models import AttemptOutcome, DeliveryAttempt, Notification, NotificationStatus

log = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(hours=6)


def worker_name() -> str:
    """Who holds a claim: host, process and a random part, so each run's claims are its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def recover_abandoned(session: Session, now: dt.datetime) -> int:
    """Claims that ran out mid-send: their in-flight attempts become "unknown" (never resent).

    The notification goes back to "pending" so that browsers never tried still get it; the
    next claim finishes it as sent or unknown if nobody is left to try.
    """
    stuck = session.scalars(
        select(Notification.id).where(
            Notification.status == NotificationStatus.SENDING, Notification.claimed_until < now
        )
    ).all()
    recovered = 0
    for notification_id in stuck:
        taken = rows_changed(
            session,
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.status == NotificationStatus.SENDING,
                Notification.claimed_until < now,
            )
            .values(
                status=NotificationStatus.PENDING, claimed_by=None, claimed_until=None, next_attempt_at=now
            ),
        )
        if taken:
            session.execute(
                update(DeliveryAttempt)
                .where(
                    DeliveryAttempt.notification_id == notification_id,
                    DeliveryAttempt.outcome == AttemptOutcome.SENDING,
                )
                .values(
                    outcome=AttemptOutcome.UNKNOWN, error="The sender stopped before it recorded the answer."
                )
            )
            log.warning(
                "push: notification %s was abandoned mid-send; its in-flight browsers are not retried",
                notification_id,
            )
            recovered += 1
        session.commit()
    return recovered


def claim(
    session: Session,
    worker: str,
    now: dt.datetime,
    limit: int,
    lease_seconds: int,
    only: uuid.UUID | None = None,
) -> list[Notification]:
    """Take up to ``limit`` due notifications for ``worker`` with one atomic UPDATE.

    The ``status = 'pending'`` test inside the UPDATE is what makes two senders safe: the
    second to reach a row finds it no longer pending and skips it. On PostgreSQL the inner
    SELECT also skips rows another sender has locked, rather than waiting for them.
    """
    ready = (
        select(Notification.id)
        .where(
            Notification.status == NotificationStatus.PENDING,
            Notification.due_at <= now,
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
            or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
        )
        .order_by(Notification.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if only is not None:
        ready = ready.where(Notification.id == only)
    session.execute(
        update(Notification)
        .where(
            Notification.id.in_(ready.scalar_subquery()), Notification.status == NotificationStatus.PENDING
        )
        .values(
            status=NotificationStatus.SENDING,
            claimed_by=worker,
            claimed_until=now + dt.timedelta(seconds=lease_seconds),
            attempts=Notification.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.claimed_by == worker, Notification.status == NotificationStatus.SENDING)
            .order_by(Notification.due_at)
        )
    )


def renew(session: Session, notification_id: uuid.UUID, worker: str, until: dt.datetime) -> bool:
    """Extend ``worker``'s claim on a notification; False if the claim was lost to a recovery."""
    return bool(
        rows_changed(
            session,
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.claimed_by == worker,
                Notification.status == NotificationStatus.SENDING,
            )
            .values(claimed_until=until),
        )
    )


def _backoff(attempts: int, base_seconds: int, retry_after: list[str | None]) -> dt.timedelta:
    """Exponential: base, 2 x base, 4 x base...; longer if a push service asked (Retry-After seconds)."""
    delay = dt.timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))
    for asked in retry_after:
        if asked and asked.strip().isdigit():
            delay = max(delay, dt.timedelta(seconds=int(asked.strip())))
    return min(delay, MAX_BACKOFF)


def release(
    session: Session,
    notification: Notification,
    worker: str,
    retry_after: list[str | None],
    max_attempts: int,
    retry_base_seconds: int,
    now: dt.datetime,
) -> str:
    """Release the claim: back to pending for a retry, or a final status from the attempts."""
    outcomes = set(
        session.scalars(
            select(DeliveryAttempt.outcome).where(DeliveryAttempt.notification_id == notification.id)
        )
    )
    values: dict = {"claimed_by": None, "claimed_until": None}
    if retry_after and notification.attempts < max_attempts and now < notification.expires_at:
        values.update(
            status=NotificationStatus.PENDING,
            next_attempt_at=now + _backoff(notification.attempts, retry_base_seconds, retry_after),
        )
    elif AttemptOutcome.SENT in outcomes:
        first_sent = session.scalar(
            select(DeliveryAttempt.at)
            .where(
                DeliveryAttempt.notification_id == notification.id,
                DeliveryAttempt.outcome == AttemptOutcome.SENT,
            )
            .order_by(DeliveryAttempt.at)
            .limit(1)
        )
        values.update(status=NotificationStatus.SENT, sent_at=first_sent)
    elif now >= notification.expires_at and AttemptOutcome.UNKNOWN not in outcomes:
        values.update(status=NotificationStatus.EXPIRED)
    elif AttemptOutcome.UNKNOWN in outcomes:
        values.update(status=NotificationStatus.UNKNOWN)
    else:
        values.update(status=NotificationStatus.FAILED)
    released = rows_changed(
        session,
        update(Notification)
        .where(
            Notification.id == notification.id,
            Notification.claimed_by == worker,
            Notification.status == NotificationStatus.SENDING,
        )
        .values(**values),
    )
    session.commit()
    return values["status"] if released else "lost"
