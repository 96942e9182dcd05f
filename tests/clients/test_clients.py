"""The desk's client pages: list, search, register, edit, case history, acknowledgement."""

import pytest
from sqlalchemy import select

from tests import factories
from webapp.audit.models import AuditEvent
from webapp.auth.models import Role
from webapp.clients.models import Acknowledgement, CaseHistory, Client
from webapp.extensions import db

VALID = {
    "first_name": "Nora",
    "last_name": "Blake",
    "phone": "07700 900123",
    "email": "",
    "date_of_birth": "1980-04-02",
    "address_line": "3 Elm Row",
    "town": "Wye",
    "postcode": "TN25 5AA",
    "heard_about": "",
    "practitioner_id": "",
}


def test_list_shows_clients_with_next_appointment_and_last_session(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, first_name="Ivy", last_name="Stone")
    factories.make_appointment(client)
    factories.make_visit(client)
    page = login(staff).get("/clients/").get_data(as_text=True)
    assert "Stone, Ivy" in page and "None booked" not in page and "No sessions yet" not in page


def test_search_matches_name_phone_and_postcode_case_insensitively(login, staff, clinic):
    factories.make_client(clinic, first_name="Ivy", last_name="Stone", postcode="CT1 2AB")
    factories.make_client(clinic, first_name="Max", last_name="Reed", phone="01233 555")
    browser = login(staff)
    assert "Stone, Ivy" in browser.get("/clients/?q=sTOne").get_data(as_text=True)
    assert "Stone, Ivy" in browser.get("/clients/?q=ct1").get_data(as_text=True)
    found = browser.get("/clients/?q=01233").get_data(as_text=True)
    assert "Reed, Max" in found and "Stone, Ivy" not in found
    assert "No clients match" in browser.get("/clients/?q=zzz").get_data(as_text=True)


def test_empty_list_invites_the_first_registration(login, staff):
    assert "No clients yet" in login(staff).get("/clients/").get_data(as_text=True)


def test_list_is_paginated(app, login, staff, clinic):
    app.config["CLIENTS_PER_PAGE"] = 2
    for n in range(5):
        factories.make_client(clinic, last_name=f"Zed{n}")
    browser = login(staff)
    assert "Page 1 of 3" in browser.get("/clients/").get_data(as_text=True)
    last = browser.get("/clients/?page=3").get_data(as_text=True)
    assert "Zed4" in last and "Zed0" not in last


def test_practitioner_lists_only_their_caseload(login, practitioner, other_practitioner, clinic):
    factories.make_client(clinic, practitioner, last_name="Mine")
    factories.make_client(clinic, other_practitioner, last_name="Theirs")
    page = login(practitioner).get("/clients/").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page


def test_staff_registers_a_client_for_a_practitioner_and_it_is_audited(login, staff, practitioner):
    response = login(staff).post("/clients/new", dict(VALID, practitioner_id=str(practitioner.id)))
    assert response.status_code == 302
    client = db.session.scalars(select(Client).where(Client.last_name == "Blake")).one()
    assert client.practitioner_id == practitioner.id and client.date_of_birth.isoformat() == "1980-04-02"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "client.create")).one()
    assert event.user_id == staff.id and event.subject_id == str(client.id)


def test_bad_input_is_explained_beside_the_field_and_kept(login, staff):
    response = login(staff).post("/clients/new", dict(VALID, first_name="", date_of_birth="1980-02-31"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter first name." in page and "Date of birth must be a date" in page
    assert 'value="Blake"' in page and 'value="1980-02-31"' in page
    assert 'aria-invalid="true"' in page


def test_practitioner_registers_onto_their_own_caseload_only(login, practitioner, other_practitioner):
    browser = login(practitioner)
    refused = browser.post("/clients/new", dict(VALID, practitioner_id=str(other_practitioner.id)))
    assert refused.status_code == 200
    assert db.session.scalars(select(Client)).first() is None
    assert browser.post("/clients/new", dict(VALID, practitioner_id=str(practitioner.id))).status_code == 302
    assert db.session.scalars(select(Client)).one().practitioner_id == practitioner.id


def test_deactivated_practitioners_are_not_offered_or_accepted(login, staff, clinic):
    gone = factories.make_user(clinic, Role.PRACTITIONER, name="Gone Away", active=False)
    browser = login(staff)
    assert "Gone Away" not in browser.get("/clients/new").get_data(as_text=True)
    response = browser.post("/clients/new", dict(VALID, practitioner_id=str(gone.id)))
    assert "Choose" in response.get_data(as_text=True)
    assert db.session.scalars(select(Client)).first() is None


def test_editing_records_which_fields_changed(login, staff, clinic):
    client = factories.make_client(clinic, first_name="Ann", last_name="Lee")
    data = dict(VALID, first_name="Ann", last_name="Leigh")
    assert login(staff).post(f"/clients/{client.id}/edit", data).status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "client.update")).one()
    assert "last_name" in event.detail["fields"] and "first_name" not in event.detail["fields"]


