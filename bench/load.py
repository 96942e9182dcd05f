"""Many phones at once: the server under 200 syncing phones and 20 desk users (issue 13).

The server runs as docs/deployment.md recommends for a two-core host (gunicorn, 4 workers,
the redacting access log) on PostgreSQL. The data is a clinic group's: 40 practitioners,
2,000 clients with five sessions of ten findings each, built in bulk (bench/reports.py).
Locust (bench/locustfile.py) then plays 200 phones, each pulling every 60 seconds and
pushing 20 realistic changes every 5 minutes, and 20 desk users opening the day view, the
client list and record pages, for 10 minutes. Targets at the 95th percentile: a pull at
most 100 ms, a push of 20 changes at most 250 ms, a desk page at most 200 ms; no errors.

With --find-limit it then runs shorter stages with more and more phones at the same
per-phone rate and reports the largest number that still meets every target, with where
the CPU went (the server's workers, PostgreSQL, Locust itself: all on this one machine).

    .venv/bin/python bench/load.py [--phones 200] [--minutes 10] [--find-limit]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WORK, database_url, make_app, running_server  # noqa: E402
from bench.reports import PASSWORD, fill  # noqa: E402

TARGETS_MS = {"pull": 100, "push of 20 changes": 250, "desk: ": 200}
DESK_USERS = 20
WORKERS = 4  # twice the cores, as docs/deployment.md recommends
STAGES = (400, 800, 1600, 3200, 6400)
SERVER_LOG = WORK / "load-server.log"
# Each request's own time inside gunicorn (%(M)s, milliseconds), beside what Locust measured.
ACCESS_FORMAT = "%(r)s %(s)s M=%(M)s"
ACCESS_LINE = re.compile(r"^(?:GET|POST) (?P<path>\S+) \S+ \d+ M=(?P<ms>\d+)$")


def build(url: str, devices: int) -> Path:
    """The data, plus ``devices`` phones spread over the practitioners and the desk's staff."""
    from tests import factories
    from webapp.auth.models import Role, User
    from webapp.clients.models import Client
    from webapp.extensions import db
    from webapp.sync import cursor
    from webapp.sync.devices import register_device

    app = make_app(url, fresh=True)
    fill(app, clients=2_000, sessions_each=5, findings_each=10)
    with app.app_context():
        staff = db.session.query(User).filter_by(role=Role.STAFF).one()
        desk = [{"email": staff.email, "password": PASSWORD}]
        for n in range(1, DESK_USERS):
            person = factories.make_user(staff.clinic, Role.STAFF, email=f"desk{n}@bench.example")
            person.set_password(PASSWORD)
            desk.append({"email": person.email, "password": PASSWORD})
        practitioners = db.session.query(User).filter_by(role=Role.PRACTITIONER).order_by(User.email).all()
        caseloads = {
            p.id: [
                str(c) for c in db.session.scalars(select(Client.id).where(Client.practitioner_id == p.id))
            ]
            for p in practitioners
        }
        phones = []
        for n in range(devices):
            owner = practitioners[n % len(practitioners)]
            _device, token, _escrow = register_device(
                db.session, owner, f"phone {n}", app.config["SECRET_KEY"]
            )
            phones.append({"token": token, "client_ids": caseloads[owner.id]})
        db.session.commit()
        # Phones already hold their caseload: they start from where the log stands now.
        start = cursor.encode(cursor.snapshot_position(db.session))
        record_ids = [ids[0] for ids in caseloads.values()]
    fixture = WORK / "load-fixture.json"
    fixture.write_text(
        json.dumps({"devices": phones, "desk": desk, "cursor": start, "record_ids": record_ids})
    )
    return fixture


