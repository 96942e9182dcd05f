import datetime as dt

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import Browser
from webapp.audit.models import AuditEvent
from webapp.auth.models import Role
from webapp.extensions import db


def test_pages_need_sign_in(browser):
    response = browser.get("/clients/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_user_signs_in_and_out(browser, practitioner):
    db.session.commit()
    browser.login(practitioner)
    assert browser.get("/clients/").status_code == 200
    assert browser.post("/logout").status_code == 302
    assert browser.get("/clients/").status_code == 302


def test_sign_in_is_audited(login, practitioner):
    login(practitioner)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == practitioner.id)).all()
    assert "sign_in" in actions


def test_wrong_password_and_unknown_account_get_the_same_message(browser, practitioner):
    db.session.commit()
    wrong = browser.post("/login", {"email": practitioner.email, "password": "nope nope nope"})
    unknown = browser.post("/login", {"email": "nobody@example.test", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 200
    text_wrong, text_unknown = wrong.get_data(as_text=True), unknown.get_data(as_text=True)
    assert "do not match an active account" in text_wrong
    assert "do not match an active account" in text_unknown
    # The email the user typed is kept in the form.
    assert f'value="{practitioner.email}"' in text_wrong


class Clock:
    """Sign-in throttling's clock, moved by hand."""

    def __init__(self):
        self.now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)

    def pass_(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("webapp.auth.services.now_utc", lambda: clock.now)
    return clock


def _try(app, email: str, password: str, address: str, cookies: dict | None = None, browser=None):
    """A sign-in from ``address`` by a browser holding ``cookies``; the response."""
    browser = browser or Browser(app)
    for name, value in (cookies or {}).items():
        browser.client.set_cookie(name, value)
    return browser.client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": browser.csrf_token()},
        environ_base={"REMOTE_ADDR": address},
    )


def test_failures_from_one_source_slow_it_down_more_and_more(app, practitioner, clock):
    db.session.commit()
    email, attacker = practitioner.email, "203.0.113.9"
    for _ in range(app.config["LOGIN_FREE_FAILURES_PER_SOURCE"]):
        assert _try(app, email, "wrong password", attacker).status_code == 200
    waits = []
    for _ in range(4):
        refused = _try(app, email, "wrong password", attacker)
        assert refused.status_code == 429 and "Too many failed attempts" in refused.get_data(as_text=True)
        waits.append(int(refused.headers["Retry-After"]))
        clock.pass_(waits[-1])
        assert _try(app, email, "wrong password", attacker).status_code == 200  # tried, and failed again
    assert waits == [1, 2, 4, 8]


def test_a_stranger_cannot_lock_the_real_person_out(app, admin, clock):
    db.session.commit()
    email = admin.email
    home = Browser(app)  # the admin signed in here before (both steps)
    assert _try(app, email, factories.PASSWORD, "198.51.100.7", browser=home).status_code == 302
    home.answer_second_factor(admin, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    known_cookie = {"fieldbook_known": home.client.get_cookie("fieldbook_known").value}
    for n in range(60):  # a stranger tries many passwords from many addresses
        _try(app, email, "guess", f"203.0.113.{n}")
        clock.pass_(1)
    # From the browser that signed in before, even at a new address: straight in.
    assert _try(app, email, factories.PASSWORD, "192.0.2.50", known_cookie).status_code == 302
    # From the address that signed in before, even in a new browser: straight in.
    assert _try(app, email, factories.PASSWORD, "198.51.100.7").status_code == 302
    # From somewhere new: a wait, not a lock, and then in.
    waiting = _try(app, email, factories.PASSWORD, "192.0.2.99")
    assert waiting.status_code == 429
    clock.pass_(int(waiting.headers["Retry-After"]))
    assert _try(app, email, factories.PASSWORD, "192.0.2.99").status_code == 302


def test_a_forged_known_browser_cookie_counts_for_nothing(app, admin, clock):
    db.session.commit()
    for n in range(10):
        _try(app, admin.email, "guess", f"203.0.113.{n}")
    forged = {"fieldbook_known": "WyJhYmMiXQ.forged.signature"}
    assert _try(app, admin.email, factories.PASSWORD, "192.0.2.1", forged).status_code == 429


def test_throttling_an_unknown_account_looks_the_same(app, clock):
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        _try(app, "ghost@example.test", "wrong password", f"203.0.113.{n}")
    assert _try(app, "ghost@example.test", "x", "203.0.113.200").status_code == 429


def test_failures_from_one_address_are_throttled_across_accounts(app, clinic, clock):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    users = [factories.make_user(clinic) for _ in range(4)]
    db.session.commit()
    for user in users[:3]:
        _try(app, user.email, "wrong password", "203.0.113.5")
    assert _try(app, users[3].email, factories.PASSWORD, "203.0.113.5").status_code == 429
    assert _try(app, users[3].email, factories.PASSWORD, "198.51.100.1").status_code == 302


def test_deactivated_user_cannot_sign_in(browser, clinic):
    user = factories.make_user(clinic, Role.STAFF, active=False)
    db.session.commit()
    response = browser.post("/login", {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)


def test_deactivating_a_user_ends_their_open_session(login, staff):
    signed_in = login(staff)
    staff.active = False
    db.session.commit()
    assert signed_in.get("/clients/").status_code == 302


def test_next_parameter_cannot_send_the_user_off_site(browser, staff):
    db.session.commit()
    browser.csrf_token()
    response = browser.post(
        "/login?next=//evil.example/", {"email": staff.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/login/set-up"  # the second factor first, then on
    assert browser.answer_second_factor(staff).headers["Location"] == "/"


def test_change_password_checks_the_current_one_and_keeps_typed_values(login, staff):
    signed_in = login(staff)
    response = signed_in.post(
        "/account/password",
        {
            "current_password": "not it at all",
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 200
    assert "That is not your current password." in response.get_data(as_text=True)


def test_change_password_rejects_short_and_mismatched(login, staff):
    signed_in = login(staff)
    page = signed_in.post(
        "/account/password",
        {"current_password": factories.PASSWORD, "new_password": "short", "confirm": "other"},
    ).get_data(as_text=True)
    assert "Use at least 10 characters." in page
    assert "do not match" in page


def test_change_password_signs_other_sessions_out(app, login, staff):
    first = login(staff)
    second = login(staff)
    response = first.post(
        "/account/password",
        {
            "current_password": factories.PASSWORD,
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 302
    assert first.get("/clients/").status_code == 200
    assert second.get("/clients/").status_code == 302
    db.session.expire_all()
    assert staff.check_password("a brand new secret")


def test_form_post_without_csrf_token_is_refused(browser, staff):
    db.session.commit()
    response = browser.client.post("/login", data={"email": staff.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
