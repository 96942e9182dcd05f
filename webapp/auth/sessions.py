"""Web sessions, held on the server: begun at sign-in, checked on each request, ended there.

Flask's session is a signed cookie, so on its own it cannot be taken back: a copy kept from
before a sign-out would go on working until it expired. Each sign-in therefore also makes a
``WebSession`` row, and the cookie carries its random token; a request is signed in only
while that row exists. The cookie also carries when the browser was last seen (it is signed,
so it cannot be wound forward), which ends an idle session without a write per request.

Ending access is a fact other features act on (sync revokes devices, reminders delete
subscriptions), so it is announced as a signal rather than done here: auth knows no feature
above it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
import uuid

from blinker import Namespace
from flask import current_app, session
from sqlalchemy import delete, select

from webapp.auth.models import User, WebSession
from webapp.db import now_utc
from webapp.extensions import db

TOKEN, SEEN = "sid", "seen"
TOUCH_SECONDS = 60  # the last-seen time in the cookie is refreshed at most once a minute

_signals = Namespace()
# sender: the User; keep: the id of a web session to leave open (the one that changed the password).
access_withdrawn = _signals.signal("access-withdrawn")
# sender: the WebSession's id, when a person signs out of it.
signed_out = _signals.signal("signed-out")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> dt.timedelta:
    value = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=value)


def begin(user: User, address: str) -> None:
    """Start a web session for ``user`` in this browser (after the password was checked)."""
    token = secrets.token_urlsafe(32)
    db.session.execute(
        delete(WebSession).where(
            WebSession.user_id == user.id, WebSession.created_at < now_utc() - _lifetime()
        )
    )
    db.session.add(
        WebSession(
            id=uuid.uuid4(),
            token_hash=_hash(token),
            user_id=user.id,
            address=address[:64],
            created_at=now_utc(),
        )
    )
    session[TOKEN], session[SEEN] = token, int(time.time())


def _row_of_this_browser() -> WebSession | None:
    token = session.get(TOKEN)
    if not isinstance(token, str):
        return None
    return db.session.scalar(select(WebSession).where(WebSession.token_hash == _hash(token)))


def signed_in_user(user_id: uuid.UUID) -> User | None:
    """The user this browser is signed in as, if its session is still open: not signed out,
    not idle longer than WEB_SESSION_IDLE_SECONDS, not older than PERMANENT_SESSION_LIFETIME.

    One query finds the session row and its user together (every request pays for it).
    """
    seen, token, now = session.get(SEEN), session.get(TOKEN), time.time()
    if not isinstance(seen, int) or not isinstance(token, str):
        return None
    if now - seen > current_app.config["WEB_SESSION_IDLE_SECONDS"]:
        return None
    user = db.session.scalar(
        select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(
            WebSession.token_hash == _hash(token),
            User.id == user_id,
            WebSession.created_at > now_utc() - _lifetime(),
        )
    )
    if user is not None and now - seen > TOUCH_SECONDS:
        session[SEEN] = int(now)
    return user


def current_id() -> uuid.UUID | None:
    """The id of this browser's web session, if it has one."""
    row = _row_of_this_browser()
    return row.id if row is not None else None


def end_here() -> None:
    """Sign this browser out on the server; the caller commits."""
    row = _row_of_this_browser()
    if row is not None:
        signed_out.send(row.id)
        db.session.delete(row)
    session.pop(TOKEN, None)
    session.pop(SEEN, None)


def end_web_sessions(user: User) -> None:
    """Sign ``user`` out of every browser (their phones keep syncing); the caller commits."""
    db.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    user.session_generation = (user.session_generation or 0) + 1
    db.session.flush()


def end_other_web_sessions(user: User) -> None:
    """Sign ``user`` out of every browser but this one (after a change to how they sign in);
    the caller commits."""
    query = delete(WebSession).where(WebSession.user_id == user.id)
    kept = current_id()
    if kept is not None:
        query = query.where(WebSession.id != kept)
    db.session.execute(query)


def withdraw_access(user: User, keep_this_browser: bool = False) -> None:
    """End every way ``user`` is signed in, on every browser and device; the caller commits.

    For a password change, an admin's reset and a deactivation: web sessions end here (all but
    this browser's, when asked), and the features that hold access of their own (device
    tokens, reminder subscriptions) end theirs when told through ``access_withdrawn``.
    """
    kept = current_id() if keep_this_browser else None
    query = delete(WebSession).where(WebSession.user_id == user.id)
    if kept is not None:
        query = query.where(WebSession.id != kept)
    db.session.execute(query)
    user.session_generation = (user.session_generation or 0) + 1
    access_withdrawn.send(user, keep=kept)
    db.session.flush()
