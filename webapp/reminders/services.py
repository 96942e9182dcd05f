"""The rules of push reminders: whose subscriptions, which preferences, planning one reminder once."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session

from webapp.auth.models import User
from webapp.auth.sessions import access_withdrawn, signed_out
from webapp.db import now_utc, rows_changed
from webapp.extensions import db
from webapp.reminders.models import (
    DeliveryAttempt,
    Notification,
    NotificationStatus,
    PushPreference,
    PushSubscription,
)
from webapp.sync.devices import device_revoked

# Push services accept about 4 KB of encrypted body; staying under 3 KB of JSON leaves room
# for the encryption's overhead and for the service worker's own fields later.
MAX_PAYLOAD_BYTES = 3 * 1024
URGENCIES = ("very-low", "low", "normal", "high")
BASE64URL = re.compile(r"[A-Za-z0-9_-]{1,100}={0,2}")


class InvalidSubscription(ValueError):
    """What the browser sent is not a usable push subscription (the message says why)."""


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def payload_json(title: str, body: str, url: str) -> dict:
    """A notification's payload: what the service worker shows and the screen a tap opens."""
    payload = {"title": title, "body": body, "url": url}
    size = len(encode_payload(payload))
    if size > MAX_PAYLOAD_BYTES:
        raise ValueError(f"push payload of {size} bytes is over {MAX_PAYLOAD_BYTES}")
    return payload


