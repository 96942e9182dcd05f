"""Looking up vocabulary terms: the starting ones plus those a clinic added."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from webapp.extensions import db
from webapp.vocab import defaults
from webapp.vocab.models import VocabularyTerm

_DEFAULTS: dict[str, list[tuple[str, str]]] = {
    "region": [(code, label) for code, label, _group in defaults.REGIONS],
    "side": defaults.SIDES,
    "direction": defaults.DIRECTIONS,
    "complaint": defaults.COMPLAINTS,
    "time_of_day": defaults.TIMES_OF_DAY,
    "frequency": defaults.FREQUENCIES,
    "reaction": defaults.REACTIONS,
    "advice": defaults.ADVICE,
    "location": defaults.LOCATIONS,
}

# Every vocabulary a record's field may take its codes from.
KINDS: tuple[str, ...] = tuple(_DEFAULTS)


def default_terms(kind: str) -> list[tuple[str, str]]:
    return list(_DEFAULTS[kind])


def default_codes(kind: str) -> list[str]:
    return [code for code, _label in _DEFAULTS[kind]]


def terms(kind: str, clinic_id: uuid.UUID | None = None) -> list[tuple[str, str]]:
    """(code, label) pairs of ``kind``: the defaults, then the clinic's own additions."""
    found = default_terms(kind)
    if clinic_id is not None and kind in defaults.EXTENSIBLE:
        added = db.session.execute(
            select(VocabularyTerm.code, VocabularyTerm.label)
            .where(VocabularyTerm.clinic_id == clinic_id, VocabularyTerm.kind == kind,
                   VocabularyTerm.deleted_at.is_(None))
            .order_by(VocabularyTerm.label)
        ).all()
        found.extend((code, label) for code, label in added)
    return found

