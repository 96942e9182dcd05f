"""Authenticator apps (TOTP, RFC 6238) and one-use recovery codes.

A code is accepted for the 30-second step it belongs to and the ones either side (clocks
drift), and never twice: the last step used is kept, so a code seen over a shoulder or in a
proxy's log is worth nothing once typed. Recovery codes carry about 50 bits of chance,
under the 112 bits that would let a plain hash do, so each is stored as a salted scrypt hash.
"""

from __future__ import annotations

import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.auth.models import RecoveryCode, TotpFactor, User
from webapp.auth.sealing import seal, unseal
from webapp.db import now_utc
from webapp.extensions import db

STEP_SECONDS = 30
DRIFT_STEPS = 1
PURPOSE = "totp secret"
RECOVERY_CODES = 10
# 31 letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i).
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_HASH_METHOD = "scrypt:16384:8:1"


def _unsealed(factor: TotpFactor, secret_key: str) -> str | None:
    raw = unseal(factor.secret_sealed, secret_key, PURPOSE, str(factor.user_id))
    return raw.decode() if raw is not None else None


def confirmed_totp(user: User) -> TotpFactor | None:
    """The person's authenticator app, if set up and confirmed."""
    return db.session.scalar(
        select(TotpFactor).where(TotpFactor.user_id == user.id, TotpFactor.confirmed_at.is_not(None))
    )


def start_totp(user: User, secret_key: str) -> str:
    """Begin setting up an authenticator app: a new secret, kept sealed until confirmed.

    Replaces a set-up that was never confirmed; the caller makes sure none is confirmed.
    """
    secret = pyotp.random_base32()  # 32 characters: 160 bits from the system's CSPRNG
    db.session.execute(delete(TotpFactor).where(TotpFactor.user_id == user.id))
    db.session.add(
        TotpFactor(user_id=user.id, secret_sealed=seal(secret.encode(), secret_key, PURPOSE, str(user.id)))
    )
    db.session.flush()
    return secret


def set_up_totp(user: User, secret: str, secret_key: str) -> TotpFactor:
    """Give ``user`` a confirmed authenticator app with a known ``secret`` (the demo clinic's
    published one; tests). People set theirs up through ``start_totp`` and a first code."""
    factor = TotpFactor(
        user_id=user.id,
        secret_sealed=seal(secret.encode(), secret_key, PURPOSE, str(user.id)),
        confirmed_at=now_utc(),
    )
    db.session.add(factor)
    db.session.flush()
    return factor


def pending_secret(user: User, secret_key: str) -> str | None:
    """The secret of an authenticator app being set up (to show it again), if any."""
    factor = db.session.scalar(
        select(TotpFactor).where(TotpFactor.user_id == user.id, TotpFactor.confirmed_at.is_(None))
    )
    return _unsealed(factor, secret_key) if factor is not None else None


def provisioning_uri(secret: str, user: User, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an inline SVG element (no script, no style attribute)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff")


def _step(at: float) -> int:
    return int(at // STEP_SECONDS)


def _matches(secret: str, code: str, last_used: int, at: float) -> int | None:
    """The step ``code`` belongs to, if it is one of the steps around ``at`` not yet used."""
    totp = pyotp.TOTP(secret)
    now = _step(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > last_used and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join(code.split())


def check_totp(
    user: User, code: str, secret_key: str, *, confirming: bool = False, at: float | None = None
) -> bool:
    """Whether ``code`` is a fresh code of the person's app; marks it used when it is.

    ``confirming`` checks the app being set up instead, and confirms it on success.
    """
    query = select(TotpFactor).where(TotpFactor.user_id == user.id)
    query = query.where(
        TotpFactor.confirmed_at.is_(None) if confirming else TotpFactor.confirmed_at.is_not(None)
    )
    factor = db.session.scalar(query)
    code = _digits(code)
    if factor is None or not (code.isdigit() and len(code) == 6):
        return False
    secret = _unsealed(factor, secret_key)
    step = (
        _matches(secret, code, factor.last_used_step, time.time() if at is None else at) if secret else None
    )
    if step is None:
        return False
    factor.last_used_step = step
    if confirming:
        factor.confirmed_at = now_utc()
    db.session.flush()
    return True


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh one-use codes, replacing any earlier ones; shown once, stored hashed."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(raw, CODE_HASH_METHOD)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> int | None:
    """Spend ``code`` if it is one of the person's unused codes: how many are left, or None."""
    typed = _normalised(code)
    if len(typed) != 10:
        return None
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for row in unused:
        if check_password_hash(row.code_hash, typed):
            row.used_at = now_utc()
            db.session.flush()
            return len(unused) - 1
    return None


def recovery_codes_left(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )  # a count has a row: never None
