"""What may be set on a visit, a finding, a sensation and a rating (the one set of rules)."""

from webapp.core.fieldspec import FieldSpec as F
from webapp.core.fieldspec import RecordSchema
from webapp.visits.clock import MAX_OFFSET_SECONDS
from webapp.vocab.defaults import INTENSITY_MAX, INTENSITY_MIN
from webapp.vocab.services import default_codes

VISIT = RecordSchema(
    "visit",
    [
        F("client_id", "Client", "uuid", required=True),
        F("appointment_id", "Appointment", "uuid"),
        F("started_at", "Start", "datetime", required=True),
        F("location", "Where", "choice", required=True, vocabulary="location"),
        F("address", "Address", "text", max_length=300),
        F("number_in_course", "Visit number", "int", required=True, minimum=1, maximum=999),
        F("reactions", "Reactions since the last session", "choices", vocabulary="reaction"),
        F("reactions_note", "More about the reactions", "longtext", max_length=2000),
        F("notes", "Notes", "longtext", max_length=8000),
        F("advice", "Advice given", "choices", vocabulary="advice"),
        F("referred", "Referred to a medical practitioner", "bool"),
        F("referral_reason", "Reason for the referral", "longtext", max_length=2000),
        F("next_step", "Next step", "longtext", max_length=2000),
        # Sent by the phone with started_at (already corrected by the offset): see visits/clock.py.
        F("device_started_at", "Start by the phone's own clock", "datetime"),
        F(
            "clock_offset_seconds",
            "The phone's clock offset (seconds)",
            "int",
            minimum=-MAX_OFFSET_SECONDS,
            maximum=MAX_OFFSET_SECONDS,
        ),
    ],
    default_vocabulary=default_codes,
)

FINDING = RecordSchema(
    "finding",
    [
        F("visit_id", "Visit", "uuid", required=True),
        F("region", "Region", "choice", required=True, vocabulary="region"),
        F("side", "Side", "choice", required=True, vocabulary="side"),
        F("muscle_or_test", "Muscle or test", "text", max_length=120),
        F("tension_found", "Tension found", "bool", required=True),
        F("released", "Released", "bool", required=True),
        F("direction", "Direction of the tension", "choice", vocabulary="direction"),
        F("note", "Note", "longtext", max_length=2000),
        F("tension_line_id", "Line of tension", "uuid"),
        F("position", "Order in the line", "int", minimum=0, maximum=999),
    ],
    default_vocabulary=default_codes,
)

SENSATION = RecordSchema(
    "sensation",
    [
        F("client_id", "Client", "uuid", required=True),
        F("kind", "What the client feels", "choice", required=True, vocabulary="complaint"),
        F("client_words", "In the client's words", "text", max_length=200),
        F("region", "Where", "choice", required=True, vocabulary="region"),
        F("side", "Side", "choice", required=True, vocabulary="side"),
    ],
    default_vocabulary=default_codes,
)

SENSATION_RATING = RecordSchema(
    "sensation_rating",
    [
        F("sensation_id", "Sensation", "uuid", required=True),
        F("visit_id", "Visit", "uuid", required=True),
        F(
            "intensity",
            f"Intensity ({INTENSITY_MIN}-{INTENSITY_MAX})",
            "int",
            required=True,
            minimum=INTENSITY_MIN,
            maximum=INTENSITY_MAX,
        ),
        F("times_of_day", "When in the day", "choices", vocabulary="time_of_day"),
        F("frequency", "How often", "choice", required=True, vocabulary="frequency"),
    ],
    default_vocabulary=default_codes,
)
