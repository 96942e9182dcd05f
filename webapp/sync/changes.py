"""A push's body, read: each change checked for shape and made a ``Change`` (nothing applied).

docs/sync-protocol.md has the wire form. A malformed request as a whole raises
``InvalidRequest`` and nothing of it is applied; what each change says is judged when it is
applied (webapp/sync/push.py).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from webapp.sync.entities import ENTITIES, Entity

MAX_CHANGES = 10_000
MAX_VERSION = 2**63 - 1  # versions are 64-bit integers in the database
ENVELOPE_KEYS = {"change_id", "entity", "id", "op", "base_version", "fields"}


class InvalidRequest(ValueError):
    """The request as a whole is malformed; nothing of it is applied."""

    def __init__(self, message: str, code: str = "invalid_request"):
        super().__init__(message)
        self.code = code


@dataclass
class Change:
    change_id: uuid.UUID
    entity: Entity
    id: uuid.UUID
    op: str
    base_version: int
    fields: dict
    content_hash: str


def whole_number(value) -> int | None:
    """``value`` as an int if JSON sent a whole number (``3`` or ``3.0``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def parse_changes(payload) -> list[Change]:
    """Check the shape of a push body; raise InvalidRequest for anything malformed."""
    if not isinstance(payload, dict) or not isinstance(payload.get("changes"), list):
        raise InvalidRequest("The body must be an object with a list of changes.")
    unknown = set(payload) - {"changes", "pending"}
    if unknown:
        raise InvalidRequest(f"Unknown fields in the request: {', '.join(sorted(unknown))}.", "unknown_fields")
    pending = payload.get("pending")
    if pending is not None and (whole_number(pending) is None or pending < 0):
        raise InvalidRequest("pending must be a whole number of changes, 0 or more.")
    raw_changes = payload["changes"]
    if len(raw_changes) > MAX_CHANGES:
        raise InvalidRequest(f"At most {MAX_CHANGES} changes can be sent at once.", "batch_too_large")
    return [_parse_change(raw, index) for index, raw in enumerate(raw_changes)]


def _parse_change(raw, index: int) -> Change:
    where = f"Change {index + 1}"
    if not isinstance(raw, dict):
        raise InvalidRequest(f"{where} is not an object.")
    unknown = set(raw) - ENVELOPE_KEYS
    if unknown:
        raise InvalidRequest(f"{where} has unknown fields: {', '.join(sorted(unknown))}.", "unknown_fields")
    entity = ENTITIES.get(raw.get("entity")) if isinstance(raw.get("entity"), str) else None
    if entity is None:
        raise InvalidRequest(f"{where} names an unknown kind of record.")
    op = raw.get("op", "upsert")
    if op not in ("upsert", "delete"):
        raise InvalidRequest(f"{where} has an unknown operation.")
    base = whole_number(raw.get("base_version", 0))
    fields = raw.get("fields", {})
    if base is None or not 0 <= base <= MAX_VERSION or not isinstance(fields, dict):
        raise InvalidRequest(f"{where} has a malformed base version or fields.")
    try:
        change_id, record_id = uuid.UUID(str(raw.get("change_id"))), uuid.UUID(str(raw.get("id")))
    except ValueError:
        raise InvalidRequest(f"{where} needs a change_id and an id that are UUIDs.") from None
    canonical = json.dumps({"entity": entity.name, "id": str(record_id), "op": op, "base_version": base,
                            "fields": fields}, sort_keys=True, separators=(",", ":"), default=str)
    return Change(change_id, entity, record_id, op, base, fields, hashlib.sha256(canonical.encode()).hexdigest())
