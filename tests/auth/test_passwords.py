"""Common, leaked and guessable passwords are refused wherever a password is set."""

import pytest
from sqlalchemy import select

from webapp.auth.models import User
from webapp.auth.passwords import COMMON, PERSONAL, common_passwords, is_common, password_problem
from webapp.extensions import db


def test_the_shipped_list_holds_at_least_the_100000_most_common_passwords():
    passwords = common_passwords()
    assert len(passwords) >= 200_000
    assert {"123456", "password", "qwertyuiop", "1234567890", "iloveyou"} <= passwords
    assert common_passwords() is passwords  # read once


@pytest.mark.parametrize("password", ["1234567890", "PassWordPassWord", "qwertyuiop", "ILoveYou1234"])
def test_a_listed_password_is_refused_whatever_its_case(password):
    assert is_common(password.lower()) and password_problem(password) == COMMON


def test_an_uncommon_long_password_is_accepted_exactly_as_typed():
    assert password_problem("  limestone kettle orchard  ") is None
    assert password_problem("limestone kettle orchard " * 10) is None  # 250 characters: passphrases welcome
    assert password_problem("short") == "Use at least 10 characters."
    assert password_problem("x" * 257) == "Use at most 256 characters."


def test_a_password_made_of_the_persons_name_email_or_clinic_is_refused():
    personal = ["Nia Lee", "nia.okafor@example.test", "Riverside BSR"]
    assert password_problem("okafor-was-here-2026", personal) == PERSONAL
    assert password_problem("riverside rocks forever", personal) == PERSONAL
    assert password_problem("my fieldbook password", personal) == PERSONAL
    assert password_problem("limestone kettle orchard", personal) is None


def test_changing_ones_password_refuses_a_common_one(login, staff):
    page = login(staff).post(
        "/account/password",
        {
            "current_password": "correct horse battery",
            "new_password": "qwertyuiop123",
            "confirm": "qwertyuiop123",
        },
    )
    assert page.status_code == 200 and COMMON in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, staff.id).check_password("correct horse battery")


def test_an_admin_cannot_give_a_new_user_or_a_reset_a_common_password(login, admin, staff):
    browser = login(admin)
    page = browser.post(
        "/admin/users/new",
        {"name": "Nia Lee", "email": "nia@example.test", "role": "staff", "password": "password1234"},
    )
    assert COMMON in page.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "nia@example.test")) is None
    reset = browser.post(f"/admin/users/{staff.id}/password", {"password": "iloveyou1234"})
    assert COMMON in reset.get_data(as_text=True)
    named = browser.post(f"/admin/users/{staff.id}/password", {"password": "sam staff's password"})
    assert PERSONAL in named.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, staff.id).check_password("correct horse battery")


def test_create_user_refuses_a_common_password(runner):
    result = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A", "--password", "1q2w3e4r5t6y"]
    )
    assert result.exit_code != 0 and "commonly used or leaked" in result.output
    assert db.session.scalar(select(User)) is None


def test_password_fields_are_masked_and_password_managers_may_fill_them(browser, login, staff):
    for page in (browser.get("/login"), login(staff).get("/account/password")):
        text = page.get_data(as_text=True)
        assert 'type="password"' in text
        assert 'autocomplete="off"' not in text and "onpaste" not in text
