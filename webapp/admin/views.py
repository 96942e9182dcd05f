"""Admin pages (placeholder: filled in by the admin feature)."""

from flask import Blueprint, render_template

from webapp.auth.models import Role
from webapp.core.access import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    return render_template("core/placeholder.html", title="Users")
