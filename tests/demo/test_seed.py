"""The demo clinic loads, is believable, follows the domain's rules, and can be signed in to."""

import datetime as dt

from sqlalchemy import func, select

from tests.conftest import Browser
from webapp.appointments.models import Appointment
from webapp.auth.models import Role, User
from webapp.clients.models import Client
from webapp.demo.seed import DEMO_LOGINS, load_demo_data
from webapp.extensions import db
from webapp.sync.entities import ENTITIES, serialise
from webapp.visits.models import Sensation, SensationRating, Visit


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_has_the_promised_people_and_diary(app):
    load_demo_data()
    db.session.commit()
    assert {u.role for u in db.session.scalars(select(User))} == {Role.ADMIN, Role.STAFF, Role.PRACTITIONER}
    assert _count(User, User.role == Role.PRACTITIONER) == 2
    assert 25 <= _count(Client) <= 35
    assert _count(Visit) > 40
    now = dt.datetime.now(dt.UTC)
    assert _count(Appointment, Appointment.starts_at > now) >= 10
    assert _count(Appointment, Appointment.starts_at > now, Appointment.location == "home") >= 2
    assert _count(Client, Client.practitioner_id.is_(None)) >= 1


def test_every_sensation_has_its_baseline_at_the_first_visit(app):
    load_demo_data()
    db.session.commit()
    for sensation in db.session.scalars(select(Sensation)):
        numbers = db.session.scalars(
            select(Visit.number_in_course)
            .join(SensationRating)
            .where(SensationRating.sensation_id == sensation.id)
        ).all()
        assert 1 in numbers


def test_every_demo_record_passes_the_rules_the_app_enforces(app):
    load_demo_data()
    db.session.commit()
    for entity in ENTITIES.values():
        for record in db.session.scalars(select(entity.model)):
            fields = serialise(entity, record)["fields"]
            settable = {k: v for k, v in fields.items() if k in entity.schema.fields}
            checked = entity.schema.validate(settable)
            assert checked.ok, (entity.name, checked.errors)


def test_some_clients_are_due_a_follow_up(app):
    load_demo_data()
    db.session.commit()
    now = dt.datetime.now(dt.UTC)
    due = 0
    for client in db.session.scalars(select(Client)):
        visits = _count(Visit, Visit.client_id == client.id)
        booked = _count(Appointment, Appointment.client_id == client.id, Appointment.starts_at > now)
        due += 1 <= visits < 3 and not booked
    assert due >= 3


def test_demo_logins_sign_in(app):
    load_demo_data()
    db.session.commit()
    for email, password, _role in DEMO_LOGINS:
        browser = Browser(app)
        response = browser.post("/login", {"email": email, "password": password})
        assert response.status_code == 302, email


def test_load_demo_command_refuses_to_load_twice(runner):
    first = runner.invoke(args=["load-demo"])
    assert "Demo data loaded" in first.output and "demo-admin-2026" in first.output
    second = runner.invoke(args=["load-demo"])
    assert "already has users" in second.output
    assert _count(Client) < 40
