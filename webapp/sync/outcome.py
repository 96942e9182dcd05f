"""The answer to one pushed change, as the device receives it (docs/sync-protocol.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from webapp.db import ColumnValues, SyncedRecord
from webapp.sync.changes import Change
from webapp.sync.entities import serialise, to_wire

# The answer to one change (docs/sync-protocol.md), as JSON; also what a retry is given back.
ResultJSON = dict[str, Any]
# A conflict a change ran into, as its result carries it.
ConflictJSON = dict[str, Any]


@dataclass
class Outcome:
    change: Change
    status: str
    # The record as stored, or the row a plain create will insert (see to_wire).
    record: SyncedRecord | ColumnValues | None = None
    conflicts: list[ConflictJSON] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    code: str | None = None
    merged_into: uuid.UUID | None = None

    def to_wire(self) -> ResultJSON:
        entity = self.change.entity
        version = None
        serialised = None
        if isinstance(self.record, dict):
            # A plain create: the device already holds exactly what it sent, so only the
            # version and the fields the server derived go back (a third of the bytes).
            version = self.record["version"]
            derived = {name: to_wire(self.record.get(name)) for name in entity.derived}
        elif self.record is not None:
            serialised = serialise(entity, self.record)
            version, derived = serialised["version"], {}
        return {
            "change_id": str(self.change.change_id),
            "status": self.status,
            "entity": entity.name,
            "id": str(self.merged_into or self.change.id),
            "version": version,
            "record": serialised,
            **({"derived": derived} if isinstance(self.record, dict) else {}),
            "conflicts": self.conflicts,
            "errors": self.errors,
            "code": self.code,
            **({"merged_into": str(self.merged_into)} if self.merged_into else {}),
        }
