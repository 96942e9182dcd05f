"""Every page that shows a client's record leaves a row in the audit trail, alike."""

import pytest
from sqlalchemy import select

from tests import factories
from webapp.audit.models import AuditEvent
from webapp.extensions import db

READ_PAGES = [
    ("/clients/{id}/record", "client.view"),
    ("/clients/{id}/edit", "client.view_details"),
    ("/clients/{id}/case-history", "case_history.view"),
    ("/clients/{id}/acknowledgement", "acknowledgement.view"),
]


@pytest.fixture
def client_record(clinic, practitioner):
    client = factories.make_client(clinic, practitioner, first_name="Viewed")
    factories.make_case_history(client)
    factories.make_acknowledgement(client, practitioner)
    return client


def _reads(client) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == str(client.id), AuditEvent.action.like("%view%"))
    ).all()


@pytest.mark.parametrize("url, action", READ_PAGES)
@pytest.mark.parametrize("who", ["staff", "practitioner"])
def test_each_page_showing_a_client_record_is_audited(request, login, client_record, url, action, who):
    reader = request.getfixturevalue(who)
    response = login(reader).get(url.format(id=client_record.id), environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 200
    [event] = _reads(client_record)
    assert (event.action, event.user_id, event.clinic_id, event.subject_type, event.address) == (
        action,
        reader.id,
        client_record.clinic_id,
        "client",
        "192.0.2.7",
    )
    assert event.detail == {}  # who and which record, never what it says


def test_a_form_shown_again_with_its_errors_is_a_read_too(login, staff, client_record):
    response = login(staff).post(f"/clients/{client_record.id}/case-history", {"sitting_hours_per_day": "99"})
    assert response.status_code == 200
    assert [e.action for e in _reads(client_record)] == ["case_history.view"]


@pytest.mark.parametrize("url, _action", READ_PAGES)
def test_a_record_out_of_reach_leaves_no_read(login, other_practitioner, client_record, url, _action):
    assert login(other_practitioner).get(url.format(id=client_record.id)).status_code == 404
    assert _reads(client_record) == []


def test_the_audit_trail_names_each_kind_of_read(login, admin, staff, client_record):
    browser = login(staff)
    for url, _action in READ_PAGES:
        browser.get(url.format(id=client_record.id))
    page = login(admin).get(f"/admin/audit?subject={client_record.id}").get_data(as_text=True)
    for words in (
        "viewed the record",
        "opened the details to edit",
        "viewed the case history",
        "viewed the acknowledgement",
    ):
        assert words in page
