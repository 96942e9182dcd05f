"""The client record page: what a practice manager reads and prints."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from webapp.admin.forms import ConfirmForm
from webapp.audit.services import record_client_read, record_event
from webapp.core.access import client_or_404
from webapp.core.templating import vocab
from webapp.extensions import db
from webapp.records import services
from webapp.sync import conflicts, parking

bp = Blueprint("records", __name__)


@bp.route("/clients/<client_id>/record")
@login_required
def client_record(client_id):
    client = client_or_404(current_user, client_id)
    record = services.client_record(client, lambda kind, code: vocab(code, kind))
    for item in record["progress"]:
        item.chart_svg = Markup(item.chart_svg)  # built by chart.py with every text escaped
    parked = [(row, *parking.describe(row, vocab))
              for row in parking.parked_for(db.session, client)]
    page = render_template("records/client.html", client=client, confirm=ConfirmForm(),
                           desk_resolvable=DESK_RESOLVABLE, parked=parked, **record)
    # Committed after rendering: a commit expires every loaded row, and the page would
    # then reload each one by one.
    record_client_read("client.view", user=current_user, client_id=client.id, address=request.remote_addr)
    db.session.commit()
    return page


# What the desk may settle: staff keep client details and the diary; a session's findings,
# sensations and notes are the practitioner's (DOMAIN.md), so only they resolve those.
DESK_RESOLVABLE = {"client", "case_history", "acknowledgement", "appointment"}


@bp.route("/clients/<client_id>/conflicts/<conflict_id>/resolve", methods=["POST"])
@login_required
def resolve_conflict(client_id, conflict_id):
    client = client_or_404(current_user, client_id)
    conflict = conflicts.visible_conflict(db.session, current_user, conflict_id)
    if conflict is None or conflict.client_id != client.id or conflict.resolved_at is not None:
        abort(404)
    if current_user.is_desk and conflict.entity not in DESK_RESOLVABLE:
        abort(404)
    choice = request.form.get("choice")
    if not ConfirmForm().validate_on_submit() or choice not in ("mine", "theirs"):
        abort(400)
    try:
        conflicts.resolve(db.session, current_user, conflict, choice)
    except conflicts.ResolutionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("records.client_record", client_id=client.id))
    record_event("conflict.resolve", user=current_user, subject_type="client", subject_id=client.id,
                 detail={"entity": conflict.entity, "field": conflict.field, "choice": choice})
    db.session.commit()
    flash("Decided: the record now shows the value you chose.", "success")
    return redirect(url_for("records.client_record", client_id=client.id))


@bp.route("/clients/<client_id>/parked/<change_id>/handled", methods=["POST"])
@login_required
def parked_handled(client_id, change_id):
    """Someone at the clinic has dealt with a change a phone handed over."""
    client = client_or_404(current_user, client_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not parking.mark_handled(db.session, current_user, client, change_id):
        abort(404)
    record_event("sync.park_handled", user=current_user, subject_type="client", subject_id=client.id,
                 detail={"change_id": str(change_id)})
    db.session.commit()
    flash("Marked as dealt with.", "success")
    return redirect(url_for("records.client_record", client_id=client.id))
