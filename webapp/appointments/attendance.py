"""What became of an appointment: attended, did not come, cancelled late, or cancelled.

The outcome is a field of the appointment, so it syncs like any other. Staff set it from
the day view; a session recorded for an appointment marks it attended by itself (a flush
hook, so a visit synced from a phone counts as much as one entered at the desk). The
reports (no-show and late-cancellation rates) read it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from webapp.appointments.models import Appointment
from webapp.visits.models import Visit

ATTENDED, NO_SHOW, CANCELLED_LATE, CANCELLED = "attended", "no_show", "cancelled_late", "cancelled"
# The words the desk shows, in the order it offers them.
OUTCOMES: dict[str, str] = {
    ATTENDED: "Attended",
    NO_SHOW: "Did not come",
    CANCELLED_LATE: "Cancelled late",
    CANCELLED: "Cancelled",
}
# Only these can be known before the appointment's time.
BEFORE_THE_TIME = (CANCELLED_LATE, CANCELLED)


class OutcomeRefused(Exception):
    """The outcome cannot be set (the message says why, for the person at the desk)."""


def set_outcome(appointment: Appointment, outcome: str, now: dt.datetime) -> None:
    """Record what became of ``appointment``; a cancellation frees its time in the diary."""
    if outcome not in OUTCOMES:
        raise OutcomeRefused("Choose what happened: attended, did not come, cancelled late or cancelled.")
    if outcome not in BEFORE_THE_TIME and appointment.starts_at > now:
        raise OutcomeRefused("This appointment has not started yet: it can only be cancelled for now.")
    appointment.outcome = outcome
    appointment.status = "cancelled" if outcome in BEFORE_THE_TIME else "booked"


def _for_an_appointment(session: Session, visit: Visit) -> bool:
    if visit.appointment_id is None or visit.deleted_at is not None:
        return False
    return visit in session.new or bool(inspect(visit).attrs.appointment_id.history.added)


def mark_attended(session: Session, appointment_ids) -> None:
    """A session recorded for an appointment means the client came."""
    for appointment_id in appointment_ids:
        appointment = session.get(Appointment, appointment_id)
        if appointment is not None and appointment.outcome != ATTENDED:
            appointment.outcome, appointment.status = ATTENDED, "booked"


@event.listens_for(Session, "before_flush", insert=True)
def _mark_attended_on_flush(session: Session, flush_context, instances) -> None:
    """Sessions written through the ORM (a push inserts new ones as plain rows and calls
    ``mark_attended`` itself). First among the flush hooks, so the change log versions the
    outcome and phones pull it."""
    visits = [
        v for v in (*session.new, *session.dirty) if isinstance(v, Visit) and _for_an_appointment(session, v)
    ]
    mark_attended(session, {visit.appointment_id for visit in visits})
