"""Two app servers on one database, phones syncing through both: exactly once still holds.

Behind a reverse proxy (docs/deployment.md) a phone's requests land on either server, and a
push whose answer was lost is sent again, perhaps to the other server, perhaps while the
first server is still working on it. Here two gunicorn servers, each with two workers, share
the test's database; phones of one caseload push and pull through both at random, re-send
some batches through the other server as if the answer had been lost, and send some to both
servers at the same moment. Every change must be applied exactly once, every re-sent batch
answered as the first time, and every phone must end holding what the server holds.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from tests import factories
from tests.live_server import start_gunicorn, wait_until_answering
from tests.sync.conftest import change
from webapp.extensions import db
from webapp.sync.models import AppliedChange, ChangeLog
from webapp.visits.models import Finding, Visit

NOW = "2026-11-24T10:00:00Z"
PHONES = 4
ROUNDS = 6
FINDINGS_PER_VISIT = 5


def _serve(app, tmp_path: Path, name: str):
    """gunicorn with two workers on the test's database, at a free loopback port."""
    env = dict(
        os.environ,
        DATABASE_URL=db.engine.url.render_as_string(hide_password=False),
        SECRET_KEY=app.config["SECRET_KEY"],
        VAPID_PRIVATE_KEY=app.config["VAPID_PRIVATE_KEY"],
        FIELDBOOK_INSTANCE=str(tmp_path / f"instance-{name}"),
    )
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
    process, base = start_gunicorn(env, workers=2, output=log)
    return process, log, base


@pytest.fixture
def two_servers(app, tmp_path):
    db.session.commit()  # the servers see only what is committed
    started = [_serve(app, tmp_path, name) for name in ("a", "b")]
    try:
        for process, _log, base in started:  # both were started before either is waited for
            wait_until_answering(f"{base}/login", process, timeout=60)
        yield [base for _process, _log, base in started]
    finally:
        for process, log, _base in started:
            process.terminate()
            process.wait(timeout=20)
            log.close()


class Phone:
    """A phone talking to whichever server the proxy picks; holds what it pulled."""

    def __init__(self, device, servers, seed: int):
        self.token = device.token
        self.servers = servers
        self.rng = random.Random(seed)
        self.cursor: str | None = None
        self.held: dict[tuple[str, str], int] = {}  # (entity, id) -> version
        self.sent: dict[str, dict] = {}  # change id -> the change
        self.answers: dict[str, dict] = {}  # change id -> the result first answered
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def server(self) -> str:
        return self.rng.choice(self.servers)

    def post_push(self, base: str, changes: list[dict]) -> list[dict]:
        for _attempt in range(20):
            response = self.http.post(f"{base}/api/v1/sync/push", json={"changes": changes}, timeout=60)
            if response.status_code == 200:
                return response.json()["results"]
            # A busy database may ask the phone to come back; anything else is a failure.
            assert response.status_code in (409, 503), (response.status_code, response.text[:500])
            time.sleep(0.2)
        raise AssertionError("a push was refused twenty times")

    def push(self, changes: list[dict], how: str) -> None:
        for item in changes:
            self.sent[item["change_id"]] = item
        if how == "both at once":
            with ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(lambda base: self.post_push(base, changes), self.servers))
            assert answers[0] == answers[1], "the two servers answered one batch differently"
            results = answers[0]
        else:
            results = self.post_push(self.server(), changes)
            if how == "answer lost":
                other = self.servers[(self.servers.index(self.server()) + 1) % 2]
                assert self.post_push(other, changes) == results, "a re-sent batch was answered differently"
        for item, result in zip(changes, results, strict=True):
            assert result["change_id"] == item["change_id"]
            self.answers[item["change_id"]] = result
            if result["version"] is not None:  # the phone holds what it sent, at the server's version
                key = (result["entity"], result["id"])
                self.held[key] = max(self.held.get(key, 0), result["version"])

    def pull_everything(self) -> None:
        while True:
            params = {"cursor": self.cursor} if self.cursor else {}
            response = self.http.get(f"{self.server()}/api/v1/sync/pull", params=params, timeout=60)
            assert response.status_code == 200, response.text[:500]
            body = response.json()
            for record in body["records"]:
                key = (record["entity"], record["id"])
                if record["deleted"]:
                    self.held.pop(key, None)
                else:
                    self.held[key] = max(self.held.get(key, 0), record["version"])
            self.cursor = body["cursor"]
            if not body["more"]:
                return


