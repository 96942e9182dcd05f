"""The second step of signing in: a code or a passkey, or setting one up when one is owed.

Every page here serves only a browser that is half signed in (``webapp.auth.pending``); each
try is throttled like a password, and each success, failure and set-up is audited.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from markupsafe import Markup

from webapp.audit.services import record_event
from webapp.auth import known_browsers, passkeys, pending, second_factor, services, totp
from webapp.auth.forms import CodeForm
from webapp.auth.passkeys import PasskeyRefused, RelyingParty
from webapp.core.forms import add_error, required_value
from webapp.extensions import db

bp = Blueprint("second_factor", __name__, static_folder="static", static_url_path="/auth/static")

WRONG_CODE = (
    "That code is not right, or it was used already. Type the code your app shows now, or a recovery code."
)
LAPSED = "Please sign in again: the second step was not finished in time."


def relying_party() -> RelyingParty:
    """This site for WebAuthn: WEBAUTHN_ORIGIN and WEBAUTHN_RP_ID when set, else the page's own host."""
    config = current_app.config
    origin = config.get("WEBAUTHN_ORIGIN") or request.host_url.rstrip("/")
    rp_id = config.get("WEBAUTHN_RP_ID") or urlsplit(origin).hostname
    if not rp_id:  # an origin such as "https:" names no host to be the relying party
        raise RuntimeError(f"WEBAUTHN_ORIGIN {origin!r} has no host name; set WEBAUTHN_RP_ID")
    return RelyingParty(id=rp_id, name=config["WEBAUTHN_RP_NAME"], origin=origin)


def address() -> str:
    return request.remote_addr or "unknown"


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' * (seconds != 1)}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' * (minutes != 1)}"


def code_wait(user) -> int:
    """Seconds before ``user`` may try another code (audited when they must wait)."""
    wait = services.seconds_to_wait_for_code(user, services.ThrottleRules.from_config(current_app.config))
    if wait:
        record_event("second_factor.throttled", user=user, address=address(), detail={"wait_seconds": wait})
        db.session.commit()
    return wait


def refuse_code(user, kind: str, enrolling: bool = False) -> None:
    services.record_code_failure(user, address())
    record_event(
        "second_factor.failed",
        user=user,
        address=address(),
        detail={"kind": kind, **({"enrolling": True} if enrolling else {})},
    )
    db.session.commit()


def json_error(status: int, message: str, code: str, **extra):
    """The API's error envelope: these calls come from passkeys.js, whatever it accepts."""
    return jsonify({"ok": False, "error": {"code": code, "message": message, **extra}}), status


def _back_to_sign_in():
    flash(LAPSED, "info")
    return redirect(url_for("auth.login"))


def _json_lapsed():
    return json_error(401, LAPSED, "unauthenticated")


@bp.route("/login/verify", methods=["GET", "POST"])
def challenge():
    user = pending.held_user()
    if user is None:
        return _back_to_sign_in()
    if not second_factor.has_factor(user):  # reset by an admin meanwhile
        return redirect(url_for(".enrol"))
    form, wait = CodeForm(), None
    if form.validate_on_submit():
        wait = code_wait(user)
        if not wait:
            answer = _check_code(user, "".join(required_value(form.code).split()))
            if answer is not None:
                return answer
            add_error(form.code, WRONG_CODE)
            form.code.data = ""  # a wrong code is no use to correct: type the next one
    page = render_template(
        "auth/second_factor.html",
        form=form,
        factors=second_factor.factors_of(user),
        wait=wait and _in_words(wait),
    )
    return (page, 429, {"Retry-After": str(wait)}) if wait else page


def _check_code(user, typed: str):
    """Sign in with ``typed``, a code of the app or a recovery code; None when it is wrong."""
    if typed.isdigit():
        if totp.check_totp(user, typed, current_app.config["SECRET_KEY"]):
            return _signed_in(user, "totp")
        refuse_code(user, "totp")
        return None
    left = totp.use_recovery_code(user, typed)
    if left is None:
        refuse_code(user, "recovery_code")
        return None
    record_event("second_factor.recovery_code_used", user=user, address=address(), detail={"left": left})
    if left <= 3:
        flash(
            f"You have {left} recovery code{'s' * (left != 1)} left. Make new ones under Sign-in security.",
            "info",
        )
    return _signed_in(user, "recovery_code")


