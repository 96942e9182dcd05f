"""A phone's clock can be wrong; the record must not be (issue 17, docs/sync-protocol.md "Time").

The phone corrects a session's start by the offset it learnt from ``server_time`` and sends
what its own clock said and the offset beside it; the server stores the corrected time,
flags large corrections and unknown offsets, refuses starts in the future, and flags (never
reorders) sessions whose start contradicts their numbers.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.sync.conftest import change
from webapp.db import now_utc
from webapp.extensions import db
from webapp.sync.models import ChangeLog
from webapp.visits.models import Finding, Visit

DAY = 86400


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _recorded(
    client, real_start: dt.datetime, offset_seconds: int | None, number: int = 1, visit_id=None, **fields
):
    """A visit as a phone whose clock is ``offset_seconds`` behind the server's sends it."""
    own_clock = real_start - dt.timedelta(seconds=offset_seconds or 0)
    return change(
        "visit",
        visit_id or uuid.uuid4(),
        client_id=client.id,
        started_at=_iso(real_start),
        device_started_at=_iso(own_clock),
        clock_offset_seconds=offset_seconds,
        location="clinic",
        number_in_course=number,
        **fields,
    )


def _pulled_visit(device, visit_id) -> dict:
    records = device.pull()["records"]
    [record] = [r for r in records if r["entity"] == "visit" and r["id"] == str(visit_id)]
    return record["fields"]


@pytest.mark.parametrize("offset", [-3 * DAY, 2 * DAY], ids=["3_days_ahead", "2_days_behind"])
def test_a_visit_from_a_phone_whose_clock_is_off_by_days_is_stored_at_the_real_time_and_flagged_corrected(
    make_device, practitioner, clinic, offset
):
    client = factories.make_client(clinic, practitioner)
    phone, other_phone = make_device(practitioner), make_device(practitioner)
    other_phone.pull(cursor=None)
    real_start = now_utc().replace(microsecond=0) - dt.timedelta(hours=1)
    sent = _recorded(client, real_start, offset)
    [result] = phone.push(sent)

    assert result["status"] == "applied" and result["derived"]["clock_flag"] == "corrected"
    visit = db.session.get(Visit, uuid.UUID(sent["id"]))
    assert visit.started_at == real_start
    assert visit.device_started_at == real_start - dt.timedelta(seconds=offset)
    assert (visit.clock_offset_seconds, visit.clock_flag) == (offset, "corrected")
    pulled = _pulled_visit(other_phone, sent["id"])
    assert pulled["clock_flag"] == "corrected" and pulled["clock_offset_seconds"] == offset
    assert pulled["started_at"] == _iso(real_start)
    assert pulled["device_started_at"] == _iso(real_start - dt.timedelta(seconds=offset))


