"""Work for a client who left the caseload while the phone was offline goes to the desk."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.sync.models import ParkedChange


def _visit_change(client):
    return change(
        "visit",
        client_id=client.id,
        started_at="2026-11-24T09:00:00Z",
        location="home",
        number_in_course=2,
        notes="Calves tight; advised water",
    )


def _park(device, client, *changes):
    body = {
        "client_id": str(client.id),
        "changes": [{**c, "made_at": "2026-11-24T09:30:00Z"} for c in changes],
    }
    return device.http.post("/api/v1/sync/park", json=body, headers=device.auth)


def test_refused_work_for_a_client_who_moved_on_is_parked_once_and_shown_on_the_desk(
    make_device, practitioner, clinic, staff, login
):
    client = factories.make_client(clinic, practitioner, first_name="Bea")
    device = make_device(practitioner)
    device.pull(cursor=None)
    client.practitioner_id = factories.make_user(clinic, Role.PRACTITIONER, name="Olive Other").id
    db.session.commit()
    visit = _visit_change(client)
    [refused] = device.push(visit)
    assert refused["status"] == "rejected" and refused["code"] == "not_found"

    response = _park(device, client, visit)
    assert response.status_code == 200 and response.get_json()["parked"] == 1
    assert _park(device, client, visit).get_json()["parked"] == 0  # a retry parks nothing twice
    assert db.session.scalar(select(func.count()).select_from(ParkedChange)) == 1

    desk = login(staff)
    page = desk.get(f"/clients/{client.id}/record").get_data(as_text=True)
    assert "Work handed to the desk" in page and "Calves tight; advised water" in page
    assert "Home visit" in page and practitioner.name in page
    handled = desk.post(f"/clients/{client.id}/parked/{visit['change_id']}/handled", {})
    assert handled.status_code == 302
    assert "Work handed to the desk" not in desk.get(f"/clients/{client.id}/record").get_data(as_text=True)


def test_nothing_can_be_parked_for_a_client_who_was_never_on_the_caseload(
    make_device, practitioner, other_practitioner, clinic, other_clinic
):
    device = make_device(practitioner)
    colleagues = factories.make_client(clinic, other_practitioner)
    elsewhere = factories.make_client(other_clinic)
    db.session.commit()
    for client in (colleagues, elsewhere):
        response = _park(device, client, _visit_change(client))
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert db.session.scalar(select(func.count()).select_from(ParkedChange)) == 0


def test_a_malformed_park_request_parks_nothing(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    good = _visit_change(client)
    bad = {"change_id": str(uuid.uuid4()), "entity": "spaceship", "id": str(uuid.uuid4()), "op": "upsert"}
    response = _park(device, client, good, bad)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_request"
    assert device.http.post("/api/v1/sync/park", data="nope", headers=device.auth).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ParkedChange)) == 0


def test_the_desk_of_another_clinic_cannot_see_or_handle_parked_work(
    make_device, practitioner, clinic, other_clinic_staff, login
):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    visit = _visit_change(client)
    assert _park(device, client, visit).status_code == 200
    outsider = login(other_clinic_staff)
    assert outsider.get(f"/clients/{client.id}/record").status_code == 404
    assert outsider.post(f"/clients/{client.id}/parked/{visit['change_id']}/handled", {}).status_code == 404
    db.session.expire_all()
    assert db.session.get(ParkedChange, uuid.UUID(visit["change_id"])).handled_at is None
