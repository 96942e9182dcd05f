"""The desk's second factor in Chromium: a passkey made and used through DevTools' virtual
authenticator, and an authenticator app's code. WebAuthn refuses IP addresses, so the desk is
opened at ``localhost`` (the same server, on its loopback port)."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import expect
from webapp.audit.models import AuditEvent
from webapp.auth.models import Passkey, RecoveryCode, Role

pytestmark = pytest.mark.e2e

VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
}


@pytest.fixture
def open_desk(chromium, server):
    """``open_desk()``: a desk browser at http://localhost:<port>; any error in a page fails the test."""
    contexts, errors = [], []

    def make():
        context = chromium.new_context(
            base_url=f"http://localhost:{server.port}", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("weberror", lambda error: errors.append(str(error.error)))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.fixture
def sam(data):
    with data() as s:
        clinic = factories.make_clinic()
        factories.make_user(clinic, Role.STAFF, name="Sam Staff", email="sam@example.test")
        s.flush()
    return "sam@example.test"


def _password(page, email: str) -> None:
    page.goto("/login?next=/clients/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_passkey_is_made_at_the_first_sign_in_and_signs_in_next_time(open_desk, sam, data):
    desk = open_desk()
    page = desk.new_page()
    devtools = desk.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})

    _password(page, sam)
    page.wait_for_url("**/login/set-up")
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    page.get_by_label("Name for this passkey").fill("Front desk PC")
    page.get_by_role("button", name="Make a passkey").click()
    page.wait_for_url("**/account/recovery-codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them, continue").click()
    page.wait_for_url("**/clients/")
    credentials = devtools.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]}
    )
    assert len(credentials["credentials"]) == 1

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    _password(page, sam)
    page.wait_for_url("**/login/verify")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url("**/clients/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")

    with data() as s:
        passkey = s.scalars(select(Passkey)).one()
        assert passkey.name == "Front desk PC" and passkey.last_used_at is not None
        assert s.scalar(select(func.count()).select_from(RecoveryCode)) == 10
        kinds = [
            (e.action, e.detail.get("kind"))
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.action.like("second_factor.%")).order_by(AuditEvent.id)
            )
        ]
        assert kinds == [
            ("second_factor.enrol", "passkey"),
            ("second_factor.ok", "passkey"),
            ("second_factor.ok", "passkey"),
        ]


def test_an_authenticator_app_is_set_up_from_the_page_and_a_recovery_code_signs_in(open_desk, sam):
    page = open_desk().new_page()
    _password(page, sam)
    page.wait_for_url("**/login/set-up")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "").replace("\n", "")
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account/recovery-codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    page.get_by_role("link", name="I have kept them, continue").click()
    page.wait_for_url("**/clients/")

    other = open_desk().new_page()  # another computer
    _password(other, sam)
    other.wait_for_url("**/login/verify")
    other.get_by_label("Code", exact=True).fill(codes[0])
    other.get_by_role("button", name="Continue").click()
    other.wait_for_url("**/clients/")
    expect(other.get_by_role("heading", level=1)).to_have_text("Clients")
