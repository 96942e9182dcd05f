"""Every API error path answers with a clear JSON error and a stable code, applying nothing."""

import re
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change
from webapp.auth.models import Role
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.sync.models import Device
from webapp.sync.wire import MAX_CHANGES


def _code(response):
    return response.get_json()["error"]["code"]


def test_bad_json_is_refused(make_device, practitioner):
    device = make_device(practitioner)
    response = device.http.post(
        "/api/v1/sync/push", data="{not json", content_type="application/json", headers=device.auth
    )
    assert response.status_code == 400 and _code(response) == "bad_json"


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"changes": [], "extra": 1}, "unknown_fields"),
        (
            {
                "changes": [
                    {"change_id": str(uuid.uuid4()), "entity": "client", "id": str(uuid.uuid4()), "colour": 1}
                ]
            },
            "unknown_fields",
        ),
        ({"changes": "all of them"}, "invalid_request"),
        ({"changes": [{"change_id": "x", "entity": "client", "id": str(uuid.uuid4())}]}, "invalid_request"),
        (
            {"changes": [{"change_id": str(uuid.uuid4()), "entity": "spaceship", "id": str(uuid.uuid4())}]},
            "invalid_request",
        ),
        (
            {
                "changes": [
                    {
                        "change_id": str(uuid.uuid4()),
                        "entity": "client",
                        "id": str(uuid.uuid4()),
                        "op": "drop",
                    }
                ]
            },
            "invalid_request",
        ),
        (
            {
                "changes": [
                    {"change_id": str(uuid.uuid4()), "entity": {"name": "client"}, "id": str(uuid.uuid4())}
                ]
            },
            "invalid_request",
        ),
        (
            {"changes": [{"change_id": str(uuid.uuid4()), "entity": ["client"], "id": str(uuid.uuid4())}]},
            "invalid_request",
        ),
        (
            {
                "changes": [
                    {
                        "change_id": str(uuid.uuid4()),
                        "entity": "client",
                        "id": str(uuid.uuid4()),
                        "base_version": 2**63,
                        "fields": {},
                    }
                ]
            },
            "invalid_request",
        ),
        ({"changes": [], "pending": "3"}, "invalid_request"),
        ({"changes": [], "pending": -1}, "invalid_request"),
    ],
)
def test_a_malformed_push_applies_nothing(make_device, practitioner, clinic, payload, code):
    client = factories.make_client(clinic, practitioner, phone="0100")
    good = change("client", client.id, client.version, phone="0200")
    payload = dict(
        payload,
        changes=[good, *payload["changes"]] if isinstance(payload["changes"], list) else payload["changes"],
    )
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
    assert response.status_code == 404 and _code(response) == "not_found"
    assert intruder.resolve("not-a-uuid", "mine").status_code == 404


