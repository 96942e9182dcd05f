"""Does an incremental pull of 100 changes cost the same on 10,000 and 1,000,000 records?

Target (issue 3): the 1,000,000-record time is within 1.5x of the 10,000-record time.
The server database is filled with findings (and their change-log rows) of many
practitioners; then 100 changes are made on one practitioner's caseload and that
practitioner's device pulls them through the real HTTP endpoint of a gunicorn server.

    .venv/bin/python bench/pull_scaling.py                      # PostgreSQL (the clinic engine)
    .venv/bin/python bench/pull_scaling.py --database sqlite    # the embedded default
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench.common import database_url, make_app, running_server  # noqa: E402
from webapp.extensions import db  # noqa: E402

TARGET_RATIO = 1.5


def fill(app, records: int) -> dict:
    """A clinic of 50 practitioners; ``records`` findings spread over their clients."""
    from tests import factories
    from webapp.sync.devices import register_device

    with app.app_context():
        clinic = factories.make_clinic()
        practitioners = [factories.make_user(clinic) for _ in range(50)]
        me = practitioners[0]
        clients = [factories.make_client(clinic, practitioners[n % 50]) for n in range(500)]
        visits = [factories.make_visit(c) for c in clients]
        _device, token, _escrow = register_device(db.session, me, "bench", app.config["SECRET_KEY"])
        db.session.commit()
        _bulk_findings(visits, records)
        db.session.commit()
        return {"token": token, "my_visit": next(v.id for v in visits if v.client.practitioner_id == me.id)}


def _bulk_findings(visits, records: int) -> None:
    """Insert findings and their change-log rows with set-based SQL (fast at a million)."""
    dialect = db.engine.dialect.name
    rows = [
        {
            "n": i,
            "visit": v.id,
            "client": v.client_id,
            "owner": v.client.practitioner_id,
            "clinic": v.client.clinic_id,
        }
        for i, v in enumerate(visits)
    ]
    db.session.execute(
        text(
            "CREATE TEMP TABLE bench_visit (n INTEGER, visit_id CHAR(32), client_id CHAR(32), "
            "owner CHAR(32), clinic CHAR(32))"
            if dialect == "sqlite"
            else "CREATE TEMP TABLE bench_visit (n INTEGER, visit_id UUID, client_id UUID, owner UUID, "
            "clinic UUID)"
        )
    )
    db.session.execute(
        text("INSERT INTO bench_visit VALUES (:n, :visit, :client, :owner, :clinic)"),
        [
            {k: (v.hex if dialect == "sqlite" and isinstance(v, uuid.UUID) else v) for k, v in r.items()}
            for r in rows
        ],
    )
    count = len(visits)
    if dialect == "postgresql":
        series = f"SELECT g AS i FROM generate_series(1, {records}) AS g"
        new_id = "gen_random_uuid()"
    else:
        series = f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {records}) SELECT i FROM s"
        new_id = "lower(hex(randomblob(16)))"
    db.session.execute(
        text(f"""
        CREATE TEMP TABLE bench_finding AS
        SELECT {new_id} AS id, v.visit_id, v.client_id, v.owner, v.clinic, s.i
        FROM ({series}) AS s JOIN bench_visit v ON v.n = s.i % {count}""")
    )
    now = "CURRENT_TIMESTAMP"
    db.session.execute(
        text(f"""
        INSERT INTO finding (id, visit_id, client_id, region, side, muscle_or_test, tension_found, released, note,
                             position, version, field_versions, created_at, updated_at)
        SELECT id, visit_id, client_id, 'calf', 'left', '', true, true, '', 0, i, '{{}}', {now}, {now}
        FROM bench_finding""")
    )
    db.session.execute(
        text("""
        INSERT INTO change_log (tick, txid, kind, entity, entity_id, clinic_id, client_id, practitioner_id)
        SELECT i, 0, 'upsert', 'finding', id, clinic, client_id, owner FROM bench_finding ORDER BY i""")
    )
    db.session.execute(text("DROP TABLE bench_finding"))
    db.session.execute(text("DROP TABLE bench_visit"))


def measure(app, url, records: int, repeats: int) -> float:
    import requests

    setup = fill(app, records)
    auth = {"Authorization": f"Bearer {setup['token']}"}
    with running_server(url) as base:
        cursor = requests.get(f"{base}/api/v1/sync/pull", params={"limit": 1}, headers=auth).json()["cursor"]
        # Skip to the end of the log, as a device that is up to date would be.
        while True:
            body = requests.get(
                f"{base}/api/v1/sync/pull", params={"cursor": cursor, "limit": 5000}, headers=auth
            ).json()
            cursor = body["cursor"]
            if not body["more"]:
                break
        times = []
        for _ in range(repeats):
            with app.app_context():
                from tests import factories
                from webapp.visits.models import Visit

                visit = db.session.get(Visit, setup["my_visit"])
                for _n in range(100):
                    factories.make_finding(visit)
                db.session.commit()
            start = time.perf_counter()
            body = requests.get(f"{base}/api/v1/sync/pull", params={"cursor": cursor}, headers=auth).json()
            times.append(time.perf_counter() - start)
            assert len(body["records"]) == 100, len(body["records"])
            cursor = body["cursor"]
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    results = {}
    for records in (args.small, args.large):
        url = database_url(args.database, f"pull_scaling_{records}")
        app = make_app(url, fresh=True)
        start = time.perf_counter()
        results[records] = measure(app, url, records, args.repeats)
        print(
            f"{records:>9,} records: incremental pull of 100 changes, median of {args.repeats}: "
            f"{results[records] * 1000:.1f} ms  (setup and run {time.perf_counter() - start:.0f} s)"
        )
    ratio = results[args.large] / results[args.small]
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"ratio {ratio:.2f} ({verdict} the target of at most {TARGET_RATIO}x)")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
