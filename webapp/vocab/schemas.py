"""What a practitioner may add to a clinic's vocabulary (their own complaint wording)."""

from webapp.core.fieldspec import FieldSpec as F
from webapp.core.fieldspec import RecordSchema

VOCABULARY_TERM = RecordSchema(
    "vocabulary_term",
    [
        F("kind", "Kind of term", "choice", required=True, choices=("complaint", "region", "direction")),
        F("code", "Code", "text", required=True, max_length=60),
        F("label", "Wording", "text", required=True, max_length=200),
    ],
)
