"""Web Push: the browsers that asked for reminders, the reminders planned, each delivery try.

A ``Notification`` is one reminder for one person, planned once (``dedupe_key`` is unique).
It is delivered to each of that person's ``PushSubscription`` rows separately, and every try
at one subscription is a ``DeliveryAttempt``, so one dead endpoint never holds up another.
See docs/reminders.md for the states and the at-most-once rule.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, ForeignKey, Index, Integer, SmallInteger, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base, UTCDateTime, now_utc


class PushSubscription(Base):
    """One browser's push endpoint and the keys its messages are encrypted for.

    It belongs to one person, and to the way they were signed in when they asked: a phone's
    device (revoking or retiring it deletes the subscription) or a browser's web session
    (signing out of it deletes the subscription; a session that merely lapses keeps it, so a
    desk's morning list still arrives). Withdrawing a person's access deletes all of theirs.
    """

    __tablename__ = "push_subscription"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), index=True)
    web_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("web_session.id", ondelete="SET NULL"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(2000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def subscription_info(self) -> dict:
        """The shape pywebpush expects."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushPreference(Base):
    """When a person wants their reminders; a person without a row gets the defaults."""

    __tablename__ = "push_preference"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    # Practitioners: the evening before a day with appointments, about its first one.
    evening_before: Mapped[bool] = mapped_column(default=True)
    evening_hour: Mapped[int] = mapped_column(SmallInteger, default=18)
    # Practitioners: this many minutes before each home visit (0: no such reminder).
    home_visit_minutes: Mapped[int] = mapped_column(SmallInteger, default=60)
    # Practitioners: changes waiting on a phone, and changes the clinic refused or questioned.
    sync_notices: Mapped[bool] = mapped_column(default=True)
    # Desk: the morning list of follow-ups due, and phones that have stopped syncing.
    morning_follow_ups: Mapped[bool] = mapped_column(default=True)
    stale_devices: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class NotificationStatus:
    PENDING = "pending"  # waiting for its time, or for a retry
    SENDING = "sending"  # claimed by a sender until ``claimed_until``
    SENT = "sent"  # at least one of the person's browsers accepted it
    FAILED = "failed"  # no browser took it after the last try, or none to send to
    EXPIRED = "expired"  # its time to live ran out before it could go
    UNKNOWN = "unknown"  # a sender stopped mid-send: it may have arrived; never sent again


class Notification(Base):
    """One reminder for one person, with the sender's claim on it."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_ready", "status", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    # Only this browser (the "send a test" button); otherwise every browser of the person.
    # A plain id, not a foreign key: if that browser goes, the test must fail, not widen.
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    ttl: Mapped[int] = mapped_column(Integer, default=24 * 60 * 60)  # seconds after due_at
    urgency: Mapped[str] = mapped_column(String(10), default="normal")  # very-low | low | normal | high
    status: Mapped[str] = mapped_column(String(10), default=NotificationStatus.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    @property
    def expires_at(self) -> dt.datetime:
        return self.due_at + dt.timedelta(seconds=self.ttl)


class AttemptOutcome:
    SENDING = "sending"  # recorded before the request; still so if the sender stopped mid-send
    SENT = "sent"  # the push service took it (201/202)
    RETRY = "retry"  # a passing failure (5xx, 429, no connection): try again later
    GONE = "gone"  # 404/410: the browser unsubscribed; the subscription was removed
    FAILED = "failed"  # any other answer: not tried again
    UNKNOWN = "unknown"  # found still "sending" after the claim ran out: may have arrived

    # Outcomes after which this browser must not be sent this notification again.
    FINAL = frozenset({SENDING, SENT, GONE, FAILED, UNKNOWN})


class DeliveryAttempt(Base):
    """One try at handing one notification to one browser's push service."""

    __tablename__ = "delivery_attempt"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    notification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), index=True
    )
    # Kept (as the id only) after the subscription is removed, to show what happened.
    subscription_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    outcome: Mapped[str] = mapped_column(String(10), default=AttemptOutcome.SENDING)
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    error: Mapped[str] = mapped_column(Text, default="")
