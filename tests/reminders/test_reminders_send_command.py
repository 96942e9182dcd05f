"""``flask reminders send`` (once, or in a loop that outlives a failed run, and by its earlier
name ``flask push send``), the size limit of a reminder's payload, and finished reminders
forgotten after ninety days, never to be planned again."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.reminders.planning import london
from webapp.extensions import db
from webapp.reminders.models import DeliveryAttempt, Notification
from webapp.reminders.planner import plan_all
from webapp.reminders.services import MAX_PAYLOAD_BYTES, payload_json, prune_finished


def test_payloads_over_three_kilobytes_are_refused():
    assert payload_json("t", "x" * 2000, "/app/")
    with pytest.raises(ValueError):
        payload_json("t", "x" * MAX_PAYLOAD_BYTES, "/app/")


def test_flask_reminders_send_plans_and_sends_what_is_due(
    clinic, practitioner, subscribe, push_service, runner
):
    receiver, _ = subscribe(practitioner)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)
    factories.make_appointment(
        factories.make_client(clinic, practitioner, first_name="Dee"), starts_at=soon, location="home"
    )
    db.session.commit()
    assert runner.invoke(args=["reminders", "send", "--no-plan"]).output.strip() == "sent: nothing due"
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "planned 1" in result.output and "1 sent" in result.output
    assert [p["body"].split(",")[0] for p in push_service.payloads(receiver)] == ["Dee"]
    again = runner.invoke(args=["reminders", "send"])
    assert "planned 0" in again.output and len(push_service.received) == 1


class _StopAfter:
    """Stands in for the loop's stop event: the loop ends after ``runs`` runs."""

    def __init__(self, runs: int):
        self.runs = runs

    def set(self):
        pass

    def wait(self, interval):
        self.runs -= 1
        return self.runs <= 0


def test_loop_mode_keeps_going_after_a_failed_run(
    clinic, practitioner, subscribe, push_service, runner, monkeypatch
):
    from webapp.reminders import commands

    receiver, _ = subscribe(practitioner)
    factories.make_appointment(
        factories.make_client(clinic, practitioner, first_name="Eve"),
        starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30),
        location="home",
    )
    db.session.commit()
    real_plan, calls = commands.plan_now, []

    def flaky_plan():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real_plan()

    monkeypatch.setattr(commands, "plan_now", flaky_plan)
    monkeypatch.setattr(commands, "_stop_on_signal", lambda: _StopAfter(2))
    result = runner.invoke(args=["reminders", "send", "--loop", "--interval", "1"])
    assert result.exit_code == 0, result.output
    assert len(calls) == 2 and "1 sent" in result.output
    assert [p["body"].split(",")[0] for p in push_service.payloads(receiver)] == ["Eve"]


def test_reminders_long_finished_are_forgotten_and_never_planned_again(
    clinic, practitioner, subscribe, push_service, at
):
    subscribe(practitioner)
    bea = factories.make_client(clinic, practitioner, first_name="Bea", address_line="2 Mill Lane")
    factories.make_appointment(bea, starts_at=london(11, 14), location="home")
    factories.make_appointment(bea, starts_at=london(25, 14), location="home")
    db.session.commit()
    assert at(london(11, 13, 0)) == 1  # sent
    assert at(london(25, 13, 0)) == 1  # sent, two weeks later
    assert db.session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 2
    waiting = Notification(
        user_id=practitioner.id,
        kind="test",
        dedupe_key="still-waiting",
        payload={},
        due_at=london(11, 13),
        status="pending",
    )  # say, a sender stopped long ago
    db.session.add(waiting)
    db.session.commit()

    # Ninety days after the first was due, it goes with its delivery attempt; the later one and
    # the one never finished stay. Planning at that time brings nothing back.
    later = london(11, 13) + dt.timedelta(days=90, minutes=1)
    assert prune_finished(db.session, later, keep_days=90) == 1
    assert plan_all(db.session, later) == 0
    db.session.commit()
    left = db.session.scalars(select(Notification.due_at).order_by(Notification.due_at)).all()
    assert left == [london(11, 13), london(25, 13)]
    assert db.session.get(Notification, waiting.id) is not None
    assert db.session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 1


def test_the_earlier_command_name_still_sends(runner, settings, push_service):
    """Crontabs written for earlier releases say ``flask push send``."""
    assert runner.invoke(args=["push", "send", "--no-plan"]).output.strip() == "sent: nothing due"
