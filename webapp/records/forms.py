"""Forms of the client record page."""

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField
from wtforms.validators import InputRequired


class StartTimeForm(FlaskForm):
    """The desk corrects when a session started (in the clinic's time zone)."""

    started_at = DateTimeLocalField(
        "Start",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message="Enter the date and time the session started.")],
    )
