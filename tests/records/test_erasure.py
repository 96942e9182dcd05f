"""Erasing a client's data: admin only, two steps, within the retention period, everything
that held the client's words gone, phones told, the audit trail keeping only the fact."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change
from webapp.audit.models import AuditEvent
from webapp.auth.models import Role
from webapp.clients.models import Client
from webapp.db import now_utc
from webapp.extensions import db
from webapp.reminders.models import Notification
from webapp.sync.entities import ENTITIES
from webapp.sync.models import AppliedChange, ChangeLog, ParkedChange, SyncConflict

LONG_AGO = now_utc() - dt.timedelta(days=8 * 366)  # past the default 7 years


def _client_with_everything(clinic, practitioner, started_at=LONG_AGO, first_name="Dora"):
    client = factories.make_client(
        clinic,
        practitioner,
        first_name=first_name,
        last_name="Lund",
        phone="07700 900123",
        email="dora@example.test",
    )
    factories.make_case_history(client, reported_diagnoses="Sciatica, said the GP")
    factories.make_acknowledgement(client, practitioner)
    appointment = factories.make_appointment(client, practitioner, starts_at=started_at)
    visit = factories.make_visit(client, number=1, started_at=started_at, notes="eased on release")
    factories.make_finding(visit, "lumbar_l5", "left")
    sensation = factories.make_sensation(client)
    factories.make_rating(sensation, visit, 8)
    db.session.add_all(
        [
            SyncConflict(
                id=uuid.uuid4(),
                clinic_id=clinic.id,
                client_id=client.id,
                entity="client",
                entity_id=client.id,
                field="phone",
                server_value={"value": "0100"},
                device_value={"value": "0999"},
                base_version=1,
                change_id=uuid.uuid4(),
                user_id=practitioner.id,
            ),
            ParkedChange(
                change_id=uuid.uuid4(),
                clinic_id=clinic.id,
                client_id=client.id,
                user_id=practitioner.id,
                entity="visit",
                entity_id=uuid.uuid4(),
                op="upsert",
                fields={"notes": "said on a phone"},
            ),
            Notification(
                user_id=practitioner.id,
                kind="home_visit",
                dedupe_key=f"home:{appointment.id}:x",
                payload={"title": "Home visit", "body": "Dora, 1 High St.", "url": "/app/"},
            ),
            AppliedChange(
                change_id=uuid.uuid4(),
                user_id=practitioner.id,
                content_hash="x",
                result={
                    "id": str(visit.id),
                    "status": "applied",
                    "record": {"id": str(visit.id), "fields": {"notes": "eased on release"}},
                },
            ),
        ]
    )
    db.session.commit()
    return client


def _request(browser, client, reason="By email on 3 December"):
    return browser.post(f"/clients/{client.id}/erase", {"reason": reason, "asked": "y"})


def _erase(browser, client, name="Dora Lund"):
    return browser.post(f"/clients/{client.id}/erase/confirm", {"full_name": name})


def _count(model, **where):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_after_the_two_steps_nothing_of_the_client_is_left_and_the_audit_keeps_only_the_fact(
    login, admin, practitioner, clinic
):
    client = _client_with_everything(clinic, practitioner)
    other = _client_with_everything(clinic, practitioner, first_name="Olga")
    browser = login(admin)
    browser.get(f"/clients/{client.id}/record")  # read once: the audit keeps that too
    assert _request(browser, client).status_code == 302
    response = _erase(browser, client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/clients/")

    db.session.expire_all()
    for name, entity in ENTITIES.items():
        if name not in ("client", "vocabulary_term"):
            assert _count(entity.model, client_id=client.id) == 0, name
            assert _count(entity.model, client_id=other.id) > 0, name  # the other client untouched
    for model in (SyncConflict, ParkedChange):
        assert _count(model, client_id=client.id) == 0
    assert _count(Notification) == 1 and _count(AppliedChange) == 1  # the other client's only
    tombstone = db.session.get(Client, client.id)
    assert (tombstone.first_name, tombstone.last_name, tombstone.phone, tombstone.email) == (
        "Erased",
        "client",
        "",
        "",
    )
    assert tombstone.erased_at and tombstone.deleted_at and tombstone.practitioner_id is None
    assert tombstone.erasure_reason == "By email on 3 December"

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == str(client.id)).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events][-3:] == ["client.view", "client.erasure_requested", "client.erased"]
    erased = events[-1]
    assert erased.detail["removed"]["visit"] == 1 and erased.detail["removed"]["parked_change"] == 1
    assert "Dora" not in str([e.detail for e in events]) and "eased" not in str([e.detail for e in events])


def test_phones_that_held_the_client_are_told_to_let_them_go(make_device, login, admin, practitioner, clinic):
    client = _client_with_everything(clinic, practitioner)
    phone = make_device(practitioner)
    assert any(r["id"] == str(client.id) for r in phone.pull()["records"])
    browser = login(admin)
    _request(browser, client)
    _erase(browser, client)
    pulled = phone.pull()
    assert str(client.id) in pulled["evict"]
    assert not [r for r in pulled["records"] if r["fields"].get("client_id") == str(client.id)]
    assert _count(ChangeLog, kind="evict", client_id=client.id) == 1
    # A change made offline about the client, pushed or handed to the desk, is not taken in.
    [pushed] = phone.push(
        change(
            "visit",
            uuid.uuid4(),
            client_id=client.id,
            started_at=now_utc().isoformat(),
            location="clinic",
            number_in_course=2,
        )
    )
    assert pushed["status"] == "rejected"
    parked = phone.http.post(
        "/api/v1/sync/park",
        headers=phone.auth,
        json={
            "client_id": str(client.id),
            "changes": [
                {
                    "change_id": str(uuid.uuid4()),
                    "entity": "visit",
                    "id": str(uuid.uuid4()),
                    "op": "upsert",
                    "fields": {"notes": "after the erasure"},
                }
            ],
        },
    )
    assert parked.status_code == 404 and _count(ParkedChange, client_id=client.id) == 0


def test_within_the_retention_period_the_request_is_recorded_and_nothing_is_erased(
    login, admin, practitioner, clinic
):
    recent = now_utc() - dt.timedelta(days=30)
    client = _client_with_everything(clinic, practitioner, started_at=recent)
    browser = login(admin)
    _request(browser, client)
    page = browser.get(f"/clients/{client.id}/erase").get_data(as_text=True)
    assert "cannot be erased yet" in page and "the request is recorded" in page.lower()
    assert "Erase the client&#39;s data" not in page  # no button to press
    response = _erase(browser, client, "Dora Lund")
    assert response.status_code == 302
    assert "must be kept until" in browser.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Client, client.id).erased_at is None
    assert _count(ENTITIES["visit"].model, client_id=client.id) == 1


def test_a_clinic_that_keeps_nothing_erases_at_once(login, admin, practitioner, clinic):
    client = _client_with_everything(clinic, practitioner, started_at=now_utc() - dt.timedelta(days=1))
    browser = login(admin)
    assert (
        browser.post(
            "/admin/clinic", {"require_second_factor": "y", "lock_after_minutes": "5", "retention_years": "0"}
        ).status_code
        == 302
    )
    _request(browser, client)
    _erase(browser, client)
    db.session.expire_all()
    assert db.session.get(Client, client.id).erased_at is not None


def test_the_request_needs_a_reason_and_the_clients_ask(login, admin, practitioner, clinic):
    client = _client_with_everything(clinic, practitioner)
    browser = login(admin)
    page = browser.post(f"/clients/{client.id}/erase", {"reason": "  "}).get_data(as_text=True)
    assert "Say how and when the client asked" in page and "tick to confirm" in page
    assert _erase(browser, client).status_code == 302  # straight to step two: refused
    db.session.expire_all()
    assert db.session.get(Client, client.id).erased_at is None


def test_the_wrong_name_erases_nothing(login, admin, practitioner, clinic):
    client = _client_with_everything(clinic, practitioner)
    browser = login(admin)
    _request(browser, client)
    page = _erase(browser, client, "Dora Lindqvist").get_data(as_text=True)
    assert "not this client&#39;s name" in page
    db.session.expire_all()
    assert db.session.get(Client, client.id).erased_at is None


def test_only_an_admin_of_the_clinic_can_erase(login, staff, practitioner, clinic, other_clinic):
    client = _client_with_everything(clinic, practitioner)
    outsider = factories.make_user(other_clinic, Role.ADMIN, name="Otto Outsider")
    for user in (staff, practitioner, outsider):
        browser = login(user)
        assert browser.get(f"/clients/{client.id}/erase").status_code == 404
        assert _request(browser, client).status_code == 404
        assert _erase(browser, client).status_code == 404
    db.session.expire_all()
    assert db.session.get(Client, client.id).erasure_requested_at is None


def test_an_erased_clients_record_and_download_say_so(login, admin, practitioner, clinic):
    client = _client_with_everything(clinic, practitioner)
    browser = login(admin)
    _request(browser, client)
    _erase(browser, client)
    for response in (
        browser.get(f"/clients/{client.id}/record"),
        browser.post(f"/clients/{client.id}/export"),
    ):
        assert response.status_code == 410
        assert "This client's data was erased" in response.get_data(as_text=True)
    assert "nothing left to download" in browser.post(f"/clients/{client.id}/export").get_data(as_text=True)


@pytest.mark.parametrize("client_id", ["not-a-uuid", str(uuid.uuid4())])
def test_an_unknown_client_is_not_found(login, admin, client_id):
    assert login(admin).get(f"/clients/{client_id}/erase").status_code == 404
