"""Applying one pushed change: scope, validation, the visit's clock rules, and the merge.

A change is checked against the pusher's caseload and validated with the desk's schema; an
update is merged field by field against what changed since the version it was based on, and
a field someone else changed meanwhile keeps the server's value and becomes a
``SyncConflict`` both sides can see. The batch around it (exactly-once, order) is push.py.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.appointments.attendance import mark_attended
from webapp.auth.models import User
from webapp.clients.consent import date_new_client_rows
from webapp.clients.models import Client
from webapp.core.fieldspec import CleanValues
from webapp.db import ColumnValues, SyncedRecord, now_utc, one_of, table_of
from webapp.sync.changelog import insert_new_records
from webapp.sync.changes import Change, SentFields
from webapp.sync.entities import (
    ENTITIES,
    OutOfScope,
    RecordT,
    attribute,
    check_references,
    owning_client_id,
    to_wire,
)
from webapp.sync.models import SyncConflict
from webapp.sync.outcome import ConflictJSON, Outcome
from webapp.visits import clock
from webapp.visits.course import recheck_clients
from webapp.visits.models import Visit
from webapp.vocab.services import KINDS as VOCABULARY_KINDS
from webapp.vocab.services import terms


def same_value(current: object, incoming: object) -> bool:
    return to_wire(current) == to_wire(incoming)


class Applier:
    """Applies single changes; keeps per-push caches so a batch costs few queries."""

    def __init__(self, session: Session, user: User, device_id: uuid.UUID | None) -> None:
        self.session, self.user, self.device_id = session, user, device_id
        self.existing: dict[tuple[str, uuid.UUID], SyncedRecord | None] = {}
        self.new_rows: dict[str, dict[uuid.UUID, ColumnValues]] = {}  # created here, not yet inserted
        self._found: dict[tuple[type[SyncedRecord], object], SyncedRecord | None] = {}
        # As sets: validating a push looks a code up in them thousands of times.
        vocab = {
            kind: frozenset(code for code, _ in terms(kind, user.clinic_id)) for kind in VOCABULARY_KINDS
        }
        self.vocabulary = vocab.__getitem__

    def preload(self, changes: list[Change]) -> None:
        by_entity: dict[str, set[uuid.UUID]] = {}
        for change in changes:
            by_entity.setdefault(change.entity.name, set()).add(change.id)
        # The caseload's clients, and the parents findings and ratings point to.
        self.session.scalars(select(Client).where(Client.practitioner_id == self.user.id)).all()
        # The records this push changes are locked (PostgreSQL; SQLite has one writer at a
        # time) and read afresh: a push that changes a record another request is changing waits
        # for it to commit, then merges against what it stored and stamps a later version. Read
        # unlocked, it would merge against the record as it was and overwrite the other's
        # change, with a version below the one that request gave out. Locked in one order
        # (entity, then id), so two pushes never wait for each other.
        for name in sorted(by_entity):
            model = ENTITIES[name].model
            for condition in one_of(self.session, model.id, by_entity[name]):
                locked = select(model).where(condition).order_by(model.id).with_for_update()
                for record in self.session.scalars(locked.execution_options(populate_existing=True)):
                    self.existing[(name, record.id)] = record
        for name in ("visit", "sensation"):
            model = ENTITIES[name].model
            parents = {_uuid_or_none(c.fields.get(f"{name}_id")) for c in changes} - {None}
            for condition in one_of(self.session, model.id, parents):
                self.session.scalars(select(model).where(condition)).all()

    def get(self, model: type[RecordT], record_id: object, /) -> RecordT | None:
        """``session.get`` remembered for the push: parents are looked up once each."""
        key = (model, record_id)
        if key not in self._found:
            self._found[key] = self.session.get(model, record_id)
        found = self._found[key]
        return found if isinstance(found, model) else None  # it is; this tells the type checker

    def insert_new(self) -> None:
        """Insert the rows created so far (one statement per entity), stamped and logged."""
        # What flush hooks do for rows written through the ORM, done here for plain rows.
        new_visits = self.new_rows.get("visit", {}).values()
        if new_visits:  # their flags go in with them (see visits/course.py)
            recheck_clients(self.session, {row["client_id"] for row in new_visits}, new_visits)
            mark_attended(self.session, {row.get("appointment_id") for row in new_visits} - {None})
        date_new_client_rows(self.session, self.new_rows.get("client", {}).values())
        for name, rows in self.new_rows.items():
            insert_new_records(self.session, ENTITIES[name].model, list(rows.values()))
        self.new_rows.clear()
        self._found.clear()  # a parent looked up as missing may exist now

    def apply(self, change: Change) -> Outcome:
        entity = change.entity
        if change.id in self.new_rows.get(entity.name, {}):
            self.insert_new()  # a second change to a record created in this batch
            self.existing[(entity.name, change.id)] = self.session.get(entity.model, change.id)
        existing = self.existing.get((entity.name, change.id))
        incoming = {k: v for k, v in change.fields.items() if k not in entity.derived}
        try:
            if change.op == "delete":
                return self._delete(change, existing)
            if existing is None:
                return self._create(change, incoming)
            return self._update(change, existing, incoming)
        except OutOfScope as out:
            message = (
                "This record is not on your caseload."
                if out.field is None
                else "This points to a record that is not on your caseload."
            )
            return Outcome(change, "rejected", code="not_found", errors={out.field or "id": message})

    def _create(self, change: Change, incoming: SentFields) -> Outcome:
        entity = change.entity
        checked = entity.schema.validate(incoming, vocabulary=self.vocabulary)
        if not checked.ok:
            return Outcome(change, "rejected", errors=checked.errors, code="invalid")
        values = checked.values
        check_references(self.session, self.user, entity, values, None, get=self.get)
        owning_client_id(self.session, self.user, entity, values, get=self.get)
        if entity.name == "visit":
            refused = _start_refused(change, values["started_at"])
            if refused is not None:
                return refused
            values["start_basis"] = clock.basis_for_offset(values["clock_offset_seconds"])
            values["clock_flag"] = None  # set with the course's order, just before the insert
        if entity.one_per_client:
            model = entity.model
            current = self.session.scalars(
                select(model).where(attribute(model, "client_id") == values["client_id"])
            ).first()
            if current is not None:  # two devices both took the case history: merge, don't duplicate
                outcome = self._merge(change, current, {k: v for k, v in values.items() if k in incoming})
                outcome.merged_into = current.id
                return outcome
        columns = table_of(entity.model).columns.keys()
        row = {k: v for k, v in values.items() if k in columns}
        row["id"] = change.id
        self.new_rows.setdefault(entity.name, {})[change.id] = row
        return Outcome(change, "applied", record=row)

    def _update(self, change: Change, existing: SyncedRecord, incoming: SentFields) -> Outcome:
        entity = change.entity
        client_id = owning_client_id(self.session, self.user, entity, {}, existing, get=self.get)
        checked = entity.schema.validate(incoming, partial=True, vocabulary=self.vocabulary)
        if not checked.ok:
            return Outcome(change, "rejected", errors=checked.errors, code="invalid")
        check_references(self.session, self.user, entity, checked.values, client_id, existing, get=self.get)
        moved = {
            f: "This cannot be changed once the record exists."
            for f in entity.fixed
            if f in checked.values and not same_value(getattr(existing, f), checked.values[f])
        }
        if moved:
            return Outcome(change, "rejected", errors=moved, code="invalid")
        if isinstance(existing, Visit):
            return self._update_visit(change, existing, checked.values)
        if existing.deleted_at is not None:
            conflict = self._conflict(change, existing, "_deleted", "deleted", checked.values)
            return Outcome(change, "conflict", record=existing, conflicts=[conflict])
        return self._merge(change, existing, checked.values)

    def _update_visit(self, change: Change, existing: Visit, values: CleanValues) -> Outcome:
        """A visit's update: a new start must be possible, and its clock fields travel with it."""
        new_start = "started_at" in values and not same_value(existing.started_at, values["started_at"])
        if new_start:
            refused = _start_refused(change, values["started_at"])
            if refused is not None:
                return refused
            if _edited_elsewhere(existing, "started_at", existing.started_at, change.base_version):
                # The start stays the server's (a conflict); the phone's clock readings belong to
                # the phone's start, so they do not go with it.
                values = {k: v for k, v in values.items() if k not in CLOCK_FIELDS}
        if existing.deleted_at is not None:
            conflict = self._conflict(change, existing, "_deleted", "deleted", values)
            return Outcome(change, "conflict", record=existing, conflicts=[conflict])
        before = existing.started_at, existing.clock_offset_seconds
        outcome = self._merge(change, existing, values)
        if not (
            same_value(before[0], existing.started_at)
            and same_value(before[1], existing.clock_offset_seconds)
        ):
            # A new start (or offset) from the phone: the basis is the offset stored with it,
            # sent with the change or, when it did not change, as the phone sent it before.
            existing.start_basis = clock.basis_for_offset(existing.clock_offset_seconds)
        return outcome

    def _merge(self, change: Change, existing: SyncedRecord, values: CleanValues) -> Outcome:
        conflicts: list[ConflictJSON] = []
        for name, value in values.items():
            current = getattr(existing, name)
            if same_value(current, value):
                continue
            if _edited_elsewhere(existing, name, current, change.base_version):
                conflicts.append(self._conflict(change, existing, name, current, value))
            else:
                setattr(existing, name, value)
        return Outcome(change, "conflict" if conflicts else "applied", record=existing, conflicts=conflicts)

    def _delete(self, change: Change, existing: SyncedRecord | None) -> Outcome:
        if existing is None:
            raise OutOfScope
        owning_client_id(self.session, self.user, change.entity, {}, existing, get=self.get)
        if existing.deleted_at is not None:
            return Outcome(change, "applied", record=existing)
        edited = [
            f for f in (existing.field_versions or {}) if existing.field_changed_after(f, change.base_version)
        ]
        if edited:
            conflict = self._conflict(change, existing, "_deleted", "kept", "deleted")
            return Outcome(change, "conflict", record=existing, conflicts=[conflict])
        existing.deleted_at = now_utc()
        return Outcome(change, "applied", record=existing)

    def _conflict(
        self,
        change: Change,
        record: SyncedRecord,
        field_name: str,
        server_value: object,
        device_value: object,
    ) -> ConflictJSON:
        client_id = record.id if change.entity.name == "client" else getattr(record, "client_id", None)
        conflict = SyncConflict(
            id=uuid.uuid4(),
            clinic_id=self.user.clinic_id,
            client_id=client_id,
            entity=change.entity.name,
            entity_id=record.id,
            field=field_name,
            server_value={"value": _plain(server_value)},
            device_value={"value": _plain(device_value)},
            base_version=change.base_version,
            change_id=change.change_id,
            user_id=self.user.id,
            device_id=self.device_id,
        )
        self.session.add(conflict)
        return {
            "conflict_id": str(conflict.id),
            "field": field_name,
            "server_value": conflict.server_value["value"],
            "device_value": conflict.device_value["value"],
        }


CLOCK_FIELDS = ("device_started_at", "clock_offset_seconds")


def _start_refused(change: Change, started_at: dt.datetime) -> Outcome | None:
    """A visit may not start further ahead of the server's clock than clock.FUTURE_TOLERANCE."""
    problem = clock.start_too_far_ahead(started_at, now_utc())
    if problem is None:
        return None
    return Outcome(change, "rejected", errors={"started_at": problem}, code="in_future")


def _uuid_or_none(value: object) -> uuid.UUID | None:
    """A parent id as sent, if it is one (a malformed one is for validation to refuse)."""
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _edited_elsewhere(record: SyncedRecord, name: str, current: object, base_version: int) -> bool:
    """Whether the server's value of ``name`` is news to a device that saw ``base_version``.

    A device that never saw the record (base 0) may fill what is still empty here, but any
    value already set here is someone else's work and must not be overwritten silently.
    """
    if base_version == 0:
        return current not in (None, "", [])
    return record.field_changed_after(name, base_version)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    return to_wire(value)
