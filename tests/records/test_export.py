"""A client's data in one download: complete, the client's own only, audited, for admins
(and staff where the clinic allows), and a record file that opens with no server."""

import io
import json
import uuid
import zipfile

import pytest
from sqlalchemy import select

from tests import factories
from webapp.audit.models import AuditEvent
from webapp.auth.models import Role
from webapp.db import now_utc
from webapp.extensions import db
from webapp.reminders.models import Notification, NotificationStatus


def _client_with_everything(clinic, practitioner):
    client = factories.make_client(clinic, practitioner, first_name="Dóra", last_name="O'Neill")
    factories.make_case_history(client, reported_diagnoses="Sciatica, said the GP")
    factories.make_acknowledgement(client, practitioner)
    appointment = factories.make_appointment(client, practitioner)
    first = factories.make_visit(client, number=1, notes="first session note")
    factories.make_visit(client, number=2, notes="a session deleted since", deleted_at=now_utc())
    factories.make_finding(first, "lumbar_l5", "left", released=True, note="eased on release")
    sensation = factories.make_sensation(client, "calf_cramps", "calf", "left")
    factories.make_rating(sensation, first, 8)
    return client, appointment


def _download(browser, client):
    response = browser.post(f"/clients/{client.id}/export")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    return response, zipfile.ZipFile(io.BytesIO(response.data))


def test_the_zip_holds_every_record_of_the_client_and_nothing_of_another(login, admin, practitioner, clinic):
    client, appointment = _client_with_everything(clinic, practitioner)
    other, _ = _client_with_everything(clinic, practitioner)
    response, archive = _download(login(admin), client)

    assert sorted(archive.namelist()) == ["README.txt", "record.html", "record.json"]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="fieldbook-oneill-dora-{now_utc().date().isoformat()}.zip"'
    )
    data = json.loads(archive.read("record.json"))
    records = data["records"]
    assert data["format"] == "fieldbook-client-export" and data["client_id"] == str(client.id)
    assert [r["first_name"] for r in records["client"]] == ["Dóra"]
    assert records["case_history"][0]["reported_diagnoses"] == "Sciatica, said the GP"
    assert len(records["acknowledgement"]) == 1
    assert [r["id"] for r in records["appointment"]] == [str(appointment.id)]
    # Deleted records are held, so they are handed over, marked as deleted.
    visits = {r["notes"]: r for r in records["visit"]}
    assert (
        visits["a session deleted since"]["deleted_at"] and visits["first session note"]["deleted_at"] is None
    )
    assert records["finding"][0]["note"] == "eased on release"
    assert (
        records["sensation"][0]["kind"] == "calf_cramps" and records["sensation_rating"][0]["intensity"] == 8
    )
    # Nothing of the other client, in any entity.
    assert str(other.id) not in archive.read("record.json").decode()
    assert "vocabulary_term" not in records
    assert data["vocabulary"]["complaint"]["calf_cramps"]


def test_the_record_file_is_the_printed_record_with_its_styles_and_no_forms(
    login, admin, practitioner, clinic
):
    client, _ = _client_with_everything(clinic, practitioner)
    browser = login(admin)
    _, archive = _download(browser, client)
    page = archive.read("record.html").decode()
    assert "Dóra O&#39;Neill" in page and "Sciatica, said the GP" in page and "eased on release" in page
    assert "<style>" in page and "--ink" in page and "@import" not in page  # opens with no server
    assert 'rel="stylesheet"' not in page
    # No forms, so no CSRF token of the admin's session travels in the file, and no nav.
    assert "<form" not in page and "csrf_token" not in page and browser.csrf_token() not in page
    assert "<script" not in page and 'class="site-nav"' not in page


def test_the_download_is_audited_and_the_audit_page_names_it(login, admin, practitioner, clinic):
    client, _ = _client_with_everything(clinic, practitioner)
    browser = login(admin)
    _download(browser, client)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "client.export")).all()
    assert [(e.user_id, e.subject_id) for e in events] == [(admin.id, str(client.id))]
    page = browser.get(f"/admin/audit?subject={client.id}").get_data(as_text=True)
    assert "downloaded everything held about the client" in page


def test_the_json_lists_who_changed_the_record_and_the_reminders_that_named_the_client(
    login, admin, staff, practitioner, clinic
):
    client, appointment = _client_with_everything(clinic, practitioner)
    unrelated = uuid.uuid4()
    for key, status in (
        (f"home:{appointment.id}:2026-12-01T09:00:00+00:00", NotificationStatus.SENT),
        (f"home:{appointment.id}:2026-12-02T09:00:00+00:00", NotificationStatus.PENDING),
        (f"home:{unrelated}:2026-12-01T09:00:00+00:00", NotificationStatus.SENT),
    ):
        db.session.add(
            Notification(
                user_id=practitioner.id,
                kind="home_visit",
                dedupe_key=key,
                status=status,
                payload={"title": "Home visit at 09:00", "body": "Dóra.", "url": "/app/"},
                sent_at=now_utc() if status == NotificationStatus.SENT else None,
            )
        )
    db.session.commit()
    login(staff).post(
        f"/clients/{client.id}/edit", {"first_name": "Dóra", "last_name": "O'Neill", "phone": "07700 900123"}
    )
    _, archive = _download(login(admin), client)
    data = json.loads(archive.read("record.json"))
    assert [r["title"] for r in data["reminders"]] == ["Home visit at 09:00"]  # sent, about this client only
    updates = [c for c in data["changes"] if c["action"] == "client.update"]
    assert updates and updates[0]["by"] == "Sam Staff" and "phone" in updates[0]["fields"]


def test_staff_download_only_where_the_clinic_allows_it(login, admin, staff, practitioner, clinic):
    client, _ = _client_with_everything(clinic, practitioner)
    staff_browser = login(staff)
    assert "Download everything held" not in staff_browser.get(f"/clients/{client.id}/record").get_data(
        as_text=True
    )
    assert staff_browser.post(f"/clients/{client.id}/export").status_code == 404

    settings = login(admin).post(
        "/admin/clinic",
        {
            "require_second_factor": "y",
            "lock_after_minutes": "5",
            "retention_years": "7",
            "staff_may_export": "y",
        },
    )
    assert settings.status_code == 302
    assert "Download everything held" in staff_browser.get(f"/clients/{client.id}/record").get_data(
        as_text=True
    )
    _download(staff_browser, client)


def test_a_practitioner_cannot_download_even_their_own_client(login, practitioner, clinic):
    client, _ = _client_with_everything(clinic, practitioner)
    clinic.staff_may_export = True
    browser = login(practitioner)
    assert browser.post(f"/clients/{client.id}/export").status_code == 404


@pytest.mark.parametrize("client_id", ["not-a-uuid", str(uuid.uuid4())])
def test_an_unknown_client_is_not_found(login, admin, client_id):
    assert login(admin).post(f"/clients/{client_id}/export").status_code == 404


def test_another_clinics_admin_cannot_download_by_id(login, practitioner, clinic, other_clinic):
    client, _ = _client_with_everything(clinic, practitioner)
    outsider = factories.make_user(other_clinic, Role.ADMIN, name="Otto Outsider")
    assert login(outsider).post(f"/clients/{client.id}/export").status_code == 404
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "client.export")).all() == []


def test_the_download_needs_the_csrf_token(login, admin, practitioner, clinic):
    client, _ = _client_with_everything(clinic, practitioner)
    browser = login(admin)
    assert browser.client.post(f"/clients/{client.id}/export").status_code == 400
