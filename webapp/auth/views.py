"""Sign in (the password step), sign out, change password.

A right password signs the person in at once only when they have no second factor and owe
none; otherwise it leaves this browser half signed in (``webapp.auth.pending``) and sends it
on to the second factor (``webapp.auth.signin_views``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from webapp.audit.services import record_event
from webapp.auth import known_browsers, pending, second_factor, services, sessions
from webapp.auth.forms import ChangePasswordForm, LoginForm
from webapp.core.forms import add_error, required_value
from webapp.extensions import db

bp = Blueprint("auth", __name__)

GENERIC_FAILURE = "That email and password do not match an active account."


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' * (seconds != 1)}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' * (minutes != 1)}"


def _safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = required_value(form.email), _client_address()
        known = known_browsers.knows(email) or services.has_signed_in_from(email, address)
        wait = services.seconds_to_wait(
            email, address, known_source=known, rules=services.ThrottleRules.from_config(current_app.config)
        )
        if wait:
            record_event(
                "sign_in_throttled",
                address=address,
                detail={"email": services.normalise_email(email), "wait_seconds": wait},
            )
            db.session.commit()
            page = render_template("auth/login.html", form=form, wait=_in_words(wait))
            return page, 429, {"Retry-After": str(wait)}
        user = services.authenticate(email, required_value(form.password))
        if user is None:
            services.record_failure(email, address)
            record_event("sign_in_failed", address=address, detail={"email": services.normalise_email(email)})
            db.session.commit()
            add_error(form.password, GENERIC_FAILURE)
            return render_template("auth/login.html", form=form), 200
        services.clear_failures(email, address)
        target = _safe_next(request.args.get("next"))
        if second_factor.has_factor(user) or second_factor.owes_enrolment(user):
            enrol = not second_factor.has_factor(user)
            pending.hold(user, target)
            db.session.commit()
            # Not yet a known browser: that takes a whole sign-in (see signin_views).
            return redirect(url_for("second_factor.enrol" if enrol else "second_factor.challenge"))
        pending.complete(user, address, factor=None)
        db.session.commit()
        return known_browsers.remember(redirect(target), email)
    pending.drop()  # a new sign-in starts over
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        record_event("sign_out", user=current_user, address=_client_address())
    sessions.end_here()
    pending.drop()
    db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.personal_words = [current_user.name, current_user.email, current_user.clinic.name]
    if form.validate_on_submit():
        if not current_user.check_password(required_value(form.current_password)):
            add_error(form.current_password, "That is not your current password.")
        else:
            current_user.set_password(required_value(form.new_password))
            sessions.withdraw_access(current_user, keep_this_browser=True)
            record_event("password_changed", user=current_user, address=_client_address())
            login_user(current_user)  # the generation moved on: keep this session alive
            db.session.commit()
            flash(
                "Your password has been changed. You are signed out everywhere else, your phones must "
                "sign in again, and reminders must be turned on again where you want them.",
                "success",
            )
            return redirect(url_for("core.home"))
    return render_template("auth/password.html", form=form)
