"""Every API error path answers with a clear JSON error and a stable code, applying nothing."""

import re
import uuid

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change
from webapp.auth.models import Role
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.sync.models import Device
from webapp.sync.push import MAX_CHANGES


def _code(response):
    return response.get_json()["error"]["code"]


def test_bad_json_is_refused(make_device, practitioner):
    device = make_device(practitioner)
    response = device.http.post("/api/v1/sync/push", data="{not json", content_type="application/json",
                                headers=device.auth)
    assert response.status_code == 400 and _code(response) == "bad_json"


@pytest.mark.parametrize("payload, code", [
    ({"changes": [], "extra": 1}, "unknown_fields"),
    ({"changes": [{"change_id": str(uuid.uuid4()), "entity": "client", "id": str(uuid.uuid4()), "colour": 1}]},
     "unknown_fields"),
    ({"changes": "all of them"}, "invalid_request"),
    ({"changes": [{"change_id": "x", "entity": "client", "id": str(uuid.uuid4())}]}, "invalid_request"),
    ({"changes": [{"change_id": str(uuid.uuid4()), "entity": "spaceship", "id": str(uuid.uuid4())}]},
     "invalid_request"),
    ({"changes": [{"change_id": str(uuid.uuid4()), "entity": "client", "id": str(uuid.uuid4()), "op": "drop"}]},
     "invalid_request"),
])
def test_a_malformed_push_applies_nothing(make_device, practitioner, clinic, payload, code):
    client = factories.make_client(clinic, practitioner, phone="0100")
    good = change("client", client.id, client.version, phone="0200")
    payload = dict(payload, changes=[good, *payload["changes"]] if isinstance(payload["changes"], list)
                   else payload["changes"])
    response = make_device(practitioner).push_raw(payload)
    assert response.status_code == 400 and _code(response) == code
    db.session.expire_all()
    assert db.session.get(Client, client.id).phone == "0100"


def test_an_oversized_batch_is_refused_whole(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    changes = [change("client", client.id, client.version, phone=str(n)) for n in range(MAX_CHANGES + 1)]
    response = make_device(practitioner).push_raw({"changes": changes})
    assert response.status_code == 413 and _code(response) == "batch_too_large"
    db.session.expire_all()
    assert db.session.get(Client, client.id).phone != str(MAX_CHANGES)


def test_sync_without_a_token_or_with_a_wrong_one_is_refused(app, make_device, practitioner):
    http = app.test_client()
    assert _code(http.get("/api/v1/sync/pull")) == "unauthenticated"
    device = make_device(practitioner)
    forged = {"Authorization": f"Bearer {device.id}.not-the-secret"}
    response = http.get("/api/v1/sync/pull", headers=forged)
    assert response.status_code == 401 and _code(response) == "unauthenticated"


def test_a_revoked_device_is_told_so_and_cannot_push(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, phone="0100")
    device = make_device(practitioner)
    stored = db.session.get(Device, uuid.UUID(device.id))
    stored.revoked_at = stored.created_at
    db.session.commit()
    response = device.push_raw({"changes": [change("client", client.id, client.version, phone="0200")]})
    assert response.status_code == 401 and _code(response) == "device_revoked"
    db.session.expire_all()
    assert db.session.get(Client, client.id).phone == "0100"


def test_a_deactivated_users_device_stops_syncing(make_device, practitioner):
    device = make_device(practitioner)
    practitioner.active = False
    db.session.commit()
    assert _code(device.http.get("/api/v1/sync/pull", headers=device.auth)) == "device_revoked"


def test_a_retired_device_token_stops_working(make_device, practitioner):
    device = make_device(practitioner)
    assert device.http.post("/api/v1/sync/device/retire", headers=device.auth).status_code == 200
    assert _code(device.http.get("/api/v1/sync/pull", headers=device.auth)) == "device_revoked"


def test_only_practitioners_register_devices(login, staff):
    browser = login(staff)
    token = browser.get("/api/v1/session").get_json()["csrf_token"]
    response = browser.client.post("/api/v1/devices", json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 403 and _code(response) == "forbidden"


def test_registering_a_device_needs_the_csrf_token(login, practitioner):
    response = login(practitioner).client.post("/api/v1/devices", json={})
    assert response.status_code == 400 and _code(response) == "csrf_failed"


def test_the_session_endpoint_needs_sign_in(browser):
    response = browser.get("/api/v1/session")
    assert response.status_code == 401 and _code(response) == "unauthenticated"


def test_another_practitioners_conflict_cannot_be_resolved(make_device, practitioner, other_practitioner, clinic):
    client = factories.make_client(clinic, practitioner, phone="0100")
    base = client.version
    phone_a, phone_b = make_device(practitioner), make_device(practitioner)
    phone_a.push(change("client", client.id, base, phone="0200"))
    conflict_id = phone_b.push(change("client", client.id, base, phone="0300"))[0]["conflicts"][0]["conflict_id"]
    intruder = make_device(other_practitioner)
    response = intruder.resolve(conflict_id, "mine")
    assert response.status_code == 404 and _code(response) == "not_found"
    assert intruder.resolve("not-a-uuid", "mine").status_code == 404


def test_a_crash_in_the_middle_of_a_batch_applies_none_of_it(app, make_device, practitioner, clinic, monkeypatch):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    visit_id = uuid.uuid4()
    changes = [change("visit", visit_id, client_id=client.id, started_at="2026-11-24T09:00:00Z",
                      location="clinic", number_in_course=1),
               change("finding", visit_id=visit_id, region="calf", side="left", tension_found=True, released=True)]
    from webapp.sync import push as push_module

    real_apply = push_module._Applier.apply
    calls = {"n": 0}

    def crash_on_second(self, one_change):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real_apply(self, one_change)

    monkeypatch.setattr(push_module._Applier, "apply", crash_on_second)
    response = device.push_raw({"changes": changes})
    assert response.status_code == 500 and _code(response) == "server_error"
    db.session.rollback()
    from webapp.visits.models import Visit

    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0
    monkeypatch.setattr(push_module._Applier, "apply", real_apply)
    assert [r["status"] for r in device.push(*changes)] == ["applied", "applied"]


def test_schema_and_openapi_are_published(make_device, practitioner, app):
    device = make_device(practitioner)
    body = device.http.get("/api/v1/schema", headers=device.auth).get_json()
    assert body["entities"]["finding"]["fields"][1]["name"] == "region"
    assert {"code": "calf", "label": "Calf"} in body["vocabularies"]["region"]
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/sync/push" in spec["paths"]


def test_every_api_route_is_in_the_openapi_document(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {(path, method.upper()) for path, operations in spec["paths"].items() for method in operations}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert len(served) >= 14 and served == documented


def test_every_answer_names_the_rules_revision_so_devices_refresh_their_rules(make_device, practitioner, monkeypatch):
    from webapp.sync import publish

    device = make_device(practitioner)
    schema = device.http.get("/api/v1/schema", headers=device.auth).get_json()
    pulled = device.http.get("/api/v1/sync/pull", headers=device.auth).get_json()
    assert schema["rules_revision"] == pulled["rules_revision"] == publish.RULES_REVISION
    # A release that changes a rule (here: a new starting region) changes the revision.
    monkeypatch.setattr(publish.defaults, "REGIONS", [*publish.defaults.REGIONS, ("neck", "Neck", "neck")])
    assert publish._rules_revision() != publish.RULES_REVISION


def test_staff_accounts_cannot_be_used_for_device_sync(make_device, staff):
    assert staff.role == Role.STAFF
    with pytest.raises(AssertionError):
        make_device(staff)
