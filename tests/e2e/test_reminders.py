"""Reminders in Chromium: turning them on, the subscription reaching the server, the clinic's
sender delivering through a push service, and the worker showing it and opening its screen.

Chromium's own push service is Google's, out of reach here, so one thing is replaced:
``PushManager.subscribe`` answers with a subscription at the local push service (keys made
by the test, as a browser would make them). Everything else is the app's real code: the
permission request (granted through the browser context), the API, the sender with the
clinic's VAPID key, RFC 8291 encryption, and the worker's push and notificationclick
listeners, reached through the DevTools protocol.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests import factories
from tests.e2e.helpers import expect, sign_in, sign_in_at_desk
from tests.reminders.local_service import running_push_service
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.reminders.commands import plan_now, send_now
from webapp.reminders.models import PushSubscription

pytestmark = pytest.mark.e2e

# Replaces only the browser's call to its vendor's push service.
# The browser keeps a subscription across page loads: so does this one (in localStorage).
FAKE_SUBSCRIBE = """(subscription) => {
  const KEY = 'test-push-subscribed';
  const make = () => ({
    endpoint: subscription.endpoint, expirationTime: null,
    toJSON: () => ({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys }),
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  });
  PushManager.prototype.subscribe = async function subscribe(options) {
    if (!options || !options.userVisibleOnly || !(options.applicationServerKey instanceof Uint8Array)
        || options.applicationServerKey.length !== 65) throw new Error('bad subscribe options');
    localStorage.setItem(KEY, '1');
    return make();
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    return localStorage.getItem(KEY) ? make() : null;
  };
}"""


@pytest.fixture
def push_service(server):
    app = server.app
    app.config["PUSH_ALLOW_HTTP_ENDPOINTS"] = True
    with running_push_service(app.config["VAPID_PUBLIC_KEY"], app.config["VAPID_SUBJECT"]) as service:
        yield service
    app.config["PUSH_ALLOW_HTTP_ENDPOINTS"] = False
    assert service.problems == []


def _deliver_push(page, payload: dict) -> None:
    """Hand a push message to the app's service worker, as the browser does on arrival."""
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(200)
    scope = page.url.split("/app/")[0] + "/app/"
    registration = next(r for r in registrations if r["scopeURL"] == scope and not r["isDeleted"])
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": scope.removesuffix("/app/"),
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )


def _shown_notification(page, tries: int = 50) -> dict | None:
    """The notification the app's worker shows, once it shows one (waits up to 5 s)."""
    for _ in range(tries):
        shown = page.evaluate("""async () => {
            const registration = await navigator.serviceWorker.getRegistration('/app/');
            const [notification] = await registration.getNotifications();
            return notification ? {title: notification.title, body: notification.body, url: notification.data.url} : null;
        }""")
        if shown:
            return shown
        page.wait_for_timeout(100)
    return None


def test_a_home_visit_reminder_reaches_the_phone_and_opens_the_client(
    new_context, server, caseload, data, push_service
):
    receiver = push_service.new_receiver()
    context = new_context()
    context.grant_permissions(["notifications"])
    context.add_init_script(f"({FAKE_SUBSCRIBE})({json.dumps(receiver.subscription_json())})")
    page = sign_in(context.new_page())

    # Nothing is asked on opening: the request comes from the button, after the why.
    page.get_by_role("link", name="Reminders").click()
    expect(page.locator("main")).to_contain_text("an hour before each home visit")
    page.get_by_role("button", name="Turn reminders on").click()
    expect(page.locator("#reminder-status")).to_have_text("Reminders are on for this phone.")
    with data() as s:
        saved = s.scalars(select(PushSubscription)).one()
        assert saved.endpoint == receiver.endpoint and saved.user_id == caseload["pat"]
        assert saved.device_id is not None  # the phone's: signing it out or revoking it ends them

    # A home visit in 45 minutes: the clinic's sender plans and sends its reminder.
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        alex.address_line = "2 Orchard Row"
        factories.make_appointment(
            alex, starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=45), location="home"
        )
    with server.app.app_context():
        assert plan_now() >= 1
        send_now()
        db.session.remove()
    [reminder] = push_service.payloads(receiver)
    assert reminder["title"].startswith("Home visit at")
    assert (
        "Alex" in reminder["body"]
        and "2 Orchard Row" in reminder["body"]
        and "Morgan" not in reminder["body"]
    )
    assert reminder["url"].endswith(f"#/clients/{caseload['alex']}")

    # The worker shows it ...
    _deliver_push(page, reminder)
    shown = _shown_notification(page)
    assert shown == {"title": reminder["title"], "body": reminder["body"], "url": reminder["url"]}

    # ... and a tap opens the client, in the app that is open (no reload) ...
    page.goto("/app/#/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    _tap_notification(context)
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")

    # ... or, with the app closed, in a new window at the client's screen. A synthetic tap may
    # not open windows (only a person's tap may, and no automation API can tap a system
    # notification: web-platform-tests issue 51125), so the worker's call is recorded.
    _deliver_push(page, reminder)
    assert _shown_notification(page)
    page.close()
    opened = _tap_notification(context, record_open_window=True)
    assert opened == server.url + reminder["url"]


def _tap_notification(context, record_open_window: bool = False) -> str | None:
    """Fire the worker's notificationclick for its notification, as a tap on it does.

    With ``record_open_window``, the worker's clients.openWindow() only records its address,
    which is returned."""
    [worker] = [w for w in context.service_workers if w.url.endswith("/sw.js")]
    return worker.evaluate(
        """async (record) => {
        let opened = null;
        if (record) self.clients.openWindow = async (url) => { opened = url; return null; };
        const [notification] = await self.registration.getNotifications();
        const done = new Promise((resolve) => self.addEventListener('notificationclick',
            (event) => setTimeout(resolve, 200), { once: true }));
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
        await done;
        return opened;
    }""",
        record_open_window,
    )


def test_on_an_iphone_the_reminders_screen_explains_installing_first(new_context, server, caseload):
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Mobile/15E148 Safari/604.1"
    )
    page = sign_in(new_context(user_agent=iphone).new_page())
    page.goto("/app/#/reminders")
    expect(page.locator("#reminder-unavailable")).to_contain_text(
        "reminders need Fieldbook on the home screen"
    )
    expect(page.get_by_role("button", name="Turn reminders on")).to_have_count(0)


def test_staff_turn_reminders_on_from_the_desk_page(new_context, server, caseload, data, push_service):
    receiver = push_service.new_receiver()
    context = new_context(viewport={"width": 1440, "height": 900})
    context.grant_permissions(["notifications"])
    context.add_init_script(f"({FAKE_SUBSCRIBE})({json.dumps(receiver.subscription_json())})")
    desk = sign_in_at_desk(context.new_page(), data, next_url="/settings/notifications")
    desk.get_by_role("button", name="Turn reminders on for this computer").click()
    expect(desk.locator("#push-status")).to_contain_text("Reminders are on for this computer.")
    with data() as s:
        assert s.scalars(select(PushSubscription.user_id)).one() == caseload["admin"]
    desk.reload()
    expect(desk.locator("table")).to_contain_text("Chrome")
    desk.get_by_role("button", name="Turn reminders off on this computer").click()
    expect(desk.locator("#push-status")).to_contain_text("Reminders are off on this computer.")
    with data() as s:
        assert s.scalars(select(PushSubscription)).all() == []
