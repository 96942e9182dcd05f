"""Signing in: password checks, throttling of failures, and loading the signed-in user."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, func, select

from webapp.auth import sessions
from webapp.auth.models import LoginFailure, Role, User
from webapp.db import now_utc
from webapp.extensions import db


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's loader: "<uuid>:<generation>", for a browser whose web session is still
    open on the server (webapp.auth.sessions); a stale generation signs the user out."""
    user_id, _, generation = session_id.partition(":")
    try:
        user = sessions.signed_in_user(uuid.UUID(user_id))
    except ValueError:
        return None
    if user is None or not user.active or str(user.session_generation or 0) != generation:
        return None
    return user


def is_throttled(email: str, address: str, *, window_s: int, per_account: int, per_address: int) -> bool:
    """Whether sign-in for this account or from this address is paused after failures."""
    since = now_utc() - dt.timedelta(seconds=window_s)
    by_account = db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(
            LoginFailure.account_key == normalise_email(email), LoginFailure.at >= since
        )
    )
    if by_account >= per_account:
        return True
    by_address = db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(
            LoginFailure.address == address, LoginFailure.at >= since
        )
    )
    return by_address >= per_address


def record_failure(email: str, address: str) -> None:
    db.session.add(LoginFailure(account_key=normalise_email(email), address=address))


def clear_failures(email: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.account_key == normalise_email(email)))


# Checked against when the account does not exist, so both paths cost one scrypt check
# and response times do not reveal which accounts exist.
_DUMMY_HASH = None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same cost either way)."""
    global _DUMMY_HASH
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        if _DUMMY_HASH is None:
            probe = User(email="", name="", role=Role.STAFF)
            probe.set_password("not a real password")
            _DUMMY_HASH = probe.password_hash
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def create_user(*, clinic_id: uuid.UUID, email: str, name: str, role: Role, password: str) -> User:
    """Add a new user; the caller commits. Raises ValueError if the email is taken."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise ValueError("A user with this email already exists.")
    user = User(clinic_id=clinic_id, email=email, name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
