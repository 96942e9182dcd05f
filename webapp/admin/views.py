"""Admin pages: the clinic's users, devices, settings and audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from webapp.admin import services
from webapp.admin.forms import (
    TERM_KINDS,
    ClinicSettingsForm,
    ConfirmForm,
    NewUserForm,
    ResetPasswordForm,
    TermForm,
    UserForm,
)
from webapp.audit.services import record_event
from webapp.auth import second_factor
from webapp.auth.access import role_required
from webapp.auth.models import Role
from webapp.auth.services import create_user, normalise_email
from webapp.auth.sessions import withdraw_access
from webapp.core.forms import add_error, required_value
from webapp.extensions import db
from webapp.vocab import services as vocab_services

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id):
    return services.clinic_user_or_none(current_user, user_id) or abort(404)


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    return render_template(
        "admin/users.html", users=services.clinic_users(current_user), confirm=ConfirmForm()
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = NewUserForm()
    form.clinic_name = current_user.clinic.name
    if form.validate_on_submit():
        email = normalise_email(required_value(form.email))
        if services.email_taken(email):
            add_error(form.email, "Someone already signs in with this email.")
        else:
            user = create_user(
                clinic_id=current_user.clinic_id,
                email=email,
                name=required_value(form.name),
                role=Role(form.role.data),
                password=required_value(form.password),
            )
            record_event(
                "user.create",
                user=current_user,
                subject_type="user",
                subject_id=user.id,
                detail={"role": user.role.value},
            )
            db.session.commit()
            flash(f"{user.name} can now sign in.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<user_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id):
    user = _user_or_404(user_id)
    form = UserForm(obj=user, data={"role": user.role.value})
    if form.validate_on_submit():
        email, role = normalise_email(required_value(form.email)), Role(form.role.data)
        problem = services.why_not_change_role(user, role)
        if services.email_taken(email, except_user=user):
            add_error(form.email, "Someone already signs in with this email.")
        elif problem:
            add_error(form.role, problem)
        else:
            changed = [
                n
                for n, v in (("name", required_value(form.name).strip()), ("email", email), ("role", role))
                if getattr(user, n) != v
            ]
            user.name, user.email, user.role = required_value(form.name).strip(), email, role
            record_event(
                "user.update",
                user=current_user,
                subject_type="user",
                subject_id=user.id,
                detail={"fields": changed},
            )
            db.session.commit()
            flash(f"{user.name} is saved.", "success")
            return redirect(url_for("admin.users"))
    return _user_page(form, user, ResetPasswordForm())


def _user_page(form, user, reset, status: int = 200):
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        reset=reset,
        confirm=ConfirmForm(),
        factors=second_factor.factors_of(user),
        factor_required=second_factor.required_for(user),
    ), status


@bp.route("/users/<user_id>/password", methods=["POST"])
@role_required(Role.ADMIN)
def reset_password(user_id):
    user = _user_or_404(user_id)
    reset = ResetPasswordForm()
    reset.personal_words = [user.name, user.email, user.clinic.name]
    if reset.validate_on_submit():
        user.set_password(reset.password.data)
        yourself = user.id == current_user.id
        withdraw_access(user, keep_this_browser=yourself)
        record_event("user.password_reset", user=current_user, subject_type="user", subject_id=user.id)
        if yourself:
            login_user(user)  # the generation moved on: keep this browser signed in
        db.session.commit()
        flash(
            f"{user.name}'s password is changed. They are signed out everywhere, their phones must sign in "
            "again, and their reminders are off until they turn them on again.",
            "success",
        )
        return redirect(url_for("admin.users"))
    form = UserForm(obj=user, data={"role": user.role.value})
    return _user_page(form, user, reset)


@bp.post("/users/<user_id>/second-factor/reset")
@role_required(Role.ADMIN)
def reset_second_factor(user_id):
    """Clear a person's second factors (a lost phone or security key); audited."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash("Ask another admin to reset your own second factor.", "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    removed = services.reset_second_factor(user)
    record_event(
        "second_factor.reset", user=current_user, subject_type="user", subject_id=user.id, detail=removed
    )
    db.session.commit()
    flash(
        f"{user.name}'s second factor is reset and they are signed out. They set up a new one when they next "
        "sign in.",
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/clinic", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def clinic_settings():
    clinic = current_user.clinic
    form = ClinicSettingsForm(obj=clinic)
    if form.validate_on_submit():
        settings = {
            "require_second_factor": form.require_second_factor.data,
            "lock_after_minutes": required_value(form.lock_after_minutes),
            "staff_may_export": form.staff_may_export.data,
            "retention_years": required_value(form.retention_years),
        }
        changed = services.update_clinic_settings(clinic, **settings)
        record_event(
            "clinic.settings_update",
            user=current_user,
            subject_type="clinic",
            subject_id=clinic.id,
            detail={"fields": changed, **settings},
        )
        db.session.commit()
        flash("The clinic's settings are saved.", "success")
        return redirect(url_for("admin.clinic_settings"))
    return render_template("admin/clinic.html", form=form, clinic=clinic)


@bp.route("/terms", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def terms():
    """The clinic's own words: complaints, body regions and directions its practitioners choose from."""
    form = TermForm()
    if form.validate_on_submit():
        kind, label = form.cleaned["kind"], form.cleaned["label"]
        term = vocab_services.add_term(current_user.clinic_id, kind, label, added_by_id=current_user.id)
        if term is None:
            add_error(form.label, "That wording is already in the list.")
        else:
            record_event(
                "vocabulary.add",
                user=current_user,
                subject_type="clinic",
                subject_id=current_user.clinic_id,
                detail={"kind": kind, "code": term.code},
            )
            db.session.commit()
            flash(f"“{label}” is added. Phones have it at their next sync.", "success")
            return redirect(url_for("admin.terms"))
    return render_template(
        "admin/terms.html",
        form=form,
        terms=vocab_services.clinic_terms(current_user.clinic_id),
        kinds=dict(TERM_KINDS),
    )


@bp.route("/users/<user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def toggle_active(user_id):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.active:
        problem = services.why_not_deactivate(current_user, user)
        if problem:
            flash(problem, "error")
            return redirect(url_for("admin.users"))
    services.set_active(user, not user.active)
    record_event(
        "user.reactivate" if user.active else "user.deactivate",
        user=current_user,
        subject_type="user",
        subject_id=user.id,
    )
    db.session.commit()
    flash(f"{user.name} is {'active again' if user.active else 'deactivated and signed out'}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/devices")
@role_required(Role.ADMIN)
def devices():
    return render_template(
        "admin/devices.html", devices=services.clinic_devices(current_user), confirm=ConfirmForm()
    )


@bp.route("/devices/<device_id>/revoke", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def revoke_device(device_id):
    device = services.clinic_device_or_none(current_user, device_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.revoke(current_user, device)
        record_event(
            "device.revoke",
            user=current_user,
            subject_type="device",
            subject_id=device.id,
            detail={"pending_reported": device.pending_reported},
        )
        db.session.commit()
        flash("The device is revoked: at its next contact it removes the client data it holds.", "success")
        return redirect(url_for("admin.devices"))
    return render_template("admin/revoke.html", device=device, form=form)


ACTIONS = {
    "sign_in": "signed in",
    "sign_out": "signed out",
    "sign_in_failed": "failed to sign in",
    "sign_in_throttled": "was paused after failed sign-ins",
    "password_changed": "changed their password",
    "client.view": "viewed the record",
    "client.export": "downloaded everything held about the client",
    "client.create": "registered the client",
    "client.update": "changed details",
    "client.consent_given": "recorded consent to a case study",
    "client.consent_withdrawn": "recorded consent to a case study as withdrawn",
    "case_history.update": "changed the case history",
    "acknowledgement.create": "recorded the acknowledgement",
    "appointment.create": "booked",
    "appointment.update": "moved an appointment",
    "appointment.cancel": "cancelled",
    "appointment.outcome": "recorded what became of an appointment",
    "report.view": "read a report",
    "client.erasure_requested": "recorded a request to erase the client's data",
    "client.erased": "erased the client's data",
    "case_study.draft": "drafted a case study from the record",
    "handout.print": "printed an after-session page for the client",
    "sync.push": "synced changes from a phone",
    "conflict.resolve": "resolved a conflict",
    "device.register": "set up a phone",
    "device.retire": "signed a phone out",
    "device.revoke": "revoked a phone",
    "second_factor.enrol": "set up a second factor",
    "second_factor.ok": "confirmed a second factor",
    "second_factor.failed": "gave a wrong second factor",
    "second_factor.throttled": "was paused after wrong codes",
    "second_factor.recovery_code_used": "used a recovery code",
    "second_factor.reset": "reset a second factor",
    "second_factor.remove": "removed a second factor",
    "second_factor.recovery_codes_renewed": "made new recovery codes",
    "password_confirm_failed": "typed a wrong password to confirm",
    "clinic.settings_update": "changed clinic settings",
    "vocabulary.add": "added a clinic word",
    "user.create": "added a user",
    "user.update": "changed a user",
    "user.password_reset": "set a user's password",
    "user.deactivate": "deactivated a user",
    "user.reactivate": "reactivated a user",
    "case_history.view": "viewed the case history",
    "client.view_details": "opened the details to edit",
    "acknowledgement.view": "viewed the acknowledgement",
    "visit.start_corrected": "corrected a session's start time",
    "sync.pull": "copied client records to a phone",
    "device.escrow_release": "unlocked a phone by signing in on it",
    "sync.park": "handed a phone's work to the desk",
    "sync.park_handled": "dealt with work handed to the desk",
    "push.subscribe": "turned reminders on",
    "push.unsubscribe": "turned reminders off",
}


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit():
    subject = request.args.get("subject", "").strip()[:64] or None
    page = request.args.get("page", 1, type=int)
    events, users, total = services.audit_events(current_user, subject, page)
    return render_template(
        "admin/audit.html",
        events=events,
        users=users,
        total=total,
        page=page,
        subject=subject,
        actions=ACTIONS,
    )
