"""The desk's reports on a clinic group's years of data: each page under 300 ms at the 95th
percentile (issue 12).

The data: 10,000 clients of 40 practitioners, 100,000 sessions over three years (ten a
client, a week or two apart, courses restarting), 1,000,000 findings (ten a session),
a sensation a client rated at each session, and an appointment for each session with its
outcome. It goes in with the bulk path (webapp/db.py insert_rows: COPY on PostgreSQL).
Each report is then asked for by a member of staff (the whole clinic, the default range of
the last thirteen months), through the app in this process, as the desk asks for it.

    .venv/bin/python bench/reports.py [--database postgresql] [--clients 10000] [--reuse]

``--reuse`` measures on the data an earlier run built (same size) instead of building it
again, to try a change to a report in seconds rather than minutes; without it every run
starts from an empty database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench.common import database_url, make_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

TARGET_MS = 300
PASSWORD = "bench-password-2026"


def _rows(table, rows) -> None:
    from webapp.db import insert_rows

    insert_rows(db.session, table, rows)


def fill(
    app, clients: int, sessions_each: int, findings_each: int, practitioners: int = 40, years: int = 3
) -> None:
    """The clinic group's data in bulk: ``clients`` shared among ``practitioners``, each first
    seen at some time in the last ``years``, with ``sessions_each`` sessions of ``findings_each``
    findings. (bench/desk_pages.py uses it too, with 50 practitioners over five years.)"""
    from tests import factories
    from webapp.appointments.models import Appointment
    from webapp.auth.models import Role
    from webapp.clients.models import Client
    from webapp.visits.models import Finding, Sensation, SensationRating, Visit

    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with app.app_context():
        clinic = factories.make_clinic("Bench BSR")
        clinic.require_second_factor = False
        staff = factories.make_user(clinic, Role.STAFF, email="staff@bench.example")
        staff.set_password(PASSWORD)
        owners = [factories.make_user(clinic).id for _ in range(practitioners)]
        db.session.commit()
        stamp = {"version": 1, "field_versions": {}, "created_at": now, "updated_at": now}
        complaints = ["calf_cramps", "hip_pain", "knee_pain", "leg_pain", "tired_legs"]
        frequencies = ["constant", "several_daily", "daily", "few_weekly", "occasionally"]
        for start in range(0, clients, 1000):
            client_rows, visit_rows, finding_rows, sensation_rows, rating_rows, booking_rows = (
                [],
                [],
                [],
                [],
                [],
                [],
            )
            for n in range(start, min(start + 1000, clients)):
                client_id, owner = uuid.uuid4(), owners[n % len(owners)]
                client_rows.append(
                    {
                        "id": client_id,
                        "clinic_id": clinic.id,
                        "practitioner_id": owner,
                        "first_name": f"Client{n}",
                        "last_name": "Bench",
                        **stamp,
                    }
                )
                sensation_id = uuid.uuid4()
                sensation_rows.append(
                    {
                        "id": sensation_id,
                        "client_id": client_id,
                        "kind": rng.choice(complaints),
                        "region": "calf",
                        "side": "left",
                        **stamp,
                    }
                )
                when = now - dt.timedelta(days=rng.randint(30, years * 365))
                for number in range(1, sessions_each + 1):
                    visit_id = uuid.uuid4()
                    course_number = (number - 1) % 5 + 1  # a new course every five sessions
                    visit_rows.append(
                        {
                            "id": visit_id,
                            "client_id": client_id,
                            "practitioner_id": owner,
                            "started_at": when,
                            "number_in_course": course_number,
                            "location": "home" if n % 4 == 0 else "clinic",
                            "referred": n % 50 == 0,
                            "advice": [],
                            "reactions": [],
                            **stamp,
                        }
                    )
                    booking_rows.append(
                        {
                            "id": uuid.uuid4(),
                            "clinic_id": clinic.id,
                            "client_id": client_id,
                            "practitioner_id": owner,
                            "starts_at": when,
                            "duration_minutes": 30,
                            "location": "clinic",
                            "status": "booked",
                            "outcome": rng.choice(["attended"] * 8 + ["no_show", "cancelled_late"]),
                            **stamp,
                            "created_at": when - dt.timedelta(days=7),
                        }
                    )
                    rating_rows.append(
                        {
                            "id": uuid.uuid4(),
                            "sensation_id": sensation_id,
                            "visit_id": visit_id,
                            "client_id": client_id,
                            "intensity": max(0, 9 - number + rng.randint(-1, 1)),
                            "frequency": frequencies[min(4, number // 2)],
                            "times_of_day": [],
                            **stamp,
                        }
                    )
                    for position in range(findings_each):
                        finding_rows.append(
                            {
                                "id": uuid.uuid4(),
                                "visit_id": visit_id,
                                "client_id": client_id,
                                "region": "calf",
                                "side": "left",
                                "tension_found": True,
                                "released": True,
                                "position": position,
                                "note": "",
                                **stamp,
                            }
                        )
                    when += dt.timedelta(days=rng.choice([7, 7, 14, 21]))
            _rows(Client.__table__, client_rows)
            _rows(Visit.__table__, visit_rows)
            _rows(Appointment.__table__, booking_rows)
            _rows(Sensation.__table__, sensation_rows)
            _rows(SensationRating.__table__, rating_rows)
            _rows(Finding.__table__, finding_rows)
            db.session.commit()
            print(f"  {min(start + 1000, clients):,} clients in", flush=True)


def _already_filled(app, clients: int, sessions_each: int) -> bool:
    """Whether the database holds the bench's clinic at this size, from an earlier run."""
    from sqlalchemy import func, inspect, select
    from sqlalchemy.schema import CreateIndex

    from webapp.clients.models import Client
    from webapp.visits.models import Visit

    with app.app_context():
        if not inspect(db.engine).has_table(Client.__tablename__):
            return False
        clients_found = db.session.scalar(select(func.count()).select_from(Client))
        visits_found = db.session.scalar(select(func.count()).select_from(Visit))
        if (clients_found, visits_found) != (clients, clients * sessions_each):
            return False
        # create_all makes only missing tables: an index a model gained since the build is
        # made here, so the reused data is measured as a fresh build would be.
        # (IF NOT EXISTS: SQLite's reflection cannot see an index on an expression.)
        with db.engine.begin() as connection:
            for table in db.metadata.sorted_tables:
                for index in table.indexes:
                    connection.execute(CreateIndex(index, if_not_exists=True))
        return True


