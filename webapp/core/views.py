"""The landing page after sign-in."""

from flask import Blueprint, redirect, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

bp = Blueprint("core", __name__)


@bp.route("/")
@login_required  # type: ignore[untyped-decorator]  # Flask-Login ships no types
def home() -> Response:
    """Everyone starts the day on today's appointments (their own, or the clinic's)."""
    return redirect(url_for("appointments.day"))
