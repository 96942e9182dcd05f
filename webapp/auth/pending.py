"""The half-signed-in state: the password was right, the second factor is still owed.

It lives in the session cookie under its own key, and nowhere else: no ``WebSession`` row is
made and Flask-Login is never told, so ``current_user`` stays anonymous and every page and
API call answers as to a stranger until the second factor is checked. It lapses after
SECOND_FACTOR_SECONDS, and with the user's session generation (a password reset or a
deactivation in the meantime ends it too).
"""

from __future__ import annotations

import time
import uuid

from flask import current_app, session
from flask_login import login_user
from sqlalchemy import select

from webapp.audit.services import record_event
from webapp.auth import sessions
from webapp.auth.models import User
from webapp.extensions import db

PENDING = "half_signed_in"
CHALLENGE = "webauthn_challenge"
SIGNED_IN_AT = "signed_in_at"  # when this browser last proved both factors (or the password alone)
CODES_OWED = "show_recovery_codes"


def hold(user: User, next_url: str) -> None:
    """Remember that ``user`` gave the right password here and still owes a second factor
    (whether they must set one up first is asked of the database at each step)."""
    session.pop(CHALLENGE, None)
    session[PENDING] = {
        "user": str(user.id),
        "generation": user.session_generation or 0,
        "at": int(time.time()),
        "next": next_url,
    }


def _state() -> dict | None:
    state = session.get(PENDING)
    if not isinstance(state, dict) or not isinstance(state.get("at"), int):
        return None
    if time.time() - state["at"] > current_app.config["SECOND_FACTOR_SECONDS"]:
        return None
    return state


def held_user() -> User | None:
    """The user half signed in here, if the state is fresh and still matches the account."""
    state = _state()
    if state is None:
        return None
    try:
        user = db.session.scalar(select(User).where(User.id == uuid.UUID(str(state.get("user")))))
    except ValueError:
        return None
    if user is None or not user.active or (user.session_generation or 0) != state.get("generation"):
        return None
    return user


def next_url() -> str:
    state = _state() or {}
    return state.get("next") or "/"


def drop() -> None:
    session.pop(PENDING, None)
    session.pop(CHALLENGE, None)


def keep_challenge(purpose: str, challenge: bytes) -> None:
    """Keep a WebAuthn challenge for the next answer in this browser (one use)."""
    session[CHALLENGE] = {"purpose": purpose, "value": challenge.hex(), "at": int(time.time())}


def take_challenge(purpose: str) -> bytes | None:
    """The challenge kept for ``purpose``, removed so that it cannot be answered twice."""
    kept = session.pop(CHALLENGE, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose or not isinstance(kept.get("at"), int):
        return None
    if time.time() - kept["at"] > current_app.config["SECOND_FACTOR_SECONDS"]:
        return None
    try:
        return bytes.fromhex(kept.get("value", ""))
    except ValueError:
        return None


def complete(user: User, address: str, *, factor: str | None) -> None:
    """Sign ``user`` in for real: the web session begins only now; the caller commits."""
    drop()
    login_user(user)
    sessions.begin(user, address)
    session[SIGNED_IN_AT] = int(time.time())
    record_event("sign_in", user=user, address=address, detail={"second_factor": factor} if factor else None)


def recently_signed_in(within_seconds: int) -> bool:
    """Whether this browser proved who it is within ``within_seconds`` (for changes to how one signs in)."""
    at = session.get(SIGNED_IN_AT)
    return isinstance(at, int) and time.time() - at <= within_seconds


def confirmed_again() -> None:
    session[SIGNED_IN_AT] = int(time.time())
