"""Passkeys as the desk's second factor, checked on the server against real signatures."""

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.auth.soft_authenticator import SoftAuthenticator
from tests.conftest import Browser
from webapp.audit.models import AuditEvent
from webapp.auth.models import Passkey, RecoveryCode
from webapp.extensions import db

ORIGIN = "http://localhost"  # the test client's host


def _password_step(app, user) -> Browser:
    db.session.commit()
    browser = Browser(app)
    browser.csrf_token()
    assert (
        browser.post(
            "/login?next=/clients/", {"email": user.email, "password": factories.PASSWORD}
        ).status_code
        == 302
    )
    return browser


def _register(
    browser: Browser, authenticator: SoftAuthenticator, base: str, origin: str = ORIGIN, name="Desk PC"
):
    options = browser.post_json(f"{base}/options", {}).get_json()["options"]
    return browser.post_json(base, {"credential": authenticator.create(options, origin), "name": name})


def _sign_in(
    browser: Browser, authenticator: SoftAuthenticator, origin: str = ORIGIN, rp_id: str | None = None
):
    options = browser.post_json("/login/verify/passkey/options", {}).get_json()["options"]
    return browser.post_json(
        "/login/verify/passkey", {"credential": authenticator.get(options, origin, rp_id)}
    )


@pytest.fixture
def staff_with_passkey(app, staff):
    """Staff who set up a passkey as their first factor at sign-in; and that passkey."""
    authenticator = SoftAuthenticator()
    browser = _password_step(app, staff)
    answer = _register(browser, authenticator, "/login/set-up/passkey")
    assert answer.status_code == 200 and answer.get_json() == {
        "ok": True,
        "redirect": "/account/recovery-codes",
    }
    assert browser.get("/account/recovery-codes").status_code == 200  # ten codes, shown once
    return staff, authenticator


def test_a_passkey_made_at_the_first_sign_in_is_kept_and_signs_in(app, staff_with_passkey):
    staff, authenticator = staff_with_passkey
    passkey = db.session.scalars(select(Passkey)).one()
    assert passkey.user_id == staff.id and passkey.name == "Desk PC" and passkey.sign_count == 0
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 10
    browser = _password_step(app, staff)
    page = browser.get("/login/verify").get_data(as_text=True)
    assert 'data-passkey="sign-in"' in page
    answer = _sign_in(browser, authenticator)
    assert answer.status_code == 200 and answer.get_json() == {"ok": True, "redirect": "/clients/"}
    assert browser.get("/clients/").status_code == 200
    db.session.expire_all()
    assert db.session.get(Passkey, passkey.id).sign_count == 1
    kinds = [
        e.detail.get("kind")
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(["second_factor.enrol", "second_factor.ok"]))
            .order_by(AuditEvent.id)
        )
    ]
    assert kinds == ["passkey", "passkey", "passkey"]


def test_an_answer_for_another_site_is_refused(app, staff_with_passkey):
    staff, authenticator = staff_with_passkey
    browser = _password_step(app, staff)
    for origin, rp_id in (("https://fieldbook.example.evil", None), (ORIGIN, "example.evil")):
        answer = _sign_in(browser, authenticator, origin, rp_id)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "passkey_refused"
    assert browser.get("/clients/").status_code == 302
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "second_factor.failed")
        )
        == 2
    )


def test_an_answer_cannot_be_replayed(app, staff_with_passkey):
    staff, authenticator = staff_with_passkey
    browser = _password_step(app, staff)
    options = browser.post_json("/login/verify/passkey/options", {}).get_json()["options"]
    credential = authenticator.get(options, ORIGIN)
    thief = Browser(app)
    thief.client.set_cookie("session", browser.client.get_cookie("session").value)  # the cookie, copied
    assert browser.post_json("/login/verify/passkey", {"credential": credential}).status_code == 200
    assert thief.post_json(
        "/login/verify/passkey", {"credential": credential}, headers={"X-CSRFToken": browser.csrf_token()}
    ).status_code in (400, 401)


def test_a_passkey_signs_in_only_its_own_account(app, staff_with_passkey, admin):
    _staff, authenticator = staff_with_passkey
    factories.enrol_totp(admin)
    browser = _password_step(app, admin)
    assert _sign_in(browser, authenticator).status_code == 400
    assert browser.get("/clients/").status_code == 302


def test_a_signed_in_person_adds_and_removes_a_passkey(app, login, practitioner):
    browser = login(practitioner)
    authenticator = SoftAuthenticator()
    answer = _register(browser, authenticator, "/account/security/passkeys", name="Phone")
    assert answer.get_json() == {"ok": True, "redirect": "/account/recovery-codes"}
    assert "Phone" in browser.get("/account/security").get_data(as_text=True)
    again = _register(browser, authenticator, "/account/security/passkeys")
    assert again.status_code == 400  # the same authenticator twice
    passkey = db.session.scalars(select(Passkey)).one()
    assert browser.post(f"/account/security/passkeys/{passkey.id}/remove").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Passkey)) == 0


def test_a_passkey_answer_without_its_challenge_is_refused(app, staff):
    browser = _password_step(app, staff)
    authenticator = SoftAuthenticator()
    forged = authenticator.create(
        {"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "AAAA"}, ORIGIN
    )
    answer = browser.post_json("/login/set-up/passkey", {"credential": forged})
    assert answer.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Passkey)) == 0
