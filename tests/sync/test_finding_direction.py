"""A finding's direction of tension: optional, from a vocabulary a clinic can extend, synced both ways."""

import uuid

from tests import factories
from tests.sync.conftest import change
from webapp.extensions import db
from webapp.visits.models import Finding
from webapp.vocab.defaults import DIRECTIONS

NOW = "2026-11-24T10:00:00Z"


def _visit(client_id):
    visit_id = uuid.uuid4()
    return visit_id, change(
        "visit", visit_id, client_id=client_id, started_at=NOW, location="clinic", number_in_course=1
    )


def _finding(visit_id, **fields):
    return change(
        "finding", visit_id=visit_id, region="hip", side="left", tension_found=True, released=True, **fields
    )


def test_a_pushed_direction_is_stored_and_a_finding_without_one_is_fine(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    visit_id, visit = _visit(client.id)
    with_direction, without = _finding(visit_id, direction="medial"), _finding(visit_id)
    results = make_device(practitioner).push(visit, with_direction, without)
    assert [r["status"] for r in results] == ["applied"] * 3
    assert db.session.get(Finding, uuid.UUID(with_direction["id"])).direction == "medial"
    assert db.session.get(Finding, uuid.UUID(without["id"])).direction is None


def test_a_direction_not_in_the_vocabulary_is_rejected_with_a_sentence(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    visit_id, visit = _visit(client.id)
    bad = _finding(visit_id, direction="sideways")
    results = make_device(practitioner).push(visit, bad)
    assert results[1]["status"] == "rejected" and results[1]["code"] == "invalid"
    assert results[1]["errors"] == {"direction": "Choose direction of the tension from the list."}
    assert db.session.get(Finding, uuid.UUID(bad["id"])) is None


def test_a_direction_can_be_changed_and_cleared(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    finding = factories.make_finding(factories.make_visit(client), direction="up")
    device = make_device(practitioner)
    [result] = device.push(change("finding", finding.id, finding.version, direction=None))
    assert result["status"] == "applied"
    assert db.session.get(Finding, finding.id).direction is None


def test_pull_carries_the_direction_to_the_phone(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    finding = factories.make_finding(factories.make_visit(client), direction="down")
    device = make_device(practitioner)
    [pulled] = [r for r in device.pull(cursor=None)["records"] if r["entity"] == "finding"]
    assert pulled["fields"]["direction"] == "down"
    finding.direction = "rotation"
    db.session.commit()
    [pulled] = device.pull()["records"]
    assert pulled["id"] == str(finding.id) and pulled["fields"]["direction"] == "rotation"


def test_the_directions_are_published_with_the_clinics_own(
    make_device, practitioner, other_practitioner, clinic
):
    device, colleague = make_device(practitioner), make_device(other_practitioner)
    [result] = device.push(
        change("vocabulary_term", kind="direction", code="diagonal_up", label="Diagonally upwards")
    )
    assert result["status"] == "applied"
    published = colleague.http.get("/api/v1/schema", headers=colleague.auth).get_json()
    codes = [term["code"] for term in published["vocabularies"]["direction"]]
    assert codes == [code for code, _label in DIRECTIONS] + ["diagonal_up"]
    field = next(f for f in published["entities"]["finding"]["fields"] if f["name"] == "direction")
    assert field == {
        "name": "direction",
        "label": "Direction of the tension",
        "kind": "choice",
        "required": False,
        "vocabulary": "direction",
    }
    # ...and a colleague's finding may then use the clinic's term.
    client = factories.make_client(clinic, other_practitioner)
    visit_id, visit = _visit(client.id)
    results = colleague.push(visit, _finding(visit_id, direction="diagonal_up"))
    assert [r["status"] for r in results] == ["applied", "applied"]


def test_another_clinics_direction_is_not_accepted(make_device, practitioner, clinic, other_clinic):
    outsider = factories.make_user(other_clinic, name="Olga Elsewhere")
    make_device(outsider).push(change("vocabulary_term", kind="direction", code="spiral", label="Spiral"))
    client = factories.make_client(clinic, practitioner)
    visit_id, visit = _visit(client.id)
    results = make_device(practitioner).push(visit, _finding(visit_id, direction="spiral"))
    assert results[1]["status"] == "rejected" and "direction" in results[1]["errors"]
