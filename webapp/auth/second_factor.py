"""Who owes a second factor at sign-in, what each person has set up, and an admin's reset."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from webapp.auth import passkeys, totp
from webapp.auth.models import Passkey, RecoveryCode, TotpFactor, User
from webapp.extensions import db


@dataclass(frozen=True)
class Factors:
    """What ``user`` can prove themselves with beyond the password."""

    totp: TotpFactor | None
    passkeys: list[Passkey]
    recovery_codes_left: int

    @property
    def any(self) -> bool:
        return self.totp is not None or bool(self.passkeys)


def factors_of(user: User) -> Factors:
    return Factors(totp.confirmed_totp(user), passkeys.passkeys_of(user), totp.recovery_codes_left(user))


def has_factor(user: User) -> bool:
    """Whether ``user`` has a confirmed authenticator app or a passkey (then it is always asked for)."""
    return (
        db.session.scalar(
            select(TotpFactor.id).where(TotpFactor.user_id == user.id, TotpFactor.confirmed_at.is_not(None))
        )
        is not None
        or db.session.scalar(select(Passkey.id).where(Passkey.user_id == user.id).limit(1)) is not None
    )


def required_for(user: User) -> bool:
    """Whether the clinic requires ``user`` to have one: staff and admins, unless the clinic
    turned it off. Practitioners' phones have a lock of their own; they may still set one up."""
    return user.is_desk and user.clinic.require_second_factor


def owes_enrolment(user: User) -> bool:
    return required_for(user) and not has_factor(user)


def may_remove(user: User, factors: Factors, kind: str) -> bool:
    """A factor may go unless it is the last one and the clinic requires one."""
    left = (factors.totp is not None and kind != "totp") + len(factors.passkeys) - (kind == "passkey")
    return not required_for(user) or left > 0


def reset(user: User) -> dict:
    """Remove every second factor of ``user`` and their recovery codes (an admin's reset);
    they set one up again at their next sign-in. Returns what was removed, for the audit."""
    removed = {
        "totp": db.session.scalar(
            select(TotpFactor.id).where(TotpFactor.user_id == user.id, TotpFactor.confirmed_at.is_not(None))
        )
        is not None,
        "passkeys": len(passkeys.passkeys_of(user)),
    }
    for model in (TotpFactor, Passkey, RecoveryCode):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.flush()
    return removed
