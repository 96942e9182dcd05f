from sqlalchemy import select

from tests import factories
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


def test_repeated_failures_for_one_account_are_throttled(app, browser, practitioner):
    db.session.commit()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        browser.post("/login", {"email": practitioner.email, "password": "wrong password"})
    # Even the right password waits until the window passes.
    response = browser.post("/login", {"email": practitioner.email, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_throttling_an_unknown_account_looks_the_same(app, browser):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        browser.post("/login", {"email": "ghost@example.test", "password": "wrong password"})
    assert browser.post("/login", {"email": "ghost@example.test", "password": "x"}).status_code == 429


def test_failures_from_one_address_are_throttled_across_accounts(app, browser, clinic):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    users = [factories.make_user(clinic) for _ in range(4)]
    db.session.commit()
    for user in users[:3]:
        browser.post("/login", {"email": user.email, "password": "wrong password"})
    response = browser.post("/login", {"email": users[3].email, "password": factories.PASSWORD})
    assert response.status_code == 429


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
    response = browser.post("/login?next=//evil.example/", {"email": staff.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"


def test_change_password_checks_the_current_one_and_keeps_typed_values(login, staff):
    signed_in = login(staff)
    response = signed_in.post("/account/password", {
        "current_password": "not it at all", "new_password": "a brand new secret", "confirm": "a brand new secret"})
    assert response.status_code == 200
    assert "That is not your current password." in response.get_data(as_text=True)


def test_change_password_rejects_short_and_mismatched(login, staff):
    signed_in = login(staff)
    page = signed_in.post("/account/password", {
        "current_password": factories.PASSWORD, "new_password": "short", "confirm": "other"}).get_data(as_text=True)
    assert "Use at least 10 characters." in page
    assert "do not match" in page


def test_change_password_signs_other_sessions_out(app, login, staff):
    first = login(staff)
    second = login(staff)
    response = first.post("/account/password", {
        "current_password": factories.PASSWORD, "new_password": "a brand new secret", "confirm": "a brand new secret"})
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
