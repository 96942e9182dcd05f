"""Booking and moving an appointment. Widgets only: rules are in schemas.py and services.py."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from wtforms import StringField, SubmitField, TextAreaField

from webapp.appointments.schemas import APPOINTMENT
from webapp.core.forms import SchemaForm, SchemaSelectField
from webapp.vocab.defaults import LOCATIONS


class AppointmentForm(SchemaForm):
    schema = APPOINTMENT
    error_fields = {"starts_at": "day"}
    client_id = SchemaSelectField("Client", choices=[])
    practitioner_id = SchemaSelectField("Practitioner", choices=[])
    day = StringField("Date", render_kw={"type": "date"})
    time = StringField("Time", render_kw={"type": "time", "step": 300})
    duration_minutes = SchemaSelectField(
        "Length", choices=[(str(m), f"{m} minutes") for m in (20, 30, 45, 60)]
    )
    location = SchemaSelectField("Where", choices=LOCATIONS)
    address = StringField("Address for the home visit")
    note = TextAreaField("Note")
    submit = SubmitField("Save appointment")

    zone: ZoneInfo = ZoneInfo("Europe/London")
    status: str = "booked"

    def schema_data(self) -> dict:
        data = super().schema_data()
        data["status"] = self.status
        data["starts_at"] = None
        try:
            day = dt.date.fromisoformat((self.day.data or "").strip())
            at = dt.time.fromisoformat((self.time.data or "").strip())
        except ValueError:
            if self.day.data or self.time.data:
                data["starts_at"] = "not a time"  # the schema explains
            return data
        data["starts_at"] = dt.datetime.combine(day, at, tzinfo=self.zone).astimezone(dt.UTC)
        return data
