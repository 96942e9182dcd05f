"""The restore drill through the API: phones sync, the database is backed up, more changes are
pushed, the backup is restored, and the phones sync again. Nothing a phone still holds is
lost, nothing is applied twice, and the conflict rules still hold.

The phones here follow docs/sync-protocol.md ("After a restore") as the app does: they keep
what they pushed, and on ``server_restored`` they queue it again ahead of their outbox,
exactly as first sent, and take a full copy that replaces what they hold. On PostgreSQL the backup and restore go through pg_dump and
pg_restore of this run's database.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change
from webapp.backup import engines
from webapp.clients.models import Client
from webapp.db import now_utc
from webapp.extensions import db
from webapp.sync import identity
from webapp.sync.models import AppliedChange, SyncConflict
from webapp.visits.models import Finding, Visit

NOW = "2026-11-24T10:00:00Z"


class Restored(Exception):
    def __init__(self, error):
        super().__init__(error["message"])
        self.error = error


class Phone:
    """A phone's sync, as the app does it, over the API (records, outbox, kept pushes, cursor)."""

    def __init__(self, device):
        self.device = device
        self.records: dict[str, dict] = {}  # id -> {"entity", "version", "fields"}
        self.outbox: list[dict] = []
        self.kept: list[dict] = []  # pushed and acknowledged, kept for a restore
        self.cursor: str | None = None
        self.server_id: str | None = None  # of the last pull's answer
        self.replace = False  # the next full copy replaces whatever versions are held here
        self.restores_seen = 0

    def record(self, entity, **fields) -> str:
        record_id = str(uuid.uuid4())
        self.outbox.append(change(entity, record_id, **fields))
        self.records[record_id] = {"entity": entity, "version": 0, "fields": dict(fields)}
        return record_id

    def edit(self, record_id, **fields):
        held = self.records[record_id]
        self.outbox.append(change(held["entity"], record_id, base_version=held["version"], **fields))
        held["fields"].update(fields)

    def sync(self):
        try:
            self._push()
            self._pull()
        except Restored as restored:
            self._recover(restored.error)
            self._push()
            self._pull()

    def _push(self):
        if not self.outbox:
            return
        response = self.device.push_raw(
            {"changes": self.outbox, "cursor": self.cursor, "server_id": self.server_id}
        )
        body = response.get_json()
        if response.status_code == 409 and body["error"]["code"] == "server_restored":
            raise Restored(body["error"])
        assert response.status_code == 200, body
        db.session.expire_all()
        sent, self.outbox = self.outbox, []
        for entry, result in zip(sent, body["results"], strict=True):
            assert result["status"] != "rejected", (result["errors"], entry["fields"])
            held = self.records.setdefault(
                entry["id"], {"entity": entry["entity"], "version": 0, "fields": {}}
            )
            held["version"] = result["version"]
            if result["record"]:
                held["fields"] = dict(result["record"]["fields"])
            self.kept.append(entry)

    def _pull(self):
        listed: set[str] = set()
        while True:
            params = {"paged": "1", **({"cursor": self.cursor} if self.cursor else {})}
            if self.server_id:
                params["server_id"] = self.server_id
            response = self.device.http.get(
                "/api/v1/sync/pull", query_string=params, headers=self.device.auth
            )
            body = response.get_json()
            if response.status_code == 409 and body["error"]["code"] == "server_restored":
                raise Restored(body["error"])
            assert response.status_code == 200, body
            for server in body["records"]:
                listed.add(server["id"])
                held = self.records.get(server["id"])
                if self.replace or held is None or server["version"] > held["version"]:
                    self.records[server["id"]] = {
                        "entity": server["entity"],
                        "version": server["version"],
                        "fields": dict(server["fields"]),
                        "deleted": server["deleted"],
                    }
            self.cursor, self.server_id = body["cursor"], body["server_id"]
            if body.get("snapshot") and not body["more"]:
                waiting = {entry["id"] for entry in self.outbox}
                for record_id in [r for r, held in self.records.items() if held["version"] > 0]:
                    if record_id not in listed and record_id not in waiting:
                        del self.records[record_id]
                self.replace = False
            if not body["more"]:
                return

    def _recover(self, error):
        """What the app does on server_restored (webapp/static/js/db-restore.js)."""
        self.restores_seen += 1
        assert error["restored_version"] > 0 and error["server_id"]
        self.outbox, self.kept = self.kept + self.outbox, []  # exactly as first sent
        self.cursor = self.server_id = None
        self.replace = True

    def live(self, entity) -> dict[str, dict]:
        return {
            i: r["fields"]
            for i, r in self.records.items()
            if r["entity"] == entity and not r.get("deleted") and r["version"] > 0
        }


