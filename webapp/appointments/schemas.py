"""What may be set on an appointment (the one set of rules)."""

from webapp.core.fieldspec import FieldSpec as F
from webapp.core.fieldspec import RecordSchema
from webapp.vocab.services import default_codes

APPOINTMENT = RecordSchema(
    "appointment",
    [
        F("client_id", "Client", "uuid", required=True),
        F("practitioner_id", "Practitioner", "uuid", required=True),
        F("starts_at", "Start", "datetime", required=True),
        F("duration_minutes", "Length (minutes)", "int", required=True, minimum=10, maximum=180),
        F("location", "Where", "choice", required=True, vocabulary="location"),
        F("address", "Address for the home visit", "text", max_length=300),
        F("status", "Status", "choice", required=True, choices=("booked", "cancelled")),
        F("note", "Note", "longtext", max_length=2000),
        F(
            "outcome",
            "What happened",
            "choice",
            choices=("attended", "no_show", "cancelled_late", "cancelled"),
        ),
    ],
    default_vocabulary=default_codes,
)
