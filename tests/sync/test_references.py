"""Every reference a device sets is checked against its caseload, for every synced entity.

The cases are generated from the entity registry (each entity's references come from its
model's foreign keys), so a reference field added later is covered by these tests at once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change
from webapp.auth.models import Role, User
from webapp.extensions import db
from webapp.sync.entities import ENTITIES

NOW = "2026-11-24T10:00:00Z"


@dataclass
class Caseload:
    """A practitioner's client with one record of every kind, ready to be pointed at."""

    clinic: object
    practitioner: User
    client: object
    visit: object
    appointment: object
    sensation: object


def _caseload(clinic, practitioner) -> Caseload:
    client = factories.make_client(clinic, practitioner)
    return Caseload(
        clinic,
        practitioner,
        client,
        factories.make_visit(client),
        factories.make_appointment(client),
        factories.make_sensation(client),
    )


# A valid new record of each entity on ``mine``'s caseload; every entity must have one.
VALID = {
    "vocabulary_term": lambda mine: {
        "kind": "complaint",
        "code": f"own_{uuid.uuid4().hex[:8]}",
        "label": "Tingling toes",
    },
    "client": lambda mine: {"first_name": "Rosa", "last_name": "Lind"},
    "case_history": lambda mine: {
        "client_id": factories.make_client(mine.clinic, mine.practitioner).id,
        "occupation": "Driver",
    },
    "acknowledgement": lambda mine: {
        "client_id": mine.client.id,
        "acknowledged_on": "2026-11-24",
        "wording_version": "2026-1",
        "method": "ticked",
    },
    "appointment": lambda mine: {
        "client_id": mine.client.id,
        "practitioner_id": mine.practitioner.id,
        "starts_at": "2026-12-01T10:00:00Z",
        "duration_minutes": 30,
        "location": "clinic",
        "status": "booked",
    },
    "visit": lambda mine: {
        "client_id": mine.client.id,
        "appointment_id": mine.appointment.id,
        "started_at": NOW,
        "location": "clinic",
        "number_in_course": 2,
    },
    "sensation": lambda mine: {
        "client_id": mine.client.id,
        "kind": "calf_cramps",
        "region": "calf",
        "side": "left",
    },
    "finding": lambda mine: {
        "visit_id": mine.visit.id,
        "region": "calf",
        "side": "left",
        "tension_found": True,
        "released": True,
    },
    "sensation_rating": lambda mine: {
        "sensation_id": mine.sensation.id,
        "visit_id": mine.visit.id,
        "intensity": 5,
        "frequency": "daily",
    },
}

REFERENCES = [(entity.name, name) for entity in ENTITIES.values() for name in entity.references]
LINKS = [(entity, name) for entity, name in REFERENCES if name not in ENTITIES[entity].fixed]
OUT_OF_REACH = ["missing", "colleague", "other_clinic"]


def _elsewhere(world: dict, table: str, where: str):
    """An id for ``table`` that the practitioner may not use: missing, a colleague's, another clinic's."""
    if where == "missing":
        return uuid.uuid4()
    theirs: Caseload = world[where]
    if table == "user_account":
        return theirs.practitioner.id
    return getattr(theirs, table).id


@pytest.fixture
def world(clinic, other_clinic, practitioner, other_practitioner):
    return {
        "mine": _caseload(clinic, practitioner),
        "colleague": _caseload(clinic, other_practitioner),
        "other_clinic": _caseload(other_clinic, factories.make_user(other_clinic, Role.PRACTITIONER)),
    }


def _rows(entity: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ENTITIES[entity].model))


def test_every_entity_has_a_valid_example_and_the_registry_finds_the_references():
    assert set(VALID) == set(ENTITIES)
    assert ("visit", "appointment_id") in LINKS and ("appointment", "practitioner_id") in LINKS
    assert ("finding", "visit_id") in REFERENCES and ("client", "practitioner_id") not in REFERENCES


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_a_valid_new_record_of_each_entity_is_applied(make_device, world, entity):
    [result] = make_device(world["mine"].practitioner).push(change(entity, **VALID[entity](world["mine"])))
    assert result["status"] == "applied", result


@pytest.mark.parametrize("where", OUT_OF_REACH)
@pytest.mark.parametrize("entity, field", REFERENCES)
def test_a_new_record_pointing_out_of_reach_is_refused_and_nothing_is_stored(
    make_device, world, entity, field, where
):
    mine = world["mine"]
    fields = VALID[entity](mine)
    fields[field] = _elsewhere(world, ENTITIES[entity].references[field], where)
    before = _rows(entity)
    [result] = make_device(mine.practitioner).push(change(entity, **fields))
    assert result["status"] == "rejected" and result["code"] == "not_found", result
    assert field in result["errors"]
    assert _rows(entity) == before


@pytest.mark.parametrize("where", OUT_OF_REACH)
@pytest.mark.parametrize("entity, field", LINKS)
def test_an_update_pointing_out_of_reach_is_refused_and_the_record_unchanged(
    make_device, world, entity, field, where
):
    mine = world["mine"]
    device = make_device(mine.practitioner)
    record_id = uuid.uuid4()
    fields = VALID[entity](mine)
    [created] = device.push(change(entity, record_id, **fields))
    target = _elsewhere(world, ENTITIES[entity].references[field], where)
    [result] = device.push(change(entity, record_id, created["version"], **{field: target}))
    assert result["status"] == "rejected" and result["code"] == "not_found", result
    record = db.session.get(ENTITIES[entity].model, record_id)
    assert getattr(record, field) == fields[field]


def test_a_visit_may_not_point_at_another_clients_appointment_on_the_same_caseload(
    make_device, world, clinic
):
    mine = world["mine"]
    sibling = factories.make_appointment(factories.make_client(clinic, mine.practitioner))
    fields = dict(VALID["visit"](mine), appointment_id=sibling.id)
    [result] = make_device(mine.practitioner).push(change("visit", **fields))
    assert result["status"] == "rejected" and result["errors"] == {
        "appointment_id": "This points to a record that is not on your caseload."
    }


def test_a_session_for_an_appointment_deleted_meanwhile_is_still_kept(make_device, world):
    mine = world["mine"]
    mine.appointment.deleted_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    [result] = make_device(mine.practitioner).push(change("visit", **VALID["visit"](mine)))
    assert result["status"] == "applied"
