"""Sign-in security for the signed-in person: their authenticator app, passkeys and recovery codes.

Changing how one signs in needs a recent sign-in (REAUTHENTICATE_SECONDS): a browser left
signed in on a shared desk computer cannot be used to add someone else's authenticator. Each
change is audited and signs the person out of their other browsers.
"""

from __future__ import annotations

import functools
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import delete, select

from webapp.audit.services import record_event
from webapp.auth import passkeys, pending, second_factor, services, sessions, totp
from webapp.auth.forms import CodeForm, ConfirmForm, ConfirmPasswordForm
from webapp.auth.models import Passkey, TotpFactor
from webapp.auth.passkeys import PasskeyRefused
from webapp.auth.signin_views import address, code_wait, json_error, refuse_code, relying_party, totp_setup
from webapp.core.forms import add_error, required_value
from webapp.extensions import db

bp = Blueprint("account", __name__, url_prefix="/account")


def recent_sign_in_required(view):
    """Changes to how one signs in need a sign-in (or a password typed again) in the last minutes."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not pending.recently_signed_in(current_app.config["REAUTHENTICATE_SECONDS"]):
            if request.is_json:
                return json_error(403, "Please confirm your password again.", "reauthenticate")
            return redirect(url_for(".confirm_password", next=url_for(".security")))
        return view(*args, **kwargs)

    return wrapped


def _changed(action: str, **detail) -> None:
    """Audit a change to the person's sign-in and end their other browsers' sessions."""
    record_event(
        action,
        user=current_user,
        address=address(),
        subject_type="user",
        subject_id=current_user.id,
        detail=detail,
    )
    sessions.end_other_web_sessions(current_user)


def _then_codes_if_first():
    """After a first factor, the person gets recovery codes (shown once); otherwise back to the page."""
    if totp.recovery_codes_left(current_user) == 0:
        session[pending.CODES_OWED] = url_for(".security")
        return url_for(".recovery_codes")
    return url_for(".security")


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm_password():
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        email, rules = current_user.email, services.ThrottleRules.from_config(current_app.config)
        wait = services.seconds_to_wait(email, address(), known_source=True, rules=rules)
        if wait:
            add_error(form.password, "Too many failed attempts. Please wait a few minutes, then try again.")
        elif current_user.check_password(form.password.data):
            pending.confirmed_again()
            return redirect(_safe(request.args.get("next")))
        else:
            services.record_failure(email, address())
            record_event("password_confirm_failed", user=current_user, address=address())
            db.session.commit()
            add_error(form.password, "That is not your password.")
    return render_template("auth/confirm_password.html", form=form)


def _safe(target: str | None) -> str:
    return (
        target if target and target.startswith("/") and not target.startswith("//") else url_for(".security")
    )


@bp.get("/security")
@recent_sign_in_required
def security():
    factors = second_factor.factors_of(current_user)
    return render_template(
        "auth/security.html",
        factors=factors,
        confirm=ConfirmForm(),
        required=second_factor.required_for(current_user),
        removable={
            kind: second_factor.may_remove(current_user, factors, kind) for kind in ("totp", "passkey")
        },
    )


@bp.route("/security/authenticator", methods=["GET", "POST"])
@recent_sign_in_required
def add_totp():
    if totp.confirmed_totp(current_user) is not None:
        return redirect(url_for(".security"))
    secret_key, form = current_app.config["SECRET_KEY"], CodeForm()
    if form.validate_on_submit():
        if code_wait(current_user):
            add_error(form.code, "Too many failed attempts. Please wait a few minutes, then try again.")
        elif totp.check_totp(current_user, required_value(form.code), secret_key, confirming=True):
            _changed("second_factor.enrol", kind="totp")
            target = _then_codes_if_first()
            db.session.commit()
            flash("Your authenticator app is set up.", "success")
            return redirect(target)
        else:
            refuse_code(current_user, "totp", enrolling=True)
            add_error(form.code, "That code is not right. Type the six digits your app shows now.")
            form.code.data = ""
    secret = totp.pending_secret(current_user, secret_key) or totp.start_totp(current_user, secret_key)
    db.session.commit()
    return render_template("auth/add_totp.html", form=form, **totp_setup(current_user, secret))


@bp.post("/security/authenticator/remove")
@recent_sign_in_required
def remove_totp():
    factors = second_factor.factors_of(current_user)
    if not ConfirmForm().validate_on_submit() or factors.totp is None:
        abort(400)
    if not second_factor.may_remove(current_user, factors, "totp"):
        flash(
            "The clinic requires a second factor: add a passkey before removing your authenticator app.",
            "error",
        )
        return redirect(url_for(".security"))
    db.session.execute(delete(TotpFactor).where(TotpFactor.user_id == current_user.id))
    _changed("second_factor.remove", kind="totp")
    db.session.commit()
    flash("Your authenticator app is removed.", "success")
    return redirect(url_for(".security"))


@bp.post("/security/passkeys/options")
@recent_sign_in_required
def passkey_options():
    options, challenge = passkeys.registration_options(current_user, relying_party())
    pending.keep_challenge("add", challenge)
    return jsonify(ok=True, options=options)


@bp.post("/security/passkeys")
@recent_sign_in_required
def add_passkey():
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    challenge = pending.take_challenge("add")
    try:
        if challenge is None or not isinstance(body.get("credential"), dict):
            raise PasskeyRefused("Please try adding the passkey again.")
        passkey = passkeys.register(
            current_user, body["credential"], challenge, relying_party(), str(body.get("name") or "")
        )
    except PasskeyRefused as refused:
        return json_error(400, str(refused), "passkey_refused")
    _changed("second_factor.enrol", kind="passkey", passkey=str(passkey.id))
    target = _then_codes_if_first()
    db.session.commit()
    return jsonify(ok=True, redirect=target)


@bp.post("/security/passkeys/<passkey_id>/remove")
@recent_sign_in_required
def remove_passkey(passkey_id):
    try:
        passkey = db.session.scalar(
            select(Passkey).where(Passkey.id == uuid.UUID(passkey_id), Passkey.user_id == current_user.id)
        )
    except ValueError:
        passkey = None
    if passkey is None or not ConfirmForm().validate_on_submit():
        abort(404)
    if not second_factor.may_remove(current_user, second_factor.factors_of(current_user), "passkey"):
        flash(
            "The clinic requires a second factor: keep this passkey until you have set up another.", "error"
        )
        return redirect(url_for(".security"))
    db.session.delete(passkey)
    _changed("second_factor.remove", kind="passkey", passkey=str(passkey.id))
    db.session.commit()
    flash(f"The passkey “{passkey.name}” is removed.", "success")
    return redirect(url_for(".security"))


@bp.route("/recovery-codes", methods=["GET", "POST"])
@login_required
def recovery_codes():
    """New recovery codes, shown once: right after a first second factor, or when asked for."""
    owed = session.pop(pending.CODES_OWED, None)
    if request.method == "POST":
        if not pending.recently_signed_in(current_app.config["REAUTHENTICATE_SECONDS"]):
            return redirect(url_for(".confirm_password", next=url_for(".security")))
        if not ConfirmForm().validate_on_submit():
            abort(400)
    elif not owed:
        return redirect(url_for(".security"))
    if not second_factor.has_factor(current_user):
        return redirect(url_for(".security"))
    codes = totp.new_recovery_codes(current_user)
    if request.method == "POST":
        _changed("second_factor.recovery_codes_renewed")
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, next_url=owed or url_for(".security"))