def test_case_history_is_created_then_updated_with_client_reported_wording(login, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    browser = login(practitioner)
    page = browser.get(f"/clients/{client.id}/case-history").get_data(as_text=True)
    assert "as the client reports them" in page
    data = {
        "occupation": "Nurse",
        "sitting_hours_per_day": "2.5",
        "water_litres_per_day": "1",
        "takes_magnesium": "no",
        "reported_diagnoses": "Sciatica, per GP",
    }
    assert browser.post(f"/clients/{client.id}/case-history", data).status_code == 302
    assert (
        browser.post(f"/clients/{client.id}/case-history", dict(data, occupation="Midwife")).status_code
        == 302
    )
    history = db.session.scalars(select(CaseHistory)).one()
    assert history.occupation == "Midwife" and history.takes_magnesium is False
    assert float(history.sitting_hours_per_day) == 2.5


def test_case_history_refuses_impossible_numbers(login, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    page = (
        login(practitioner)
        .post(f"/clients/{client.id}/case-history", {"sitting_hours_per_day": "30", "occupation": "Pilot"})
        .get_data(as_text=True)
    )
    assert "at most 24" in page and 'value="Pilot"' in page


def test_acknowledgement_records_date_version_method_and_who(login, staff, clinic):
    client = factories.make_client(clinic)
    browser = login(staff)
    assert "not a medical or therapeutic treatment" in browser.get(
        f"/clients/{client.id}/acknowledgement"
    ).get_data(as_text=True)
    response = browser.post(
        f"/clients/{client.id}/acknowledgement",
        {"acknowledged_on": "2026-11-20", "wording_version": "2026-1", "method": "signed"},
    )
    assert response.status_code == 302
    ack = db.session.scalars(select(Acknowledgement)).one()
    assert (ack.acknowledged_on.isoformat(), ack.method, ack.recorded_by_id) == (
        "2026-11-20",
        "signed",
        staff.id,
    )


def test_acknowledgement_needs_a_known_wording(login, staff, clinic):
    client = factories.make_client(clinic)
    page = login(staff).post(
        f"/clients/{client.id}/acknowledgement",
        {"acknowledged_on": "2026-11-20", "wording_version": "1999", "method": "signed"},
    )
    assert page.status_code == 200 and db.session.scalars(select(Acknowledgement)).first() is None


ID_URLS = ["/clients/{id}/edit", "/clients/{id}/case-history", "/clients/{id}/acknowledgement"]


@pytest.mark.parametrize("url", ID_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_practitioner_cannot_reach_another_practitioners_client(
    login, practitioner, other_practitioner, clinic, url, method
):
    theirs = factories.make_client(clinic, other_practitioner, first_name="Secret")
    browser = login(practitioner)
    response = getattr(browser, method)(
        url.format(id=theirs.id), **({"data": VALID} if method == "post" else {})
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Client, theirs.id).first_name == "Secret"


@pytest.mark.parametrize("url", ID_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_of_another_clinic_cannot_reach_this_clinics_client(
    login, other_clinic_staff, clinic, url, method
):
    client = factories.make_client(clinic, first_name="Secret")
    browser = login(other_clinic_staff)
    response = getattr(browser, method)(
        url.format(id=client.id), **({"data": VALID} if method == "post" else {})
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Client, client.id).first_name == "Secret"


@pytest.mark.parametrize("url", ID_URLS)
def test_a_malformed_id_is_a_404(login, staff, url):
    assert login(staff).get(url.format(id="not-a-uuid")).status_code == 404


def test_list_search_takes_a_fixed_number_of_queries(app, login, staff, practitioner, clinic, count_queries):
    for _ in range(6):
        client = factories.make_client(clinic, practitioner)
        factories.make_appointment(client)
        factories.make_visit(client)
    browser = login(staff)
    with count_queries() as statements:
        browser.get("/clients/")
    # user, count, page, next appointments, last sessions, practitioners (lazy, identity-mapped)
    assert len(statements) <= 8, statements
