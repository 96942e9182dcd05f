"""Signing in: password checks, throttling of failures, and loading the signed-in user."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ThrottleRules:
    """How failed sign-ins slow further tries (OWASP: throttle per account and per source,
    with growing delays rather than a lock, so a stranger cannot lock the real person out).

    Past the free failures of a count, each try waits ``2 ** (extra failures)`` seconds after
    the last failure, up to ``max_delay_s``. Three counts, over ``window_s``:
    - this account from this address: always applies;
    - this account from anywhere, and this address for any account: not to a known source,
      a browser or an address that has signed in to this account before.
    """

    window_s: int = 900
    per_source: int = 3
    per_account: int = 5
    per_address: int = 20
    max_delay_s: int = 900

    @classmethod
    def from_config(cls, config) -> ThrottleRules:
        return cls(
            window_s=config["LOGIN_WINDOW_SECONDS"],
            per_source=config["LOGIN_FREE_FAILURES_PER_SOURCE"],
            per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
            per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            max_delay_s=config["LOGIN_MAX_DELAY_SECONDS"],
        )


def _wait(rules: ThrottleRules, failures: int, last: dt.datetime | None, free: int, now: dt.datetime) -> int:
    if last is None or failures < free:
        return 0
    delay = min(2 ** min(failures - free, 30), rules.max_delay_s)
    last = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
    return max(math.ceil((last + dt.timedelta(seconds=delay) - now).total_seconds()), 0)


def _failures(*conditions) -> tuple[int, dt.datetime | None]:
    return db.session.execute(select(func.count(), func.max(LoginFailure.at)).where(*conditions)).one()


def seconds_to_wait(email: str, address: str, *, known_source: bool, rules: ThrottleRules) -> int:
    """How long this try must wait before its password is even checked (0: go ahead)."""
    now = now_utc()
    since, account = now - dt.timedelta(seconds=rules.window_s), normalise_email(email)
    waits = [
        _wait(
            rules,
            *_failures(
                LoginFailure.account_key == account, LoginFailure.address == address, LoginFailure.at >= since
            ),
            rules.per_source,
            now,
        )
    ]
    if not known_source:
        waits.append(
            _wait(
                rules,
                *_failures(LoginFailure.account_key == account, LoginFailure.at >= since),
                rules.per_account,
                now,
            )
        )
        waits.append(
            _wait(
                rules,
                *_failures(LoginFailure.address == address, LoginFailure.at >= since),
                rules.per_address,
                now,
            )
        )
    return max(waits)


def has_signed_in_from(email: str, address: str, within_days: int = 180) -> bool:
    """Whether the account with ``email`` has signed in from ``address`` before (the audit says)."""
    from webapp.audit.models import AuditEvent

    return (
        db.session.scalar(
            select(AuditEvent.id)
            .join(User, User.id == AuditEvent.user_id)
            .where(
                User.email == normalise_email(email),
                AuditEvent.action == "sign_in",
                AuditEvent.address == address,
                AuditEvent.at >= now_utc() - dt.timedelta(days=within_days),
            )
            .limit(1)
        )
        is not None
    )


def record_failure(email: str, address: str) -> None:
    db.session.add(LoginFailure(account_key=normalise_email(email), address=address, at=now_utc()))


def clear_failures(email: str, address: str) -> None:
    """A success clears this source's failures; the account's others still count."""
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.account_key == normalise_email(email), LoginFailure.address == address
        )
    )


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


def _code_key(user: User) -> str:
    return f"second-factor:{user.id}"


def seconds_to_wait_for_code(user: User, rules: ThrottleRules) -> int:
    """How long this second-factor try must wait (0: go ahead).

    Counted per account from anywhere: whoever is guessing already has the password, so a
    new address buys nothing. Past the free failures each try waits twice as long as the last.
    """
    now = now_utc()
    failures = _failures(
        LoginFailure.account_key == _code_key(user),
        LoginFailure.at >= now - dt.timedelta(seconds=rules.window_s),
    )
    return _wait(rules, *failures, rules.per_source, now)


def record_code_failure(user: User, address: str) -> None:
    db.session.add(LoginFailure(account_key=_code_key(user), address=address, at=now_utc()))


def clear_code_failures(user: User) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.account_key == _code_key(user)))