@dataclass
class CpuShares:
    """Cores used on average by each kind of process while the load ran."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def watch(self, every: float = 2.0) -> None:
        tracked: dict[int, psutil.Process] = {}
        while not self.stop.wait(every):
            used: dict[str, float] = {"app server": 0.0, "postgresql": 0.0, "locust": 0.0}
            for process in psutil.process_iter(["name", "cmdline"]):
                kind = _kind(process)
                if kind is None:
                    continue
                known = tracked.setdefault(process.pid, process)
                try:
                    used[kind] += known.cpu_percent(None) / 100
                except psutil.Error:
                    tracked.pop(process.pid, None)
            for kind, cores in used.items():
                self.samples.setdefault(kind, []).append(cores)

    def summary(self) -> str:
        parts = [f"{kind} {sum(s[1:]) / max(len(s) - 1, 1):.2f}" for kind, s in self.samples.items()]
        return "cores used on average: " + ", ".join(parts) + f" (of {psutil.cpu_count()})"


def _kind(process: psutil.Process) -> str | None:
    try:
        name, cmdline = process.info["name"] or "", " ".join(process.info["cmdline"] or [])
    except (psutil.Error, TypeError):
        return None
    if "gunicorn" in cmdline and "wsgi:app" in cmdline:
        return "app server"
    if name.startswith("postgres"):
        return "postgresql"
    if "locust" in cmdline:
        return "locust"
    return None


def run_stage(base: str, fixture: Path, phones: int, seconds: int) -> dict[str, dict[str, float]]:
    """Locust, headless, for ``seconds``; the figures per request name."""
    prefix = WORK / f"load-{phones}"
    env = dict(
        os.environ, LOAD_FIXTURE=str(fixture), LOAD_PHONES=str(phones), LOAD_DESK_USERS=str(DESK_USERS)
    )
    command = [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py"))]
    command += ["--headless", "--host", base, "--users", str(phones + DESK_USERS)]
    command += ["--spawn-rate", str(max(20, phones // 20)), "--run-time", f"{seconds}s"]
    # Figures from when every user has started: the desk's sign-ins (a deliberately slow
    # password hash) and the first moments of a cold server are not the steady state.
    command += ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--reset-stats"]
    server_log_start = SERVER_LOG.stat().st_size if SERVER_LOG.exists() else 0
    with open(WORK / "load-locust.log", "ab") as log:  # its own report; the figures come from the CSV
        subprocess.run(command, env=env, check=False, stdout=log, stderr=subprocess.STDOUT)
    figures = {}
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated" or row["Request Count"] == "0":
                continue  # (a name with no requests since the stats were reset has no percentiles)
            figures[row["Name"]] = {
                "count": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "median": float(row["50%"]),
                "p95": float(row["95%"]),
                "rate": float(row["Requests/s"]),
            }
    for name, times in _server_times(server_log_start).items():
        if name in figures:
            figures[name]["server_median"] = statistics.median(times)
            figures[name]["server_p95"] = (
                statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            )
    return figures


def _request_name(path: str) -> str | None:
    """The Locust name (bench/locustfile.py) of a request the server logged."""
    path = path.partition("?")[0]
    if path == "/api/v1/sync/pull":
        return "pull"
    if path == "/api/v1/sync/push":
        return "push of 20 changes"
    if path == "/appointments/day":
        return "desk: day view"
    if path.startswith("/clients/"):
        return "desk: client record" if path.endswith("/record") else "desk: client list"
    return None


def _server_times(start: int) -> dict[str, list[float]]:
    """The server's own time for each request it logged after byte ``start``, by request name.
    Unlike Locust's figures these include the stage's first seconds, while users still start."""
    times: dict[str, list[float]] = {}
    with open(SERVER_LOG, encoding="utf-8", errors="replace") as log:
        log.seek(start)
        for line in log:
            found = ACCESS_LINE.match(line.strip())
            name = _request_name(found["path"]) if found else None
            if name is not None:
                times.setdefault(name, []).append(float(found["ms"]))
    return times


def report(phones: int, figures: dict[str, dict[str, float]]) -> bool:
    """Print each figure next to its target; whether every one was met."""
    met = True
    for name, figure in sorted(figures.items()):
        target = next((ms for prefix, ms in TARGETS_MS.items() if name.startswith(prefix)), None)
        verdict = ""
        if target is not None:
            ok = figure["p95"] <= target and figure["failures"] == 0
            met &= ok
            verdict = f"target {target} ms: {'meets' if ok else 'MISSES'}"
        elif figure["failures"]:
            met, verdict = False, "ERRORS"
        print(
            f"  {phones} phones | {name}: {figure['count']:.0f} requests ({figure['rate']:.1f}/s), "
            f"{figure['failures']:.0f} failed, median {figure['median']:.0f} ms, p95 {figure['p95']:.0f} ms  {verdict}"
            + (
                f"  (inside the server: median {figure['server_median']:.0f} ms, p95 {figure['server_p95']:.0f} ms)"
                if "server_median" in figure
                else ""
            ),
            flush=True,
        )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--find-limit", action="store_true", help="then raise the phones stage by stage")
    parser.add_argument("--stage-minutes", type=float, default=3)
    args = parser.parse_args()

    stages = [p for p in STAGES if p > args.phones] if args.find_limit else []
    url = database_url(args.database, "load")
    started = time.perf_counter()
    fixture = build(url, max([args.phones, *stages]))
    print(f"built the data and {max([args.phones, *stages])} phones in {time.perf_counter() - started:.0f} s")
    gunicorn_args = [
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_FORMAT,
        "--logger-class",
        "webapp.audit.access_log.RedactingGunicornLogger",
    ]
    cpu = CpuShares()
    with running_server(url, workers=WORKERS, extra_args=gunicorn_args, log=SERVER_LOG) as base:
        threading.Thread(target=cpu.watch, daemon=True).start()
        print(
            f"{args.phones} phones and {DESK_USERS} desk users for {args.minutes:g} minutes ({args.database}):"
        )
        all_met = report(args.phones, run_stage(base, fixture, args.phones, int(args.minutes * 60)))
        print(f"  {cpu.summary()}")
        largest = args.phones if all_met else None
        for phones in stages:
            cpu.samples.clear()
            met = report(phones, run_stage(base, fixture, phones, int(args.stage_minutes * 60)))
            print(f"  {cpu.summary()}")
            if not met:
                break
            largest = phones
        cpu.stop.set()
    if args.find_limit:
        print(f"the largest number of phones that met every target: {largest or 'none'}")
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
