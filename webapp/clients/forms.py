"""The desk's client forms. Widgets only: the rules live in webapp/clients/schemas.py."""

from __future__ import annotations

from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.fields import EmailField, TelField

from webapp.clients.schemas import ACKNOWLEDGEMENT, CASE_HISTORY, CLIENT
from webapp.core.forms import SchemaForm, SchemaSelectField

YES_NO_UNKNOWN = [("", "Not asked yet"), ("yes", "Yes"), ("no", "No")]


# Dates are plain text inputs of type "date", so that a bad date reaches the schema and gets
# its sentence (a WTForms DateField would replace it with its own message).


class ClientForm(SchemaForm):
    schema = CLIENT
    first_name = StringField("First name")
    last_name = StringField("Last name")
    phone = TelField("Phone")
    email = EmailField("Email")
    date_of_birth = StringField("Date of birth", render_kw={"type": "date"})
    address_line = StringField("Address")
    town = StringField("Town")
    postcode = StringField("Postcode")
    heard_about = StringField("How they heard of the practice")
    practitioner_id = SchemaSelectField("Practitioner", choices=[])
    case_study_consent = BooleanField("Consents to an anonymised case study being published")
    submit = SubmitField("Save client")


def _history_label(name: str) -> str:
    """A case history field's words, as the schema has them (and the phone and record show)."""
    return CASE_HISTORY.fields[name].label


class CaseHistoryForm(SchemaForm):
    schema = CASE_HISTORY
    occupation = StringField(_history_label("occupation"))
    sitting_hours_per_day = StringField(
        _history_label("sitting_hours_per_day"), render_kw={"inputmode": "decimal"}
    )
    driving = TextAreaField(_history_label("driving"))
    exercise_and_sport = TextAreaField(_history_label("exercise_and_sport"))
    posture_habits = TextAreaField(_history_label("posture_habits"))
    injuries_and_operations = TextAreaField(_history_label("injuries_and_operations"))
    reported_diagnoses = TextAreaField(_history_label("reported_diagnoses"))
    reported_medication = TextAreaField(_history_label("reported_medication"))
    concurrent_care = TextAreaField(_history_label("concurrent_care"))
    water_litres_per_day = StringField(
        _history_label("water_litres_per_day"), render_kw={"inputmode": "decimal"}
    )
    takes_magnesium = SchemaSelectField(_history_label("takes_magnesium"), choices=YES_NO_UNKNOWN)
    goals = TextAreaField(_history_label("goals"))
    submit = SubmitField("Save case history")

    def schema_data(self) -> dict:
        data = super().schema_data()
        data["takes_magnesium"] = {"yes": True, "no": False}.get(self.takes_magnesium.data)
        return data


class AcknowledgementForm(SchemaForm):
    schema = ACKNOWLEDGEMENT
    acknowledged_on = StringField("Date acknowledged", render_kw={"type": "date"})
    wording_version = SchemaSelectField("Wording version", choices=[])
    method = SchemaSelectField(
        "How it was given", choices=[("signed", "Signed on paper"), ("ticked", "Ticked on a device")]
    )
    submit = SubmitField("Record acknowledgement")