def encode_payload(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def label_for(user_agent: str) -> str:
    """A name a person recognises for a browser, e.g. "Chrome on Android"."""
    ua = user_agent or ""
    if "Android" in ua:
        system = "Android"
    elif "iPhone" in ua or "iPad" in ua:
        system = "iPhone" if "iPhone" in ua else "iPad"
    elif "Mac OS X" in ua or "Macintosh" in ua:
        system = "Mac"
    elif "Windows" in ua:
        system = "Windows"
    elif "CrOS" in ua:
        system = "ChromeOS"
    elif "Linux" in ua:
        system = "Linux"
    else:
        system = ""
    # Order matters: Edge and Opera say "Chrome" too, and Chrome says "Safari".
    for marker, name in (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS", "Firefox"),
        ("CriOS", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ):
        if marker in ua:
            browser = name
            break
    else:
        browser = "Browser"
    return f"{browser} on {system}" if system else browser


def check_subscription(body: object, allow_insecure: bool = False) -> tuple[str, str, str]:
    """The endpoint and keys of a PushSubscription's JSON, or InvalidSubscription."""
    if not isinstance(body, dict):
        raise InvalidSubscription("Send the subscription as a JSON object.")
    endpoint, keys = body.get("endpoint"), body.get("keys")
    if (
        not isinstance(endpoint, str)
        or not endpoint
        or len(endpoint) > 2000
        or not endpoint.isascii()
        or not endpoint.isprintable()
        or " " in endpoint
    ):
        raise InvalidSubscription("The subscription has no usable endpoint.")
    parts = urlsplit(endpoint)
    schemes = ("https", "http") if allow_insecure else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise InvalidSubscription("The push endpoint must be an https address.")
    if (
        not isinstance(keys, dict)
        or not isinstance(keys.get("p256dh"), str)
        or not isinstance(keys.get("auth"), str)
    ):
        raise InvalidSubscription("The subscription's keys are missing.")
    if not all(BASE64URL.fullmatch(keys[name]) for name in ("p256dh", "auth")):
        raise InvalidSubscription("The subscription's keys are not base64url.")
    try:
        public, secret = b64url_decode(keys["p256dh"]), b64url_decode(keys["auth"])
    except (binascii.Error, ValueError) as error:
        raise InvalidSubscription("The subscription's keys are not base64url.") from error
    if len(public) != 65 or public[0] != 4 or len(secret) != 16:
        raise InvalidSubscription("The subscription's keys are not a P-256 key and a 16-byte secret.")
    return endpoint, keys["p256dh"], keys["auth"]


class EndpointTaken(Exception):
    """The browser's endpoint already brings someone else their reminders."""


def subscribe(
    session: Session,
    user: User,
    endpoint: str,
    p256dh: str,
    auth: str,
    label: str,
    *,
    device_id: uuid.UUID | None = None,
    web_session_id: uuid.UUID | None = None,
) -> PushSubscription:
    """Save a browser's subscription for ``user`` (one row per endpoint), made through the
    phone's device or the browser's web session; EndpointTaken if it is someone else's.

    An endpoint held by another person is never moved: reminders carry clients' names and
    addresses, and only that person (or withdrawing their access) can free it.
    """
    found = session.scalars(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    if found is not None and found.user_id != user.id:
        raise EndpointTaken
    if found is None:
        found = PushSubscription(id=uuid.uuid4(), endpoint=endpoint, created_at=now_utc())
    found.user_id, found.p256dh, found.auth, found.label = user.id, p256dh, auth, label[:120]
    found.device_id, found.web_session_id = device_id, web_session_id
    session.add(found)
    session.flush()
    return found


@access_withdrawn.connect
def _forget_every_subscription(user: User, **_: object) -> None:
    """A password change, reset or deactivation: no reminder reaches any of their browsers."""
    session = object_session(user)
    if session is None:  # a detached user: refuse loudly rather than keep sending reminders
        raise RuntimeError(f"cannot forget the subscriptions of user {user.id}: it belongs to no session")
    session.execute(delete(PushSubscription).where(PushSubscription.user_id == user.id))


@device_revoked.connect
def _forget_the_devices_subscriptions(device_id: uuid.UUID, **_) -> None:
    db.session.execute(delete(PushSubscription).where(PushSubscription.device_id == device_id))


@signed_out.connect
def _forget_the_sessions_subscriptions(web_session_id: uuid.UUID, **_) -> None:
    db.session.execute(delete(PushSubscription).where(PushSubscription.web_session_id == web_session_id))


def subscriptions_of(session: Session, user: User) -> list[PushSubscription]:
    return list(
        session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.created_at)
        )
    )


def subscription_of(session: Session, user: User, subscription_id) -> PushSubscription | None:
    """``user``'s subscription with this id; None for a bad id or someone else's."""
    try:
        wanted = uuid.UUID(str(subscription_id))
    except ValueError:
        return None
    return session.scalars(
        select(PushSubscription).where(PushSubscription.id == wanted, PushSubscription.user_id == user.id)
    ).first()


def unsubscribe(session: Session, user: User, *, subscription_id=None, endpoint: str | None = None) -> bool:
    """Remove one of ``user``'s subscriptions, by id or endpoint; whether one was removed."""
    query = delete(PushSubscription).where(PushSubscription.user_id == user.id)
    if subscription_id is not None:
        found = subscription_of(session, user, subscription_id)
        if found is None:
            return False
        query = query.where(PushSubscription.id == found.id)
    elif endpoint:
        query = query.where(PushSubscription.endpoint == endpoint)
    else:
        return False
    return rows_changed(session, query) > 0


def preferences_of(session: Session, user_id: uuid.UUID) -> PushPreference:
    """The person's preferences; an unsaved row of defaults if they never chose."""
    found = session.get(PushPreference, user_id)
    if found is None:
        found = PushPreference(
            user_id=user_id,
            evening_before=True,
            evening_hour=18,
            home_visit_minutes=60,
            sync_notices=True,
            morning_follow_ups=True,
            stale_devices=True,
        )
    return found


def save_preferences(session: Session, user: User, values: dict) -> PushPreference:
    preference = preferences_of(session, user.id)
    for name, value in values.items():
        setattr(preference, name, value)
    session.add(preference)
    session.flush()
    return preference


@dataclass
class Planned:
    """A reminder to plan: ``dedupe_key`` makes planning it twice a no-op."""

    user_id: uuid.UUID
    kind: str
    dedupe_key: str
    payload: dict
    due_at: dt.datetime
    ttl: int
    urgency: str = "normal"
    subscription_id: uuid.UUID | None = None


def plan(session: Session, planned: Planned) -> bool:
    """Add the notification unless one with its dedupe key exists; whether it was added.

    ``INSERT ... ON CONFLICT DO NOTHING`` rather than look-then-insert, so two planners
    running at once still make one row.
    """
    assert planned.urgency in URGENCIES
    assert len(encode_payload(planned.payload)) <= MAX_PAYLOAD_BYTES
    values = {
        "id": uuid.uuid4(),
        "user_id": planned.user_id,
        "kind": planned.kind,
        "dedupe_key": planned.dedupe_key[:200],
        "payload": planned.payload,
        "due_at": planned.due_at,
        "ttl": max(int(planned.ttl), 0),
        "urgency": planned.urgency,
        "status": "pending",
        "attempts": 0,
        "subscription_id": planned.subscription_id,
        "created_at": now_utc(),
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id)
    )
    # RETURNING, not rowcount: psycopg reports no rowcount for this statement.
    return session.execute(statement).first() is not None


FINISHED = (
    NotificationStatus.SENT,
    NotificationStatus.FAILED,
    NotificationStatus.EXPIRED,
    NotificationStatus.UNKNOWN,
)


def prune_finished(session: Session, now: dt.datetime, keep_days: int) -> int:
    """Delete reminders that finished more than ``keep_days`` after they were due, with their
    delivery attempts; how many went. Every reminder's key names its day (or its visit), and
    nothing is planned for a day that far back, so none of them can be planned again.
    """
    old = select(Notification.id).where(
        Notification.status.in_(FINISHED), Notification.due_at < now - dt.timedelta(days=keep_days)
    )
    session.execute(delete(DeliveryAttempt).where(DeliveryAttempt.notification_id.in_(old)))
    return rows_changed(session, delete(Notification).where(Notification.id.in_(old)))
