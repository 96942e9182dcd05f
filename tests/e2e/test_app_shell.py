"""The installed shell: installable, cached without client data, and updated only on consent."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.engines import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.helpers import expect, go_offline, record_session, sign_in, wait_for_sync, wait_until_ready
from webapp.clients.models import Client
from webapp.visits.models import Visit

pytestmark = pytest.mark.e2e


def _version(page) -> str:
    page.wait_for_function("() => document.body.dataset.version")
    return page.evaluate("() => document.body.dataset.version")


# What would put a new version in charge of the page: the page asking the waiting worker to
# skip waiting, or a worker taking the page over (controllerchange). Both are recorded.
WATCH_FOR_A_TAKEOVER = """() => {
    window.__takeover = [];
    const post = ServiceWorker.prototype.postMessage;
    ServiceWorker.prototype.postMessage = function (message, ...rest) {
        if (message && message.type === 'SKIP_WAITING') window.__takeover.push('SKIP_WAITING');
        return post.call(this, message, ...rest);
    };
    navigator.serviceWorker.addEventListener('controllerchange', () => window.__takeover.push('controllerchange'));
}"""
# The new version has installed and waits, while the old one is active.
WAITING = """async () => {
    const registration = await navigator.serviceWorker.getRegistration('/app/');
    return Boolean(registration && registration.waiting && registration.waiting.state === 'installed'
        && registration.active && registration.active.state === 'activated');
}"""


def test_the_app_is_installable(playwright_instance, server, caseload, tmp_path):
    # Chromium never offers to install from an incognito-like profile: use a persistent one.
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=server.url
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/manifest.webmanifest") and manifest["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        # The check does see problems: the desk's sign-in page has no manifest.
        page.goto("/login")
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] != []
    finally:
        context.close()


def test_cache_storage_holds_only_the_shell_never_client_data(new_context, server, caseload):
    context = new_context()
    page = sign_in(context.new_page())
    page.get_by_role("button", name="Sync now").click()
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
        }
        return urls;
    }""")
    shell = {asset.url for asset in server.app.extensions["fieldbook_shell"].assets}
    assert sorted(cached) == sorted(shell)
    assert not [url for url in cached if url.startswith("/api/")]


def test_a_new_version_waits_until_the_practitioner_agrees(new_context, server, caseload, data, e2e_static):
    context = new_context()
    page = sign_in(context.new_page())
    first = _version(page)
    stylesheet = e2e_static / "css" / "app.css"
    original = stylesheet.read_text()
    try:
        stylesheet.write_text(original + "\n/* a deploy changed this file */\n")
        second = server.rebuild_shell()
        assert second != first

        page.evaluate(WATCH_FOR_A_TAKEOVER)
        page.evaluate("() => navigator.serviceWorker.getRegistration('/app/').then((r) => r.update())")
        banner = page.locator("#update-banner")
        expect(banner).to_contain_text("A new version of Fieldbook is ready.")
        # Not applied on its own: once the new version has installed and the page has offered
        # it (the banner says what a reload keeps: the last thing the offer does), it waits,
        # and nothing asked it to take over. Nor does a reload: the old version keeps the page.
        expect(banner).to_contain_text("Everything is sent.")
        page.wait_for_function(WAITING)
        assert page.evaluate("() => window.__takeover") == []
        page.reload()
        wait_until_ready(page)
        assert _version(page) == first
        expect(banner).to_be_visible()

        # The banner says what a reload does to the work in hand: here, nothing waits.
        expect(banner).to_contain_text("Everything is sent.")

        # A change saved with the server out of reach waits; the banner says it is kept.
        server.stop()
        page.goto(f"/app/#/clients/{caseload['alex']}/edit")
        page.get_by_label("Town").fill("Folkestone")
        page.get_by_role("button", name="Save details").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")  # saved: the client's page
        expect(banner).to_contain_text(
            "1 change is still waiting to be sent: you can reload safely, it is kept"
        )

        # Mid-entry, "Reload" keeps what is being typed as a draft, and it is back afterwards.
        page.goto(f"/app/#/clients/{caseload['alex']}/edit")
        page.get_by_label("Postcode").fill("CT20 1AA")
        banner.get_by_role("button", name="Reload").click()
        expect(page.locator("body")).to_have_attribute("data-version", second)
        wait_until_ready(page)
        expect(banner).to_be_hidden()
        expect(page.get_by_label("Postcode")).to_have_value("CT20 1AA")
        expect(page.get_by_label("Town")).to_have_value("Folkestone")
        names = page.evaluate("() => caches.keys()")
        assert names == [f"fieldbook-shell-{second}"]
        server.start()
        page.get_by_role("button", name="Sync now").click()
        wait_for_sync(page)
        with data() as s:
            assert s.get(Client, caseload["alex"]).town == "Folkestone"

        # The new version opens offline too.
        go_offline(context, server)
        page.reload()
        wait_until_ready(page)
        assert _version(page) == second
    finally:
        stylesheet.write_text(original)
        server.rebuild_shell()


def _wait_for_app_registration(page, registrations: list[dict]) -> dict:
    """The app's worker registration, as soon as the CDP event reporting it has arrived
    (events reach ``registrations`` while Playwright is busy: each evaluate lets them in)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        found = [r for r in registrations if r["scopeURL"].endswith("/app/") and not r["isDeleted"]]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, "the worker's registration was never reported"
        page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 20))")


def test_background_sync_runs_the_same_sync_through_an_open_page(new_context, server, caseload, data):
    context = new_context()
    page = sign_in(context.new_page())
    page.evaluate("""() => {
        window.__workerAsked = 0;
        navigator.serviceWorker.addEventListener('message', (event) => {
            if (event.data && event.data.type === 'SYNC_REQUESTED') window.__workerAsked += 1;
        });
    }""")
    server.stop()  # the server is down but the phone believes it is online: no `online` event later
    record_session(page, "Alex Morgan", [("Ankle", "Left", True)])
    expect(page.locator("#sync-indicator")).to_have_attribute("data-state", "offline")
    server.start()

    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    cdp.send("ServiceWorker.enable")  # the registrations are then reported, as events
    registration = _wait_for_app_registration(page, registrations)
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": server.url,
            "registrationId": registration["registrationId"],
            "tag": "fieldbook-push",
            "lastChance": False,
        },
    )
    wait_for_sync(page)
    # The worker asked the page (the app's own registration may also have fired once, while
    # the server was still down, and failed: the browser then retries it later).
    assert page.evaluate("() => window.__workerAsked") >= 1
    with data() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 1
