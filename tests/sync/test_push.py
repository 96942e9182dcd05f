"""Push: at most once, validated, merged field by field, scoped to the caseload."""

import uuid

from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.sync.models import ChangeLog, Device, SyncConflict
from webapp.visits.models import Finding, Visit

NOW = "2026-11-24T10:00:00Z"


def _visit_with_findings(client_id, n=2):
    visit_id = uuid.uuid4()
    changes = [
        change("visit", visit_id, client_id=client_id, started_at=NOW, location="home", number_in_course=1)
    ]
    changes += [
        change("finding", visit_id=visit_id, region="calf", side="left", tension_found=True, released=True)
        for _ in range(n)
    ]
    return visit_id, changes


def test_a_session_recorded_on_the_device_is_stored_with_its_findings(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    visit_id, changes = _visit_with_findings(client.id, 3)
    results = device.push(*changes)
    assert [r["status"] for r in results] == ["applied"] * 4
    visit = db.session.get(Visit, visit_id)
    assert visit.practitioner_id == practitioner.id and visit.location == "home"
    assert (
        db.session.scalar(select(func.count()).select_from(Finding).where(Finding.visit_id == visit_id)) == 3
    )
    created = results[1]
    assert created["record"] is None  # the device already holds what it sent
    assert created["derived"] == {"client_id": str(client.id)}  # worked out by the server
    assert created["version"] > 0


def test_a_retried_push_is_answered_again_and_not_applied_twice(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    _visit_id, changes = _visit_with_findings(client.id, 2)
    first = device.push(*changes)
    log_rows = db.session.scalar(select(func.count()).select_from(ChangeLog))
    again = device.push(*changes)  # the first response was "lost"
    assert again == first
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 2
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == log_rows


def test_a_known_change_id_with_different_content_is_refused(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    original = change("client", client.id, base_version=client.version, phone="0111")
    device.push(original)
    tampered = dict(original, fields={"phone": "0999"})
    [result] = device.push(tampered)
    assert result["status"] == "rejected" and result["code"] == "change_id_reused"
    assert db.session.get(Client, client.id).phone == "0111"


def test_the_same_change_twice_in_one_batch_applies_once(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    finding_change = change(
        "visit", client_id=client.id, started_at=NOW, location="clinic", number_in_course=1
    )
    results = device.push(finding_change, finding_change)
    assert results[0] == results[1] and results[0]["status"] == "applied"
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1


def test_edits_to_different_fields_merge(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, phone="0100", email="")
    base = client.version
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    assert phone_a.push(change("client", client.id, base, phone="0200"))[0]["status"] == "applied"
    [result] = phone_b.push(change("client", client.id, base, email="a@example.test"))
    assert result["status"] == "applied"
    stored = db.session.get(Client, client.id)
    assert (stored.phone, stored.email) == ("0200", "a@example.test")


def test_an_edit_to_a_field_changed_since_its_base_is_a_visible_conflict(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, phone="0100")
    base = client.version
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    phone_a.push(change("client", client.id, base, phone="0200"))
    [result] = phone_b.push(change("client", client.id, base, phone="0300", town="Dover"))
    assert result["status"] == "conflict"
    assert [(c["field"], c["server_value"], c["device_value"]) for c in result["conflicts"]] == [
        ("phone", "0200", "0300")
    ]
    stored = db.session.get(Client, client.id)
    assert stored.phone == "0200" and stored.town == "Dover"  # the other field merged
    # Both sides can see it: it is in the pull of either device.
    assert [c["field"] for c in phone_a.pull(cursor=None)["conflicts"]] == ["phone"]


def test_resolving_a_conflict_keep_mine_applies_the_device_value(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, phone="0100")
    base = client.version
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    phone_a.push(change("client", client.id, base, phone="0200"))
    conflict_id = phone_b.push(change("client", client.id, base, phone="0300"))[0]["conflicts"][0][
        "conflict_id"
    ]
    response = phone_b.resolve(conflict_id, "mine")
    assert response.status_code == 200
    assert response.get_json()["record"]["fields"]["phone"] == "0300"  # no pull needed to see it
    db.session.expire_all()
    assert db.session.get(Client, client.id).phone == "0300"
    assert db.session.get(SyncConflict, uuid.UUID(conflict_id)).resolution == "mine"
    assert phone_b.resolve(conflict_id, "theirs").status_code == 409
    assert phone_a.pull(cursor=None)["conflicts"] == []


def test_resolving_with_an_edit_is_validated(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, phone="0100")
    base = client.version
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    phone_a.push(change("client", client.id, base, first_name="Jo"))
    conflict_id = phone_b.push(change("client", client.id, base, first_name="Joanna"))[0]["conflicts"][0][
        "conflict_id"
    ]
    assert phone_b.resolve(conflict_id, "edit", "x" * 100).status_code == 400
    assert phone_b.resolve(conflict_id, "edit", "Joanne").status_code == 200
    db.session.expire_all()
    assert db.session.get(Client, client.id).first_name == "Joanne"


def test_delete_on_one_side_and_edit_on_the_other_is_a_conflict_not_a_loss(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    visit = factories.make_visit(client)
    finding = factories.make_finding(visit)
    base = finding.version
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    phone_a.push(change("finding", finding.id, base, op="delete"))
    [edit] = phone_b.push(change("finding", finding.id, base, note="tight at the top"))
    assert edit["status"] == "conflict" and edit["conflicts"][0]["field"] == "_deleted"
    stored = db.session.get(Finding, finding.id)
    assert stored.deleted_at is not None and stored.note == ""  # not resurrected silently
    assert edit["conflicts"][0]["device_value"] == {"note": "tight at the top"}  # not lost either
    # Keeping the device's side brings it back with the edit.
    assert phone_b.resolve(edit["conflicts"][0]["conflict_id"], "mine").status_code == 200
    db.session.expire_all()
    restored = db.session.get(Finding, finding.id)
    assert restored.deleted_at is None and restored.note == "tight at the top"


def test_deleting_a_record_someone_edited_since_is_a_conflict(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    finding = factories.make_finding(factories.make_visit(client))
    base = finding.version
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    phone_a.push(change("finding", finding.id, base, released=True))
    [result] = phone_b.push(change("finding", finding.id, base, op="delete"))
    assert result["status"] == "conflict"
    assert db.session.get(Finding, finding.id).deleted_at is None


def test_a_deletion_is_a_tombstone_that_pull_delivers(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    finding = factories.make_finding(factories.make_visit(client))
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    phone_b.pull(cursor=None)
    phone_a.push(change("finding", finding.id, finding.version, op="delete"))
    records = phone_b.pull()["records"]
    assert [(r["id"], r["deleted"]) for r in records] == [(str(finding.id), True)]


def test_an_invalid_change_is_rejected_with_reasons_and_the_rest_of_the_batch_applies(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    visit_id, changes = _visit_with_findings(client.id, 1)
    bad = change(
        "finding", visit_id=visit_id, region="elbow", side="left", tension_found=True, released="maybe"
    )
    results = device.push(*changes, bad)
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["code"] == "invalid"
    assert results[2]["errors"] == {
        "region": "Choose region from the list.",
        "released": "Released must be yes or no.",
    }
    assert db.session.get(Finding, uuid.UUID(bad["id"])) is None


def test_unknown_record_fields_are_rejected_per_change(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    [result] = make_device(practitioner).push(change("client", client.id, client.version, shoe_size=9))
    assert result["status"] == "rejected" and result["errors"] == {"shoe_size": "This field is not known."}


def test_a_practitioner_cannot_push_to_another_practitioners_records(
    make_device, practitioner, other_practitioner, clinic
):
    theirs = factories.make_client(clinic, other_practitioner, phone="0100")
    their_visit = factories.make_visit(theirs)
    device = make_device(practitioner)
    results = device.push(
        change("client", theirs.id, theirs.version, phone="0666"),
        change("visit", client_id=theirs.id, started_at=NOW, location="clinic", number_in_course=2),
        change(
            "finding", visit_id=their_visit.id, region="calf", side="left", tension_found=True, released=False
        ),
        change("visit", their_visit.id, their_visit.version, op="delete"),
    )
    assert [r["status"] for r in results] == ["rejected"] * 4
    assert {r["code"] for r in results} == {"not_found"}
    db.session.expire_all()
    assert db.session.get(Client, theirs.id).phone == "0100"
    assert db.session.get(Visit, their_visit.id).deleted_at is None


def test_a_client_registered_on_a_phone_joins_the_pushers_own_caseload(
    make_device, practitioner, other_practitioner
):
    client_id = uuid.uuid4()
    [result] = make_device(practitioner).push(
        change(
            "client",
            client_id,
            first_name="Nia",
            last_name="Ward",
            practitioner_id=str(other_practitioner.id),
        )
    )
    assert result["status"] == "applied"
    assert db.session.get(Client, client_id).practitioner_id == practitioner.id


def test_a_rating_must_join_a_sensation_and_visit_of_the_same_client(make_device, practitioner, clinic):
    one, two = factories.make_client(clinic, practitioner), factories.make_client(clinic, practitioner)
    sensation, visit = factories.make_sensation(one), factories.make_visit(two)
    [result] = make_device(practitioner).push(
        change(
            "sensation_rating", sensation_id=sensation.id, visit_id=visit.id, intensity=5, frequency="daily"
        )
    )
    assert result["status"] == "rejected" and result["code"] == "not_found"


def test_a_parent_reference_cannot_be_moved(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    finding = factories.make_finding(factories.make_visit(client))
    other_visit = factories.make_visit(client, number=2)
    [result] = make_device(practitioner).push(
        change("finding", finding.id, finding.version, visit_id=other_visit.id)
    )
    assert result["status"] == "rejected" and "visit_id" in result["errors"]


def test_two_devices_taking_the_case_history_merge_into_one(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    first_id = uuid.uuid4()
    phone_a.push(
        change("case_history", first_id, client_id=client.id, occupation="Nurse", goals="Walk the dog")
    )
    [result] = phone_b.push(
        change("case_history", client_id=client.id, occupation="Nurse", takes_magnesium=True)
    )
    assert result["status"] == "applied" and result["merged_into"] == str(first_id)
    [conflicting] = phone_b.push(change("case_history", client_id=client.id, occupation="Teacher"))
    assert conflicting["status"] == "conflict" and conflicting["conflicts"][0]["field"] == "occupation"


def test_the_device_reports_what_is_still_waiting(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    device.push(change("client", client.id, client.version, phone="1"), pending=5)
    stored = db.session.get(Device, uuid.UUID(device.id))
    assert stored.pending_reported == 4 and stored.last_sync_at is not None


def test_a_change_id_used_twice_in_one_batch_for_different_content_is_refused(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    visit_id, (visit, first, second) = _visit_with_findings(client.id, 2)
    second = dict(second, change_id=first["change_id"])  # a device bug: one id, two records
    results = device.push(visit, first, second)
    assert results[1]["status"] == "applied" and results[1]["id"] == first["id"]
    assert results[2]["status"] == "rejected" and results[2]["code"] == "change_id_reused"
    assert results[2]["id"] == second["id"]
    assert db.session.get(Finding, uuid.UUID(first["id"])) is not None
    assert db.session.get(Finding, uuid.UUID(second["id"])) is None


def test_the_same_change_twice_in_one_batch_is_applied_once_and_answered_twice(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    _visit_id, (visit, finding) = _visit_with_findings(client.id, 1)
    results = device.push(visit, finding, finding)
    assert results[1] == results[2] and results[1]["status"] == "applied"
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1
