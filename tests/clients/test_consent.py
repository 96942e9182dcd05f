"""Case-study consent and its withdrawal are dated and audited, from the desk and from a phone."""

import uuid

from sqlalchemy import select

from tests import factories
from tests.sync.conftest import change
from webapp.audit.models import AuditEvent
from webapp.clients.models import Client
from webapp.extensions import db


def _consent_events():
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("client.consent%")).order_by(AuditEvent.id)
    )
    return [(e.action, e.user_id, e.subject_id) for e in rows]


def _details(client, **changes):
    fields = {"first_name": client.first_name, "last_name": client.last_name}
    return {**fields, **changes}


def test_consent_given_then_withdrawn_at_the_desk_is_dated_and_audited(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    browser = login(staff)
    assert (
        browser.post(f"/clients/{client.id}/edit", _details(client, case_study_consent="y")).status_code
        == 302
    )
    db.session.expire_all()
    given_at = db.session.get(Client, client.id).case_study_consent_at
    assert given_at is not None
    assert "Consents to an anonymised case study (since" in browser.get(
        f"/clients/{client.id}/record"
    ).get_data(as_text=True)

    assert browser.post(f"/clients/{client.id}/edit", _details(client)).status_code == 302  # unticked
    db.session.expire_all()
    stored = db.session.get(Client, client.id)
    assert not stored.case_study_consent and stored.case_study_consent_at >= given_at
    assert "Consent withdrawn on" in browser.get(f"/clients/{client.id}/record").get_data(as_text=True)
    assert _consent_events() == [
        ("client.consent_given", staff.id, str(client.id)),
        ("client.consent_withdrawn", staff.id, str(client.id)),
    ]


def test_an_edit_that_leaves_consent_alone_neither_dates_nor_audits_it(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, case_study_consent=True)
    db.session.commit()
    first = db.session.get(Client, client.id).case_study_consent_at
    login(staff).post(f"/clients/{client.id}/edit", _details(client, case_study_consent="y", phone="0200"))
    db.session.expire_all()
    assert db.session.get(Client, client.id).case_study_consent_at == first
    assert _consent_events() == []


def test_a_client_registered_with_consent_has_it_dated_from_the_start(login, staff, practitioner, clinic):
    response = login(staff).post(
        "/clients/new",
        {
            "first_name": "Nia",
            "last_name": "Dale",
            "case_study_consent": "y",
            "practitioner_id": str(practitioner.id),
        },
    )
    assert response.status_code == 302
    client = db.session.scalars(select(Client).where(Client.first_name == "Nia")).one()
    assert client.case_study_consent_at is not None
    assert _consent_events() == [("client.consent_given", staff.id, str(client.id))]


def test_consent_changed_on_a_phone_is_dated_audited_as_the_practitioner_and_sent_back(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    db.session.commit()
    [result] = make_device(practitioner).push(
        change("client", client.id, client.version, case_study_consent=True)
    )
    assert result["status"] == "applied"
    db.session.expire_all()
    stored = db.session.get(Client, client.id)
    assert stored.case_study_consent_at is not None
    sent_back = result.get("derived") or result["record"]["fields"]  # the phone learns the date
    assert sent_back["case_study_consent_at"]
    assert _consent_events() == [("client.consent_given", practitioner.id, str(client.id))]


def test_a_phone_cannot_set_the_date_itself(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    db.session.commit()
    [result] = make_device(practitioner).push(
        change("client", client.id, client.version, case_study_consent_at="2020-01-01T00:00:00Z")
    )
    # Server-set fields a phone sends are ignored, as for every derived field (sync/push.py).
    db.session.expire_all()
    assert result["status"] == "applied" and db.session.get(Client, client.id).case_study_consent_at is None


def test_a_client_registered_on_a_phone_with_consent_is_dated_and_audited(make_device, practitioner, clinic):
    client_id = uuid.uuid4()
    [result] = make_device(practitioner).push(
        change("client", client_id, first_name="Ona", last_name="Vale", case_study_consent=True)
    )
    assert result["status"] == "applied"
    assert db.session.get(Client, client_id).case_study_consent_at is not None
    assert _consent_events() == [("client.consent_given", practitioner.id, str(client_id))]
