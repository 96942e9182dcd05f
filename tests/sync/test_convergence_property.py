"""Property: any interleaving of devices, edits, pushes, lost answers and pulls converges.

Each simulated device follows the protocol exactly as the app does: edits go to a local copy
and an outbox; a push sends the outbox with the same change ids until an answer for them is
stored; an answer may be lost after the server committed; pull applies newer versions.
At the end every device and the server hold the same records, every change id was applied
exactly once, and every edit that did not win is stored as a conflict. The phone's real
outbox (rebasing, splitting, batches, stored answers) is held to the same property in
Chromium by tests/e2e/test_outbox_property.py.
"""

from __future__ import annotations

import itertools
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests import factories
from webapp.extensions import db
from webapp.sync.devices import register_device
from webapp.sync.entities import ENTITIES, serialise
from webapp.sync.models import AppliedChange, SyncConflict

CLIENT_FIELDS = ["phone", "email", "town", "heard_about"]
FINDING_FIELDS = ["note", "muscle_or_test"]
DEVICES = 3


class SimDevice:
    def __init__(self, http, token):
        self.http, self.auth = http, {"Authorization": f"Bearer {token}"}
        self.copy: dict[str, dict] = {}  # id -> last record the server sent
        self.outbox: list[dict] = []
        self.cursor = None

    def edit(self, entity: str, record_id: str, field: str, value: str) -> dict:
        base = self.copy.get(record_id, {}).get("version", 0)
        change = {
            "change_id": str(uuid.uuid4()),
            "entity": entity,
            "id": record_id,
            "op": "upsert",
            "base_version": base,
            "fields": {field: value},
        }
        self.outbox.append(change)
        return change

    def delete(self, entity: str, record_id: str) -> dict:
        change = {
            "change_id": str(uuid.uuid4()),
            "entity": entity,
            "id": record_id,
            "op": "delete",
            "base_version": self.copy.get(record_id, {}).get("version", 0),
        }
        self.outbox.append(change)
        return change

    def push(self, lose_answer: bool) -> None:
        if not self.outbox:
            return
        response = self.http.post("/api/v1/sync/push", json={"changes": self.outbox}, headers=self.auth)
        assert response.status_code == 200, response.get_json()
        if lose_answer:  # the server committed, the answer never arrived
            return
        answered = set()
        for result in response.get_json()["results"]:
            assert result["status"] in ("applied", "conflict"), result
            self._keep(result["record"])
            answered.add(result["change_id"])
        self.outbox = [c for c in self.outbox if c["change_id"] not in answered]

    def pull(self) -> None:
        while True:
            params = {"cursor": self.cursor} if self.cursor else {}
            body = self.http.get("/api/v1/sync/pull", query_string=params, headers=self.auth).get_json()
            for record in body["records"]:
                self._keep(record)
            self.cursor = body["cursor"]
            if not body["more"]:
                return

    def _keep(self, record: dict) -> None:
        if record and record["version"] >= self.copy.get(record["id"], {}).get("version", -1):
            self.copy[record["id"]] = record


operations = st.lists(
    st.one_of(
        st.tuples(st.just("edit_client"), st.integers(0, DEVICES - 1), st.sampled_from(CLIENT_FIELDS)),
        st.tuples(st.just("edit_finding"), st.integers(0, DEVICES - 1), st.sampled_from(FINDING_FIELDS)),
        st.tuples(st.just("delete_finding"), st.integers(0, DEVICES - 1), st.just(None)),
        st.tuples(st.just("desk_edit"), st.just(0), st.sampled_from(CLIENT_FIELDS)),
        st.tuples(st.just("push"), st.integers(0, DEVICES - 1), st.booleans()),
        st.tuples(st.just("pull"), st.integers(0, DEVICES - 1), st.just(None)),
    ),
    max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_devices_and_server_converge_with_nothing_lost(app, ops):
    clinic = factories.make_clinic()
    practitioner = factories.make_user(clinic)
    client = factories.make_client(clinic, practitioner)
    finding = factories.make_finding(factories.make_visit(client))
    tokens = [register_device(db.session, practitioner, f"phone {n}", "secret")[1] for n in range(DEVICES)]
    db.session.commit()
    client_id, finding_id = str(client.id), str(finding.id)
    devices = [SimDevice(app.test_client(), token) for token in tokens]
    for device in devices:
        device.pull()

    values = (f"v{n}" for n in itertools.count())
    made: list[dict] = []
    for action, who, detail in ops:
        device = devices[who]
        if action == "edit_client":
            made.append(device.edit("client", client_id, detail, next(values)))
        elif action == "edit_finding":
            made.append(device.edit("finding", finding_id, detail, next(values)))
        elif action == "delete_finding":
            made.append(device.delete("finding", finding_id))
        elif action == "desk_edit":
            setattr(db.session.get(type(client), client.id), detail, next(values))
            db.session.commit()
        elif action == "push":
            device.push(lose_answer=detail)
        else:
            device.pull()

    for device in devices:  # the network comes back for good
        device.push(lose_answer=False)
        assert device.outbox == []
    for device in devices:
        device.pull()

    db.session.expire_all()
    server = {
        str(r.id): serialise(ENTITIES[name], r)
        for name, r in (
            ("client", db.session.get(type(client), client.id)),
            ("finding", db.session.get(type(finding), finding.id)),
        )
    }
    for device in devices:
        assert {k: device.copy[k] for k in server} == server

    answers = {
        row.change_id: row
        for row in db.session.scalars(
            select(AppliedChange).where(
                AppliedChange.change_id.in_([uuid.UUID(c["change_id"]) for c in made])
            )
        )
    }
    assert len(answers) == len(made)  # every change reached the server, once
    conflicts = db.session.scalars(
        select(SyncConflict).where(SyncConflict.change_id.in_([uuid.UUID(c["change_id"]) for c in made]))
    ).all()
    parked = {(str(c.change_id), c.field) for c in conflicts}
    for change in made:
        status = answers[uuid.UUID(change["change_id"])].result["status"]
        if status == "conflict":
            fields = change.get("fields") or {"_deleted": None}
            assert any(
                (change["change_id"], f) in parked or (change["change_id"], "_deleted") in parked
                for f in fields
            ), change
        else:
            assert status == "applied"
            record = answers[uuid.UUID(change["change_id"])].result["record"]
            if change["op"] == "delete":
                assert record["deleted"] is True
            else:  # the value was really stored (answers show the state after the whole batch)
                later = made[made.index(change) + 1 :]
                for name, value in change["fields"].items():
                    overtaken = any(c["id"] == change["id"] and name in c.get("fields", {}) for c in later)
                    assert record["fields"][name] == value or record["deleted"] or overtaken
