"""What the server publishes: the record rules for devices, and the OpenAPI document."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from webapp.sync.entities import ENTITIES, ENTITY_LABELS
from webapp.sync.wire import MAX_CHANGES
from webapp.visits import clock
from webapp.vocab import defaults
from webapp.vocab.services import KINDS, terms

VOCABULARIES = KINDS  # the same list the push checks codes against


def _rules_revision() -> str:
    """A hash of everything in the schema document that only a new release changes.

    Every API answer carries it, so a device learns of new rules at its next sync rather
    than at its next hourly refresh; the clinic's own terms reach it as pulled records.
    """
    rules = {
        "entities": {name: entity.schema.to_json() for name, entity in ENTITIES.items()},
        "defaults": {kind: getattr(defaults, kind) for kind in sorted(dir(defaults)) if kind.isupper()},
        "clock": clock_rules(),
    }
    return hashlib.sha256(json.dumps(rules, sort_keys=True, default=str).encode()).hexdigest()[:16]


# A document published to devices, ready for JSON.
PublishedJSON = dict[str, Any]


def clock_rules() -> PublishedJSON:
    """The clock tolerances a phone checks against (visits/clock.py; docs/sync-protocol.md, Time)."""
    return {
        "tolerance_seconds": clock.CLOCK_TOLERANCE_SECONDS,
        "future_tolerance_seconds": int(clock.FUTURE_TOLERANCE.total_seconds()),
        "max_offset_seconds": clock.MAX_OFFSET_SECONDS,
        "flags": list(clock.CLOCK_FLAGS),
    }


RULES_REVISION = _rules_revision()


def schema_document(clinic_id: uuid.UUID) -> PublishedJSON:
    """The field rules of every synced entity, the clinic's vocabularies, and how the clinic
    writes dates and times (its locale and time zone: the phone follows them, not its own)."""
    from webapp.auth.models import Clinic
    from webapp.extensions import db

    clinic = db.session.get(Clinic, clinic_id)
    if clinic is None:  # the caller's own clinic: a foreign key keeps it there
        raise LookupError(f"no clinic {clinic_id}")
    return {
        "rules_revision": RULES_REVISION,
        "entities": {
            name: entity.schema.to_json()
            | {"fixed": list(entity.fixed), "derived": list(entity.derived), "label": ENTITY_LABELS[name]}
            for name, entity in ENTITIES.items()
        },
        "vocabularies": {
            kind: [{"code": c, "label": label} for c, label in terms(kind, clinic_id)]
            for kind in VOCABULARIES
        },
        "region_groups": {code: group for code, _label, group in defaults.REGIONS},
        "acknowledgement": {
            "current": defaults.CURRENT_ACKNOWLEDGEMENT_VERSION,
            "wordings": defaults.ACKNOWLEDGEMENT_WORDINGS,
        },
        "max_changes_per_push": MAX_CHANGES,
        "clock": clock_rules(),
        # The initial course's sessions, in days after the first (the desk's follow-ups use it too).
        "course": {"initial_days": list(defaults.INITIAL_COURSE_DAYS)},
        "conventions": {"locale": clinic.locale, "time_zone": clinic.timezone},
    }
