"""The clinic, its users and the record of failed sign-ins."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from flask_login import UserMixin
from sqlalchemy import BigInteger, Enum, ForeignKey, Index, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.db import Base, Timestamped, UTCDateTime, now_utc


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    PRACTITIONER = "practitioner"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Clinic(Timestamped, Base):
    __tablename__ = "clinic"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # How the phones write dates and times (a BCP 47 language tag): "15:30", "4 Dec 2026".
    locale: Mapped[str] = mapped_column(String(35), default="en-GB")
    # The phone app locks after this many minutes without use, or as long in the background.
    lock_after_minutes: Mapped[int] = mapped_column(default=5)
    # Staff and admins sign in to the desk with a second factor (TOTP or a passkey).
    require_second_factor: Mapped[bool] = mapped_column(default=True)
    # Staff, not only admins, may download a client's whole record (records/export.py).
    staff_may_export: Mapped[bool] = mapped_column(default=False)
    # How long a client's records are kept after their last session, even if they ask for
    # erasure (docs/data-protection.md says why 7 by default).
    retention_years: Mapped[int] = mapped_column(default=7)


class User(UserMixin, Timestamped, Base):
    __tablename__ = "user_account"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinic.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change and deactivation so that every other session ends.
    session_generation: Mapped[int] = mapped_column(default=0)

    clinic: Mapped[Clinic] = relationship()

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of ``password`` and end other sessions."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.session_generation = (self.session_generation or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login: the session stores "<id>:<generation>" so a bump logs sessions out.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation or 0}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_practitioner(self) -> bool:
        return self.role == Role.PRACTITIONER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_desk(self) -> bool:
        """Staff and admins run the clinic desk and see the whole clinic."""
        return self.role in (Role.STAFF, Role.ADMIN)


class LoginFailure(Base):
    """One failed sign-in, kept for throttling (in the database, so every process sees it)."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_account_at", "account_key", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)


class WebSession(Base):
    """A browser signed in with a password: the server's side of the session cookie.

    The cookie carries a random token; only its hash is stored. Signing out deletes the row,
    so a copy of the cookie kept from before is worth nothing; so do idleness, the session's
    age limit, and anything that withdraws the user's access.
    """

    __tablename__ = "web_session"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    address: Mapped[str] = mapped_column(String(64), default="")


class TotpFactor(Base):
    """A person's authenticator app: the shared secret, sealed under SECRET_KEY
    (``webapp.auth.sealing``), so a copy of the database alone cannot make codes."""

    __tablename__ = "totp_factor"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), unique=True)
    secret_sealed: Mapped[str] = mapped_column(String(200))
    # None while being set up: the factor counts once the person has typed a first code.
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The 30-second step of the last code accepted: a code is never accepted twice.
    last_used_step: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)


class Passkey(Base):
    """A WebAuthn credential registered by a person (their public key, never a secret)."""

    __tablename__ = "passkey"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)  # base64url, up to 1,023 bytes
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(120), default="Passkey")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """One of a person's one-use recovery codes, stored as a salted scrypt hash."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