def _signed_in(user, kind: str, codes_owed: bool = False):
    """Finish signing in after the second factor ``kind`` was proved (or set up)."""
    services.clear_code_failures(user)
    record_event("second_factor.ok", user=user, address=address(), detail={"kind": kind})
    target = pending.next_url()
    pending.complete(user, address(), factor=kind)
    if codes_owed:
        session[pending.CODES_OWED] = target
    db.session.commit()
    then = url_for("account.recovery_codes") if codes_owed else target
    return known_browsers.remember(
        jsonify(ok=True, redirect=then) if request.is_json else redirect(then), user.email
    )


@bp.post("/login/verify/passkey/options")
def passkey_options():
    user = pending.held_user()
    if user is None:
        return _json_lapsed()
    options, challenge_bytes = passkeys.authentication_options(user, relying_party())
    pending.keep_challenge("sign-in", challenge_bytes)
    return jsonify(ok=True, options=options)


@bp.post("/login/verify/passkey")
def passkey_verify():
    user = pending.held_user()
    if user is None:
        return _json_lapsed()
    wait = code_wait(user)
    if wait:
        return json_error(
            429,
            f"Too many failed attempts. Please wait {_in_words(wait)}, then try again.",
            "rate_limited",
            retry_after=wait,
        )
    body = request.get_json(silent=True)
    credential = body.get("credential") if isinstance(body, dict) else None
    challenge_bytes = pending.take_challenge("sign-in")
    try:
        if challenge_bytes is None or not isinstance(credential, dict):
            raise PasskeyRefused("Please try the passkey again.")
        passkeys.authenticate(user, credential, challenge_bytes, relying_party())
    except PasskeyRefused as refused:
        refuse_code(user, "passkey")
        return json_error(400, str(refused), "passkey_refused")
    return _signed_in(user, "passkey")


@bp.route("/login/set-up", methods=["GET", "POST"])
def enrol():
    """Set up a second factor before the first sign-in that needs one."""
    user = pending.held_user()
    if user is None:
        return _back_to_sign_in()
    if second_factor.has_factor(user):
        return redirect(url_for(".challenge"))
    secret_key = current_app.config["SECRET_KEY"]
    form, wait = CodeForm(), None
    if form.validate_on_submit():
        wait = code_wait(user)
        if not wait and totp.check_totp(user, required_value(form.code), secret_key, confirming=True):
            record_event("second_factor.enrol", user=user, address=address(), detail={"kind": "totp"})
            return _signed_in(user, "totp", codes_owed=True)
        if not wait:
            refuse_code(user, "totp", enrolling=True)
            add_error(form.code, "That code is not right. Type the six digits your app shows now.")
            form.code.data = ""
    secret = totp.pending_secret(user, secret_key) or totp.start_totp(user, secret_key)
    db.session.commit()
    page = render_template(
        "auth/enrol.html", form=form, user=user, wait=wait and _in_words(wait), **totp_setup(user, secret)
    )
    return (page, 429, {"Retry-After": str(wait)}) if wait else page


def totp_setup(user, secret: str) -> dict:
    """What a page needs to show for setting up an authenticator app."""
    uri = totp.provisioning_uri(secret, user, current_app.config["TOTP_ISSUER"])
    return {
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "otpauth_uri": uri,
        "qr_svg": Markup(totp.qr_svg(uri)),
    }  # segno's drawing: paths only, none of the text


@bp.post("/login/set-up/passkey/options")
def enrol_passkey_options():
    user = pending.held_user()
    if user is None or second_factor.has_factor(user):
        return _json_lapsed()
    options, challenge_bytes = passkeys.registration_options(user, relying_party())
    pending.keep_challenge("enrol", challenge_bytes)
    return jsonify(ok=True, options=options)


@bp.post("/login/set-up/passkey")
def enrol_passkey():
    user = pending.held_user()
    if user is None or second_factor.has_factor(user):
        return _json_lapsed()
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    challenge_bytes = pending.take_challenge("enrol")
    try:
        if challenge_bytes is None or not isinstance(body.get("credential"), dict):
            raise PasskeyRefused("Please try adding the passkey again.")
        passkey = passkeys.register(
            user, body["credential"], challenge_bytes, relying_party(), str(body.get("name") or "")
        )
    except PasskeyRefused as refused:
        return json_error(400, str(refused), "passkey_refused")
    record_event(
        "second_factor.enrol",
        user=user,
        address=address(),
        detail={"kind": "passkey", "passkey": str(passkey.id)},
    )
    return _signed_in(user, "passkey", codes_owed=True)
