"""Passkeys (WebAuthn) as a second factor, checked on the server by py_webauthn.

The browser's authenticator signs a one-time challenge for this site's name only, so a
look-alike site cannot replay it; the server keeps each credential's public key and the
authenticator's signature counter (a counter that goes back betrays a cloned key).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, options_to_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from webapp.auth.models import Passkey, User
from webapp.db import now_utc
from webapp.extensions import db

TIMEOUT_MS = 120_000


class PasskeyRefused(Exception):
    """The browser's answer did not prove the passkey (the message says so to the person)."""


@dataclass(frozen=True)
class RelyingParty:
    """This site as WebAuthn knows it: the domain a passkey is bound to, and the page origin."""

    id: str
    name: str
    origin: str


def passkeys_of(user: User) -> list[Passkey]:
    return list(
        db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at))
    )


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in passkeys_of(user)]


def registration_options(user: User, rp: RelyingParty) -> tuple[dict, bytes]:
    """What the browser needs to make a new passkey for ``user``, and the challenge to keep."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user.id.bytes,
        user_name=user.email,
        user_display_name=user.name,
        timeout=TIMEOUT_MS,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return json.loads(options_to_json(options)), options.challenge


def register(user: User, credential: dict, challenge: bytes, rp: RelyingParty, name: str) -> Passkey:
    """Check the browser's new credential against ``challenge`` and keep its public key."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused("The passkey could not be checked. Please try again.") from error
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == credential_id)):
        raise PasskeyRefused("This passkey is already registered.")
    passkey = Passkey(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name.strip() or "Passkey")[:120],
    )
    db.session.add(passkey)
    db.session.flush()
    return passkey


def authentication_options(user: User, rp: RelyingParty) -> tuple[dict, bytes]:
    """What the browser needs to sign in with one of ``user``'s passkeys, and the challenge."""
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return json.loads(options_to_json(options)), options.challenge


def authenticate(user: User, credential: dict, challenge: bytes, rp: RelyingParty) -> Passkey:
    """Check the browser's signature over ``challenge`` by one of ``user``'s passkeys."""
    credential_id = credential.get("id") if isinstance(credential, dict) else None
    passkey = (
        db.session.scalar(
            select(Passkey).where(Passkey.user_id == user.id, Passkey.credential_id == credential_id)
        )
        if isinstance(credential_id, str)
        else None
    )
    if passkey is None:
        raise PasskeyRefused("That passkey is not registered to this account.")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused("The passkey could not be checked. Please try again.") from error
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, now_utc()
    db.session.flush()
    return passkey