def _session_of_findings(client_id) -> list[dict]:
    visit_id = uuid.uuid4()
    return [
        change("visit", visit_id, client_id=client_id, started_at=NOW, location="home", number_in_course=1),
        *(
            change(
                "finding",
                visit_id=visit_id,
                region="calf",
                side="left",
                tension_found=True,
                released=True,
                muscle_or_test="gastrocnemius",
                note="Tension found along the calf after the walk from the car park. " * 6,
            )
            for _ in range(FINDINGS_PER_VISIT)
        ),
    ]


def _work(phone: Phone, client_ids: list[uuid.UUID]) -> None:
    """A phone's day: sessions recorded, a client's phone number edited, syncs in between."""
    for _round in range(ROUNDS):
        client_id = phone.rng.choice(client_ids)
        batch = _session_of_findings(client_id)
        # An edit of the shared client record: another phone may have changed it since.
        batch.append(
            change("client", client_id, base_version=1, phone=f"07700 {phone.rng.randrange(10**6):06d}")
        )
        how = phone.rng.choice(["once", "answer lost", "both at once"])
        phone.push(batch, how)
        phone.pull_everything()


def test_phones_syncing_through_two_servers_apply_every_change_exactly_once(
    app, make_device, practitioner, clinic, two_servers
):
    clients = [factories.make_client(clinic, practitioner) for _ in range(3)]
    phones = [Phone(make_device(practitioner), two_servers, seed) for seed in range(PHONES)]
    db.session.commit()
    client_ids = [client.id for client in clients]  # read here: the threads have no app context

    errors: list[BaseException] = []

    def run(phone: Phone) -> None:
        try:
            _work(phone, client_ids)
        except BaseException as error:  # reported below, with the others
            errors.append(error)

    threads = [threading.Thread(target=run, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a phone was still syncing after five minutes"
    assert not errors, errors

    refused = [r for phone in phones for r in phone.answers.values() if r["status"] == "rejected"]
    assert not refused, refused[:3]
    db.session.expire_all()
    sent = {change_id for phone in phones for change_id in phone.sent}
    assert db.session.scalar(select(func.count()).select_from(AppliedChange)) == len(sent)
    visits_sent = sum(1 for phone in phones for item in phone.sent.values() if item["entity"] == "visit")
    assert db.session.scalar(select(func.count()).select_from(Visit)) == visits_sent == PHONES * ROUNDS
    assert db.session.scalar(select(func.count()).select_from(Finding)) == visits_sent * FINDINGS_PER_VISIT
    applied = [r for phone in phones for r in phone.answers.values() if r["status"] == "applied"]
    # Sessions and findings are written once each: a change applied twice would log twice.
    logged = db.session.scalar(
        select(func.count()).select_from(ChangeLog).where(ChangeLog.entity.in_(["visit", "finding"]))
    )
    assert logged == visits_sent * (1 + FINDINGS_PER_VISIT)
    assert len(applied) >= PHONES * ROUNDS * (1 + FINDINGS_PER_VISIT)

    # Every phone, after a last sync, holds what the server holds for the caseload.
    for phone in phones:
        phone.pull_everything()
    fresh = Phone(make_device(practitioner), two_servers, seed=99)
    fresh.pull_everything()
    for phone in phones:
        assert phone.held == fresh.held
    visit_ids = {str(v) for v in db.session.scalars(select(Visit.id))}
    assert {record_id for (entity, record_id) in fresh.held if entity == "visit"} == visit_ids
