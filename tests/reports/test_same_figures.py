"""The reports count in SQL, and must give the same figures as counting every row in Python
(row_by_row.py) on awkward data: sessions either side of a clock change and of local
midnight, courses begun before the range, sessions out of order, deleted records,
bookings made exactly a week after a session, a zone whose offset is not whole hours."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.reports.row_by_row import REFERENCE
from webapp.appointments.services import local_day_bounds
from webapp.auth.models import Role
from webapp.db import now_utc
from webapp.extensions import db
from webapp.reports.figures import REPORTS, Filters

FIRST_DAY, LAST_DAY = dt.date(2025, 1, 15), dt.date(2025, 12, 10)
OUTCOMES = [None, "attended", "attended", "no_show", "cancelled_late", "cancelled"]
FREQUENCIES = ["constant", "several_daily", "daily", "few_weekly", "occasionally", "now_and_then"]


def _awkward_moments(zone: ZoneInfo) -> list[dt.datetime]:
    """Instants where a period could be misjudged: the clock changes of London and Adelaide,
    local midnight as a month or a week (a Monday) begins, in summer time and out of it, and
    the range's own ends."""
    clock_changes = [dt.date(2025, 3, 30), dt.date(2025, 4, 6), dt.date(2025, 10, 5), dt.date(2025, 10, 26)]
    months = [dt.date(2025, month, 1) for month in range(2, 13)]
    mondays = [dt.date(2025, 3, 31), dt.date(2025, 4, 7), dt.date(2025, 6, 30), dt.date(2025, 10, 6)]
    days = [*clock_changes, *months, *mondays, FIRST_DAY, LAST_DAY + dt.timedelta(days=1)]
    return [dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC) for day in days]


def _fill(clinic, other_clinic, practitioners, zone: ZoneInfo, seed: int) -> None:
    rng = random.Random(seed)
    awkward = _awkward_moments(zone)
    range_start, _ = local_day_bounds(FIRST_DAY, zone)

    def moment() -> dt.datetime:
        if rng.random() < 0.6:  # within two hours either side of an awkward instant
            return rng.choice(awkward) + dt.timedelta(
                minutes=rng.randint(-120, 120), microseconds=rng.randint(0, 999_999)
            )
        return range_start + dt.timedelta(days=rng.uniform(-90, 360))

    elsewhere = factories.make_user(other_clinic)
    owners = [*practitioners, None]
    for n in range(14):
        owner = elsewhere if n == 13 else rng.choice(owners)
        client = factories.make_client(other_clinic if n == 13 else clinic, owner)
        if n == 12:
            client.deleted_at = now_utc()  # a deleted client's records count for nobody
        visits = []
        when = moment()
        number = 1
        for _ in range(rng.randint(1, 9)):
            if rng.random() < 0.15:
                number = rng.randint(1, 4)  # a record begun mid-course, or a wrong clock
            who = rng.choice(practitioners) if owner is None or rng.random() < 0.2 else owner
            visit = factories.make_visit(
                client,
                who if n != 13 else elsewhere,
                number=number,
                started_at=when,
                location=rng.choice(["home", "clinic", "clinic"]),
                referred=rng.random() < 0.2,
                deleted_at=now_utc() if rng.random() < 0.1 else None,
            )
            visits.append(visit)
            if rng.random() < 0.3:  # booked exactly a week after the session, to the microsecond
                factories.make_appointment(
                    client,
                    who,
                    starts_at=when + dt.timedelta(days=rng.choice([0, 9])),
                    created_at=when + dt.timedelta(days=7),
                    outcome=rng.choice(OUTCOMES),
                )
            number = number + 1 if rng.random() < 0.8 else 1
            when = (
                moment()
                if rng.random() < 0.3
                else when + dt.timedelta(days=rng.choice([3, 7, 7, 14]), hours=rng.randint(-3, 3))
            )
        for _ in range(rng.randint(0, 6)):
            starts = moment()
            factories.make_appointment(
                client,
                rng.choice(practitioners) if n != 13 else elsewhere,
                starts_at=starts,
                created_at=starts - dt.timedelta(days=rng.uniform(0, 20)),
                outcome=rng.choice(OUTCOMES),
                deleted_at=now_utc() if rng.random() < 0.1 else None,
            )
        for kind in rng.sample(["calf_cramps", "hip_pain", "knee_pain"], rng.randint(0, 2)):
            sensation = factories.make_sensation(client, kind)
            for visit in visits:
                if rng.random() < 0.8:
                    rating = factories.make_rating(
                        sensation, visit, rng.randint(0, 10), rng.choice(FREQUENCIES)
                    )
                    if rng.random() < 0.1:
                        rating.deleted_at = now_utc()
            if rng.random() < 0.1:
                sensation.deleted_at = now_utc()
    db.session.commit()


@pytest.mark.parametrize("zone_name", ["Europe/London", "Australia/Adelaide"])
@pytest.mark.parametrize("seed", [1, 2])
def test_every_report_gives_the_figures_of_counting_row_by_row(
    app, clinic, other_clinic, staff, practitioner, other_practitioner, zone_name, seed
):
    zone = ZoneInfo(zone_name)
    _fill(clinic, other_clinic, [practitioner, other_practitioner], zone, seed)
    start, _ = local_day_bounds(FIRST_DAY, zone)
    _, end = local_day_bounds(LAST_DAY, zone)
    compared = 0
    for reader in (staff, practitioner):
        asked = [None] if reader.role == Role.PRACTITIONER else [None, other_practitioner.id]
        for practitioner_id in asked:
            for by in ("week", "month"):
                filters = Filters(start, end, zone, practitioner_id, by)
                for slug, report in REPORTS.items():
                    expected = REFERENCE[slug](db.session, reader, filters)
                    assert report.figures(db.session, reader, filters) == expected, (slug, reader.role, by)
                    compared += bool(expected.rows)
    assert compared > 30  # the data gave most reports something to count
