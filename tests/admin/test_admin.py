"""Administration: users and roles, deactivation, devices and revocation."""

import uuid

import pytest
from sqlalchemy import select

from tests import factories
from webapp.auth.models import Role, User
from webapp.extensions import db
from webapp.sync.models import Device


def _device(user, pending=0):
    device = Device(
        id=uuid.uuid4(), user_id=user.id, label="Pixel 8", pending_reported=pending, token_hash="x"
    )
    db.session.add(device)
    db.session.flush()
    return device


def test_admin_adds_a_user_who_can_then_sign_in(app, login, admin):
    browser = login(admin)
    response = browser.post(
        "/admin/users/new",
        {
            "name": "Nia Lee",
            "email": "Nia@Example.test",
            "role": "staff",
            "password": "a long first password",
        },
    )
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == "nia@example.test")).one()
    assert user.role == Role.STAFF and user.clinic_id == admin.clinic_id
    from tests.conftest import Browser

    assert (
        Browser(app)
        .post("/login", {"email": "nia@example.test", "password": "a long first password"})
        .status_code
        == 302
    )


def test_adding_a_user_explains_bad_input_and_keeps_it(login, admin, staff):
    page = (
        login(admin)
        .post("/admin/users/new", {"name": "Nia", "email": staff.email, "role": "staff", "password": "short"})
        .get_data(as_text=True)
    )
    assert "Use at least 10 characters." in page
    page = (
        login(admin)
        .post(
            "/admin/users/new",
            {"name": "Nia", "email": staff.email, "role": "staff", "password": "long enough password"},
        )
        .get_data(as_text=True)
    )
    assert "Someone already signs in with this email." in page and 'value="Nia"' in page


def test_admin_changes_a_role(login, admin, staff):
    login(admin).post(
        f"/admin/users/{staff.id}/edit", {"name": staff.name, "email": staff.email, "role": "practitioner"}
    )
    db.session.expire_all()
    assert db.session.get(User, staff.id).role == Role.PRACTITIONER


def test_the_last_admin_cannot_be_demoted_or_deactivate_themself(login, admin):
    browser = login(admin)
    page = browser.post(
        f"/admin/users/{admin.id}/edit", {"name": admin.name, "email": admin.email, "role": "staff"}
    )
    assert "at least one active admin" in page.get_data(as_text=True)
    browser.post(f"/admin/users/{admin.id}/active")
    db.session.expire_all()
    assert db.session.get(User, admin.id).active and db.session.get(User, admin.id).role == Role.ADMIN


def test_deactivating_signs_the_user_out_and_reactivating_restores(login, admin, staff):
    staff_browser = login(staff)
    admin_browser = login(admin)
    assert admin_browser.post(f"/admin/users/{staff.id}/active").status_code == 302
    assert staff_browser.get("/clients/").status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, staff.id).active
    admin_browser.post(f"/admin/users/{staff.id}/active")
    db.session.expire_all()
    assert db.session.get(User, staff.id).active


def test_device_list_and_revocation_says_how_many_changes_wait(login, admin, practitioner):
    device = _device(practitioner, pending=7)
    phone_session = login(practitioner)
    browser = login(admin)
    assert "Pixel 8" in browser.get("/admin/devices").get_data(as_text=True)
    confirm = browser.get(f"/admin/devices/{device.id}/revoke").get_data(as_text=True)
    assert "7 changes not yet synced" in confirm and "signed out" in confirm
    assert browser.post(f"/admin/devices/{device.id}/revoke").status_code == 302
    db.session.expire_all()
    stored = db.session.get(Device, device.id)
    assert stored.revoked_at is not None and stored.revoked_by_id == admin.id
    assert phone_session.get("/clients/").status_code == 302  # a lost phone's cookie no longer works


def test_audit_trail_shows_who_saw_a_record_and_filters_by_record(login, admin, staff, clinic, other_clinic):
    client = factories.make_client(clinic, first_name="Viewed")
    login(staff).get(f"/clients/{client.id}/record")
    outsider = factories.make_client(other_clinic)
    login(factories.make_user(other_clinic, Role.STAFF)).get(f"/clients/{outsider.id}/record")
    browser = login(admin)
    page = browser.get(f"/admin/audit?subject={client.id}").get_data(as_text=True)
    assert "viewed the record" in page and staff.name in page
    everything = browser.get("/admin/audit").get_data(as_text=True)
    assert str(outsider.id) not in everything  # another clinic's trail stays theirs


ADMIN_URLS = [
    ("get", "/admin/users"),
    ("get", "/admin/audit"),
    ("get", "/admin/users/new"),
    ("post", "/admin/users/new"),
    ("get", "/admin/devices"),
]
ID_URLS = [
    ("get", "/admin/users/{user}/edit"),
    ("post", "/admin/users/{user}/edit"),
    ("post", "/admin/users/{user}/password"),
    ("post", "/admin/users/{user}/active"),
    ("get", "/admin/devices/{device}/revoke"),
    ("post", "/admin/devices/{device}/revoke"),
]


@pytest.mark.parametrize("method, url", ADMIN_URLS + ID_URLS)
@pytest.mark.parametrize("who", ["staff", "practitioner"])
def test_only_admins_reach_admin_pages(request, login, practitioner, method, url, who):
    device = _device(practitioner)
    user = request.getfixturevalue(who)
    response = getattr(login(user), method)(url.format(user=practitioner.id, device=device.id))
    assert response.status_code == 404


@pytest.mark.parametrize("method, url", ID_URLS)
def test_an_admin_of_another_clinic_cannot_reach_this_clinics_users_or_devices(
    login, other_clinic, practitioner, method, url
):
    device = _device(practitioner)
    outsider = factories.make_user(other_clinic, Role.ADMIN)
    data = {"name": "X", "email": "x@example.test", "role": "admin", "password": "long enough password"}
    response = getattr(login(outsider), method)(
        url.format(user=practitioner.id, device=device.id), **({"data": data} if method == "post" else {})
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert (
        db.session.get(User, practitioner.id).active and db.session.get(Device, device.id).revoked_at is None
    )


def test_every_action_the_app_records_has_words_on_the_audit_page():
    import re
    from pathlib import Path

    from webapp.admin.views import ACTIONS

    source = "\n".join(path.read_text() for path in Path("webapp").rglob("*.py"))
    recorded = set(re.findall(r"""(?:record_event|record_client_read)\(\s*["']([a-z_.]+)["']""", source))
    assert recorded and recorded - set(ACTIONS) == set()
