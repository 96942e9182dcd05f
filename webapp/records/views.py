"""The client record page: what a practice manager reads and prints."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from markupsafe import Markup

from webapp.audit.services import record_event
from webapp.core.access import client_or_404
from webapp.core.templating import vocab
from webapp.extensions import db
from webapp.records import services

bp = Blueprint("records", __name__)


@bp.route("/clients/<client_id>/record")
@login_required
def client_record(client_id):
    client = client_or_404(current_user, client_id)
    record = services.client_record(client, lambda kind, code: vocab(code, kind))
    for item in record["progress"]:
        item.chart_svg = Markup(item.chart_svg)  # built by chart.py with every text escaped
    page = render_template("records/client.html", client=client, **record)
    # Committed after rendering: a commit expires every loaded row, and the page would
    # then reload each one by one.
    record_event("client.view", user=current_user, subject_type="client", subject_id=client.id)
    db.session.commit()
    return page
