"""Who may use the API: a device's token (not forged, revoked or retired, of an active
practitioner), the signed-in session with its CSRF token to register a device, and a
practitioner's own conflicts only. Everything else is refused with a stable code."""

from __future__ import annotations

import uuid

import pytest

from tests import factories
from tests.sync.conftest import change, error_code
from webapp.auth.models import Role
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.sync.models import Device


def test_sync_without_a_token_or_with_a_wrong_one_is_refused(app, make_device, practitioner):
    http = app.test_client()
    assert error_code(http.get("/api/v1/sync/pull")) == "unauthenticated"
    device = make_device(practitioner)
    forged = {"Authorization": f"Bearer {device.id}.not-the-secret"}
    response = http.get("/api/v1/sync/pull", headers=forged)
    assert response.status_code == 401 and error_code(response) == "unauthenticated"


def test_a_revoked_device_is_told_so_and_cannot_push(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, phone="0100")
    device = make_device(practitioner)
    stored = db.session.get(Device, uuid.UUID(device.id))
    stored.revoked_at = stored.created_at
    db.session.commit()
    response = device.push_raw({"changes": [change("client", client.id, client.version, phone="0200")]})
    assert response.status_code == 401 and error_code(response) == "device_revoked"
    db.session.expire_all()
    assert db.session.get(Client, client.id).phone == "0100"


def test_a_deactivated_users_device_stops_syncing(make_device, practitioner):
    device = make_device(practitioner)
    practitioner.active = False
    db.session.commit()
    assert error_code(device.http.get("/api/v1/sync/pull", headers=device.auth)) == "device_revoked"


def test_a_retired_device_token_stops_working(make_device, practitioner):
    device = make_device(practitioner)
    assert device.http.post("/api/v1/sync/device/retire", headers=device.auth).status_code == 200
    assert error_code(device.http.get("/api/v1/sync/pull", headers=device.auth)) == "device_revoked"


def test_staff_accounts_cannot_be_used_for_device_sync(make_device, staff):
    assert staff.role == Role.STAFF
    with pytest.raises(AssertionError):
        make_device(staff)


def test_only_practitioners_register_devices(login, staff):
    browser = login(staff)
    token = browser.get("/api/v1/session").get_json()["csrf_token"]
    response = browser.client.post("/api/v1/devices", json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_registering_a_device_needs_the_csrf_token(login, practitioner):
    response = login(practitioner).client.post("/api/v1/devices", json={})
    assert response.status_code == 400 and error_code(response) == "csrf_failed"


def test_an_api_call_without_a_session_is_told_to_sign_in_before_any_csrf_check(browser):
    response = browser.client.post("/api/v1/devices", json={})
    assert response.status_code == 401 and error_code(response) == "unauthenticated"


def test_the_session_endpoint_needs_sign_in(browser):
    response = browser.get("/api/v1/session")
    assert response.status_code == 401 and error_code(response) == "unauthenticated"


@pytest.mark.parametrize("body", [[], ["phone"], {"label": ["x"]}, {"label": 7}, "label"])
def test_registering_a_device_with_a_malformed_body_is_a_clear_400(login, practitioner, body):
    browser = login(practitioner)
    token = browser.get("/api/v1/session").get_json()["csrf_token"]
    response = browser.client.post("/api/v1/devices", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 400 and error_code(response) == "invalid_request"


def test_registering_a_device_without_a_body_uses_the_browsers_name(login, practitioner):
    browser = login(practitioner)
    token = browser.get("/api/v1/session").get_json()["csrf_token"]
    response = browser.client.post(
        "/api/v1/devices", headers={"X-CSRFToken": token, "User-Agent": "Pixel\x00 8"}
    )
    assert response.status_code == 201
    assert db.session.get(Device, uuid.UUID(response.get_json()["device_id"])).label == "Pixel 8"


def test_another_practitioners_conflict_cannot_be_resolved(
    make_device, practitioner, other_practitioner, clinic
):
    client = factories.make_client(clinic, practitioner, phone="0100")
    base = client.version
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    phone_a.push(change("client", client.id, base, phone="0200"))
    conflict_id = phone_b.push(change("client", client.id, base, phone="0300"))[0]["conflicts"][0][
        "conflict_id"
    ]
    intruder = make_device(other_practitioner)
    response = intruder.resolve(conflict_id, "mine")
    assert response.status_code == 404 and error_code(response) == "not_found"
    assert intruder.resolve("not-a-uuid", "mine").status_code == 404
