"""A believable, made-up clinic: users, clients in every stage of the course, and the diary.

Everything is fictional (phone numbers from the UK's drama range, 07700 900xxx) and
deterministic, with dates relative to today so that the demo always has a past and a week
ahead. Visits follow the course rhythm (day 1, 4, 11); sensations are baselined at the first
visit and mostly ease over the initial three sessions.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

from flask import current_app

from webapp.appointments.models import Appointment
from webapp.auth.models import Clinic, Role, User
from webapp.auth.totp import set_up_totp
from webapp.clients.models import Acknowledgement, CaseHistory, Client
from webapp.demo.people import CLIENTS, PROFILES
from webapp.extensions import db
from webapp.visits.models import Finding, Sensation, SensationRating, Visit
from webapp.vocab.defaults import CURRENT_ACKNOWLEDGEMENT_VERSION, INITIAL_COURSE_DAYS

DEMO_LOGINS = [
    ("admin@riverside.example", "demo-admin-2026", "admin"),
    ("reception@riverside.example", "demo-staff-2026", "staff"),
    ("helen@riverside.example", "demo-practitioner-2026", "practitioner"),
    ("tom@riverside.example", "demo-practitioner-2026", "practitioner"),
]
# The demo's desk logins come with an authenticator app already set up, so that a newcomer
# sees the second factor a clinic would use. These secrets are published (README.md): they
# are for the demo clinic only. A code: python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"
DEMO_TOTP_SECRETS = {
    "admin@riverside.example": "DEMOADMINFIELDBOOKRIVERSIDEGRACE",
    "reception@riverside.example": "DEMOSTAFFFIELDBOOKRIVERSIDERITAA",
}
NAMES = {
    "admin@riverside.example": "Grace Admin",
    "reception@riverside.example": "Rita Reception",
    "helen@riverside.example": "Helen Marsh",
    "tom@riverside.example": "Tom Okafor",
}
ZONE = ZoneInfo("Europe/London")


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(dt.UTC)


def load_demo_data(today: dt.date | None = None, seed: int = 2026) -> Clinic:
    """Add the demo clinic to the session (the caller commits)."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    clinic = Clinic(name="Riverside Body Stress Release", timezone="Europe/London")
    db.session.add(clinic)
    db.session.flush()
    users = {}
    for email, password, role in DEMO_LOGINS:
        user = User(clinic_id=clinic.id, email=email, name=NAMES[email], role=Role(role))
        user.set_password(password)
        db.session.add(user)
        users[email] = user
    db.session.flush()
    for email, secret in DEMO_TOTP_SECRETS.items():
        set_up_totp(users[email], secret, current_app.config["SECRET_KEY"])
    practitioners = [users["helen@riverside.example"], users["tom@riverside.example"]]
    for index, person in enumerate(CLIENTS):
        practitioner = None if person.get("unassigned") else practitioners[index % 2]
        _add_client(clinic, practitioner, person, today, rng, users["reception@riverside.example"])
    db.session.flush()
    return clinic


def _add_client(clinic, practitioner, person, today, rng, receptionist) -> None:
    profile = PROFILES[person["profile"]]
    client = Client(
        clinic_id=clinic.id,
        practitioner_id=practitioner.id if practitioner else None,
        first_name=person["first"],
        last_name=person["last"],
        phone=f"07700 900{rng.randrange(100, 999)}",
        email=f"{person['first'].lower()}.{person['last'].lower()}@example.com",
        date_of_birth=dt.date(today.year - person["age"], rng.randrange(1, 13), rng.randrange(1, 28)),
        address_line=f"{rng.randrange(1, 120)} {person['street']}",
        town=person["town"],
        postcode=person["postcode"],
        heard_about=rng.choice(["A friend", "Their GP's noticeboard", "Web search", "A running club"]),
    )
    db.session.add(client)
    db.session.flush()
    done = person.get("visits", 0)
    if done or person.get("booked_first"):
        db.session.add(CaseHistory(client_id=client.id, **profile["history"]))
    if practitioner is None:
        return
    first_day = today - dt.timedelta(days=person.get("started_days_ago", 0))
    if done:
        db.session.add(
            Acknowledgement(
                client_id=client.id,
                acknowledged_on=first_day,
                wording_version=CURRENT_ACKNOWLEDGEMENT_VERSION,
                method="ticked",
                recorded_by_id=practitioner.id,
            )
        )
        _add_course(client, practitioner, profile, first_day, done, rng)
    _add_bookings(client, practitioner, person, first_day, done, today, rng)


