"""Rules of administration: users of one clinic, their roles, and their devices."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from webapp.auth import second_factor
from webapp.auth.models import Clinic, Role, User
from webapp.auth.sessions import end_web_sessions, withdraw_access
from webapp.extensions import db
from webapp.sync.devices import revoke_device
from webapp.sync.models import Device


def clinic_users(admin: User) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.clinic_id == admin.clinic_id).order_by(User.active.desc(), User.name)
        )
    )


def clinic_user_or_none(admin: User, user_id) -> User | None:
    try:
        user = db.session.get(User, uuid.UUID(str(user_id)))
    except ValueError:
        return None
    return user if user is not None and user.clinic_id == admin.clinic_id else None


def email_taken(email: str, except_user: User | None = None) -> bool:
    query = select(User.id).where(User.email == email)
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query) is not None


def active_admins(clinic_id) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.clinic_id == clinic_id, User.role == Role.ADMIN, User.active.is_(True))
        )
        or 0
    )  # a count: never None


def why_not_deactivate(admin: User, user: User) -> str | None:
    if user.id == admin.id:
        return "You cannot deactivate your own account."
    if user.role == Role.ADMIN and active_admins(user.clinic_id) <= 1:
        return "This is the clinic's last active admin."
    return None


def why_not_change_role(user: User, role: Role) -> str | None:
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active and active_admins(user.clinic_id) <= 1:
        return "The clinic needs at least one active admin."
    return None


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        withdraw_access(user)  # web sessions, phones and reminders all end
    db.session.flush()


def reset_second_factor(user: User) -> dict:
    """Clear ``user``'s second factors and recovery codes, and sign them out of every browser:
    whoever asked for this has lost a factor, and may have lost a signed-in computer with it.
    They set up a new factor at their next sign-in. Returns what was removed (for the audit)."""
    removed = second_factor.reset(user)
    end_web_sessions(user)
    return removed


def update_clinic_settings(clinic: Clinic, **settings: bool | int) -> list[str]:
    """Change the clinic's settings named in ``settings``; returns the names of those changed."""
    changed = [name for name, value in settings.items() if getattr(clinic, name) != value]
    for name, value in settings.items():
        setattr(clinic, name, value)
    db.session.flush()
    return changed


def clinic_devices(admin: User) -> list[Device]:
    return list(
        db.session.scalars(
            select(Device)
            .join(User, User.id == Device.user_id)
            .where(User.clinic_id == admin.clinic_id)
            .order_by(Device.revoked_at.is_not(None), Device.last_seen_at.desc())
        )
    )


def clinic_device_or_none(admin: User, device_id) -> Device | None:
    try:
        device = db.session.get(Device, uuid.UUID(str(device_id)))
    except ValueError:
        return None
    return device if device is not None and device.user.clinic_id == admin.clinic_id else None


def revoke(admin: User, device: Device) -> None:
    """Revoke the device and end its user's web sessions: a lost phone may still hold a
    signed-in cookie for the desk pages. The practitioner signs in again on their other devices."""
    revoke_device(device, by=admin)
    end_web_sessions(device.user)
    db.session.flush()


def audit_events(admin: User, subject_id: str | None, page: int, per_page: int = 50):
    """The clinic's audit trail, newest first, optionally about one subject (a client's id)."""
    from webapp.audit.models import AuditEvent

    query = select(AuditEvent).where(AuditEvent.clinic_id == admin.clinic_id)
    if subject_id:
        query = query.where(AuditEvent.subject_id == subject_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    events = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.clinic_id == admin.clinic_id))}
    return events, users, total
