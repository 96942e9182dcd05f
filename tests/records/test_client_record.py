"""The printable client record and its progress charts."""

import uuid

import pytest
from sqlalchemy import select

from tests import factories
from webapp.audit.models import AuditEvent
from webapp.db import now_utc
from webapp.extensions import db
from webapp.records.chart import Point, intensity_chart


def _full_client(clinic, practitioner):
    client = factories.make_client(clinic, practitioner, first_name="Dora")
    factories.make_case_history(client, reported_diagnoses="Sciatica, said the GP")
    factories.make_acknowledgement(client, practitioner)
    first = factories.make_visit(client, number=1)
    second = factories.make_visit(client, number=2)
    line = uuid.uuid4()
    factories.make_finding(first, "lumbar_l5", "left", tension_line_id=line, position=0, released=True)
    factories.make_finding(first, "buttock", "left", tension_line_id=line, position=1)
    factories.make_finding(first, "calf", "both", muscle_or_test="calf squeeze")
    sensation = factories.make_sensation(client, "calf_cramps", "calf", "left")
    factories.make_rating(sensation, first, 8)
    factories.make_rating(sensation, second, 3)
    return client


def test_record_shows_history_findings_side_by_side_lines_and_progress(login, staff, practitioner, clinic):
    client = _full_client(clinic, practitioner)
    page = login(staff).get(f"/clients/{client.id}/record").get_data(as_text=True)
    # The case history's own words (clients/schemas.py), as the phone shows them too.
    assert (
        "Conditions diagnosed by a doctor (as the client reports them)" in page
        and "Sciatica, said the GP" in page
    )
    assert "Line of tension:</strong> Lower back, L5 left → Buttock (gluteal) left" in page
    assert page.count("calf squeeze") == 2  # a "both" finding shows on the left and on the right
    assert 'aria-label="Calf cramps, left calf: baseline 8, latest 3 out of 10 at visit 2"' in page
    assert 'stroke-dasharray="6 4"' in page and "-5" in page
    assert "Not yet acknowledged" not in page


def test_record_empty_states(login, staff, clinic):
    client = factories.make_client(clinic)
    page = login(staff).get(f"/clients/{client.id}/record").get_data(as_text=True)
    assert (
        "No case history yet" in page and "No sessions yet." in page and "No sensations recorded yet" in page
    )
    assert "Not yet acknowledged" in page


def test_deleted_sessions_are_not_shown(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    factories.make_visit(client, number=1, notes="kept note")
    factories.make_visit(client, number=2, notes="gone note", deleted_at=now_utc())
    page = login(staff).get(f"/clients/{client.id}/record").get_data(as_text=True)
    assert "kept note" in page and "gone note" not in page


def test_viewing_a_record_is_audited(login, staff, clinic):
    client = factories.make_client(clinic)
    login(staff).get(f"/clients/{client.id}/record")
    event_row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "client.view")).one()
    assert (event_row.user_id, event_row.subject_id) == (staff.id, str(client.id))


def test_record_takes_a_fixed_number_of_queries(login, staff, practitioner, clinic, count_queries):
    client = _full_client(clinic, practitioner)
    for n in range(3, 8):
        visit = factories.make_visit(client, number=n)
        factories.make_finding(visit)
    browser = login(staff)
    with count_queries() as statements:
        browser.get(f"/clients/{client.id}/record")
    assert len(statements) <= 16, "\n".join(s[:90] for s in statements)


@pytest.mark.parametrize("who", ["other_practitioner", "other_clinic_staff"])
def test_record_is_not_found_for_those_without_access(request, login, practitioner, clinic, who):
    client = factories.make_client(clinic, practitioner)
    assert login(request.getfixturevalue(who)).get(f"/clients/{client.id}/record").status_code == 404


def test_a_malformed_record_id_is_a_404(login, staff):
    assert login(staff).get("/clients/nope/record").status_code == 404


def test_chart_escapes_text_and_scales_points():
    svg = intensity_chart('<b>"x"</b>', [Point(1, 10), Point(3, 0)])
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert 'points="36.0,12.0 348.0,148.0"' in svg


def test_chart_with_one_point_or_none():
    assert "not yet re-rated" in intensity_chart("Knee", [Point(1, 4)])
    assert "No ratings yet" in intensity_chart("Knee", [])


