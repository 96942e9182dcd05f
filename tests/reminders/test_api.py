"""Subscribing a browser, and the settings page: everything scoped to the signed-in person."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.reminders.models import Notification, PushPreference, PushSubscription

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def _delete(browser, url, payload=None):
    return browser.client.delete(url, json=payload, headers={"X-CSRFToken": browser.csrf_token()})


def test_the_app_gets_the_clinics_public_key(login, practitioner, app):
    answer = login(practitioner).get("/api/v1/push/vapid-public-key").get_json()
    assert answer["ok"] and answer["vapid_public_key"] == app.config["VAPID_PUBLIC_KEY"]


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/push/vapid-public-key"),
        ("get", "/api/v1/push/subscriptions"),
        ("post", "/api/v1/push/subscriptions"),
        ("delete", "/api/v1/push/subscriptions/x"),
        ("post", "/api/v1/push/subscriptions/x/test"),
    ],
)
def test_the_api_needs_a_signed_in_session(browser, method, url):
    headers = {"X-CSRFToken": browser.csrf_token()}
    response = getattr(browser.client, method)(url, json={}, headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthenticated"


def test_subscribing_needs_the_csrf_token(login, practitioner, push_service):
    body = push_service.new_receiver().subscription_json()
    response = login(practitioner).client.post("/api/v1/push/subscriptions", json=body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"


def test_subscribe_saves_the_browser_once_with_a_readable_label(login, practitioner, push_service):
    phone = login(practitioner)
    body = push_service.new_receiver().subscription_json()
    first = phone.post_json("/api/v1/push/subscriptions", body, headers={"User-Agent": ANDROID_CHROME})
    again = phone.post_json("/api/v1/push/subscriptions", body, headers={"User-Agent": ANDROID_CHROME})
    assert (first.status_code, again.status_code) == (201, 200)
    [row] = db.session.scalars(select(PushSubscription)).all()
    assert row.user_id == practitioner.id and row.label == "Chrome on Android"
    listed = phone.get("/api/v1/push/subscriptions").get_json()["subscriptions"]
    assert [s["id"] for s in listed] == [str(row.id)]


@pytest.mark.parametrize("thief", ["other_practitioner", "other_clinic_staff"])
def test_an_endpoint_someone_else_holds_is_refused_not_moved(
    request, login, practitioner, push_service, thief
):
    body = push_service.new_receiver().subscription_json()
    login(practitioner).post_json("/api/v1/push/subscriptions", body)
    response = login(request.getfixturevalue(thief)).post_json("/api/v1/push/subscriptions", body)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "endpoint_taken"
    [row] = db.session.scalars(select(PushSubscription)).all()
    assert row.user_id == practitioner.id


@pytest.mark.parametrize(
    "change, why",
    [
        (lambda b: b.update(endpoint="ftp://push.example/x"), "https"),
        (lambda b: b["keys"].update(p256dh="not-a-key"), "keys"),
        (lambda b: b["keys"].update(auth="c2hvcnQ"), "keys"),
        (lambda b: b.pop("keys"), "keys"),
    ],
)
def test_a_malformed_subscription_is_refused(login, practitioner, push_service, change, why):
    body = push_service.new_receiver().subscription_json()
    change(body)
    response = login(practitioner).post_json("/api/v1/push/subscriptions", body)
    assert response.status_code == 400
    assert why in response.get_json()["error"]["message"]
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_plain_http_endpoints_are_refused_unless_configured(login, practitioner, push_service, app):
    app.config["PUSH_ALLOW_HTTP_ENDPOINTS"] = False
    body = push_service.new_receiver().subscription_json()
    assert login(practitioner).post_json("/api/v1/push/subscriptions", body).status_code == 400


def test_a_user_cannot_see_remove_or_test_another_users_subscription(
    login, practitioner, other_practitioner, subscribe, push_service
):
    receiver, theirs = subscribe(other_practitioner)
    intruder = login(practitioner)
    assert intruder.get("/api/v1/push/subscriptions").get_json()["subscriptions"] == []
    assert _delete(intruder, f"/api/v1/push/subscriptions/{theirs.id}").status_code == 404
    assert _delete(intruder, "/api/v1/push/subscriptions", {"endpoint": theirs.endpoint}).status_code == 404
    assert intruder.post_json(f"/api/v1/push/subscriptions/{theirs.id}/test", {}).status_code == 404
    assert intruder.post(f"/settings/notifications/{theirs.id}/remove").status_code == 404
    assert intruder.post(f"/settings/notifications/{theirs.id}/test").status_code == 404
    assert db.session.get(PushSubscription, theirs.id) is not None
    assert push_service.requests == []
    assert db.session.scalars(select(Notification)).all() == []


def test_a_user_removes_their_own_subscription_by_id_or_by_endpoint(login, practitioner, subscribe):
    _, first = subscribe(practitioner)
    _, second = subscribe(practitioner)
    me = login(practitioner)
    assert _delete(me, f"/api/v1/push/subscriptions/{first.id}").get_json()["ok"]
    assert _delete(me, "/api/v1/push/subscriptions", {"endpoint": second.endpoint}).get_json()["ok"]
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_a_test_notification_reaches_only_the_chosen_browser(login, practitioner, subscribe, push_service):
    chosen, row = subscribe(practitioner, "Firefox on Linux")
    other, _ = subscribe(practitioner)
    answer = login(practitioner).post_json(f"/api/v1/push/subscriptions/{row.id}/test", {}).get_json()
    assert answer["result"] == "sent"
    assert push_service.payloads(chosen) == [
        {
            "title": "Test notification",
            "body": "Fieldbook reminders reach Firefox on Linux.",
            "url": "/settings/notifications",
        }
    ]
    assert push_service.payloads(other) == []


def test_the_settings_page_lists_devices_with_test_and_remove_and_the_subscribe_placeholder(
    login, practitioner, subscribe, app
):
    _, row = subscribe(practitioner, "Chrome on Android")
    page = login(practitioner).get("/settings/notifications").get_data(as_text=True)
    assert "Chrome on Android" in page
    assert f'action="/settings/notifications/{row.id}/test"' in page
    assert f'action="/settings/notifications/{row.id}/remove"' in page
    assert f'data-vapid-key="{app.config["VAPID_PUBLIC_KEY"]}"' in page and 'id="push-subscribe"' in page
    assert "home screen" in page
    assert "home visit" in page.lower() and "follow-up booking" not in page


def test_the_desk_sees_its_own_choices(login, staff):
    page = login(staff).get("/settings/notifications").get_data(as_text=True)
    assert "follow-up booking" in page and "Before each home visit" not in page


def test_send_a_test_and_remove_from_the_page(login, practitioner, subscribe, push_service):
    receiver, row = subscribe(practitioner, "Chrome on Android")
    me = login(practitioner)
    page = me.post(f"/settings/notifications/{row.id}/test", follow_redirects=True).get_data(as_text=True)
    assert "on its way to Chrome on Android" in page and len(push_service.payloads(receiver)) == 1
    page = me.post(f"/settings/notifications/{row.id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "no longer get reminders" in page
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_a_test_to_a_browser_that_unsubscribed_says_so_and_removes_it(
    login, practitioner, subscribe, push_service
):
    receiver, row = subscribe(practitioner, "Chrome on Android")
    push_service.answer(receiver, 410)
    page = (
        login(practitioner)
        .post(f"/settings/notifications/{row.id}/test", follow_redirects=True)
        .get_data(as_text=True)
    )
    assert "stopped accepting notifications" in page
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_preferences_are_saved_for_the_signed_in_person_only(login, practitioner, other_practitioner):
    me = login(practitioner)
    response = me.post(
        "/settings/notifications", {"evening_hour": "20", "home_visit_minutes": "30", "sync_notices": "y"}
    )
    assert response.status_code == 302
    saved = db.session.get(PushPreference, practitioner.id)
    assert (saved.evening_before, saved.evening_hour, saved.home_visit_minutes, saved.sync_notices) == (
        False,
        20,
        30,
        True,
    )
    assert saved.morning_follow_ups is True  # not a practitioner's choice: left alone
    assert db.session.get(PushPreference, other_practitioner.id) is None


def test_a_lead_time_not_offered_is_refused(login, practitioner):
    page = login(practitioner).post(
        "/settings/notifications", {"evening_hour": "3", "home_visit_minutes": "60"}
    )
    assert page.status_code == 200 and "Not a valid choice" in page.get_data(as_text=True)
    assert db.session.get(PushPreference, practitioner.id) is None


def test_the_settings_page_needs_sign_in(browser):
    assert browser.get("/settings/notifications").status_code == 302
