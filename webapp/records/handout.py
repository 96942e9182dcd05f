"""The after-session page for a client, printed at the desk: the same page the phone shares
(static/js/ui/handout.js), drawn from the stored record."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.appointments.models import Appointment
from webapp.audit.services import record_client_read
from webapp.clients.access import client_or_404, parse_uuid_or_404
from webapp.extensions import db
from webapp.visits.models import Visit
from webapp.vocab.services import terms
from webapp.vocab.templating import vocab

bp = Blueprint("handout", __name__)


@bp.route("/clients/<client_id>/sessions/<visit_id>/handout")
@login_required
def handout(client_id: str, visit_id: str) -> str:
    client = client_or_404(current_user, client_id)
    visit = db.session.get(Visit, parse_uuid_or_404(visit_id))
    if visit is None or visit.client_id != client.id or visit.deleted_at is not None:
        abort(404)
    following = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.client_id == client.id,
            Appointment.deleted_at.is_(None),
            Appointment.status != "cancelled",
            Appointment.starts_at > visit.started_at,
        )
        .order_by(Appointment.starts_at)
    ).first()
    reactions = [words.lower() for code, words in terms("reaction", client.clinic_id) if code != "none"]
    record_client_read("handout.print", user=current_user, client_id=client.id, address=request.remote_addr)
    db.session.commit()
    return render_template(
        "records/handout.html",
        client=client,
        advice=[vocab(code, "advice") for code in visit.advice or []],
        reactions=reactions,
        next_appointment=following,
    )
