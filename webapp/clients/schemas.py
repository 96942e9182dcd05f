"""What may be set on a client, a case history and an acknowledgement (the one set of rules)."""

from webapp.core.fieldspec import FieldSpec as F
from webapp.core.fieldspec import RecordSchema
from webapp.vocab.defaults import ACKNOWLEDGEMENT_WORDINGS

CLIENT = RecordSchema(
    "client",
    [
        F("first_name", "First name", "text", required=True, max_length=80),
        F("last_name", "Last name", "text", required=True, max_length=80),
        F("phone", "Phone", "text", max_length=40),
        F("email", "Email", "text", max_length=254),
        F("date_of_birth", "Date of birth", "date", minimum=1900, maximum=2100),
        F("address_line", "Address", "text", max_length=200, hint="Needed for home visits."),
        F("town", "Town", "text", max_length=80),
        F("postcode", "Postcode", "text", max_length=16),
        F("heard_about", "How they heard of the practice", "text", max_length=200),
        F("case_study_consent", "Consents to an anonymised case study", "bool"),
        F("practitioner_id", "Practitioner", "uuid"),
    ],
)

CASE_HISTORY = RecordSchema(
    "case_history",
    [
        F("client_id", "Client", "uuid", required=True),
        F("occupation", "Occupation", "text", max_length=120),
        F("sitting_hours_per_day", "Hours sitting a day", "decimal", minimum=0, maximum=24),
        F("driving", "Driving", "longtext", max_length=2000, hint="How much, and in what kind of seat."),
        F("exercise_and_sport", "Exercise and sport", "longtext", max_length=2000),
        F("posture_habits", "Posture habits", "longtext", max_length=2000),
        F("injuries_and_operations", "Injuries and operations (with dates)", "longtext", max_length=4000),
        F(
            "reported_diagnoses",
            "Conditions diagnosed by a doctor (as the client reports them)",
            "longtext",
            max_length=4000,
        ),
        F("reported_medication", "Medication (as the client reports it)", "longtext", max_length=2000),
        F("concurrent_care", "Other care at the moment (e.g. physiotherapy)", "longtext", max_length=2000),
        F("water_litres_per_day", "Water a day (litres)", "decimal", minimum=0, maximum=15),
        F("takes_magnesium", "Takes magnesium", "bool"),
        F("goals", "The client's own goals", "longtext", max_length=2000),
    ],
)

# How a record writes the case history's amounts: "7 hours", "1 hour", "1.5 litres".
UNITS: dict[str, tuple[str, str]] = {
    "sitting_hours_per_day": ("hour", "hours"),
    "water_litres_per_day": ("litre", "litres"),
}

ACKNOWLEDGEMENT = RecordSchema(
    "acknowledgement",
    [
        F("client_id", "Client", "uuid", required=True),
        F("acknowledged_on", "Date acknowledged", "date", required=True, minimum=2000, maximum=2100),
        F(
            "wording_version",
            "Wording version",
            "choice",
            required=True,
            choices=tuple(ACKNOWLEDGEMENT_WORDINGS),
        ),
        F("method", "How it was given", "choice", required=True, choices=("signed", "ticked")),
    ],
)
