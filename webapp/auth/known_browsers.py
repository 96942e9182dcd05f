"""Browsers that have signed in to an account before, remembered in a signed cookie.

A sign-in from such a browser is let through the account-wide throttle (OWASP's "device
cookie"), so a stranger hammering someone's account cannot lock that person out of their own
computer or phone. The cookie holds hashes of the emails that signed in here, not the emails.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "fieldbook_known"
MAX_ACCOUNTS = 5
MAX_AGE_S = 180 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    secret_key = current_app.secret_key
    if secret_key is None:  # create_app always sets one
        raise RuntimeError("no SECRET_KEY to sign the known-browser cookie with")
    return URLSafeTimedSerializer(secret_key, salt="known-browser")


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _known() -> list[str]:
    try:
        known = _serializer().loads(request.cookies.get(COOKIE, ""), max_age=MAX_AGE_S)
    except BadSignature:
        return []
    return [k for k in known if isinstance(k, str)] if isinstance(known, list) else []


def knows(email: str) -> bool:
    """Whether someone signed in to the account ``email`` from this browser before."""
    return _key(email) in _known()


def remember(response: Response, email: str) -> Response:
    """Add the account to this browser's cookie (the most recent few accounts are kept)."""
    keys = [_key(email)] + [k for k in _known() if k != _key(email)]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(keys[:MAX_ACCOUNTS]),
        max_age=MAX_AGE_S,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
    )
    return response
