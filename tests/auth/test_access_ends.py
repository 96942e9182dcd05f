"""Access ends when it should: sign-out, idleness, a password change or reset, deactivation
and a revoked phone each end what they must, on the server, everywhere."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import Device as Phone
from webapp.extensions import db
from webapp.reminders.models import PushSubscription
from webapp.sync.models import Device


def _replay(app, cookie: str, url: str = "/api/v1/session"):
    """A request from a browser that kept a copy of the session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get(url)


def _subscribe(push_service, *, phone: Phone | None = None, browser=None) -> str:
    body = push_service.new_receiver().subscription_json()
    if phone is not None:
        response = phone.http.post("/api/v1/push/subscriptions", json=body, headers=phone.auth)
    else:
        response = browser.post_json("/api/v1/push/subscriptions", body)
    assert response.status_code == 201, response.get_json()
    return body["endpoint"]


def _subscriptions(user) -> set[str]:
    db.session.expire_all()
    return set(
        db.session.scalars(select(PushSubscription.endpoint).where(PushSubscription.user_id == user.id))
    )


def _live_devices(user) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(Device).where(Device.user_id == user.id, Device.revoked_at.is_(None))
    )


def test_a_cookie_kept_from_before_sign_out_is_refused(app, login, staff):
    browser = login(staff)
    cookie = browser.client.get_cookie("session").value
    assert _replay(app, cookie).status_code == 200
    browser.post("/logout")
    assert _replay(app, cookie).status_code == 401
    assert _replay(app, cookie, "/clients/").status_code == 302  # to the sign-in page


def test_a_session_left_idle_ends_and_activity_keeps_it_open(app, login, staff, monkeypatch):
    app.config["WEB_SESSION_IDLE_SECONDS"] = 30 * 60
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr("webapp.auth.sessions.time.time", lambda: clock["now"])
    browser = login(staff)
    for _ in range(4):  # busy for an hour and a half, a request every 20 minutes
        clock["now"] += 20 * 60
        assert browser.get("/api/v1/session").status_code == 200
    clock["now"] += 31 * 60
    assert browser.get("/api/v1/session").status_code == 401


def test_the_idle_limit_is_a_setting(app, login, staff, monkeypatch):
    app.config["WEB_SESSION_IDLE_SECONDS"] = 5 * 60
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr("webapp.auth.sessions.time.time", lambda: clock["now"])
    browser = login(staff)
    clock["now"] += 6 * 60
    assert browser.get("/api/v1/session").status_code == 401


def test_a_session_ends_at_its_age_limit_however_busy(app, login, staff, monkeypatch):
    browser = login(staff)
    app.config["PERMANENT_SESSION_LIFETIME"] = 0  # every session is now past its age limit
    assert browser.get("/api/v1/session").status_code == 401


@pytest.mark.parametrize("how", ["own_change", "admin_reset", "deactivation"])
def test_withdrawn_access_revokes_every_phone_and_reminder(
    app, login, make_device, practitioner, admin, push_service, how
):
    phones = [make_device(practitioner), make_device(practitioner)]
    desk = login(practitioner)
    _subscribe(push_service, phone=phones[0])
    _subscribe(push_service, browser=desk)
    assert _live_devices(practitioner) == 2 and len(_subscriptions(practitioner)) == 2
    if how == "own_change":
        response = desk.post(
            "/account/password",
            {
                "current_password": factories.PASSWORD,
                "new_password": "a brand new password",
                "confirm": "a brand new password",
            },
        )
        assert response.status_code == 302
        assert desk.get("/api/v1/session").status_code == 200  # the browser that changed it stays in
    elif how == "admin_reset":
        response = login(admin).post(
            f"/admin/users/{practitioner.id}/password", {"password": "reset by the admin 2026"}
        )
        assert response.status_code == 302
        assert desk.get("/api/v1/session").status_code == 401
    else:
        assert login(admin).post(f"/admin/users/{practitioner.id}/active").status_code == 302
    assert _live_devices(practitioner) == 0
    assert _subscriptions(practitioner) == set()
    for phone in phones:  # the documented revocation path: report what waits, then wipe
        answer = phone.http.get("/api/v1/sync/pull", headers=phone.auth)
        assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "device_revoked"


def test_a_revoked_phone_loses_its_reminders_and_others_keep_theirs(
    login, make_device, practitioner, admin, push_service
):
    lost, kept = make_device(practitioner), make_device(practitioner)
    lost_endpoint = _subscribe(push_service, phone=lost)
    kept_endpoint = _subscribe(push_service, phone=kept)
    response = login(admin).post(f"/admin/devices/{lost.id}/revoke")
    assert response.status_code == 302
    assert _subscriptions(practitioner) == {kept_endpoint} and lost_endpoint != kept_endpoint


def test_a_phone_signing_itself_out_loses_its_reminders(make_device, practitioner, push_service):
    phone = make_device(practitioner)
    _subscribe(push_service, phone=phone)
    assert phone.http.post("/api/v1/sync/device/retire", headers=phone.auth).status_code == 200
    assert _subscriptions(practitioner) == set()


def test_signing_out_of_a_browser_ends_its_reminders_but_a_lapsed_session_keeps_them(
    app, login, staff, push_service, monkeypatch
):
    signs_out, lapses = login(staff), login(staff)
    gone = _subscribe(push_service, browser=signs_out)
    kept = _subscribe(push_service, browser=lapses)
    signs_out.post("/logout")
    app.config["WEB_SESSION_IDLE_SECONDS"] = -1  # every session is now idle too long
    assert lapses.get("/api/v1/session").status_code == 401
    assert _subscriptions(staff) == {kept} and gone != kept


def test_a_phone_subscribes_with_its_device_token_alone(app, make_device, practitioner, push_service):
    phone = make_device(practitioner)
    _subscribe(push_service, phone=phone)
    [row] = db.session.scalars(select(PushSubscription)).all()
    assert row.device_id == uuid.UUID(phone.id) and row.web_session_id is None
    listed = phone.http.get("/api/v1/push/subscriptions", headers=phone.auth).get_json()["subscriptions"]
    assert [s["id"] for s in listed] == [str(row.id)]