def run_backup(runner, tmp_path):
    path = tmp_path / "nightly.backup"
    result = runner.invoke(args=["backup", "--to", str(path)])
    assert result.exit_code == 0, result.output
    return path


def run_restore(runner, path):
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output


def finding_of(visit_id, region):
    return {"visit_id": visit_id, "region": region, "side": "left", "tension_found": True, "released": True}


def server_findings() -> dict[str, str]:
    return {
        str(f.id): f.region for f in db.session.scalars(select(Finding).where(Finding.deleted_at.is_(None)))
    }


def test_the_restore_drill_loses_nothing_a_phone_holds_and_doubles_nothing(
    make_device, practitioner, clinic, runner, tmp_path
):
    client = factories.make_client(clinic, practitioner, phone="01234 000000")
    db.session.commit()
    client_id = str(client.id)
    a, b = Phone(make_device(practitioner)), Phone(make_device(practitioner))
    b.sync()

    # Before the backup: a session with findings; one finding the desk deletes again.
    v1 = a.record("visit", client_id=client_id, started_at=NOW, location="clinic", number_in_course=1)
    f1 = a.record("finding", **finding_of(v1, "calf"))
    f0 = a.record("finding", **finding_of(v1, "hip"))
    a.sync()
    db.session.get(Finding, uuid.UUID(f0)).deleted_at = now_utc()
    db.session.commit()
    a.sync()
    b.sync()
    f1_version = db.session.get(Finding, uuid.UUID(f1)).version
    saved = run_backup(runner, tmp_path)

    # After the backup, lost by the restore: phone A records a second session and changes
    # the client's phone number; phone B adds a finding to the first session.
    v2 = a.record("visit", client_id=client_id, started_at=NOW, location="home", number_in_course=2)
    f3 = a.record("finding", **finding_of(v2, "ankle"))
    a.edit(client_id, phone="07700 111111")
    a.sync()
    f4 = b.record("finding", **finding_of(v1, "knee"))
    b.sync()
    a.sync()
    assert set(a.live("finding")) == {f1, f3, f4}
    # Waiting on phone A when the restore happens: a finding of the lost second session.
    f5 = a.record("finding", **finding_of(v2, "foot"))
    applied_before_restore = {c.change_id for c in db.session.scalars(select(AppliedChange))}

    run_restore(runner, saved)
    assert set(server_findings()) == {f1}
    # After the restore, before the phones are back, the desk changes the same phone number.
    db.session.get(Client, uuid.UUID(client_id)).phone = "01234 999999"
    db.session.commit()

    a.sync()
    b.sync()
    a.sync()
    b.sync()

    assert a.restores_seen == 1 and b.restores_seen == 1
    assert server_findings() == {f1: "calf", f3: "ankle", f4: "knee", f5: "foot"}
    assert {str(v.id) for v in db.session.scalars(select(Visit))} == {v1, v2}
    # The finding the desk deleted before the backup stays deleted: its create, sent again,
    # was known to the restored server and answered from its record, not applied again.
    assert db.session.get(Finding, uuid.UUID(f0)).deleted_at is not None
    assert db.session.get(Finding, uuid.UUID(f1)).version == f1_version
    # Every change applied once: one record per change id, and every id made is there.
    made = {entry["change_id"] for phone in (a, b) for entry in phone.kept}
    stored = {str(c.change_id) for c in db.session.scalars(select(AppliedChange))}
    assert made == stored and len(made) == db.session.scalar(select(func.count()).select_from(AppliedChange))
    assert {str(c) for c in applied_before_restore} <= stored
    # The phone number: the desk changed it after the restore, phone A before. Neither is
    # overwritten silently: the server kept the desk's, and phone A's waits in a conflict.
    assert db.session.get(Client, uuid.UUID(client_id)).phone == "01234 999999"
    conflict = db.session.scalars(select(SyncConflict)).one()
    assert (conflict.field, conflict.device_value["value"]) == ("phone", "07700 111111")
    # Both phones hold exactly what the server holds.
    for phone in (a, b):
        assert {i: f["region"] for i, f in phone.live("finding").items()} == server_findings()
        assert set(phone.live("visit")) == {v1, v2}


