"""The synced entities: their model, the rules for their fields, and whose they are.

Push and pull both work from this table, so adding an entity to sync is one entry here.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import InstrumentedAttribute, Session

from webapp.appointments.models import Appointment
from webapp.appointments.schemas import APPOINTMENT
from webapp.auth.models import User
from webapp.clients.models import Acknowledgement, CaseHistory, Client
from webapp.clients.schemas import ACKNOWLEDGEMENT, CASE_HISTORY, CLIENT
from webapp.core.fieldspec import CleanValues, RecordSchema
from webapp.db import SyncedRecord
from webapp.visits.models import Finding, Sensation, SensationRating, Visit
from webapp.visits.schemas import FINDING, SENSATION, SENSATION_RATING, VISIT
from webapp.vocab.models import VocabularyTerm
from webapp.vocab.schemas import VOCABULARY_TERM


class OutOfScope(Exception):
    """The record, or what it points to, is not on the pusher's caseload.

    ``field`` names the reference that points out of reach (None: the record itself).
    """

    def __init__(self, field: str | None = None) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class Entity:
    name: str
    model: type[SyncedRecord]
    schema: RecordSchema
    # References fixed at creation: moving a record to another parent is not a sync edit.
    fixed: tuple[str, ...] = ()
    # Server-set fields sent to devices but never taken from them.
    derived: tuple[str, ...] = ()
    # Lower ranks are applied (and flushed) first, so parents exist before children.
    rank: int = 0
    # Whose the record is: checks the pusher may write it, fills a new record's server-set
    # fields, and returns its client's id (None for a clinic-wide record). See the owners below.
    owner: Owner = field(compare=False, kw_only=True)
    # One record per client (a case history): a second one created offline merges into it.
    one_per_client: bool = False

    @functools.cached_property
    def references(self) -> dict[str, str]:
        """Fields a device sets that point at another row: field name -> table name.

        Read from the model's foreign keys, so a reference added later is checked (and
        tested) without anyone remembering to list it.
        """
        found: dict[str, str] = {}
        for name, spec in self.schema.fields.items():
            column = self.model.__table__.columns.get(name)
            if (
                spec.kind == "uuid"
                and name not in self.derived
                and column is not None
                and column.foreign_keys
            ):
                found[name] = next(iter(column.foreign_keys)).column.table.name
        return found


# What each entity is called on screen (published to devices with the field rules).
ENTITY_LABELS = {
    "vocabulary_term": "Vocabulary term",
    "client": "Client details",
    "case_history": "Case history",
    "acknowledgement": "Acknowledgement",
    "appointment": "Appointment",
    "visit": "Session",
    "sensation": "Sensation",
    "finding": "Finding",
    "sensation_rating": "Sensation rating",
}


RecordT = TypeVar("RecordT", bound=SyncedRecord)


class RecordGetter(Protocol):
    """``session.get`` for synced records, or a push's cache of it."""

    def __call__(self, model: type[RecordT], record_id: object, /) -> RecordT | None: ...


def attribute(model: type[SyncedRecord], name: str) -> InstrumentedAttribute[Any]:
    """``model``'s mapped attribute ``name`` (client_id, clinic_id, ...), for a query over
    entities: synced models share no base that declares the references they have in common."""
    found: InstrumentedAttribute[Any] = getattr(model, name)
    return found


def reference(record: SyncedRecord, name: str) -> uuid.UUID | None:
    """The id ``record`` holds in its reference ``name`` (client_id, visit_id, ...); see attribute()."""
    found: uuid.UUID | None = getattr(record, name)
    return found


def on_caseload(
    session: Session, user: User, client_id: uuid.UUID | None, get: RecordGetter | None = None
) -> Client:
    """The client ``client_id`` if it is on ``user``'s caseload; else OutOfScope."""
    client = (get or session.get)(Client, client_id) if client_id else None
    if (
        client is None
        or client.deleted_at is not None
        or client.clinic_id != user.clinic_id
        or client.practitioner_id != user.id
    ):
        raise OutOfScope
    return client


