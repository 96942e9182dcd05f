"""The diary: day and week views in clinic time, booking, moving, cancelling."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import factories
from webapp.appointments.models import Appointment
from webapp.appointments.services import local_day_bounds
from webapp.audit.models import AuditEvent
from webapp.extensions import db

LONDON = ZoneInfo("Europe/London")


def _utc(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON).astimezone(dt.UTC)


def _booking(client, practitioner, **over):
    data = {
        "client_id": str(client.id),
        "practitioner_id": str(practitioner.id),
        "day": "2026-12-01",
        "time": "09:30",
        "duration_minutes": "45",
        "location": "clinic",
        "address": "",
        "note": "",
    }
    data.update(over)
    return data


def test_day_view_shows_times_in_clinic_time_across_a_clock_change(login, staff, practitioner, clinic):
    # 29 March 2026: the clocks go forward in London, so 09:30 local is 08:30 UTC.
    client = factories.make_client(clinic, practitioner, first_name="Iris")
    factories.make_appointment(client, starts_at=_utc(2026, 3, 29, 9, 30))
    factories.make_appointment(client, starts_at=_utc(2026, 3, 30, 0, 30))  # the next day, locally
    page = login(staff).get("/appointments/day?date=2026-03-29").get_data(as_text=True)
    assert "09:30–10:00" in page and page.count('class="time"') == 1


def test_local_day_bounds_follow_daylight_saving():
    start, end = local_day_bounds(dt.date(2026, 3, 29), LONDON)
    assert end - start == dt.timedelta(hours=23)


def test_week_view_groups_by_day_and_marks_home_visits(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, first_name="Hugo")
    factories.make_appointment(client, starts_at=_utc(2026, 12, 2, 11), location="home")
    page = login(staff).get("/appointments/week?start=2026-12-03").get_data(as_text=True)
    assert "Week of 30 November 2026" in page and "Home visit" in page and "Hugo" in page


def test_practitioner_sees_only_their_own_appointments(login, practitioner, other_practitioner, clinic):
    mine = factories.make_client(clinic, practitioner, first_name="Mine")
    theirs = factories.make_client(clinic, other_practitioner, first_name="Theirs")
    factories.make_appointment(mine, starts_at=_utc(2026, 12, 1, 10))
    factories.make_appointment(theirs, starts_at=_utc(2026, 12, 1, 11))
    page = login(practitioner).get(f"/appointments/day?date=2026-12-01&practitioner={other_practitioner.id}")
    text = page.get_data(as_text=True)
    assert "Mine" in text and "Theirs" not in text


def test_staff_filters_by_practitioner(login, staff, practitioner, other_practitioner, clinic):
    factories.make_appointment(
        factories.make_client(clinic, practitioner, first_name="Mine"), starts_at=_utc(2026, 12, 1, 10)
    )
    factories.make_appointment(
        factories.make_client(clinic, other_practitioner, first_name="Theirs"),
        starts_at=_utc(2026, 12, 1, 11),
    )
    browser = login(staff)
    both = browser.get("/appointments/day?date=2026-12-01").get_data(as_text=True)
    one = browser.get(f"/appointments/day?date=2026-12-01&practitioner={practitioner.id}").get_data(
        as_text=True
    )
    assert "Mine" in both and "Theirs" in both
    assert "Mine" in one and "Theirs" not in one


def test_empty_day_says_so(login, staff):
    assert "No appointments on this day." in login(staff).get("/appointments/day?date=2026-12-25").get_data(
        as_text=True
    )


def test_booking_stores_clinic_time_as_utc_and_is_audited(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    response = login(staff).post("/appointments/new", _booking(client, practitioner))
    assert response.status_code == 302
    appointment = db.session.scalars(select(Appointment)).one()
    assert appointment.starts_at == _utc(2026, 12, 1, 9, 30) and appointment.duration_minutes == 45
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "appointment.create")).one()


def test_a_home_visit_needs_an_address(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    page = login(staff).post(
        "/appointments/new", _booking(client, practitioner, location="home", note="gate code 12")
    )
    text = page.get_data(as_text=True)
    assert "Enter the address for the home visit." in text and "gate code 12" in text
    assert db.session.scalars(select(Appointment)).first() is None


def test_a_bad_date_is_explained_and_the_input_kept(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    page = (
        login(staff)
        .post("/appointments/new", _booking(client, practitioner, day="2026-02-30"))
        .get_data(as_text=True)
    )
    assert "Start must be a date and time." in page and 'value="2026-02-30"' in page


def test_moving_an_appointment(login, staff, practitioner, clinic):
    appointment = factories.make_appointment(
        factories.make_client(clinic, practitioner), starts_at=_utc(2026, 12, 1, 9)
    )
    data = _booking(appointment.client, practitioner, day="2026-12-04", time="14:00", duration_minutes="30")
    assert login(staff).post(f"/appointments/{appointment.id}/edit", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).starts_at == _utc(2026, 12, 4, 14)


def test_cancelling_keeps_the_record_marked_cancelled(login, staff, practitioner, clinic):
    appointment = factories.make_appointment(factories.make_client(clinic, practitioner))
    assert login(staff).post(f"/appointments/{appointment.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "cancelled"


def test_practitioner_cannot_book_for_a_colleague_or_a_colleagues_client(
    login, practitioner, other_practitioner, clinic
):
    mine = factories.make_client(clinic, practitioner)
    theirs = factories.make_client(clinic, other_practitioner)
    browser = login(practitioner)
    for data in (_booking(mine, other_practitioner), _booking(theirs, practitioner)):
        assert browser.post("/appointments/new", data).status_code == 200
    assert db.session.scalars(select(Appointment)).first() is None


@pytest.mark.parametrize(
    "url, method",
    [
        ("/appointments/{id}/edit", "get"),
        ("/appointments/{id}/edit", "post"),
        ("/appointments/{id}/cancel", "post"),
    ],
)
def test_another_practitioners_appointment_is_not_found(
    login, practitioner, other_practitioner, clinic, url, method
):
    appointment = factories.make_appointment(factories.make_client(clinic, other_practitioner))
    browser = login(practitioner)
    response = getattr(browser, method)(
        url.format(id=appointment.id),
        **({"data": _booking(appointment.client, practitioner)} if method == "post" else {}),
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "booked"


@pytest.mark.parametrize(
    "url, method",
    [
        ("/appointments/{id}/edit", "get"),
        ("/appointments/{id}/edit", "post"),
        ("/appointments/{id}/cancel", "post"),
    ],
)
def test_another_clinics_appointment_is_not_found(
    login, other_clinic_staff, practitioner, clinic, url, method
):
    appointment = factories.make_appointment(factories.make_client(clinic, practitioner))
    response = getattr(login(other_clinic_staff), method)(url.format(id=appointment.id))
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "booked"
