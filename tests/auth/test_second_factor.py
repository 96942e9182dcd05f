"""The desk's second factor: an authenticator app (TOTP) and recovery codes; who must have one."""

import datetime as dt
import re

import pyotp
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import Browser
from webapp.audit.models import AuditEvent
from webapp.auth.models import RecoveryCode, TotpFactor, WebSession
from webapp.auth.sealing import unseal
from webapp.extensions import db


def _password_step(app, user, next_url: str = "") -> tuple[Browser, str]:
    """A browser that gave ``user``'s right password: where it was sent next."""
    db.session.commit()
    browser = Browser(app)
    browser.csrf_token()
    response = browser.post(f"/login{next_url}", {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return browser, response.headers["Location"]


def _actions(user) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.user_id == user.id).order_by(AuditEvent.id)
    ).all()


def _secret_on_page(page: str) -> str:
    match = re.search(r'<p class="secret" id="totp-secret">(.*?)</p>', page)
    return re.sub(r"<[^>]+>", "", match.group(1))


def _enrol_through_the_page(browser: Browser, url: str = "/login/set-up") -> list[str]:
    """Set up an authenticator app as a person does; returns the recovery codes shown."""
    secret = _secret_on_page(browser.get(url).get_data(as_text=True))
    response = browser.post(url, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.headers["Location"] == "/account/recovery-codes"
    page = browser.get("/account/recovery-codes").get_data(as_text=True)
    return re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page)


def test_a_right_password_alone_signs_no_one_in_who_owes_a_second_factor(app, staff):
    browser, location = _password_step(app, staff, "?next=/clients/")
    assert location == "/login/set-up"
    assert browser.get("/clients/").status_code == 302  # no page ...
    api = browser.get("/api/v1/session", headers={"Accept": "application/json"})
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "unauthenticated"  # ... and no API
    assert db.session.scalar(select(func.count()).select_from(WebSession)) == 0  # no web session
    assert "sign_in" not in _actions(staff)


def test_setting_up_an_app_signs_in_and_shows_ten_recovery_codes_once(app, staff):
    browser, _ = _password_step(app, staff, "?next=/clients/")
    page = browser.get("/login/set-up").get_data(as_text=True)
    secret = _secret_on_page(page)
    assert "<svg" in page and "otpauth://totp/Fieldbook:" in page and len(secret) == 32
    assert browser.get("/login/set-up").get_data(as_text=True).count(secret[:8]) == 1  # the same secret again
    assert browser.post("/login/set-up", {"code": "000000"}).status_code == 200
    codes = _enrol_through_the_page(browser)
    assert len(codes) == len(set(codes)) == 10
    assert browser.get("/account/recovery-codes").status_code == 302  # shown once only
    assert browser.get("/clients/").status_code == 200
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == staff.id)).all()
    assert len(stored) == 10 and all(code.replace("-", "") not in "".join(stored) for code in codes)
    assert {"second_factor.failed", "second_factor.enrol", "second_factor.ok", "sign_in"} <= set(
        _actions(staff)
    )


def test_the_app_secret_is_stored_sealed_under_the_secret_key(app, staff):
    secret = factories.enrol_totp(staff)
    sealed = db.session.scalar(select(TotpFactor.secret_sealed).where(TotpFactor.user_id == staff.id))
    assert secret not in sealed
    assert unseal(sealed, "another secret key", "totp secret", str(staff.id)) is None
    assert unseal(sealed, app.config["SECRET_KEY"], "totp secret", str(factories.make_clinic().id)) is None