def _live(get: RecordGetter, model: type[RecordT], record_id: uuid.UUID | None) -> RecordT:
    record = get(model, record_id) if record_id else None
    if record is None or record.deleted_at is not None:
        raise OutOfScope
    return record


@dataclass(frozen=True)
class Pusher:
    """Who is pushing, and a cached ``session.get`` (a push looks the same parents up thousands of times)."""

    session: Session
    user: User
    get: RecordGetter


# (pusher, values of a new record or {}, the stored record or None) -> its client's id.
Owner = Callable[[Pusher, CleanValues, SyncedRecord | None], uuid.UUID | None]


def clinic_wide(pusher: Pusher, values: CleanValues, existing: SyncedRecord | None) -> None:
    """A clinic's own vocabulary term: any practitioner of the clinic may add one."""
    if existing is not None and reference(existing, "clinic_id") != pusher.user.clinic_id:
        raise OutOfScope
    values.setdefault("clinic_id", pusher.user.clinic_id)
    values.setdefault("added_by_id", pusher.user.id)
    return None


def the_client_itself(pusher: Pusher, values: CleanValues, existing: SyncedRecord | None) -> uuid.UUID | None:
    """A client: on the pusher's caseload; a new one joins it."""
    if existing is not None:
        return on_caseload(pusher.session, pusher.user, existing.id, pusher.get).id
    values["clinic_id"] = pusher.user.clinic_id
    values["practitioner_id"] = pusher.user.id  # a practitioner registers onto their own caseload
    return None


def through_client(**set_on_create: Callable[[User], object]) -> Owner:
    """Records with a ``client_id``: the client must be on the caseload; ``set_on_create``
    gives the server-set fields of a new one (``field=lambda user: value``)."""

    def owner(pusher: Pusher, values: CleanValues, existing: SyncedRecord | None) -> uuid.UUID:
        client_id = reference(existing, "client_id") if existing is not None else values.get("client_id")
        client = on_caseload(pusher.session, pusher.user, client_id, pusher.get)
        if existing is None:
            for name, value_for in set_on_create.items():
                values[name] = value_for(pusher.user)
        return client.id

    return owner


def through_visit(pusher: Pusher, values: CleanValues, existing: SyncedRecord | None) -> uuid.UUID:
    """A finding: its session's client."""
    visit = _live(pusher.get, Visit, reference(existing, "visit_id") if existing else values.get("visit_id"))
    client = on_caseload(pusher.session, pusher.user, visit.client_id, pusher.get)
    values["client_id"] = client.id
    return client.id


def through_sensation_and_visit(
    pusher: Pusher, values: CleanValues, existing: SyncedRecord | None
) -> uuid.UUID:
    """A rating: the client of both its sensation and its session (one client)."""
    sensation = _live(
        pusher.get, Sensation, reference(existing, "sensation_id") if existing else values.get("sensation_id")
    )
    visit = _live(pusher.get, Visit, reference(existing, "visit_id") if existing else values.get("visit_id"))
    if sensation.client_id != visit.client_id:
        raise OutOfScope
    values["client_id"] = on_caseload(pusher.session, pusher.user, visit.client_id, pusher.get).id
    return visit.client_id


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in [
        Entity(
            "vocabulary_term",
            VocabularyTerm,
            VOCABULARY_TERM,
            fixed=("kind", "code"),
            rank=0,
            owner=clinic_wide,
        ),
        Entity(
            "client",
            Client,
            CLIENT,
            derived=("clinic_id", "practitioner_id", "case_study_consent_at"),
            rank=1,
            owner=the_client_itself,
        ),
        Entity(
            "case_history",
            CaseHistory,
            CASE_HISTORY,
            fixed=("client_id",),
            rank=2,
            owner=through_client(),
            one_per_client=True,
        ),
        Entity(
            "acknowledgement",
            Acknowledgement,
            ACKNOWLEDGEMENT,
            fixed=("client_id",),
            derived=("recorded_by_id",),
            rank=2,
            owner=through_client(recorded_by_id=lambda user: user.id),
        ),
        Entity(
            "appointment",
            Appointment,
            APPOINTMENT,
            fixed=("client_id",),
            derived=("clinic_id",),
            rank=2,
            owner=through_client(clinic_id=lambda user: user.clinic_id),
        ),
        Entity(
            "visit",
            Visit,
            VISIT,
            fixed=("client_id",),
            derived=("practitioner_id", "clock_flag"),
            rank=3,
            owner=through_client(practitioner_id=lambda user: user.id),
        ),
        Entity("sensation", Sensation, SENSATION, fixed=("client_id",), rank=3, owner=through_client()),
        Entity(
            "finding",
            Finding,
            FINDING,
            fixed=("visit_id",),
            derived=("client_id",),
            rank=4,
            owner=through_visit,
        ),
        Entity(
            "sensation_rating",
            SensationRating,
            SENSATION_RATING,
            fixed=("sensation_id", "visit_id"),
            derived=("client_id",),
            rank=4,
            owner=through_sensation_and_visit,
        ),
    ]
}

