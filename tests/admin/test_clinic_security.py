"""An admin's part in sign-in security: the clinic's settings, and resetting a lost second factor."""

import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import Browser
from webapp.audit.models import AuditEvent
from webapp.auth.models import Clinic, Passkey, RecoveryCode, Role, TotpFactor
from webapp.extensions import db


def _audit(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_clinic_requires_a_second_factor_and_locks_phones_after_5_minutes_by_default(clinic):
    assert clinic.require_second_factor is True and clinic.lock_after_minutes == 5


def test_an_admin_changes_the_clinic_settings(app, login, admin, clinic, staff):
    browser = login(admin)
    page = browser.get("/admin/clinic").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="require_second_factor"', page)
    response = browser.post(
        "/admin/clinic", {"lock_after_minutes": "12", "retention_years": "7"}
    )  # the box left unticked
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Clinic, clinic.id)
    assert saved.require_second_factor is False and saved.lock_after_minutes == 12
    event = _audit("clinic.settings_update")[0]
    assert (
        event.detail["fields"] == ["require_second_factor", "lock_after_minutes"]
        and event.user_id == admin.id
    )
    # Staff now sign in with the password alone.
    db.session.commit()
    fresh = Browser(app)
    fresh.csrf_token()
    assert (
        fresh.post("/login", {"email": staff.email, "password": factories.PASSWORD}).headers["Location"]
        == "/"
    )


@pytest.mark.parametrize("minutes", ["0", "61", "", "five"])
def test_the_phone_lock_stays_between_1_and_60_minutes(login, admin, clinic, minutes):
    response = login(admin).post(
        "/admin/clinic", {"require_second_factor": "y", "lock_after_minutes": minutes, "retention_years": "7"}
    )
    assert response.status_code == 200 and "from 1 to 60" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Clinic, clinic.id).lock_after_minutes == 5


@pytest.mark.parametrize("who", ["staff", "practitioner"])
def test_only_admins_reach_the_clinic_settings(request, login, who):
    browser = login(request.getfixturevalue(who))
    assert browser.get("/admin/clinic").status_code == 404
    assert browser.post("/admin/clinic", {"lock_after_minutes": "60"}).status_code == 404


def test_an_admin_resets_a_lost_second_factor_and_the_person_sets_up_a_new_one(app, login, admin, staff):
    staff_browser = login(staff)  # sets up an authenticator app for staff
    db.session.add(Passkey(user_id=staff.id, credential_id="abc", public_key=b"k", name="Old phone"))
    db.session.add(RecoveryCode(user_id=staff.id, code_hash="x"))
    db.session.commit()
    admin_browser = login(admin)
    page = admin_browser.get(f"/admin/users/{staff.id}/edit").get_data(as_text=True)
    assert "An authenticator app and 1 passkey" in page and "Reset their second factor" in page
    response = admin_browser.post(f"/admin/users/{staff.id}/second-factor/reset")
    assert response.status_code == 302
    for model in (TotpFactor, Passkey, RecoveryCode):
        assert (
            db.session.scalar(select(func.count()).select_from(model).where(model.user_id == staff.id)) == 0
        )
    assert staff_browser.get("/clients/").status_code == 302  # signed out
    event = _audit("second_factor.reset")[0]
    assert (event.user_id, event.subject_id, event.detail) == (
        admin.id,
        str(staff.id),
        {"totp": True, "passkeys": 1},
    )
    again = Browser(app)
    again.csrf_token()
    assert (
        again.post("/login", {"email": staff.email, "password": factories.PASSWORD}).headers["Location"]
        == "/login/set-up"
    )


def test_an_admin_cannot_reset_their_own_factor_nor_another_clinics(login, admin, other_clinic):
    browser = login(admin)
    assert browser.post(f"/admin/users/{admin.id}/second-factor/reset").status_code == 302
    assert (
        db.session.scalar(select(func.count()).select_from(TotpFactor).where(TotpFactor.user_id == admin.id))
        == 1
    )
    outsider = factories.make_user(other_clinic, Role.STAFF)
    factories.enrol_totp(outsider)
    db.session.commit()
    assert browser.post(f"/admin/users/{outsider.id}/second-factor/reset").status_code == 404
    assert (
        db.session.scalar(
            select(func.count()).select_from(TotpFactor).where(TotpFactor.user_id == outsider.id)
        )
        == 1
    )


@pytest.mark.parametrize("who", ["staff", "practitioner"])
def test_only_admins_reset_second_factors(request, login, admin, who):
    factories.enrol_totp(admin)
    response = login(request.getfixturevalue(who)).post(f"/admin/users/{admin.id}/second-factor/reset")
    assert response.status_code == 404
    assert (
        db.session.scalar(select(func.count()).select_from(TotpFactor).where(TotpFactor.user_id == admin.id))
        == 1
    )


def test_an_admins_password_reset_leaves_the_second_factor_in_place(app, login, admin, staff):
    factories.enrol_totp(staff)
    login(admin).post(f"/admin/users/{staff.id}/password", {"password": "limestone kettle orchard"})
    browser = Browser(app)
    browser.csrf_token()
    response = browser.post("/login", {"email": staff.email, "password": "limestone kettle orchard"})
    assert response.headers["Location"] == "/login/verify"
    assert browser.get("/clients/").status_code == 302