def test_a_crash_in_the_middle_of_a_batch_applies_none_of_it(
    app, make_device, practitioner, clinic, monkeypatch
):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    visit_id = uuid.uuid4()
    changes = [
        change(
            "visit",
            visit_id,
            client_id=client.id,
            started_at="2026-11-24T09:00:00Z",
            location="clinic",
            number_in_course=1,
        ),
        change("finding", visit_id=visit_id, region="calf", side="left", tension_found=True, released=True),
    ]
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
    documented = {
        (path, method.upper()) for path, operations in spec["paths"].items() for method in operations
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert len(served) >= 14 and served == documented


def test_every_answer_names_the_rules_revision_so_devices_refresh_their_rules(
    make_device, practitioner, monkeypatch
):
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


def test_a_nul_character_in_a_text_field_rejects_that_change_only(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, phone="0100")
    results = make_device(practitioner).push(
        change("client", client.id, client.version, town="Ash\x00ford"),
        change("client", base_version=0, first_name="Rosa", last_name="Lind"),
    )
    assert (
        results[0]["status"] == "rejected"
        and results[0]["code"] == "invalid"
        and "town" in results[0]["errors"]
    )
    assert results[1]["status"] == "applied"
    assert db.session.get(Client, client.id).town == "Ashford"


def test_a_nul_character_in_a_form_or_query_string_is_a_clear_400(login, staff):
    browser = login(staff)
    response = browser.get("/clients/?q=Mor\x00gan", headers={"Accept": "text/html"})
    assert response.status_code == 400 and "cannot be stored" in response.get_data(as_text=True)
    response = browser.post("/login", {"email": "a\x00@example.test", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("position", [[2**63, 0], [0, 2**63], [-1, 0], [True, 0], ["1", 0]])
def test_a_cursor_beyond_a_64_bit_integer_is_refused_clearly(make_device, practitioner, position):
    from webapp.sync.cursor import encode

    device = make_device(practitioner)
    response = device.http.get(
        "/api/v1/sync/pull", query_string={"cursor": encode(position)}, headers=device.auth
    )
    assert response.status_code == 400 and _code(response) == "bad_cursor"


@pytest.mark.parametrize("limit", ["0", "5001", "lots", "-3"])
def test_a_pull_limit_outside_the_documented_range_is_refused(make_device, practitioner, limit):
    device = make_device(practitioner)
    response = device.http.get("/api/v1/sync/pull", query_string={"limit": limit}, headers=device.auth)
    assert response.status_code == 400 and _code(response) == "invalid_request"


@pytest.mark.parametrize("body", [[], ["phone"], {"label": ["x"]}, {"label": 7}, "label"])
def test_registering_a_device_with_a_malformed_body_is_a_clear_400(login, practitioner, body):
    browser = login(practitioner)
    token = browser.get("/api/v1/session").get_json()["csrf_token"]
    response = browser.client.post("/api/v1/devices", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 400 and _code(response) == "invalid_request"


def test_registering_a_device_without_a_body_uses_the_browsers_name(login, practitioner):
    browser = login(practitioner)
    token = browser.get("/api/v1/session").get_json()["csrf_token"]
    response = browser.client.post(
        "/api/v1/devices", headers={"X-CSRFToken": token, "User-Agent": "Pixel\x00 8"}
    )
    assert response.status_code == 201
    assert db.session.get(Device, uuid.UUID(response.get_json()["device_id"])).label == "Pixel 8"


def test_an_api_call_without_a_session_is_told_to_sign_in_before_any_csrf_check(browser):
    response = browser.client.post("/api/v1/devices", json={})
    assert response.status_code == 401 and _code(response) == "unauthenticated"


def test_a_method_the_api_does_not_offer_is_a_405_with_an_allow_header(make_device, practitioner):
    device = make_device(practitioner)
    response = device.http.delete("/api/v1/sync/push", headers=device.auth)
    assert response.status_code == 405 and _code(response) == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "OPTIONS"}


def test_parking_an_empty_list_parks_nothing_and_says_so(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    response = device.http.post(
        "/api/v1/sync/park", json={"client_id": str(client.id), "changes": []}, headers=device.auth
    )
    assert response.status_code == 200 and response.get_json()["parked"] == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"entity": ["finding"]},
        {"entity": {"x": 1}},
        {"entity": "x" * 500},
        {"op": ["upsert"]},
        {"fields": "all"},
        "not a change",
    ],
)
def test_a_malformed_parked_change_is_a_clear_400(make_device, practitioner, clinic, bad):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    parked = (
        bad
        if isinstance(bad, str)
        else {
            "change_id": str(uuid.uuid4()),
            "entity": "finding",
            "id": str(uuid.uuid4()),
            "op": "upsert",
            "fields": {},
            **bad,
        }
    )
    response = device.http.post(
        "/api/v1/sync/park", json={"client_id": str(client.id), "changes": [parked]}, headers=device.auth
    )
    assert response.status_code == 400 and _code(response) == "invalid_request"


def test_the_same_push_sent_twice_at_once_is_applied_once_and_answered_the_same(
    app, make_device, practitioner, clinic, monkeypatch
):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    visit_id = uuid.uuid4()
    changes = [
        change(
            "visit",
            visit_id,
            client_id=client.id,
            started_at="2026-11-24T09:00:00Z",
            location="clinic",
            number_in_course=1,
        ),
        change("finding", visit_id=visit_id, region="calf", side="left", tension_found=True, released=True),
    ]
    from webapp.sync import api as sync_api

    # The first push stops just before it commits, holding its writes, until the second has
    # started; the second then collides with what the first commits.
    first_written, second_started = threading.Event(), threading.Event()
    real_audit = sync_api._audit_push

    def pause_first(results):
        if not first_written.is_set():
            first_written.set()
            second_started.wait(10)
            time.sleep(0.5)  # the second is now waiting on the first's rows or write lock
        real_audit(results)

    monkeypatch.setattr(sync_api, "_audit_push", pause_first)
    answers = {}

    def send(name):
        response = app.test_client().post("/api/v1/sync/push", json={"changes": changes}, headers=device.auth)
        answers[name] = (response.status_code, response.get_json())

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_written.wait(10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    second_started.set()
    first.join(20)
    second.join(20)
    assert answers["first"][0] == 200, answers["first"]
    assert answers["second"][0] == 200, answers["second"]
    assert answers["first"][1]["results"] == answers["second"][1]["results"]
    db.session.rollback()
    from webapp.visits.models import Finding

    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1


def test_the_served_document_is_valid_openapi_and_its_schemas_come_from_the_models(app):
    from openapi_spec_validator import validate

    from webapp.sync.wire import PushBody

    document = app.test_client().get("/api/v1/openapi.json").get_json()
    validate(document)
    from_model = PushBody.model_json_schema(ref_template="#/components/schemas/{model}")
    from_model.pop("$defs")
    assert document["components"]["schemas"]["PushBody"] == from_model
    assert document["paths"]["/sync/push"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/PushBody"}
