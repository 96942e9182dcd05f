"""The client record page (placeholder: filled in by the records feature)."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from webapp.core.access import client_or_404

bp = Blueprint("records", __name__)


@bp.route("/clients/<client_id>/record")
@login_required
def client_record(client_id):
    client = client_or_404(current_user, client_id)
    return render_template("core/placeholder.html", title=client.full_name)