def measure(app, repeats: int, slugs: list[str]) -> dict[str, tuple[list[float], list[float]]]:
    """Each report's times in ms: wall clock, and this process's CPU (with SQLite, in this
    process, the work itself: a machine busy with other work stretches the first, less the second)."""
    app.config["WTF_CSRF_ENABLED"] = False  # the sign-in of the bench's browser; the reports are GETs
    browser = app.test_client()
    signed_in = browser.post("/login", data={"email": "staff@bench.example", "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
    timings: dict[str, tuple[list[float], list[float]]] = {}
    for slug in slugs:
        browser.get(f"/reports/{slug}")  # a first request warms what a running server has warm
        wall, cpu = timings.setdefault(slug, ([], []))
        for _ in range(repeats):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = browser.get(f"/reports/{slug}")
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--findings", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure on the data of an earlier run")
    parser.add_argument("--report", action="append", help="measure only this report (repeatable)")
    args = parser.parse_args()
    url = database_url(args.database, "reports", keep=args.reuse)
    app = make_app(url, fresh=not args.reuse)
    if args.reuse and _already_filled(app, args.clients, args.sessions):
        print(f"reusing the data of an earlier run: {args.clients:,} clients")
    else:
        if args.reuse:  # something else is there: start again from an empty database
            app = make_app(database_url(args.database, "reports"), fresh=True)
        started = time.perf_counter()
        fill(app, args.clients, args.sessions, args.findings)
        print(
            f"filled {args.clients:,} clients, {args.clients * args.sessions:,} sessions, "
            f"{args.clients * args.sessions * args.findings:,} findings in {time.perf_counter() - started:.0f} s"
        )
    if args.database == "postgresql":
        # A running PostgreSQL's autovacuum analyses tables after a load like this one; the
        # test server here runs with it off, and without statistics the planner guesses one
        # row a table. So the bench analyses, as production would have.
        with app.app_context():
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    from webapp.reports.figures import REPORTS

    slugs = args.report or list(REPORTS)
    missed = 0
    for slug, (times, cpu) in measure(app, args.repeats, slugs).items():
        p95 = statistics.quantiles(times, n=20)[-1]
        verdict = "meets" if p95 < TARGET_MS else "MISSES"
        missed += p95 >= TARGET_MS
        print(
            f"report {slug} ({args.database}): median {statistics.median(times):.0f} ms, "
            f"95th percentile {p95:.0f} ms  target {TARGET_MS} ms: {verdict}  "
            f"(this process's CPU: median {statistics.median(cpu):.0f} ms, "
            f"95th percentile {statistics.quantiles(cpu, n=20)[-1]:.0f} ms)"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
