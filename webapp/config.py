"""Settings read from the environment, with safe defaults, in one place."""

from __future__ import annotations

import os
from pathlib import Path


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str) -> dict:
    """Build the app's configuration from environment variables.

    The secret key and the VAPID key pair are not read here: they are created in the
    instance folder on first start (see ``webapp.core.instance_keys``) unless given.
    """
    instance = Path(instance_path)
    default_db = f"sqlite:///{instance / 'fieldbook.sqlite3'}"
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY"),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:admin@fieldbook.invalid"),
        # Cookies: HttpOnly and SameSite always; Secure always in production, and on any
        # request that arrived over HTTPS (see webapp.core.security.SecureWhenHttps).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        # A phone's token lapses after this many days without contact (renewed by each sync);
        # a phone that has not reached the server for the second figure must sign in online
        # before it unlocks again (docs/security.md).
        "DEVICE_TOKEN_DAYS": int(os.environ.get("DEVICE_TOKEN_DAYS", 30)),
        "DEVICE_OFFLINE_UNLOCK_DAYS": int(os.environ.get("DEVICE_OFFLINE_UNLOCK_DAYS", 14)),
        # A signed-in browser left alone this long is signed out (the phone app syncs with its
        # device token, so this does not stop a phone syncing).
        "WEB_SESSION_IDLE_SECONDS": int(os.environ.get("WEB_SESSION_IDLE_MINUTES", 30)) * 60,
        # Behind a reverse proxy that sets X-Forwarded-Proto (nginx, Caddy): trust one hop.
        "BEHIND_PROXY": _flag("BEHIND_PROXY", False),
        "WTF_CSRF_TIME_LIMIT": 60 * 60,
        # The desk's second factor (docs/security.md): how long a right password waits for
        # its second factor, and how recent a sign-in must be to change how one signs in.
        "SECOND_FACTOR_SECONDS": int(os.environ.get("SECOND_FACTOR_MINUTES", 5)) * 60,
        "REAUTHENTICATE_SECONDS": int(os.environ.get("REAUTHENTICATE_MINUTES", 10)) * 60,
        "TOTP_ISSUER": os.environ.get("TOTP_ISSUER", "Fieldbook"),
        # Passkeys are bound to this domain; unset, the host the page was served from. Set
        # both in production (e.g. fieldbook.example.org and https://fieldbook.example.org).
        "WEBAUTHN_RP_ID": os.environ.get("WEBAUTHN_RP_ID"),
        "WEBAUTHN_ORIGIN": os.environ.get("WEBAUTHN_ORIGIN"),
        "WEBAUTHN_RP_NAME": os.environ.get("WEBAUTHN_RP_NAME", "Fieldbook"),
        # Login throttling (webapp.auth.services.ThrottleRules): failures allowed in the window
        # before each try waits, doubling to at most the longest delay.
        "LOGIN_WINDOW_SECONDS": int(os.environ.get("LOGIN_WINDOW_SECONDS", 15 * 60)),
        "LOGIN_FREE_FAILURES_PER_SOURCE": int(os.environ.get("LOGIN_FREE_FAILURES_PER_SOURCE", 3)),
        "LOGIN_MAX_DELAY_SECONDS": int(os.environ.get("LOGIN_MAX_DELAY_SECONDS", 15 * 60)),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)),
        "CLIENTS_PER_PAGE": 25,
        # Records (or change-log rows) per pull answer when the phone names no limit; at most
        # 5000 (sync/pull.py DEFAULT_LIMIT). Smaller pages show a first sync's progress sooner.
        "SYNC_PULL_PAGE": int(os.environ.get("SYNC_PULL_PAGE", 5000)),
        # Reminders by Web Push (docs/reminders.md).
        "PUSH_STALE_DEVICE_DAYS": int(os.environ.get("PUSH_STALE_DEVICE_DAYS", 3)),
        "PUSH_MAX_ATTEMPTS": int(os.environ.get("PUSH_MAX_ATTEMPTS", 5)),
        "PUSH_RETRY_BASE_SECONDS": int(os.environ.get("PUSH_RETRY_BASE_SECONDS", 60)),
        "PUSH_LEASE_SECONDS": int(os.environ.get("PUSH_LEASE_SECONDS", 300)),
        "PUSH_KEEP_DAYS": int(os.environ.get("PUSH_KEEP_DAYS", 90)),
        # Real push services are https; plain http endpoints are for a local test service only.
        "PUSH_ALLOW_HTTP_ENDPOINTS": _flag("PUSH_ALLOW_HTTP_ENDPOINTS", False),
        # A push of 10,000 changes is about 5 MB of JSON.
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    }
