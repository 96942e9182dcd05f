"""Forms of the client record page."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length


class StartTimeForm(FlaskForm):
    """The desk corrects when a session started (in the clinic's time zone)."""

    started_at = DateTimeLocalField(
        "Start",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message="Enter the date and time the session started.")],
    )


class ErasureRequestForm(FlaskForm):
    """Step one of an erasure: the client's request, with its reason, as an admin records it."""

    reason = TextAreaField(
        "How and when the client asked",
        validators=[
            DataRequired(message="Say how and when the client asked, for the record."),
            Length(max=500, message="Keep it under 500 characters."),
        ],
    )
    asked = BooleanField(
        "The client, or someone they authorised, asked for their data to be erased",
        validators=[
            DataRequired(message="Erasure is done only at the client's request: tick to confirm it.")
        ],
    )
    submit = SubmitField("Record the request")


class EraseForm(FlaskForm):
    """Step two: the client's full name typed again, so that no one erases the wrong client."""

    full_name = StringField(
        "Type the client's full name to confirm",
        validators=[DataRequired(message="Type the client's full name to confirm.")],
    )
    submit = SubmitField("Erase the client's data")
