"""The notification settings page's form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SubmitField

from webapp.core.forms import options

EVENING_HOURS = options((str(h), f"{h}:00") for h in range(16, 23))
HOME_VISIT_LEADS = options(
    [
        ("0", "No reminder"),
        ("15", "15 minutes before"),
        ("30", "30 minutes before"),
        ("60", "1 hour before"),
        ("90", "1½ hours before"),
        ("120", "2 hours before"),
    ]
)


class PushPreferenceForm(FlaskForm):
    """Practitioners see the diary and sync choices; the desk sees its morning list and phones."""

    evening_before = BooleanField("The evening before a working day, remind me of its first appointment")
    evening_hour = SelectField("Evening reminder at", choices=EVENING_HOURS, coerce=int)
    home_visit_minutes = SelectField("Before each home visit", choices=HOME_VISIT_LEADS, coerce=int)
    sync_notices = BooleanField(
        "Tell me when changes wait on my phone for over a day, or the clinic could not take a change"
    )
    morning_follow_ups = BooleanField("Each morning at 8:00, the clients due a follow-up booking")
    stale_devices = BooleanField(
        "When a practitioner's phone has stopped syncing and they have appointments coming"
    )
    submit = SubmitField("Save reminder settings")

    PRACTITIONER_FIELDS = ("evening_before", "evening_hour", "home_visit_minutes", "sync_notices")
    DESK_FIELDS = ("morning_follow_ups", "stale_devices")
