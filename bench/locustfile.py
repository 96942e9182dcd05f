"""The load of bench/load.py, for Locust: phones that sync, and desk staff reading pages.

Not run on its own: bench/load.py builds the data, starts the server and runs Locust on
this file with LOAD_FIXTURE (the devices, clients and staff it made), LOAD_PHONES and
LOAD_DESK_USERS (how many of each) in the environment.

A phone pulls every 60 seconds and, every fifth time, first pushes 20 realistic changes
(a session and 19 findings with 400-character notes); phones start at random moments of
their first minute, as phones in the field do. A desk user signs in, then opens the day
view, the client list (every third time with a search) and a client's record, a few
seconds apart.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import time
import uuid

import gevent
from locust import HttpUser, between, task

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"]).read())  # noqa: SIM115 (read once at import)
PULL_EVERY = 60  # seconds
PUSH_EVERY_NTH_PULL = 5  # so a push every 5 minutes
CHANGES_PER_PUSH = 20
NOTE = (
    "Tension found along the left calf after the long walk on Saturday; it eased with the "
    "release and the client noticed the foot sat flatter on standing. Checked again at the "
    "end of the session and the area was soft. Client mentions the right hip aches after "
    "driving for more than an hour; to look at the lumbar area next time if it persists. "
)[:400]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

_next_device = itertools.count()
_next_desk = itertools.count()


class Phone(HttpUser):
    fixed_count = int(os.environ.get("LOAD_PHONES", "200"))

    def on_start(self) -> None:
        device = FIXTURE["devices"][next(_next_device) % len(FIXTURE["devices"])]
        self.client.headers["Authorization"] = f"Bearer {device['token']}"
        self.client_ids = device["client_ids"]
        self.cursor = FIXTURE["cursor"]
        self.pulls = random.randrange(PUSH_EVERY_NTH_PULL)
        # Phones do not all wake at once: each keeps its own minute, from a random moment.
        self.next_sync = time.monotonic() + random.uniform(0, PULL_EVERY)
        gevent.sleep(self.next_sync - time.monotonic())

    def wait_time(self) -> float:
        """Until this phone's next sync. Not Locust's constant_pacing: it counts from the
        moment the user was made, so every phone made in the same second (20 a second here)
        would pull together again from the second minute on, however their first pulls were
        spread, and the server would be measured under bursts no real phones make."""
        self.next_sync += PULL_EVERY
        return max(0.0, self.next_sync - time.monotonic())

    @task
    def sync(self) -> None:
        self.pulls += 1
        if self.pulls % PUSH_EVERY_NTH_PULL == 0:
            self.push()
        self.pull()

    def push(self) -> None:
        with self.client.post(
            "/api/v1/sync/push",
            json={"changes": self.session_changes(), "pending": CHANGES_PER_PUSH},
            name=f"push of {CHANGES_PER_PUSH} changes",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            elif refused := [r for r in response.json()["results"] if r["status"] == "rejected"]:
                response.failure(f"a change was refused: {refused[0]['code']} {refused[0]['errors']}")

    def pull(self) -> None:
        more = True
        while more:
            with self.client.get(
                "/api/v1/sync/pull", params={"cursor": self.cursor}, name="pull", catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
                    return
                body = response.json()
                self.cursor, more = body["cursor"], body["more"]

    def session_changes(self) -> list[dict]:
        visit_id = str(uuid.uuid4())
        started = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        visit = {
            "client_id": random.choice(self.client_ids),
            "started_at": started,
            "location": random.choice(["home", "clinic"]),
            "number_in_course": 1,
        }
        changes = [_change("visit", visit_id, visit)]
        for _ in range(CHANGES_PER_PUSH - 1):
            finding = {
                "visit_id": visit_id,
                "region": random.choice(["calf", "lumbar_l4", "cervical", "hip", "sacrum"]),
                "side": random.choice(["left", "right", "both"]),
                "muscle_or_test": random.choice(["gastrocnemius", "leg length", "piriformis", "trapezius"]),
                "tension_found": True,
                "released": random.random() < 0.8,
                "note": NOTE,
            }
            changes.append(_change("finding", str(uuid.uuid4()), finding))
        return changes


def _change(entity: str, record_id: str, fields: dict) -> dict:
    return {
        "change_id": str(uuid.uuid4()),
        "entity": entity,
        "id": record_id,
        "op": "upsert",
        "base_version": 0,
        "fields": fields,
    }


class DeskUser(HttpUser):
    fixed_count = int(os.environ.get("LOAD_DESK_USERS", "20"))
    wait_time = between(3, 8)

    def on_start(self) -> None:
        person = FIXTURE["desk"][next(_next_desk) % len(FIXTURE["desk"])]
        page = self.client.get("/login", name="sign-in page")
        token = CSRF.search(page.text)
        with self.client.post(
            "/login",
            data={"email": person["email"], "password": person["password"], "csrf_token": token and token[1]},
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
                response.failure(f"sign-in refused: {response.status_code}")
        self.visits = 0

    def open(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {name}")

    @task
    def a_round_of_pages(self) -> None:
        self.visits += 1
        self.open("/appointments/day", "desk: day view")
        gevent.sleep(random.uniform(1, 3))
        query = f"?q=Client{random.randrange(1000)}" if self.visits % 3 == 0 else ""
        self.open(f"/clients/{query}", "desk: client list")
        gevent.sleep(random.uniform(1, 3))
        self.open(f"/clients/{random.choice(FIXTURE['record_ids'])}/record", "desk: client record")
