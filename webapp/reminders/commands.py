"""``flask reminders plan`` and ``flask reminders send``: run from cron or a systemd timer
(docs/reminders.md). ``flask push ...``, the name of earlier releases, still works, so
that crontabs written for them go on sending."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.db import now_utc
from webapp.extensions import db
from webapp.reminders.planner import plan_all
from webapp.reminders.sender import SenderSettings, SendReport, send_due
from webapp.reminders.services import prune_finished

log = logging.getLogger(__name__)
reminders_cli = AppGroup("reminders", help="Reminders by Web Push: plan what is due and send it.")


def plan_now() -> int:
    """Plan every reminder due now, and forget those long finished; how many were new."""
    now = now_utc()
    added = plan_all(db.session(), now, current_app.config["PUSH_STALE_DEVICE_DAYS"])
    prune_finished(db.session(), now, current_app.config["PUSH_KEEP_DAYS"])
    db.session.commit()
    return added


def send_now() -> SendReport:
    return send_due(db.session(), SenderSettings.from_config(current_app.config))


def _describe(planned: int | None, report: SendReport) -> str:
    done = ", ".join(f"{n} {status}" for status, n in sorted(report.outcomes.items())) or "nothing due"
    parts = [] if planned is None else [f"planned {planned}"]
    if report.recovered:
        parts.append(f"{report.recovered} found abandoned mid-send")
    return "; ".join([*parts, f"sent: {done}"])


def _stop_on_signal() -> threading.Event:
    """An event set by SIGTERM or Ctrl-C: the loop finishes the run in hand, then stops."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


@reminders_cli.command("plan")
def plan_command() -> None:
    """Plan the reminders due now (``send`` does this too unless told --no-plan)."""
    click.echo(f"Planned {plan_now()} new reminder(s).")


@reminders_cli.command("send")
@click.option(
    "--plan/--no-plan", "also_plan", default=True, show_default=True, help="Plan what is due before sending."
)
@click.option("--loop", is_flag=True, help="Keep running: plan and send every --interval seconds.")
@click.option(
    "--interval",
    default=60,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds between runs in --loop mode.",
)
def send_command(also_plan: bool, loop: bool, interval: int) -> None:
    """Send every notification that is due, once, and exit (or keep going with --loop)."""
    stop = _stop_on_signal() if loop else threading.Event()
    while True:
        try:
            planned = plan_now() if also_plan else None
            click.echo(_describe(planned, send_now()))
        except Exception:
            if not loop:
                raise
            # A database or network hiccup must not end the loop; the next run tries again.
            log.exception("push: this run failed; trying again in %s s", interval)
            db.session.rollback()
        finally:
            db.session.remove()
        if not loop or stop.wait(interval):
            return
