"""The desk's two steps of an erasure (records/erasure.py), for admins only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.audit.services import record_event
from webapp.auth.access import role_required
from webapp.auth.models import Role
from webapp.clients.access import client_or_404
from webapp.core.templating import clinic_zone
from webapp.db import now_utc
from webapp.extensions import db
from webapp.records import erasure
from webapp.records.forms import EraseForm, ErasureRequestForm

bp = Blueprint("erasure", __name__)


def _page(client, request_form: ErasureRequestForm, erase_form: EraseForm) -> str:
    today = now_utc().astimezone(clinic_zone()).date()
    retention = erasure.retention_of(db.session(), client)
    return render_template(
        "records/erase.html",
        client=client,
        retention=retention,
        kept=retention.keeps(today),
        request_form=request_form,
        erase_form=erase_form,
    )


@bp.route("/clients/<client_id>/erase", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def erase_page(client_id: str) -> str | Response:
    """Step one: record the client's request and its reason; say what happens next."""
    client = client_or_404(current_user, client_id)
    form = ErasureRequestForm()
    if form.validate_on_submit():
        erasure.record_request(client, current_user.id, (form.reason.data or "").strip())
        record_event(
            "client.erasure_requested",
            user=current_user,
            subject_type="client",
            subject_id=client.id,
            address=request.remote_addr,
        )
        db.session.commit()
        flash("The request is recorded.", "success")
        return redirect(url_for("erasure.erase_page", client_id=client.id))
    return _page(client, form, EraseForm())


@bp.route("/clients/<client_id>/erase/confirm", methods=["POST"])
@role_required(Role.ADMIN)
def erase_confirm(client_id: str) -> str | Response:
    """Step two: erase, once the request is recorded and the retention period is over."""
    client = client_or_404(current_user, client_id)
    form = EraseForm()
    if not form.validate_on_submit():
        return _page(client, ErasureRequestForm(), form)
    if " ".join((form.full_name.data or "").split()).casefold() != client.full_name.casefold():
        form.full_name.errors = ["That is not this client's name as the record has it."]
        return _page(client, ErasureRequestForm(), form)
    today = now_utc().astimezone(clinic_zone()).date()
    try:
        removed = erasure.erase(db.session(), client, today)
    except erasure.ErasureRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("erasure.erase_page", client_id=client_id))
    # The fact and the counts, never the content (the counts say what kinds of record there were).
    record_event(
        "client.erased",
        user=current_user,
        subject_type="client",
        subject_id=client.id,
        address=request.remote_addr,
        detail={"removed": removed},
    )
    db.session.commit()
    flash("The client's data is erased. Phones that held it remove it at their next sync.", "success")
    return redirect(url_for("records.client_list"))
