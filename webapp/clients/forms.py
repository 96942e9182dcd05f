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


class CaseHistoryForm(SchemaForm):
    schema = CASE_HISTORY
    occupation = StringField("Occupation")
    sitting_hours_per_day = StringField("Hours sitting a day", render_kw={"inputmode": "decimal"})
    driving = TextAreaField("Driving")
    exercise_and_sport = TextAreaField("Exercise and sport")
    posture_habits = TextAreaField("Posture habits")
    injuries_and_operations = TextAreaField("Injuries and operations (with dates)")
    reported_diagnoses = TextAreaField("Conditions diagnosed by a doctor, as the client reports them")
    reported_medication = TextAreaField("Medication, as the client reports it")
    concurrent_care = TextAreaField("Other care at the moment (for example physiotherapy)")
    water_litres_per_day = StringField("Water a day (litres)", render_kw={"inputmode": "decimal"})
    takes_magnesium = SchemaSelectField("Takes magnesium", choices=YES_NO_UNKNOWN)
    goals = TextAreaField("The client's own goals")
    submit = SubmitField("Save case history")

    def schema_data(self) -> dict:
        data = super().schema_data()
        data["takes_magnesium"] = {"yes": True, "no": False}.get(self.takes_magnesium.data)
        return data


class AcknowledgementForm(SchemaForm):
    schema = ACKNOWLEDGEMENT
    acknowledged_on = StringField("Date acknowledged", render_kw={"type": "date"})
    wording_version = SchemaSelectField("Wording version", choices=[])
    method = SchemaSelectField("How it was given", choices=[("signed", "Signed on paper"), ("ticked", "Ticked on a device")])
    submit = SubmitField("Record acknowledgement")