def _a_finding_pushed_after_the_backup(make_device, practitioner, clinic, runner, tmp_path):
    """A phone pushes a session, the backup is taken, then it pushes a finding of that session.

    Returns the phone, the backup and the finding's id: what a restore of that backup loses.
    """
    client = factories.make_client(clinic, practitioner)
    db.session.commit()
    phone = Phone(make_device(practitioner))
    v1 = phone.record(
        "visit", client_id=str(client.id), started_at=NOW, location="clinic", number_in_course=1
    )
    phone.sync()
    saved = run_backup(runner, tmp_path)
    f1 = phone.record("finding", **finding_of(v1, "calf"))
    phone.sync()
    return phone, saved, f1


def test_a_restore_done_by_hand_is_caught_because_the_cursor_runs_ahead_of_the_log(
    make_device, practitioner, clinic, runner, tmp_path
):
    phone, saved, f1 = _a_finding_pushed_after_the_backup(make_device, practitioner, clinic, runner, tmp_path)
    identity_before = identity.current(db.session()).identity

    # By hand: the backup put back with pg_restore, or the file copied back, no `flask restore`.
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        engines.restore_sqlite(url, saved)
    else:
        engines.restore_postgres(url, saved)
    assert identity.current(db.session()).identity == identity_before
    assert server_findings() == {}

    phone.sync()

    assert phone.restores_seen == 1
    assert server_findings() == {f1: "calf"}
    assert identity.current(db.session()).identity != identity_before  # marked restored, once


def test_a_phone_that_dropped_its_cursor_still_learns_of_the_restore_from_the_server_id(
    make_device, practitioner, clinic, runner, tmp_path
):
    phone, saved, f1 = _a_finding_pushed_after_the_backup(make_device, practitioner, clinic, runner, tmp_path)
    run_restore(runner, saved)
    phone.cursor = None  # as the app does when the practitioner discards a refused change

    phone.sync()

    assert phone.restores_seen == 1
    assert server_findings() == {f1: "calf"}


def test_a_known_change_id_with_other_content_is_still_refused_after_a_restore(
    make_device, practitioner, clinic, runner, tmp_path
):
    client = factories.make_client(clinic, practitioner)
    db.session.commit()
    device = make_device(practitioner)
    visit = change("visit", client_id=client.id, started_at=NOW, location="clinic", number_in_course=1)
    assert device.push(visit)[0]["status"] == "applied"
    run_restore(runner, run_backup(runner, tmp_path))

    altered = {**visit, "fields": {**visit["fields"], "location": "home"}}
    assert device.push(visit)[0]["status"] == "applied"  # the same change: answered as stored
    assert device.push(altered)[0]["code"] == "change_id_reused"


def test_cursors_from_before_the_identity_still_pull(make_device, practitioner, clinic):
    device = make_device(practitioner)
    stamped = device.pull()["cursor"]
    inner = identity.unstamp(stamped).inner
    assert inner and identity.unstamp(stamped).identity == identity.current(db.session()).identity
    assert device.pull(cursor=inner)["records"] == []  # an app's cursor from the release before
    bad = device.http.get("/api/v1/sync/pull", query_string={"cursor": "e30"}, headers=device.auth)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_cursor"


def test_a_server_id_that_is_not_one_is_refused(make_device, practitioner):
    device = make_device(practitioner)
    for bad in ("", "not-a-uuid"):
        answer = device.http.get("/api/v1/sync/pull", query_string={"server_id": bad}, headers=device.auth)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_request"
