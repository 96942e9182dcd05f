"""The sync API's bodies and answers, defined once (webapp/core/wire.py): the views read
requests with them, and the OpenAPI document's schemas are written from them."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, get_args

from pydantic import Field

from webapp.core.wire import Answer, Body, WholeNumber
from webapp.sync.entities import ENTITIES

MAX_CHANGES = 10_000
MAX_PARKED = 1_000
MAX_VERSION = 2**63 - 1  # versions are 64-bit integers in the database
if TYPE_CHECKING:
    # A Literal built at run time is for pydantic (and the document) to read; the type
    # checker can only see a string.
    EntityName = str
else:
    EntityName = Literal[tuple(ENTITIES)]
Op = Literal["upsert", "delete"]
# The code of a rejected change in a push's results (null for applied and conflict).
ResultCode = Literal["invalid", "not_found", "change_id_reused", "in_future"]
RESULT_CODES = get_args(ResultCode)


class ChangeIn(Body):
    """One change a device pushes (docs/sync-protocol.md)."""

    change_id: uuid.UUID
    entity: EntityName
    id: uuid.UUID
    op: Op = "upsert"
    base_version: Annotated[WholeNumber, Field(ge=0, le=MAX_VERSION)] = 0
    fields: dict[str, Any] = Field(default_factory=dict)


class PushBody(Body):
    """A batch of changes, applied in one transaction; ``pending``: how many wait on the phone."""

    too_long: ClassVar[tuple[int, str]] = (413, "batch_too_large")
    changes: Annotated[list[ChangeIn], Field(max_length=MAX_CHANGES)]
    pending: Annotated[WholeNumber, Field(ge=0)] | None = None
    cursor: Annotated[
        str | None,
        Field(
            max_length=2000,
            description="The phone's pull cursor: a cursor of another copy of the database "
            "(restored from a backup) refuses the push with server_restored, nothing applied",
        ),
    ] = None
    server_id: Annotated[
        uuid.UUID | None,
        Field(description="The server_id of the phone's last pull: another one refuses the push likewise"),
    ] = None


class ParkedIn(Body):
    """A change refused for a client who left the caseload, handed to the clinic desk."""

    model_config = Body.model_config | {"extra": "ignore"}  # as the phone keeps it, with its own bookkeeping
    change_id: uuid.UUID
    entity: EntityName
    id: uuid.UUID
    op: Op
    fields: dict[str, Any] | None = None
    made_at: str | None = None


class ParkBody(Body):
    too_long: ClassVar[tuple[int, str]] = (400, "too_many_changes")
    client_id: uuid.UUID
    changes: Annotated[list[ParkedIn], Field(max_length=MAX_PARKED)]


class ResolveBody(Body):
    """A decision on a conflict: keep the device's value, the server's, or an edited one."""

    model_config = Body.model_config | {"extra": "ignore"}
    choice: Literal["mine", "theirs", "edit"]
    value: Any = None


class DeviceBody(Body):
    label: Annotated[str, Field(max_length=120)] | None = None


class EscrowBody(Body):
    device_id: uuid.UUID
    proof: Annotated[str, Field(description="hex SHA-256 of the device token's secret", max_length=128)]


# ---- answers (for the document) ----------------------------------------------------------
class Record(Answer):
    entity: EntityName
    id: uuid.UUID
    version: int
    deleted: bool
    fields: dict[str, Any]


class Conflict(Answer):
    conflict_id: uuid.UUID
    entity: str
    id: uuid.UUID
    field: str
    server_value: Any = None
    device_value: Any = None


class Result(Answer):
    change_id: uuid.UUID
    status: Literal["applied", "conflict", "rejected"]
    entity: str
    id: uuid.UUID
    version: int | None
    record: Record | None
    conflicts: list[Conflict]
    errors: dict[str, str]
    code: ResultCode | None = Field(
        description="Why a change was rejected: invalid (see errors), not_found (outside the caseload), "
        "change_id_reused, in_future (a visit starting more than the future tolerance after "
        "server_time; errors.started_at says so)"
    )
    derived: dict[str, Any] | None = None
    merged_into: uuid.UUID | None = None


class PushAnswer(Answer):
    results: list[Result] = Field(description="One result per change, in order")


class PullAnswer(Answer):
    records: list[Record]
    evict: list[uuid.UUID]
    conflicts: list[Conflict]
    cursor: str
    more: bool = Field(description="More pages follow: pull again at once with the new cursor")
    remaining: int = Field(
        ge=0,
        description="How much is left after this page, counted when the page was read: "
        "change-log rows of the caseload (records, in a first pull's pages); "
        "0 on the last page",
    )
    server_id: uuid.UUID = Field(
        description="Which copy of the database answered: the phone sends it with its next push "
        "and pull, and a restored database (a new one) answers server_restored"
    )
    snapshot: bool = Field(
        False,
        description="A page of a first pull: together, the pages are all the device "
        "may hold, and it drops synced records they leave out",
    )
