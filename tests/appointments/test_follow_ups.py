"""Follow-ups due: clients part-way through the initial three with nothing booked."""

import datetime as dt

from tests import factories
from webapp.appointments.services import follow_ups_due
from webapp.db import now_utc


def _due_names(clinic, **kw):
    return {f.client.first_name for f in follow_ups_due(clinic.id, **kw)}


def test_the_rule(app, clinic, practitioner):
    now = now_utc()
    factories.make_client(clinic, practitioner, first_name="NoVisits")
    one = factories.make_client(clinic, practitioner, first_name="One")
    factories.make_visit(one, number=1, started_at=now - dt.timedelta(days=2))
    two_booked = factories.make_client(clinic, practitioner, first_name="TwoBooked")
    factories.make_visit(two_booked, number=1)
    factories.make_visit(two_booked, number=2)
    factories.make_appointment(two_booked, starts_at=now + dt.timedelta(days=3))
    three = factories.make_client(clinic, practitioner, first_name="Three")
    for n in (1, 2, 3):
        factories.make_visit(three, number=n)
    cancelled = factories.make_client(clinic, practitioner, first_name="Cancelled")
    factories.make_visit(cancelled, number=1)
    factories.make_appointment(cancelled, starts_at=now + dt.timedelta(days=1), status="cancelled")
    deleted = factories.make_client(clinic, practitioner, first_name="DeletedVisit")
    factories.make_visit(deleted, number=1, deleted_at=now)
    assert _due_names(clinic) == {"One", "Cancelled"}


def test_suggested_date_follows_the_course_rhythm(app, clinic, practitioner):
    client = factories.make_client(clinic, practitioner)
    first = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    factories.make_visit(client, number=1, started_at=first)
    [due] = follow_ups_due(clinic.id)
    assert due.suggested == dt.date(2026, 11, 5) and due.visits_done == 1
    factories.make_visit(client, number=2, started_at=first + dt.timedelta(days=3))
    [due] = follow_ups_due(clinic.id)
    assert due.suggested == dt.date(2026, 11, 12)


def test_follow_ups_page_is_scoped_and_has_an_empty_state(login, practitioner, other_practitioner, clinic):
    mine = factories.make_client(clinic, practitioner, first_name="Mine")
    factories.make_visit(mine)
    theirs = factories.make_client(clinic, other_practitioner, first_name="Theirs")
    factories.make_visit(theirs)
    page = login(practitioner).get("/appointments/follow-ups").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page and "1 of 3" in page


def test_no_follow_ups_message(login, staff):
    assert "Nobody is waiting for a booking" in login(staff).get("/appointments/follow-ups").get_data(
        as_text=True
    )
