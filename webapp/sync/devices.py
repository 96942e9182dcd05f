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
from webapp.sync import escrow
from webapp.sync.models import Device

# sender: the revoked device's id (reminder subscriptions made through it are deleted).
device_revoked = signal("fieldbook.device-revoked")


class DeviceRefused(Exception):
    """No device, a wrong token, a lapsed token, a revoked device or an inactive user."""

    def __init__(self, code: str, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.code, self.reason = code, reason


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def register_device(session: Session, user: User, label: str, secret_key: str) -> tuple[Device, str, str]:
    """Add a device for ``user``; returns it with its token and its escrow key, shown this once."""
    secret = secrets.token_urlsafe(32)
    device = Device(
        id=uuid.uuid4(), user_id=user.id, label=label[:200], token_hash=_hash(secret), last_seen_at=now_utc()
    )
    key = escrow.new_escrow_key()
    device.escrow_sealed = escrow.seal(key, secret_key, str(device.id))
    session.add(device)
    session.flush()
    return device, f"{device.id}.{secret}", key


def device_for_token(
    session: Session, token: str | None, *, lapse_days: int | None = None, allow_lapsed: bool = False
) -> Device:
    """The live device a bearer token belongs to; DeviceRefused otherwise.

    A token unused for ``lapse_days`` has lapsed (each contact renews it): it is refused as
    ``unauthenticated`` with reason ``lapsed``, so the phone keeps everything and asks for a
    sign-in, which renews it (``allow_lapsed`` is for that renewal only).
    """
    device_id, _, secret = (token or "").partition(".")
    try:
        device = session.get(Device, uuid.UUID(device_id))
    except ValueError:
        device = None
    if device is None or not secret or not hmac.compare_digest(device.token_hash, _hash(secret)):
        raise DeviceRefused("unauthenticated", "This device is not registered. Sign in again to sync.")
    if device.revoked_at is not None or not device.user.active:
        raise DeviceRefused(
            "device_revoked", "This device was signed out by the clinic; its client data is being removed."
        )
    if not allow_lapsed and lapse_days is not None and has_lapsed(device, lapse_days):
        raise DeviceRefused(
            "unauthenticated",
            "This phone has not reached the clinic for a long time. "
            "Sign in again to go on; nothing on it is lost.",
            reason="lapsed",
        )
    return device


def device_for_proof(session: Session, device_id: str, proof: str) -> Device:
    """The device whose token hashes to ``proof`` (a lapsed one too); DeviceRefused otherwise.

    The phone keeps this hash in clear beside its locked data so that a sign-in can prove
    which phone it is on: the hash is no bearer token (the server hashes what it is sent).
    """
    try:
        device = session.get(Device, uuid.UUID(device_id))
    except ValueError:
        device = None
    if device is None or not hmac.compare_digest(device.token_hash, proof.lower()):
        raise DeviceRefused("unauthenticated", "This phone is not registered here.")
    if device.revoked_at is not None or not device.user.active:
        raise DeviceRefused(
            "device_revoked", "This device was signed out by the clinic; its client data is being removed."
        )
    return device


def has_lapsed(device: Device, lapse_days: int) -> bool:
    seen = device.last_seen_at or device.created_at
    return seen is not None and now_utc() - seen > dt.timedelta(days=lapse_days)


def escrow_key(device: Device, secret_key: str, *, create: bool = False) -> str | None:
    """The device's escrow key; with ``create``, a new one for a device that has none yet
    (a phone registered before the app locked). None if there is none to give."""
    if not device.escrow_sealed:
        if not create:
            return None
        key = escrow.new_escrow_key()
        device.escrow_sealed = escrow.seal(key, secret_key, str(device.id))
        return key
    return escrow.unseal(device.escrow_sealed, secret_key, str(device.id))


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
def _revoke_every_device(user: User, **_: object) -> None:
    """A password change, reset or deactivation reaches the phones: every token stops working."""
    session = object_session(user)
    if session is None:  # a detached user: refuse loudly rather than leave the phones working
        raise RuntimeError(f"cannot revoke the devices of user {user.id}: it belongs to no session")
    for device in session.scalars(
        select(Device).where(Device.user_id == user.id, Device.revoked_at.is_(None))
    ):
        revoke_device(device, by=None)
