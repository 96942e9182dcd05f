"""Devices and the bearer tokens they sync with."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from blinker import signal
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from webapp.auth.models import User
from webapp.auth.sessions import access_withdrawn
from webapp.db import now_utc
from webapp.sync.models import Device

# sender: the revoked device's id (reminder subscriptions made through it are deleted).
device_revoked = signal("fieldbook.device-revoked")


class DeviceRefused(Exception):
    """No device, a wrong token, a revoked device or an inactive user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def register_device(session: Session, user: User, label: str) -> tuple[Device, str]:
    """Add a device for ``user``; returns it with its token, shown this once only."""
    secret = secrets.token_urlsafe(32)
    device = Device(id=uuid.uuid4(), user_id=user.id, label=label[:200], token_hash=_hash(secret),
                    last_seen_at=now_utc())
    session.add(device)
    session.flush()
    return device, f"{device.id}.{secret}"


def device_for_token(session: Session, token: str | None) -> Device:
    """The live device a bearer token belongs to; DeviceRefused otherwise."""
    device_id, _, secret = (token or "").partition(".")
    try:
        device = session.get(Device, uuid.UUID(device_id))
    except ValueError:
        device = None
    if device is None or not secret or not hmac.compare_digest(device.token_hash, _hash(secret)):
        raise DeviceRefused("unauthenticated", "This device is not registered. Sign in again to sync.")
    if device.revoked_at is not None or not device.user.active:
        raise DeviceRefused("device_revoked",
                            "This device was signed out by the clinic; its client data is being removed.")
    return device


SEEN_PRECISION = dt.timedelta(minutes=10)


def note_contact(device: Device) -> None:
    """Remember when the device was last heard from, to within ten minutes.

    Writing on every pull would make each read wait for the database's write lock.
    """
    now = now_utc()
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_PRECISION:
        device.last_seen_at = now


def revoke_device(device: Device, by: User | None) -> None:
    """Stop ``device``'s token working (it wipes its client data at its next contact)."""
    device.revoked_at = device.revoked_at or now_utc()
    device.revoked_by_id = by.id if by else device.revoked_by_id
    device_revoked.send(device.id)


@access_withdrawn.connect
def _revoke_every_device(user: User, **_) -> None:
    """A password change, reset or deactivation reaches the phones: every token stops working."""
    session = object_session(user)
    for device in session.scalars(select(Device).where(Device.user_id == user.id, Device.revoked_at.is_(None))):
        revoke_device(device, by=None)
