"""A phone's token lapses unused and is renewed by use; its escrow key is held by the server
and given back only to a sign-in on that same phone, never once it is revoked."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid

from sqlalchemy import select

from tests import factories
from tests.sync.conftest import change
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.sync.models import Device


def _code(response):
    return response.get_json()["error"]["code"]


def _stored(phone) -> Device:
    db.session.expire_all()
    return db.session.get(Device, uuid.UUID(phone.id))


def _age(phone, days: int) -> None:
    stored = _stored(phone)
    stored.last_seen_at = stored.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    db.session.commit()


def _release(phone, token=None):
    """A sign-in on the phone asks for its key, proving the phone by its token's hash."""
    token = token or phone.token
    csrf = phone.browser.get("/api/v1/session").get_json()["csrf_token"]
    proof = hashlib.sha256(token.partition(".")[2].encode()).hexdigest()
    return phone.browser.client.post(
        "/api/v1/devices/escrow",
        json={"device_id": token.partition(".")[0], "proof": proof},
        headers={"X-CSRFToken": csrf},
    )


def test_registration_gives_an_escrow_key_the_server_keeps_only_sealed(login, practitioner):
    browser = login(practitioner)
    csrf = browser.get("/api/v1/session").get_json()["csrf_token"]
    body = browser.client.post("/api/v1/devices", json={}, headers={"X-CSRFToken": csrf}).get_json()
    key = body["escrow_key"]
    assert len(base64.urlsafe_b64decode(key + "=")) == 32
    stored = db.session.get(Device, uuid.UUID(body["device_id"]))
    assert stored.escrow_sealed and key not in stored.escrow_sealed


def test_a_token_unused_for_the_lapse_period_is_refused_without_a_wipe(app, make_device, practitioner):
    phone = make_device(practitioner)
    _age(phone, app.config["DEVICE_TOKEN_DAYS"] + 1)
    response = phone.http.get("/api/v1/sync/pull", headers=phone.auth)
    assert response.status_code == 401
    assert response.get_json()["error"] | {"message": ""} == {
        "code": "unauthenticated",
        "reason": "lapsed",
        "message": "",
    }


def test_use_renews_the_token(app, make_device, practitioner):
    phone = make_device(practitioner)
    for _ in range(3):  # in touch every 20 days for 60 days
        _age(phone, 20)
        assert phone.http.get("/api/v1/sync/pull", headers=phone.auth).status_code == 200


def test_a_sign_in_on_the_phone_gives_back_its_key_and_renews_a_lapsed_token(
    app, login, practitioner, clinic
):
    browser = login(practitioner)
    csrf = browser.get("/api/v1/session").get_json()["csrf_token"]
    body = browser.client.post("/api/v1/devices", json={}, headers={"X-CSRFToken": csrf}).get_json()
    from tests.sync.conftest import Device as Phone

    phone = Phone.__new__(Phone)
    phone.browser, phone.id, phone.token, phone.http = (
        browser,
        body["device_id"],
        body["device_token"],
        app.test_client(),
    )
    _age(phone, 45)
    answer = _release(phone)
    assert answer.status_code == 200 and answer.get_json()["escrow_key"] == body["escrow_key"]
    assert (
        phone.http.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {phone.token}"}).status_code
        == 200
    )
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "device.escrow_release"))


def test_a_revoked_phone_never_gets_its_key_again(make_device, practitioner):
    phone = make_device(practitioner)
    stored = _stored(phone)
    stored.revoked_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    response = _release(phone)
    assert response.status_code == 401 and _code(response) == "device_revoked"
    assert "escrow_key" not in response.get_json()


def test_the_key_needs_both_the_sign_in_and_the_phones_own_token(
    app, make_device, practitioner, other_practitioner
):
    phone, theirs = make_device(practitioner), make_device(other_practitioner)
    anonymous = app.test_client().post(
        "/api/v1/devices/escrow", json={"device_id": phone.id, "proof": "0" * 64}
    )
    assert anonymous.status_code == 401 and _code(anonymous) == "unauthenticated"
    forged = _release(phone, token=f"{phone.id}.not-the-secret")
    assert forged.status_code == 401
    someone_elses = _release(theirs, token=phone.token)  # signed in as the other practitioner
    assert someone_elses.status_code == 403 and _code(someone_elses) == "forbidden"


def test_a_phone_from_before_the_lock_gets_its_first_key_once(make_device, practitioner):
    phone = make_device(practitioner)
    stored = _stored(phone)
    stored.escrow_sealed = ""
    db.session.commit()
    first = phone.http.post("/api/v1/sync/device/escrow", headers=phone.auth)
    assert first.status_code == 200 and first.get_json()["escrow_key"]
    again = phone.http.post("/api/v1/sync/device/escrow", headers=phone.auth)
    assert again.status_code == 403 and _code(again) == "forbidden"
    assert _release(phone).get_json()["escrow_key"] == first.get_json()["escrow_key"]


def test_a_pull_that_carries_client_data_is_audited_without_its_contents(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, first_name="Rosalind")
    phone = make_device(practitioner)
    phone.pull(cursor=None)
    phone.pull()  # nothing new: no client data read, no row
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sync.pull")).all()
    assert len(rows) == 1
    [row] = rows
    assert row.user_id == practitioner.id and row.subject_id == phone.id
    assert row.detail["records"] >= 1 and row.detail["first"] is True
    assert "Rosalind" not in str(row.detail) and str(client.id) not in str(row.detail)
    phone.push(change("client", client.id, client.version, town="Wye"))


def test_the_phone_learns_the_clinics_lock_policy(make_device, practitioner, clinic):
    clinic.lock_after_minutes = 3
    db.session.commit()
    phone = make_device(practitioner)
    policy = phone.http.get("/api/v1/schema", headers=phone.auth).get_json()["device_policy"]
    assert policy == {"lock_after_minutes": 3, "token_days": 30, "offline_unlock_days": 14}


def test_an_old_sign_in_does_not_unlock_a_phone(app, make_device, practitioner):
    from webapp.auth.models import WebSession

    phone = make_device(practitioner)
    for row in db.session.scalars(select(WebSession)):
        row.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)
    db.session.commit()
    response = _release(phone)
    assert response.status_code == 401 and response.get_json()["error"]["reason"] == "stale_sign_in"
