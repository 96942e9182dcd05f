"""A push's body, read: each change checked for shape (sync/wire.py) and made a ``Change``.

docs/sync-protocol.md has the wire form. A malformed request as a whole raises ``ApiError``
and nothing of it is applied; what each change says is judged when it is applied
(webapp/sync/applier.py).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from webapp.core.wire import read
from webapp.sync.entities import ENTITIES, Entity
from webapp.sync.wire import ChangeIn, PushBody

# A change's fields as the device sent them (JSON values, not yet validated).
SentFields = dict[str, Any]


@dataclass
class Change:
    change_id: uuid.UUID
    entity: Entity
    id: uuid.UUID
    op: str
    base_version: int
    fields: SentFields
    content_hash: str


def parse_changes(payload: Any) -> tuple[list[Change], int | None]:
    """The changes of a push body and the phone's count of waiting changes; ApiError if malformed."""
    body = read(PushBody, payload)
    return [_change(raw) for raw in body.changes], body.pending


def _change(raw: ChangeIn) -> Change:
    # The hash is of the change as sent: a retry with the same id must carry the same content.
    canonical = json.dumps(
        {
            "entity": raw.entity,
            "id": str(raw.id),
            "op": raw.op,
            "base_version": raw.base_version,
            "fields": raw.fields,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return Change(
        raw.change_id,
        ENTITIES[raw.entity],
        raw.id,
        raw.op,
        raw.base_version,
        raw.fields,
        hashlib.sha256(canonical.encode()).hexdigest(),
    )