def _add_course(client, practitioner, profile, first_day, done, rng) -> None:
    sensations = [Sensation(client_id=client.id, **s["what"]) for s in profile["sensations"]]
    db.session.add_all(sensations)
    for number in range(1, done + 1):
        # The initial course's rhythm, then a session a fortnight.
        initial = len(INITIAL_COURSE_DAYS)
        offset = (
            INITIAL_COURSE_DAYS[number - 1]
            if number <= initial
            else INITIAL_COURSE_DAYS[-1] + 14 * (number - initial)
        )
        when = at_local(first_day + dt.timedelta(days=offset), rng.choice([9, 10, 11, 14, 15, 16]))
        home = client.address_line and rng.random() < 0.3
        visit = Visit(
            id=uuid.uuid4(),
            client_id=client.id,
            practitioner_id=practitioner.id,
            started_at=when,
            location="home" if home else "clinic",
            address=client.address if home else "",
            number_in_course=number,
            reactions=[] if number == 1 else rng.sample(["tiredness", "thirst", "more_pain", "none"], 1),
            notes=profile["notes"][min(number, len(profile["notes"])) - 1],
            advice=profile["advice"],
            referred=profile.get("referred", False) and number == 1,
            referral_reason=profile.get("referral_reason", "") if number == 1 else "",
            next_step="Next session as planned" if number < 3 else "Review in two weeks",
        )
        db.session.add(visit)
        _add_findings(visit, profile, number, rng)
        for sensation, spec in zip(sensations, profile["sensations"], strict=True):
            start = spec["baseline"]
            eased = max(0, start - round(spec["eases_by"] * (number - 1) + rng.choice([-1, 0, 0, 1])))
            db.session.add(
                SensationRating(
                    sensation=sensation,
                    visit=visit,
                    client_id=client.id,
                    intensity=start if number == 1 else min(10, eased),
                    times_of_day=spec["when"],
                    frequency=spec["often"] if number < 3 else spec.get("later", spec["often"]),
                )
            )


def _add_findings(visit, profile, number, rng) -> None:
    line = uuid.uuid4()
    for position, (region, side) in enumerate(profile["line"]):
        db.session.add(
            Finding(
                visit=visit,
                client_id=visit.client_id,
                region=region,
                side=side,
                tension_found=True,
                released=rng.random() > 0.1 * number,
                tension_line_id=line,
                position=position,
            )
        )
    for region in ("lumbar_l4", "lumbar_l5", "sacrum"):
        if rng.random() < 0.6:
            db.session.add(
                Finding(
                    visit=visit,
                    client_id=visit.client_id,
                    region=region,
                    side=rng.choice(["left", "right", "both"]),
                    tension_found=rng.random() > 0.2,
                    released=True,
                    muscle_or_test=rng.choice(["", "pelvic tilt test", ""]),
                )
            )


def _add_bookings(client, practitioner, person, first_day, done, today, rng) -> None:
    def book(day: dt.date, hour: int, minutes: int) -> None:
        if day.weekday() == 6:  # the clinic is closed on Sundays
            day += dt.timedelta(days=1)
        home = person.get("home")
        db.session.add(
            Appointment(
                clinic_id=client.clinic_id,
                client_id=client.id,
                practitioner_id=practitioner.id,
                starts_at=at_local(day, hour, rng.choice([0, 30])),
                duration_minutes=minutes,
                location="home" if home else "clinic",
                address=client.address if home else "",
            )
        )

    if person.get("booked_first"):
        book(today + dt.timedelta(days=person["booked_first"]), rng.choice([9, 11, 14]), 45)
    elif person.get("next_booked") and done < len(INITIAL_COURSE_DAYS):
        day = max(first_day + dt.timedelta(days=INITIAL_COURSE_DAYS[done]), today)
        book(day, rng.choice([10, 13, 15, 17]), 30)
    elif person.get("next_booked"):
        book(today + dt.timedelta(days=rng.randrange(1, 14)), rng.choice([10, 12, 16]), 30)