def test_a_code_from_the_app_completes_the_sign_in(app, staff):
    secret = factories.enrol_totp(staff)
    browser, location = _password_step(app, staff, "?next=/clients/")
    assert location == "/login/verify"
    wrong = browser.post(
        "/login/verify", {"code": "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"}
    )
    assert wrong.status_code == 200 and "That code is not right" in wrong.get_data(as_text=True)
    assert browser.get("/clients/").status_code == 302
    right = browser.post("/login/verify", {"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302 and right.headers["Location"] == "/clients/"
    assert browser.get("/clients/").status_code == 200
    assert _actions(staff)[-3:] == ["second_factor.failed", "second_factor.ok", "sign_in"]


def test_a_code_is_accepted_once_only(app, staff):
    secret = factories.enrol_totp(staff)
    code = pyotp.TOTP(secret).now()
    first, _ = _password_step(app, staff)
    assert first.post("/login/verify", {"code": code}).status_code == 302
    second, _ = _password_step(app, staff)
    assert second.post("/login/verify", {"code": code}).status_code == 200
    assert second.get("/clients/").status_code == 302


def test_each_recovery_code_works_once(app, staff):
    browser, _ = _password_step(app, staff)
    codes = _enrol_through_the_page(browser)
    use, _ = _password_step(app, staff)
    assert use.post("/login/verify", {"code": codes[0].upper().replace("-", " ")}).status_code == 302
    assert use.get("/clients/").status_code == 200
    again, _ = _password_step(app, staff)
    assert again.post("/login/verify", {"code": codes[0]}).status_code == 200
    assert again.post("/login/verify", {"code": codes[1]}).status_code == 302
    used = db.session.scalar(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_not(None))
    )
    assert used == 2
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "second_factor.recovery_code_used")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.detail == {"left": 8}


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand."""
    now = [dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)]
    monkeypatch.setattr("webapp.auth.services.now_utc", lambda: now[0])
    return now


def test_code_tries_are_throttled_like_passwords(app, staff, clock):
    secret = factories.enrol_totp(staff)
    browser, _ = _password_step(app, staff)
    for _ in range(app.config["LOGIN_FREE_FAILURES_PER_SOURCE"]):
        assert browser.post("/login/verify", {"code": "000000"}).status_code == 200
    waiting = browser.post("/login/verify", {"code": pyotp.TOTP(secret).now()})  # even the right code waits
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "1"
    assert "Too many failed attempts" in waiting.get_data(as_text=True)
    assert "second_factor.throttled" in _actions(staff)
    clock[0] += dt.timedelta(seconds=1)
    assert browser.post("/login/verify", {"code": pyotp.TOTP(secret).now()}).status_code == 302


def test_the_half_signed_in_state_lapses(app, staff):
    secret = factories.enrol_totp(staff)
    browser, _ = _password_step(app, staff)
    app.config["SECOND_FACTOR_SECONDS"] = -1
    response = browser.post("/login/verify", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert browser.get("/clients/").status_code == 302


def test_a_password_reset_meanwhile_ends_the_half_signed_in_state(app, staff):
    secret = factories.enrol_totp(staff)
    browser, _ = _password_step(app, staff)
    staff.set_password("a brand new long passphrase")
    db.session.commit()
    assert browser.post("/login/verify", {"code": pyotp.TOTP(secret).now()}).headers["Location"] == "/login"


def test_practitioners_need_none_but_once_they_set_one_up_it_is_asked_for(app, login, practitioner):
    browser = login(practitioner)  # straight in: the phone has a lock of its own
    assert browser.get("/account/security").status_code == 200
    secret = _secret_on_page(browser.get("/account/security/authenticator").get_data(as_text=True))
    set_up = browser.post("/account/security/authenticator", {"code": pyotp.TOTP(secret).now()})
    assert set_up.headers["Location"] == "/account/recovery-codes"
    assert (
        len(
            re.findall(
                r"<li>[a-z2-9-]{11}</li>", browser.get("/account/recovery-codes").get_data(as_text=True)
            )
        )
        == 10
    )
    _, location = _password_step(app, practitioner)
    assert location == "/login/verify"


def test_a_clinic_that_turns_the_requirement_off_lets_the_desk_in_with_the_password(
    app, clinic, staff, admin
):
    clinic.require_second_factor = False
    factories.enrol_totp(admin)
    browser, location = _password_step(app, staff, "?next=/clients/")
    assert location == "/clients/" and browser.get("/clients/").status_code == 200
    _, location = _password_step(app, admin)
    assert location == "/login/verify"  # a factor someone set up is always asked for


def test_changing_ones_factors_needs_a_recent_sign_in(app, login, staff):
    browser = login(staff)
    app.config["REAUTHENTICATE_SECONDS"] = -1
    assert browser.get("/account/security").headers["Location"].startswith("/account/confirm")
    wrong = browser.post("/account/confirm?next=/account/security", {"password": "not my password"})
    assert "That is not your password." in wrong.get_data(as_text=True)
    app.config["REAUTHENTICATE_SECONDS"] = 600
    assert (
        browser.post("/account/confirm?next=/account/security", {"password": factories.PASSWORD}).headers[
            "Location"
        ]
        == "/account/security"
    )
    assert browser.get("/account/security").status_code == 200


def test_the_last_factor_cannot_be_removed_while_the_clinic_requires_one(app, login, staff, clinic):
    browser = login(staff)
    assert browser.post("/account/security/authenticator/remove").headers["Location"] == "/account/security"
    assert db.session.scalar(select(TotpFactor).where(TotpFactor.user_id == staff.id)) is not None
    clinic.require_second_factor = False
    db.session.commit()
    browser.post("/account/security/authenticator/remove")
    assert db.session.scalar(select(TotpFactor).where(TotpFactor.user_id == staff.id)) is None
    assert "second_factor.remove" in _actions(staff)


def test_new_recovery_codes_replace_the_old_ones_and_sign_out_other_browsers(app, login, staff):
    other = login(staff)
    browser = login(staff)
    page = browser.post("/account/recovery-codes").get_data(as_text=True)
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page)
    assert len(codes) == 10 and db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 10
    assert other.get("/clients/").status_code == 302 and browser.get("/clients/").status_code == 200
    assert "second_factor.recovery_codes_renewed" in _actions(staff)


def test_the_demo_desk_logins_pass_the_second_factor_with_their_published_secrets(app):
    from webapp.auth.models import User
    from webapp.demo.seed import DEMO_LOGINS, DEMO_TOTP_SECRETS, load_demo_data

    load_demo_data()
    db.session.commit()
    for email, password, role in DEMO_LOGINS:
        browser = Browser(app)
        browser.csrf_token()
        response = browser.post("/login", {"email": email, "password": password})
        if role == "practitioner":
            assert response.headers["Location"] == "/"
            continue
        assert response.headers["Location"] == "/login/verify"
        user = db.session.scalar(select(User).where(User.email == email))
        assert factories.totp_secret(user) == DEMO_TOTP_SECRETS[email]
        assert browser.post("/login/verify", {"code": factories.next_totp_code(user)}).status_code == 302
        assert browser.get("/clients/").status_code == 200
