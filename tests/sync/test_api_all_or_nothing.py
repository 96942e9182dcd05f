"""A push is applied whole or not at all: a crash half-way through a batch applies none of it,
and the same batch sent twice at the same moment is applied once and answered the same."""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change, error_code
from webapp.extensions import db


def _a_visit_and_its_finding(client) -> list[dict]:
    """One batch of two changes, the second depending on the first: a new visit and its finding."""
    visit_id = uuid.uuid4()
    return [
        change(
            "visit",
            visit_id,
            client_id=client.id,
            started_at="2026-11-24T09:00:00Z",
            location="clinic",
            number_in_course=1,
        ),
        change("finding", visit_id=visit_id, region="calf", side="left", tension_found=True, released=True),
    ]


def test_a_crash_in_the_middle_of_a_batch_applies_none_of_it(
    app, make_device, practitioner, clinic, monkeypatch
):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    changes = _a_visit_and_its_finding(client)
    from webapp.sync import push as push_module

    real_apply = push_module.Applier.apply
    calls = {"n": 0}

    def crash_on_second(self, one_change):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real_apply(self, one_change)

    monkeypatch.setattr(push_module.Applier, "apply", crash_on_second)
    response = device.push_raw({"changes": changes})
    assert response.status_code == 500 and error_code(response) == "server_error"
    db.session.rollback()
    from webapp.visits.models import Visit

    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0
    monkeypatch.setattr(push_module.Applier, "apply", real_apply)
    assert [r["status"] for r in device.push(*changes)] == ["applied", "applied"]


def test_the_same_push_sent_twice_at_once_is_applied_once_and_answered_the_same(
    app, make_device, practitioner, clinic, monkeypatch
):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    changes = _a_visit_and_its_finding(client)
    from webapp.sync import api as sync_api

    # The first push stops just before it commits, holding its writes, until the second has
    # started; the second then collides with what the first commits.
    first_written, second_started = threading.Event(), threading.Event()
    real_audit = sync_api._audit_push

    def pause_first(results):
        if not first_written.is_set():
            first_written.set()
            second_started.wait(10)
            time.sleep(0.5)  # the second is now waiting on the first's rows or write lock
        real_audit(results)

    monkeypatch.setattr(sync_api, "_audit_push", pause_first)
    answers = {}

    def send(name):
        response = app.test_client().post("/api/v1/sync/push", json={"changes": changes}, headers=device.auth)
        answers[name] = (response.status_code, response.get_json())

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_written.wait(10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    second_started.set()
    first.join(20)
    second.join(20)
    assert answers["first"][0] == 200, answers["first"]
    assert answers["second"][0] == 200, answers["second"]
    assert answers["first"][1]["results"] == answers["second"][1]["results"]
    db.session.rollback()
    from webapp.visits.models import Finding

    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1