def _conflict(clinic, client, staff_or_user, entity="client", field="phone"):
    from webapp.sync.models import SyncConflict

    conflict = SyncConflict(
        id=uuid.uuid4(),
        clinic_id=clinic.id,
        client_id=client.id,
        entity=entity,
        entity_id=client.id,
        field=field,
        server_value={"value": "0100"},
        device_value={"value": "0999"},
        base_version=1,
        change_id=uuid.uuid4(),
        user_id=staff_or_user.id,
    )
    db.session.add(conflict)
    db.session.flush()
    return conflict


def test_desk_sees_and_resolves_a_conflict_on_client_details(login, staff, practitioner, clinic):
    from webapp.clients.models import Client

    client = factories.make_client(clinic, practitioner, phone="0100")
    conflict = _conflict(clinic, client, practitioner)
    browser = login(staff)
    assert "Use the phone" in browser.get(f"/clients/{client.id}/record").get_data(as_text=True)
    response = browser.post(f"/clients/{client.id}/conflicts/{conflict.id}/resolve", {"choice": "mine"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Client, client.id).phone == "0999" and conflict.resolution == "mine"


def test_desk_cannot_settle_a_practitioners_findings(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    conflict = _conflict(clinic, client, practitioner, entity="finding", field="note")
    browser = login(staff)
    assert "decides this one on their phone" in browser.get(f"/clients/{client.id}/record").get_data(
        as_text=True
    )
    assert (
        browser.post(f"/clients/{client.id}/conflicts/{conflict.id}/resolve", {"choice": "mine"}).status_code
        == 404
    )


def test_another_clinics_conflict_is_not_found(login, other_clinic_staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    conflict = _conflict(clinic, client, practitioner)
    response = login(other_clinic_staff).post(
        f"/clients/{client.id}/conflicts/{conflict.id}/resolve", {"choice": "mine"}
    )
    assert response.status_code == 404 and conflict.resolved_at is None


def test_a_findings_direction_shows_in_words_the_clinics_own_too(login, staff, practitioner, clinic):
    from webapp.vocab.models import VocabularyTerm

    db.session.add(
        VocabularyTerm(clinic_id=clinic.id, kind="direction", code="diagonal_up", label="Diagonally upwards")
    )
    client = factories.make_client(clinic, practitioner)
    visit = factories.make_visit(client)
    factories.make_finding(visit, "hip", "left", direction="medial")
    factories.make_finding(visit, "knee", "right", direction="diagonal_up")
    factories.make_finding(visit, "calf", "right")
    page = login(staff).get(f"/clients/{client.id}/record").get_data(as_text=True)
    assert '<span class="direction"> · Direction: Towards the midline</span>' in page
    assert '<span class="direction"> · Direction: Diagonally upwards</span>' in page
    assert (
        page.count('<span class="direction">') == 2
    )  # none said for a finding without one (the chart draws arrows apart)


@pytest.mark.parametrize(
    ("value", "unit", "words"),
    [
        (7, ("hour", "hours"), "7 hours"),
        (7.0, ("hour", "hours"), "7 hours"),
        (1, ("hour", "hours"), "1 hour"),
        (1.5, ("litre", "litres"), "1.5 litres"),
        (0.5, ("litre", "litres"), "0.5 litres"),
        (10, None, "10"),
        (0, ("hour", "hours"), "0 hours"),
    ],
)
def test_numbers_are_written_as_people_write_them(value, unit, words):
    from decimal import Decimal

    from webapp.records.services import number_words

    assert number_words(value, unit) == words
    assert number_words(Decimal(str(value)), unit) == words


def test_the_case_history_prints_amounts_in_words_and_unanswered_questions_as_not_asked(
    login, staff, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    factories.make_case_history(client, water_litres_per_day=None, takes_magnesium=None)  # 8 hours sitting
    page = login(staff).get(f"/clients/{client.id}/record").get_data(as_text=True)
    assert "<dt>Hours sitting a day</dt><dd>8 hours</dd>" in page
    assert "8.0" not in page
    assert "<dt>Water a day (litres)</dt><dd>Not asked</dd>" in page
    assert "<dt>Takes magnesium</dt><dd>Not asked</dd>" in page
    assert "<dt>Goals</dt>" not in page and "<dt>The client&#39;s own goals</dt><dd>—</dd>" in page


def test_a_no_answer_prints_as_no(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    factories.make_case_history(client, water_litres_per_day=1.5, takes_magnesium=False)
    page = login(staff).get(f"/clients/{client.id}/record").get_data(as_text=True)
    assert "<dt>Water a day (litres)</dt><dd>1.5 litres</dd>" in page
    assert "<dt>Takes magnesium</dt><dd>No</dd>" in page
