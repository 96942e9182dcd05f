"""Client pages of the desk: register and edit, case history, acknowledgement (the list is records/)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.audit.services import record_client_read, record_event
from webapp.clients import services
from webapp.clients.access import client_or_404
from webapp.clients.consent import audit_consent_changes
from webapp.clients.forms import AcknowledgementForm, CaseHistoryForm, ClientForm
from webapp.core.forms import options
from webapp.extensions import db
from webapp.vocab.defaults import ACKNOWLEDGEMENT_WORDINGS, CURRENT_ACKNOWLEDGEMENT_VERSION

bp = Blueprint("clients", __name__, url_prefix="/clients")


def _client_form(client=None) -> ClientForm:
    form = ClientForm(obj=client)
    choices = [("", "Not assigned yet")] if current_user.is_desk else []
    choices += [(str(p.id), p.name) for p in services.assignable_practitioners(current_user)]
    form.practitioner_id.choices = options(choices)
    if request.method == "GET":
        form.practitioner_id.data = (
            str(client.practitioner_id)
            if client and client.practitioner_id
            else ("" if current_user.is_desk else str(current_user.id))
        )
        if client and client.date_of_birth:
            form.date_of_birth.data = client.date_of_birth.isoformat()
    return form


def _save(form: ClientForm, client=None):
    if form.validate_on_submit():
        problems = services.check_practitioner(current_user, form.cleaned.get("practitioner_id"))
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        if not problems:
            saved, changed = services.save_client(current_user, form.cleaned, client)
            record_event(
                "client.create" if client is None else "client.update",
                user=current_user,
                subject_type="client",
                subject_id=saved.id,
                detail={"fields": changed},
            )
            audit_consent_changes(db.session(), current_user, request.remote_addr)
            db.session.commit()
            flash(f"{saved.full_name} is saved.", "success")
            return redirect(url_for("records.client_record", client_id=saved.id))
    return None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = _client_form()
    return _save(form) or render_template("clients/form.html", form=form, client=None)


@bp.route("/<client_id>/edit", methods=["GET", "POST"])
@login_required
def edit(client_id):
    client = client_or_404(current_user, client_id)
    form = _client_form(client)
    return _save(form, client) or _read_page("client.view_details", client, "clients/form.html", form=form)


def _read_page(action: str, client, template: str, **context):
    """Render a page that shows ``client``'s record, and audit the read (every read is)."""
    page = render_template(template, client=client, **context)
    # After rendering, as on the record page: a commit expires the loaded rows.
    record_client_read(action, user=current_user, client_id=client.id, address=request.remote_addr)
    db.session.commit()
    return page


@bp.route("/<client_id>/case-history", methods=["GET", "POST"])
@login_required
def case_history(client_id):
    client = client_or_404(current_user, client_id)
    history = services.case_history_of(client)
    form = CaseHistoryForm(obj=history)
    form.fixed_values = {"client_id": client.id}
    if request.method == "GET" and history is not None and history.takes_magnesium is not None:
        form.takes_magnesium.data = "yes" if history.takes_magnesium else "no"
    if form.validate_on_submit():
        saved, changed = services.save_case_history(client, form.cleaned)
        record_event(
            "case_history.update",
            user=current_user,
            subject_type="client",
            subject_id=client.id,
            detail={"fields": changed},
        )
        db.session.commit()
        flash("The case history is saved.", "success")
        return redirect(url_for("records.client_record", client_id=client.id))
    return _read_page("case_history.view", client, "clients/case_history.html", form=form)


@bp.route("/<client_id>/acknowledgement", methods=["GET", "POST"])
@login_required
def acknowledge(client_id):
    client = client_or_404(current_user, client_id)
    form = AcknowledgementForm()
    form.fixed_values = {"client_id": client.id}
    form.wording_version.choices = options((v, f"Version {v}") for v in ACKNOWLEDGEMENT_WORDINGS)
    if request.method == "GET":
        form.wording_version.data = CURRENT_ACKNOWLEDGEMENT_VERSION
        form.acknowledged_on.data = dt.date.today().isoformat()
        form.method.data = "signed"
    if form.validate_on_submit():
        ack = services.record_acknowledgement(client, current_user, form.cleaned)
        record_event(
            "acknowledgement.create",
            user=current_user,
            subject_type="client",
            subject_id=client.id,
            detail={"acknowledgement": str(ack.id)},
        )
        db.session.commit()
        flash("The acknowledgement is recorded.", "success")
        return redirect(url_for("records.client_record", client_id=client.id))
    return _read_page(
        "acknowledgement.view",
        client,
        "clients/acknowledgement.html",
        form=form,
        wordings=ACKNOWLEDGEMENT_WORDINGS,
        acknowledgements=services.acknowledgements_of(client),
    )
