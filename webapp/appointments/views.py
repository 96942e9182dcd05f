"""The diary: day and week views, booking, moving and cancelling, follow-ups due."""

from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.appointments import attendance, services
from webapp.appointments.forms import AppointmentForm
from webapp.appointments.models import Appointment
from webapp.audit.services import record_event
from webapp.clients.access import record_of_visible_client_or_404, visible_clients
from webapp.clients.models import Client
from webapp.core.forms import options
from webapp.core.templating import clinic_zone
from webapp.db import now_utc
from webapp.extensions import db

bp = Blueprint("appointments", __name__, url_prefix="/appointments")


def _today() -> dt.date:
    return dt.datetime.now(clinic_zone()).date()


def _date_arg(name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return _today()


def _practitioner_arg() -> uuid.UUID | None:
    if current_user.is_practitioner:
        return current_user.id
    try:
        return uuid.UUID(request.args.get("practitioner", ""))
    except ValueError:
        return None


@bp.route("/day")
@login_required
def day():
    when = _date_arg("date")
    start, end = services.local_day_bounds(when, clinic_zone())
    chosen = _practitioner_arg()
    return render_template(
        "appointments/day.html",
        day=when,
        today=_today(),
        chosen=chosen,
        now=now_utc(),
        outcomes=attendance.OUTCOMES,
        before_the_time=attendance.BEFORE_THE_TIME,
        appointments=services.appointments_between(current_user, start, end, chosen),
        practitioners=services.practitioners_of(current_user),
        timedelta=dt.timedelta,
    )


@bp.route("/week")
@login_required
def week():
    given = _date_arg("start")
    monday = given - dt.timedelta(days=given.weekday())
    zone, chosen = clinic_zone(), _practitioner_arg()
    start, _ = services.local_day_bounds(monday, zone)
    _, end = services.local_day_bounds(monday + dt.timedelta(days=6), zone)
    found = services.appointments_between(current_user, start, end, chosen)
    days: list[tuple[dt.date, list[Appointment]]] = [(monday + dt.timedelta(days=n), []) for n in range(7)]
    for appointment in found:
        days[(appointment.starts_at.astimezone(zone).date() - monday).days][1].append(appointment)
    return render_template(
        "appointments/week.html",
        outcomes=attendance.OUTCOMES,
        days=days,
        monday=monday,
        today=_today(),
        chosen=chosen,
        practitioners=services.practitioners_of(current_user),
        timedelta=dt.timedelta,
    )


def _form(appointment: Appointment | None = None) -> AppointmentForm:
    form = AppointmentForm(obj=appointment)
    form.zone = clinic_zone()
    form.status = appointment.status if appointment else "booked"
    clients = db.session.scalars(
        visible_clients(current_user).order_by(Client.last_name, Client.first_name)
    ).all()
    form.client_id.choices = options(
        [("", "Choose a client")] + [(str(c.id), f"{c.last_name}, {c.first_name}") for c in clients]
    )
    form.practitioner_id.choices = options(
        (str(p.id), p.name) for p in services.practitioners_of(current_user)
    )
    if request.method == "GET":
        if appointment is not None:
            local = appointment.starts_at.astimezone(form.zone)
            form.client_id.data, form.practitioner_id.data = (
                str(appointment.client_id),
                str(appointment.practitioner_id),
            )
            form.day.data, form.time.data = local.date().isoformat(), local.strftime("%H:%M")
            form.duration_minutes.data = str(appointment.duration_minutes)
        else:
            chosen = next((c for c in clients if str(c.id) == request.args.get("client")), None)
            form.client_id.data = str(chosen.id) if chosen else ""
            owner = chosen.practitioner_id if chosen and chosen.practitioner_id else current_user.id
            form.practitioner_id.data = str(owner)
            form.day.data = _date_arg("date").isoformat()
            form.time.data = "10:00"
            form.duration_minutes.data = "45" if chosen is None or not _has_sessions(chosen) else "30"
            form.address.data = chosen.address if chosen else ""
    return form


def _has_sessions(client: Client) -> bool:
    from webapp.visits.models import Visit

    return db.session.scalar(select(Visit.id).where(Visit.client_id == client.id).limit(1)) is not None


def _save(form: AppointmentForm, appointment: Appointment | None):
    if not form.validate_on_submit():
        return None
    problems = services.check_booking(current_user, form.cleaned, appointment)
    for name, message in problems.items():
        form[name].errors = [*form[name].errors, message]
    if problems:
        return None
    saved, changed = services.save_appointment(current_user, form.cleaned, appointment)
    record_event(
        "appointment.create" if appointment is None else "appointment.update",
        user=current_user,
        subject_type="appointment",
        subject_id=saved.id,
        detail={"fields": changed},
    )
    clashes = services.overlapping(form.cleaned, saved)
    db.session.commit()
    flash("The appointment is saved.", "success")
    if clashes:
        flash(f"Note: it overlaps {len(clashes)} other appointment(s) of the same practitioner.", "error")
    local = saved.starts_at.astimezone(clinic_zone()).date()
    return redirect(url_for("appointments.day", date=local.isoformat(), practitioner=saved.practitioner_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = _form()
    return _save(form, None) or render_template("appointments/form.html", form=form, appointment=None)


@bp.route("/<appointment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(appointment_id):
    appointment = _own_or_404(appointment_id)
    form = _form(appointment)
    if request.method == "POST" and form.client_id.data != str(appointment.client_id):
        form.client_id.data = str(appointment.client_id)  # moving never changes whose appointment it is
    return _save(form, appointment) or render_template(
        "appointments/form.html", form=form, appointment=appointment
    )


@bp.route("/<appointment_id>/cancel", methods=["POST"])
@login_required
def cancel(appointment_id):
    appointment = _own_or_404(appointment_id)
    services.cancel(appointment)
    record_event(
        "appointment.cancel", user=current_user, subject_type="appointment", subject_id=appointment.id
    )
    db.session.commit()
    flash("The appointment is cancelled.", "success")
    local = appointment.starts_at.astimezone(clinic_zone()).date()
    return redirect(url_for("appointments.day", date=local.isoformat()))


@bp.route("/<appointment_id>/outcome", methods=["POST"])
@login_required
def outcome(appointment_id):
    """Record what became of an appointment: attended, did not come, cancelled late or cancelled."""
    appointment = _own_or_404(appointment_id)
    local = appointment.starts_at.astimezone(clinic_zone()).date()
    back = redirect(
        url_for("appointments.day", date=local.isoformat(), _anchor=f"appointment-{appointment.id}")
    )
    chosen = request.form.get("outcome", "")
    try:
        attendance.set_outcome(appointment, chosen, now_utc())
    except attendance.OutcomeRefused as refused:
        flash(str(refused), "error")
        return back
    record_event(
        "appointment.outcome",
        user=current_user,
        subject_type="appointment",
        subject_id=appointment.id,
        detail={"outcome": chosen},
    )
    db.session.commit()
    flash(f"{appointment.client.full_name}: {attendance.OUTCOMES[chosen].lower()}.", "success")
    return back


def _own_or_404(appointment_id) -> Appointment:
    appointment = record_of_visible_client_or_404(current_user, Appointment, appointment_id)
    if current_user.is_practitioner and appointment.practitioner_id != current_user.id:
        abort(404)
    return appointment


@bp.route("/follow-ups")
@login_required
def follow_ups():
    owner = current_user.id if current_user.is_practitioner else None
    due = services.follow_ups_due(current_user.clinic_id, owner, zone=clinic_zone())
    return render_template("appointments/follow_ups.html", due=due, today=_today())
