"""Client pages (placeholder: filled in by the clients feature)."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("clients", __name__, url_prefix="/clients")


@bp.route("/")
@login_required
def index():
    return render_template("core/placeholder.html", title="Clients")
