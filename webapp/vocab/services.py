"""Looking up vocabulary terms: the starting ones plus those a clinic added."""

from __future__ import annotations

import re
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
            .where(
                VocabularyTerm.clinic_id == clinic_id,
                VocabularyTerm.kind == kind,
                VocabularyTerm.deleted_at.is_(None),
            )
            .order_by(VocabularyTerm.label)
        ).all()
        found.extend((code, label) for code, label in added)
    return found


def clinic_terms(clinic_id: uuid.UUID) -> list[VocabularyTerm]:
    """The terms a clinic added, by kind and wording."""
    return list(
        db.session.scalars(
            select(VocabularyTerm)
            .where(VocabularyTerm.clinic_id == clinic_id, VocabularyTerm.deleted_at.is_(None))
            .order_by(VocabularyTerm.kind, VocabularyTerm.label)
        )
    )


def add_term(
    clinic_id: uuid.UUID, kind: str, label: str, added_by_id: uuid.UUID | None = None
) -> VocabularyTerm | None:
    """Add ``label`` to the clinic's ``kind`` vocabulary, with a code made from it; None if
    the vocabulary already has those words (it reaches the phones at their next pull)."""
    if any(words.casefold() == label.casefold() for _code, words in terms(kind, clinic_id)):
        return None
    taken = {code for code, _label in default_terms(kind)} | set(
        db.session.scalars(
            select(VocabularyTerm.code).where(
                VocabularyTerm.clinic_id == clinic_id, VocabularyTerm.kind == kind
            )
        )
    )
    stem = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")[:50] or kind
    code, n = stem, 1
    while code in taken:
        n += 1
        code = f"{stem}_{n}"
    term = VocabularyTerm(clinic_id=clinic_id, kind=kind, code=code, label=label, added_by_id=added_by_id)
    db.session.add(term)
    db.session.flush()
    return term
