"""What became of an appointment: set from the day view, by a session recorded for it, and synced."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import factories
from tests.sync.conftest import change
from webapp.appointments.models import Appointment
from webapp.audit.models import AuditEvent
from webapp.auth.models import Clinic
from webapp.db import now_utc
from webapp.extensions import db


def _past(client, **fields):
    return factories.make_appointment(
        client, starts_at=now_utc().replace(microsecond=0) - dt.timedelta(hours=3), **fields
    )


def _day_of(appointment):
    """The day the desk's day view shows it on: the clinic's date, not UTC's."""
    zone = ZoneInfo(db.session.get(Clinic, appointment.clinic_id).timezone or "Europe/London")
    return appointment.starts_at.astimezone(zone).date().isoformat()


def _stored(appointment):
    db.session.expire_all()
    return db.session.get(Appointment, appointment.id)


def test_staff_record_a_no_show_from_the_day_view(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, first_name="Noor")
    appointment = _past(client)
    browser = login(staff)
    day = browser.get(f"/appointments/day?date={_day_of(appointment)}").get_data(as_text=True)
    assert f'id="outcome-{appointment.id}"' in day and "What became of Noor" in day
    response = browser.post(f"/appointments/{appointment.id}/outcome", {"outcome": "no_show"})
    assert response.status_code == 302
    stored = _stored(appointment)
    assert (stored.outcome, stored.status) == ("no_show", "booked")
    assert stored.version > appointment.version or stored.version > 0  # a change phones pull
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "appointment.outcome")).one()
    assert (event.user_id, event.detail) == (staff.id, {"outcome": "no_show"})
    day = browser.get(f"/appointments/day?date={_day_of(appointment)}").get_data(as_text=True)
    assert 'data-outcome="no_show">Did not come<' in day


def test_a_late_cancellation_frees_the_time(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    appointment = factories.make_appointment(client)  # tomorrow
    login(staff).post(f"/appointments/{appointment.id}/outcome", {"outcome": "cancelled_late"})
    assert (_stored(appointment).outcome, _stored(appointment).status) == ("cancelled_late", "cancelled")


def test_whether_the_client_came_cannot_be_said_before_the_time(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    appointment = factories.make_appointment(client)  # tomorrow
    browser = login(staff)
    day = browser.get(f"/appointments/day?date={_day_of(appointment)}").get_data(as_text=True)
    form = day[day.index(f'id="outcome-{appointment.id}"') :]
    form = form[: form.index("</select>")]
    assert "Cancelled late" in form and "Attended" not in form and "Did not come" not in form
    response = browser.post(
        f"/appointments/{appointment.id}/outcome", {"outcome": "attended"}, follow_redirects=True
    )
    assert "has not started yet" in response.get_data(as_text=True)
    assert _stored(appointment).outcome is None


@pytest.mark.parametrize("value", ["", "maybe", "ATTENDED"])
def test_an_unknown_outcome_is_refused_with_a_message(login, staff, practitioner, clinic, value):
    client = factories.make_client(clinic, practitioner)
    appointment = _past(client)
    response = login(staff).post(
        f"/appointments/{appointment.id}/outcome", {"outcome": value}, follow_redirects=True
    )
    assert response.status_code == 200 and "Choose what happened" in response.get_data(as_text=True)
    assert _stored(appointment).outcome is None


def test_cancelling_records_a_plain_cancellation(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    appointment = factories.make_appointment(client)
    login(staff).post(f"/appointments/{appointment.id}/cancel")
    assert (_stored(appointment).status, _stored(appointment).outcome) == ("cancelled", "cancelled")


def test_nobody_sets_the_outcome_of_an_appointment_they_cannot_see(
    login, practitioner, other_practitioner, other_clinic_staff, clinic
):
    client = factories.make_client(clinic, practitioner)
    appointment = _past(client)
    for outsider in (other_practitioner, other_clinic_staff):
        assert (
            login(outsider)
            .post(f"/appointments/{appointment.id}/outcome", {"outcome": "no_show"})
            .status_code
            == 404
        )
    assert (
        login(practitioner).post(f"/appointments/{uuid.uuid4()}/outcome", {"outcome": "no_show"}).status_code
        == 404
    )
    assert _stored(appointment).outcome is None


def test_a_session_recorded_for_an_appointment_marks_it_attended_and_phones_learn_it(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    appointment = _past(client, outcome="no_show")  # marked too soon at the desk: the session says otherwise
    db.session.commit()
    phone, other_phone = make_device(practitioner), make_device(practitioner)
    other_phone.pull()
    [result] = phone.push(
        change(
            "visit",
            uuid.uuid4(),
            client_id=client.id,
            appointment_id=appointment.id,
            started_at=appointment.starts_at.isoformat(),
            location="clinic",
            number_in_course=1,
        )
    )
    assert result["status"] == "applied"
    assert _stored(appointment).outcome == "attended"
    pulled = [r for r in other_phone.pull()["records"] if r["entity"] == "appointment"]
    assert pulled and pulled[0]["fields"]["outcome"] == "attended"


def test_a_phone_may_record_an_outcome_but_not_an_unknown_one(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    appointment = _past(client)
    db.session.commit()
    phone = make_device(practitioner)
    [bad] = phone.push(change("appointment", appointment.id, appointment.version, outcome="vanished"))
    assert bad["status"] == "rejected" and "outcome" in bad["errors"]
    [good] = phone.push(change("appointment", appointment.id, appointment.version, outcome="no_show"))
    assert good["status"] == "applied" and _stored(appointment).outcome == "no_show"
