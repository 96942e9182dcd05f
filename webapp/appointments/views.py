"""Appointment pages (placeholder: filled in by the appointments feature)."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("appointments", __name__, url_prefix="/appointments")


@bp.route("/day")
@login_required
def day():
    return render_template("core/placeholder.html", title="Today")


@bp.route("/follow-ups")
@login_required
def follow_ups():
    return render_template("core/placeholder.html", title="Follow-ups due")