BY_TABLE = {e.model.__tablename__: e for e in ENTITIES.values()}


def owning_client_id(
    session: Session,
    user: User,
    entity: Entity,
    values: CleanValues,
    existing: SyncedRecord | None = None,
    get: RecordGetter | None = None,
) -> uuid.UUID | None:
    """Check the pusher may write this record; return its client id (None if clinic-wide).

    For an existing record the stored parents count; for a new one, the ones pushed.
    Server-set fields of a new record are filled into ``values`` by the entity's owner.
    """
    return entity.owner(Pusher(session, user, get or session.get), values, existing)


def check_references(
    session: Session,
    user: User,
    entity: Entity,
    values: CleanValues,
    client_id: uuid.UUID | None,
    existing: SyncedRecord | None = None,
    get: RecordGetter | None = None,
) -> None:
    """Every reference in ``values`` must point at a row within ``user``'s reach; else OutOfScope.

    Within reach: a user reference names the pusher (a practitioner books only for
    themselves, as at the desk); a record reference names a record on the pusher's caseload,
    and all of them, with ``client_id`` when given, belong to one client. Parents (the references fixed at
    creation) must be live; a link such as a visit's appointment may name one deleted since,
    so that a session recorded offline is not refused because its booking went away. On an
    update only the references that change are checked: the others were checked when set.
    """
    get = get or session.get
    clients: set[uuid.UUID | None] = set() if client_id is None else {client_id}
    for name, table in entity.references.items():
        target_id = values.get(name)
        if target_id is None or (existing is not None and getattr(existing, name) == target_id):
            continue
        if table == User.__tablename__:
            if target_id != user.id:
                raise OutOfScope(name)
            continue
        target = BY_TABLE[table]
        record = get(target.model, target_id)
        if record is None or (name in entity.fixed and record.deleted_at is not None):
            raise OutOfScope(name)
        target_client = record.id if target.name == "client" else getattr(record, "client_id", None)
        try:
            on_caseload(session, user, target_client, get)
        except OutOfScope:
            raise OutOfScope(name) from None
        clients.add(target_client)
        if len(clients) > 1:  # e.g. a rating of one client's sensation at another's visit
            raise OutOfScope(name)


def to_wire(value: object) -> object:
    """A column value as JSON: ids and dates as strings, decimals as numbers."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def wire_fields(entity: Entity) -> tuple[str, ...]:
    extra = tuple(f for f in ("client_id", *entity.derived) if hasattr(entity.model, f))
    return tuple(dict.fromkeys((*entity.schema.fields, *extra)))


# A record as a device receives it: entity, id, version, deleted and its fields, as JSON.
RecordJSON = dict[str, Any]


def serialise(entity: Entity, record: SyncedRecord | dict[str, Any]) -> RecordJSON:
    """A record (a model instance, or a dict of its columns) as a device receives it."""
    value: Callable[[str], object] = (
        record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    )
    return {
        "entity": entity.name,
        "id": str(value("id")),
        "version": value("version"),
        "deleted": value("deleted_at") is not None,
        "fields": {name: to_wire(value(name)) for name in wire_fields(entity)},
    }