def test_a_small_offset_is_ordinary_drift_and_not_flagged(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    [result] = phone.push(_recorded(client, now_utc() - dt.timedelta(hours=1), -9 * 60))
    assert result["status"] == "applied" and result["derived"]["clock_flag"] is None


@pytest.mark.parametrize("old_app", [False, True], ids=["never_synced", "old_app"])
def test_a_visit_recorded_with_no_known_offset_is_flagged_unknown_offset(
    make_device, practitioner, clinic, old_app
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    sent = _recorded(client, now_utc() - dt.timedelta(hours=1), None)
    if old_app:  # an app from before clocks were checked sends neither field
        del sent["fields"]["device_started_at"], sent["fields"]["clock_offset_seconds"]
    [result] = phone.push(sent)
    assert result["status"] == "applied" and result["derived"]["clock_flag"] == "unknown_offset"
    assert db.session.get(Visit, uuid.UUID(sent["id"])).clock_flag == "unknown_offset"


def test_a_visit_starting_in_the_future_is_refused_and_nothing_of_it_applied(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    log_rows = db.session.scalar(select(func.count()).select_from(ChangeLog))
    future = _recorded(client, now_utc() + dt.timedelta(days=3), 0)
    finding = change(
        "finding", visit_id=future["id"], region="calf", side="left", tension_found=True, released=True
    )
    response = phone.push_raw({"changes": [future, finding]})
    assert response.status_code == 200
    refused, orphan = response.get_json()["results"]
    assert refused["status"] == "rejected" and refused["code"] == "in_future"
    assert "3 days" in refused["errors"]["started_at"] and "clinic's clock" in refused["errors"]["started_at"]
    assert orphan["status"] == "rejected"  # its session was not stored
    assert db.session.get(Visit, uuid.UUID(future["id"])) is None
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == log_rows


def test_a_visit_starting_within_the_tolerance_ahead_is_accepted(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    [result] = phone.push(_recorded(client, now_utc() + dt.timedelta(hours=1, minutes=50), 0))
    assert result["status"] == "applied"


def test_moving_a_visits_start_into_the_future_is_refused_and_the_start_kept(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    start = now_utc().replace(microsecond=0) - dt.timedelta(days=1)
    sent = _recorded(client, start, 0)
    [created] = phone.push(sent)
    [refused] = phone.push(
        change(
            "visit",
            sent["id"],
            created["version"],
            started_at=_iso(now_utc() + dt.timedelta(hours=5)),
            notes="moved",
        )
    )
    assert (
        refused["status"] == "rejected"
        and refused["code"] == "in_future"
        and "started_at" in refused["errors"]
    )
    visit = db.session.get(Visit, uuid.UUID(sent["id"]))
    assert visit.started_at == start and visit.notes == ""


def test_a_session_landing_before_an_earlier_numbered_one_is_flagged_and_not_reordered(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    phone, other_phone = make_device(practitioner), make_device(practitioner)
    first_start = now_utc().replace(microsecond=0) - dt.timedelta(hours=3)
    first = _recorded(client, first_start, 0, number=1)
    phone.push(first)
    phone.pull(cursor=None)
    other_phone.pull(cursor=None)

    # Session 2, from a phone 2 days behind that had never synced: its start lands 2 days early.
    second = _recorded(client, first_start + dt.timedelta(hours=1) - dt.timedelta(days=2), None, number=2)
    [result] = phone.push(second)
    assert result["status"] == "applied" and result["derived"]["clock_flag"] == "out_of_order"
    first_visit, second_visit = (db.session.get(Visit, uuid.UUID(v["id"])) for v in (first, second))
    assert (first_visit.clock_flag, second_visit.clock_flag) == ("out_of_order", "out_of_order")
    assert (first_visit.number_in_course, second_visit.number_in_course) == (1, 2)  # nothing renumbered
    assert second_visit.started_at < first_visit.started_at  # nor moved: the time is as it was given
    # Session 1 changed too (its flag): both phones learn it, the pusher included.
    assert _pulled_visit(phone, first["id"])["clock_flag"] == "out_of_order"
    assert _pulled_visit(other_phone, first["id"])["clock_flag"] == "out_of_order"

    # The practitioner fixes the time on the phone (now knowing its offset): the order holds again.
    [fixed] = phone.push(
        change(
            "visit",
            second["id"],
            result["version"],
            started_at=_iso(first_start + dt.timedelta(hours=1)),
            clock_offset_seconds=2 * DAY,
        )
    )
    assert fixed["status"] == "applied" and fixed["record"]["fields"]["clock_flag"] == "corrected"
    db.session.expire_all()
    assert db.session.get(Visit, uuid.UUID(first["id"])).clock_flag is None
    assert _pulled_visit(other_phone, first["id"])["clock_flag"] is None


def test_deleting_the_session_a_start_contradicts_clears_the_flag_of_the_other(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    start = now_utc().replace(microsecond=0) - dt.timedelta(days=1)
    first, second = (
        _recorded(client, start, 0, number=1),
        _recorded(client, start - dt.timedelta(hours=5), 0, number=2),
    )
    created, _ = phone.push(first, second)
    assert db.session.get(Visit, uuid.UUID(second["id"])).clock_flag == "out_of_order"
    [deleted] = phone.push(change("visit", first["id"], created["version"], op="delete"))
    assert deleted["status"] == "applied"
    assert db.session.get(Visit, uuid.UUID(second["id"])).clock_flag is None


def test_a_new_start_from_the_phone_is_judged_by_the_offset_stored_with_the_visit(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    sent = _recorded(client, now_utc() - dt.timedelta(days=1), -3 * DAY)
    [created] = phone.push(sent)
    # The phone sends only what changed: a new start, its offset unchanged.
    [moved] = phone.push(
        change(
            "visit",
            sent["id"],
            created["version"],
            started_at=_iso(now_utc() - dt.timedelta(days=1, hours=1)),
        )
    )
    assert moved["status"] == "applied" and moved["record"]["fields"]["clock_flag"] == "corrected"


def test_a_clock_flag_sent_by_a_device_is_ignored(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    sent = _recorded(client, now_utc() - dt.timedelta(hours=1), None, clock_flag=None)
    [result] = phone.push(sent)
    assert result["status"] == "applied" and result["derived"]["clock_flag"] == "unknown_offset"


def test_an_offset_that_is_not_a_whole_number_of_seconds_is_invalid(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    sent = _recorded(client, now_utc() - dt.timedelta(hours=1), 0)
    sent["fields"]["clock_offset_seconds"] = "soon"
    [result] = phone.push(sent)
    assert result["status"] == "rejected" and result["code"] == "invalid"
    assert result["errors"] == {
        "clock_offset_seconds": "The phone's clock offset (seconds) must be a whole number."
    }


def test_every_answer_carries_the_servers_time(make_device, practitioner, clinic, login):
    client = factories.make_client(clinic, practitioner)
    phone = make_device(practitioner)
    before = now_utc()
    answers = [
        phone.browser.get("/api/v1/session"),
        phone.http.get("/api/v1/schema", headers=phone.auth),
        phone.http.get("/api/v1/sync/pull", headers=phone.auth),
        phone.push_raw({"changes": [_recorded(client, before - dt.timedelta(hours=1), 0)]}),
        phone.http.post(
            "/api/v1/sync/park", json={"client_id": str(client.id), "changes": []}, headers=phone.auth
        ),
        phone.http.get("/api/v1/push/subscriptions", headers=phone.auth),
        phone.http.get("/api/v1/push/vapid-public-key", headers=phone.auth),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.request.path
        server_time = dt.datetime.fromisoformat(answer.get_json()["server_time"])
        assert server_time.utcoffset() == dt.timedelta(0)
        assert before <= server_time <= now_utc(), answer.request.path


def test_the_clock_rules_and_the_refusal_are_published(make_device, practitioner, app):
    phone = make_device(practitioner)
    rules = phone.http.get("/api/v1/schema", headers=phone.auth).get_json()
    assert rules["clock"] == {
        "tolerance_seconds": 600,
        "future_tolerance_seconds": 7200,
        "max_offset_seconds": rules["clock"]["max_offset_seconds"],
        "flags": ["out_of_order", "unknown_offset", "corrected"],
    }
    assert "clock_flag" in rules["entities"]["visit"]["derived"]
    names = [f["name"] for f in rules["entities"]["visit"]["fields"]]
    assert {"device_started_at", "clock_offset_seconds"} <= set(names)
    document = phone.http.get("/api/v1/openapi.json").get_json()
    code = document["components"]["schemas"]["Result"]["properties"]["code"]
    assert ["in_future"] == [
        c for option in code["anyOf"] for c in option.get("enum", []) if c == "in_future"
    ]
    assert "server_time" in document["components"]["schemas"]["Success"]["required"]
