"""Erasing a client's data when they ask (GDPR article 17, POPIA section 24), within the law's
own limit: health records are kept for the clinic's retention period.

Two steps at the desk, admin only (records/erasure_views.py): the request is recorded with
its reason; then, once the retention period after the last session has passed, the data is
erased. Erasing:

- takes the client off their practitioner's caseload first, through the ordinary change log,
  so every phone that holds them removes them at its next sync ("evict");
- deletes every synced record of the client (case history, acknowledgement, appointments,
  sessions, findings, sensations, ratings), and whatever else holds what they said or what
  was found: conflicts, changes parked at the desk, the remembered answers to pushes, the
  reminders that named them;
- keeps the client's row as an anonymous tombstone (its id, clinic and the dates of the
  request and the erasure), so that the audit trail, which holds ids and field names but never
  content, still says that a record existed, who read it, and when it was erased.

The change log keeps its rows (ids only): phones' cursors run through them, and a pull finds
nothing left to send for them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from webapp.auth.models import Clinic
from webapp.clients.models import Client
from webapp.db import now_utc, rows_changed
from webapp.reminders.models import Notification
from webapp.sync.entities import ENTITIES, attribute
from webapp.sync.models import AppliedChange, ParkedChange, SyncConflict
from webapp.visits.models import Visit

# The tombstone's name, shown wherever an id still leads (the audit trail).
ERASED_NAME = ("Erased", "client")
# Children before parents: the order foreign keys allow them to go.
ERASE_ORDER = (
    "sensation_rating",
    "finding",
    "sensation",
    "visit",
    "appointment",
    "acknowledgement",
    "case_history",
)


class ErasureRefused(Exception):
    """The data cannot be erased now; the message says why, for the admin."""


@dataclass(frozen=True)
class Retention:
    """Whether the client's records must still be kept, and until when."""

    last_session: dt.datetime | None
    kept_until: dt.date | None  # None: nothing to keep (no session was ever recorded)
    years: int

    def keeps(self, today: dt.date) -> bool:
        return self.kept_until is not None and today < self.kept_until


def retention_of(session: Session, client: Client) -> Retention:
    """The retention period runs from the client's last session, live or deleted since."""
    clinic = session.get_one(Clinic, client.clinic_id)
    last = session.scalar(select(func.max(Visit.started_at)).where(Visit.client_id == client.id))
    if last is None:
        return Retention(None, None, clinic.retention_years)
    last_day = last.date()
    try:
        until = last_day.replace(year=last_day.year + clinic.retention_years)
    except ValueError:  # 29 February, in a year without one
        until = last_day.replace(year=last_day.year + clinic.retention_years, day=28)
    return Retention(last, until, clinic.retention_years)


def erased_client(session: Session, user_clinic_id: uuid.UUID, client_id: str) -> Client | None:
    """The tombstone of an erased client of the reader's clinic, if ``client_id`` names one."""
    try:
        wanted = uuid.UUID(str(client_id))
    except ValueError:
        return None
    client = session.get(Client, wanted)
    if client is None or client.clinic_id != user_clinic_id or client.erased_at is None:
        return None
    return client


def record_request(client: Client, requested_by: uuid.UUID, reason: str) -> None:
    client.erasure_requested_at = now_utc()
    client.erasure_requested_by_id = requested_by
    client.erasure_reason = reason


def _ids(session: Session, entity_name: str, client_id: uuid.UUID) -> list[uuid.UUID]:
    model = ENTITIES[entity_name].model
    return list(
        session.scalars(select(attribute(model, "id")).where(attribute(model, "client_id") == client_id))
    )


def _remembered_answers(session: Session, record_ids: set[uuid.UUID], client: Client) -> list[uuid.UUID]:
    """Remembered push answers that carry one of the client's records (their fields): read in
    pages, since the table holds every answer of every push."""
    wanted = {str(i) for i in record_ids}
    found: list[uuid.UUID] = []
    query = (
        select(AppliedChange.change_id, AppliedChange.result)
        .where(AppliedChange.created_at >= client.created_at - dt.timedelta(days=1))
        .execution_options(yield_per=1000)
    )
    for change_id, result in session.execute(query):
        answer: dict[str, Any] = result or {}
        record = answer.get("record") or {}
        if answer.get("id") in wanted or record.get("id") in wanted:
            found.append(change_id)
    return found


def erase(session: Session, client: Client, today: dt.date) -> dict[str, int]:
    """Erase ``client``'s data (see the module docstring); how many rows of each kind went."""
    if client.erasure_requested_at is None:
        raise ErasureRefused("Record the client's request, with its reason, before erasing.")
    retention = retention_of(session, client)
    if retention.keeps(today):
        raise ErasureRefused(
            f"The records must be kept until {retention.kept_until:%d %B %Y} "
            f"({retention.years} years after the last session)."
        )
    # First through the change log: every phone holding the client lets them go.
    client.practitioner_id = None
    session.flush()

    removed: dict[str, int] = {}
    record_ids: set[uuid.UUID] = {client.id}
    appointment_ids = _ids(session, "appointment", client.id)
    for name in ERASE_ORDER:
        ids = _ids(session, name, client.id)
        record_ids.update(ids)
        model = ENTITIES[name].model
        if ids:
            session.execute(delete(model).where(attribute(model, "id").in_(ids)))
        removed[name] = len(ids)
    removed["conflict"] = rows_changed(
        session, delete(SyncConflict).where(SyncConflict.client_id == client.id)
    )
    removed["parked_change"] = rows_changed(
        session, delete(ParkedChange).where(ParkedChange.client_id == client.id)
    )
    answers = _remembered_answers(session, record_ids, client)
    if answers:
        session.execute(delete(AppliedChange).where(AppliedChange.change_id.in_(answers)))
    removed["remembered_answer"] = len(answers)
    naming = [
        Notification.dedupe_key.startswith(f"home:{appointment_id}:") for appointment_id in appointment_ids
    ]
    naming.append(Notification.dedupe_key.endswith(f":{client.id}"))
    removed["reminder"] = rows_changed(session, delete(Notification).where(or_(*naming)))

    _anonymise(client)
    session.flush()
    return removed


def _anonymise(client: Client) -> None:
    client.first_name, client.last_name = ERASED_NAME
    client.phone = client.email = client.address_line = client.town = client.postcode = client.heard_about = (
        ""
    )
    client.date_of_birth = None
    client.erased_at = now_utc()
    client.deleted_at = client.erased_at
