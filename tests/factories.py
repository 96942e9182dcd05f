"""Factories for test data: each makes one record with sensible defaults and flushes it."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import time

import pyotp
from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from webapp.appointments.models import Appointment
from webapp.auth import totp
from webapp.auth.models import Clinic, Role, TotpFactor, User
from webapp.auth.sealing import unseal
from webapp.clients.models import Acknowledgement, CaseHistory, Client
from webapp.db import now_utc
from webapp.extensions import db
from webapp.visits.models import Finding, Sensation, SensationRating, Visit

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    # Hashing once keeps tests fast: scrypt is deliberately slow.
    return generate_password_hash(PASSWORD, method="scrypt")


def make_clinic(name: str = "Riverside BSR") -> Clinic:
    clinic = Clinic(name=name)
    db.session.add(clinic)
    db.session.flush()
    return clinic


def make_user(
    clinic: Clinic,
    role: Role = Role.PRACTITIONER,
    *,
    name: str | None = None,
    email: str | None = None,
    active: bool = True,
) -> User:
    n = next(_counter)
    user = User(
        clinic_id=clinic.id,
        role=role,
        name=name or f"{role.value.title()} {n}",
        email=email or f"{role.value}{n}@example.test",
        password_hash=_password_hash(),
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_client(clinic: Clinic, practitioner: User | None = None, **fields) -> Client:
    n = next(_counter)
    values = {
        "first_name": f"Alex{n}",
        "last_name": f"Morgan{n}",
        "phone": "07700 900000",
        "address_line": f"{n} Mill Lane",
        "town": "Ashford",
        "postcode": "TN23 1AA",
    }
    values.update(fields)
    client = Client(clinic_id=clinic.id, practitioner_id=practitioner.id if practitioner else None, **values)
    db.session.add(client)
    db.session.flush()
    return client


def make_case_history(client: Client, **fields) -> CaseHistory:
    history = CaseHistory(client_id=client.id, occupation="Accountant", sitting_hours_per_day=8, **fields)
    db.session.add(history)
    db.session.flush()
    return history


def make_acknowledgement(client: Client, recorded_by: User | None = None) -> Acknowledgement:
    ack = Acknowledgement(
        client_id=client.id,
        acknowledged_on=dt.date.today(),
        wording_version="2026-1",
        method="ticked",
        recorded_by_id=recorded_by.id if recorded_by else None,
    )
    db.session.add(ack)
    db.session.flush()
    return ack


def make_appointment(
    client: Client,
    practitioner: User | None = None,
    *,
    starts_at: dt.datetime | None = None,
    location: str = "clinic",
    **fields,
) -> Appointment:
    practitioner_id = practitioner.id if practitioner else client.practitioner_id
    appointment = Appointment(
        clinic_id=client.clinic_id,
        client_id=client.id,
        practitioner_id=practitioner_id,
        starts_at=starts_at or now_utc().replace(microsecond=0) + dt.timedelta(days=1),
        location=location,
        address=client.address if location == "home" else "",
        **fields,
    )
    db.session.add(appointment)
    db.session.flush()
    return appointment


def make_visit(
    client: Client,
    practitioner: User | None = None,
    *,
    number: int = 1,
    started_at: dt.datetime | None = None,
    **fields,
) -> Visit:
    visit = Visit(
        client_id=client.id,
        practitioner_id=(practitioner.id if practitioner else client.practitioner_id),
        started_at=started_at or now_utc() - dt.timedelta(days=14 - 4 * number),
        number_in_course=number,
        **fields,
    )
    db.session.add(visit)
    db.session.flush()
    return visit


def make_finding(visit: Visit, region: str = "lumbar_l4", side: str = "left", **fields) -> Finding:
    finding = Finding(visit_id=visit.id, client_id=visit.client_id, region=region, side=side, **fields)
    db.session.add(finding)
    db.session.flush()
    return finding


def make_sensation(
    client: Client, kind: str = "calf_cramps", region: str = "calf", side: str = "left"
) -> Sensation:
    sensation = Sensation(client_id=client.id, kind=kind, region=region, side=side)
    db.session.add(sensation)
    db.session.flush()
    return sensation


def make_rating(
    sensation: Sensation,
    visit: Visit,
    intensity: int,
    frequency: str = "daily",
    times_of_day: list[str] | None = None,
) -> SensationRating:
    rating = SensationRating(
        sensation_id=sensation.id,
        visit_id=visit.id,
        client_id=sensation.client_id,
        intensity=intensity,
        frequency=frequency,
        times_of_day=times_of_day or ["night"],
    )
    db.session.add(rating)
    db.session.flush()
    return rating


def enrol_totp(user: User) -> str:
    """Give ``user`` a confirmed authenticator app (no recovery codes); returns its secret."""
    secret = pyotp.random_base32()
    totp.set_up_totp(user, secret, current_app.config["SECRET_KEY"])
    return secret


def _totp_factor(user_id) -> TotpFactor | None:
    return db.session.scalar(
        select(TotpFactor).where(TotpFactor.user_id == user_id).execution_options(populate_existing=True)
    )


def totp_secret(user: User) -> str | None:
    """The secret of ``user``'s authenticator app, as their phone holds it, if they have one."""
    factor = _totp_factor(user.id)
    if factor is None:
        return None
    return unseal(factor.secret_sealed, current_app.config["SECRET_KEY"], totp.PURPOSE, str(user.id)).decode()


def next_totp_code(user: User) -> str:
    """A code of ``user``'s app that the server will accept: of one of the three 30-second steps
    it accepts now and not yet used (if all three were, this waits for the next step)."""
    secret, factor = totp_secret(user), _totp_factor(user.id)
    while True:
        now = int(time.time() // totp.STEP_SECONDS)
        for step in range(now - totp.DRIFT_STEPS, now + totp.DRIFT_STEPS + 1):
            if step > factor.last_used_step:
                return pyotp.TOTP(secret).at(step * totp.STEP_SECONDS)
        time.sleep(totp.STEP_SECONDS - time.time() % totp.STEP_SECONDS + 0.05)
