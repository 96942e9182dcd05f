"""A request the sync API cannot take as it is (not JSON, unknown or ill-typed fields, numbers out
of range, too many changes, a NUL character, a method it does not offer) is answered with a
clear error and a stable code, and applies nothing it should not."""

from __future__ import annotations

import uuid

import pytest

from tests import factories
from tests.sync.conftest import change, error_code
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.sync.wire import MAX_CHANGES


def test_bad_json_is_refused(make_device, practitioner):
    device = make_device(practitioner)
    response = device.http.post(
        "/api/v1/sync/push", data="{not json", content_type="application/json", headers=device.auth
    )
    assert response.status_code == 400 and error_code(response) == "bad_json"


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
    assert response.status_code == 400 and error_code(response) == code
    db.session.expire_all()
    assert db.session.get(Client, client.id).phone == "0100"


def test_an_oversized_batch_is_refused_whole(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    changes = [change("client", client.id, client.version, phone=str(n)) for n in range(MAX_CHANGES + 1)]
    response = make_device(practitioner).push_raw({"changes": changes})
    assert response.status_code == 413 and error_code(response) == "batch_too_large"
    db.session.expire_all()
    assert db.session.get(Client, client.id).phone != str(MAX_CHANGES)


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
    assert response.status_code == 400 and error_code(response) == "bad_cursor"


@pytest.mark.parametrize("limit", ["0", "5001", "lots", "-3"])
def test_a_pull_limit_outside_the_documented_range_is_refused(make_device, practitioner, limit):
    device = make_device(practitioner)
    response = device.http.get("/api/v1/sync/pull", query_string={"limit": limit}, headers=device.auth)
    assert response.status_code == 400 and error_code(response) == "invalid_request"


def test_a_method_the_api_does_not_offer_is_a_405_with_an_allow_header(make_device, practitioner):
    device = make_device(practitioner)
    response = device.http.delete("/api/v1/sync/push", headers=device.auth)
    assert response.status_code == 405 and error_code(response) == "method_not_allowed"
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
    assert response.status_code == 400 and error_code(response) == "invalid_request"
