"""Steps the scenarios share, written once against a ``Phone`` (engines.py), so that they run
alike in Chromium and in WebKit: signing in, unlocking, waiting for a sync, entering a finding."""

from __future__ import annotations

from tests import factories
from tests.e2e.engines import Phone
from tests.e2e.helpers import PIN

# Started, and the start-up notices are up (they push the screen down: a tap while one
# appears lands below the button aimed at, in either engine).
READY = "() => document.body.dataset.ready === 'true' && performance.getEntriesByName('fieldbook-advised').length > 0"


def sign_in(phone: Phone, email: str = "pat@example.test", pin: str = PIN) -> Phone:
    """Sign in through the real form, lock the new phone with a PIN (declining a passkey where
    the browser offers one), and wait until the app has started, synced and is served by its
    worker."""
    phone.goto("/login?next=/app/")
    phone.fill("Email", email)
    phone.fill("Password", factories.PASSWORD)
    phone.press("Sign in")
    phone.wait_for_url("/app/")
    phone.wait_for(
        "() => document.querySelector('#lock-setup, #unlock-form, body[data-ready=true]') !== null"
    )
    if phone.count("#lock-setup"):
        phone.fill("Choose a PIN", pin)
        phone.fill("The same PIN again", pin)
        phone.press("Lock Fieldbook with this PIN")
        # On localhost a browser with WebAuthn is offered a passkey too.
        phone.wait_for("() => document.querySelector('#skip-passkey, body[data-ready=true]') !== null")
        if phone.count("#skip-passkey"):
            phone.press("Not now")
    wait_until_ready(phone, pin)
    wait_for_sync(phone)
    phone.wait_for("() => navigator.serviceWorker.controller !== null")
    return phone


def wait_until_ready(phone: Phone, pin: str = PIN) -> None:
    """Wait until the app has started; the lock screen on the way is unlocked with the PIN."""
    phone.wait_for("() => document.querySelector('#unlock-form, body[data-ready=true]') !== null")
    if phone.count("#unlock-form"):
        phone.fill("PIN", pin)
        phone.press("Unlock")
    phone.wait_for(READY)


def wait_for_sync(phone: Phone, waiting: int = 0) -> None:
    """Wait for a finished sync that left ``waiting`` changes in the outbox."""
    phone.wait_for(
        """(waiting) => {
        const indicator = document.getElementById('sync-indicator');
        return indicator !== null && indicator.dataset.state === 'idle' && indicator.dataset.waiting === waiting
            && (document.getElementById('sync-status')?.textContent || '').includes('Last synced');
    }""",
        str(waiting),
    )


def sync_now(phone: Phone) -> None:
    phone.press("Sync now")
    wait_for_sync(phone)


def waiting_changes(phone: Phone) -> int:
    """How many changes the phone holds for the server, read through the app's own database."""
    return phone.evaluate("async () => (await (await import('/static/js/db.js')).outboxEntries()).length")


def start_finding(phone: Phone, region: str, side: str) -> None:
    """Begin a finding on the visit's findings step: its region and side, nothing saved yet."""
    phone.select("Region", region)
    phone.pick("Side", side)


def save_finding(phone: Phone, region: str, released: bool = True) -> None:
    phone.check("Tension found")
    phone.check("Released", released)
    phone.press("Save finding")
    phone.wait_for_text("#finding-saved", region)
