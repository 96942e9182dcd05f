"""A client's data in one download: what a clinic hands over when a client asks for a copy.

The zip holds ``record.json`` (every record held about the client, machine-readable), the
printable record as ``record.html``, and a ``README.txt`` that says what each part is. The
records come from the sync registry (sync/entities.py), so an entity added there is exported
with no change here. Deleted records are included while the database holds them: the client
has a right to what is held, not only to what the desk shows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from webapp.appointments.models import Appointment
from webapp.audit.models import AuditEvent
from webapp.auth.models import Clinic, Role, User
from webapp.clients.models import Client
from webapp.reminders.models import Notification, NotificationStatus
from webapp.sync.entities import ENTITIES, attribute, to_wire, wire_fields
from webapp.sync.publish import VOCABULARIES
from webapp.vocab.services import terms

FORMAT = "fieldbook-client-export"
FORMAT_VERSION = 1

README = """\
Everything Fieldbook holds about {name}, as of {when} (UTC).

record.json   Every record, machine-readable (JSON, UTF-8):
              - "records": the client's details, case history, acknowledgement, appointments,
                sessions, findings, sensations and their ratings, each with its id, version,
                when it was created and last changed, and when it was deleted if it was;
              - "vocabulary": the words behind each code used in the records;
              - "changes": who read or changed the record and when (the audit trail), with
                the names of the fields changed; earlier values of a field are not kept;
              - "reminders": the Web Push reminders that named the client, and when each
                was sent.
record.html   The record as the clinic reads and prints it. Open it in any browser.

Body Stress Release is not a medical treatment; nothing in this record is a diagnosis. A
doctor's diagnosis appears only as the client reported it.
"""


def may_export(user: User, clinic: Clinic) -> bool:
    """Admins may download a client's data; staff too where the clinic allows it."""
    return user.role == Role.ADMIN or (user.role == Role.STAFF and clinic.staff_may_export)


@dataclass
class Export:
    filename: str
    content: bytes


def _record(entity_name: str, record: Any) -> dict[str, Any]:
    entity = ENTITIES[entity_name]
    return {
        "id": str(record.id),
        "version": record.version,
        "created_at": to_wire(record.created_at),
        "updated_at": to_wire(record.updated_at),
        "deleted_at": to_wire(record.deleted_at),
        **{name: to_wire(getattr(record, name)) for name in wire_fields(entity)},
    }


def client_records(session: Session, client: Client) -> dict[str, list[dict[str, Any]]]:
    """Every synced record of ``client``, deleted ones included, by entity, oldest first."""
    records: dict[str, list[dict[str, Any]]] = {}
    for entity in ENTITIES.values():
        if entity.name == "vocabulary_term":  # the clinic's words, not the client's data
            continue
        model = entity.model
        column = attribute(model, "id" if entity.name == "client" else "client_id")
        rows = session.scalars(
            select(model).where(column == client.id).order_by(model.created_at, attribute(model, "id"))
        )
        records[entity.name] = [_record(entity.name, row) for row in rows]
    return records


def _changes(session: Session, client: Client) -> list[dict[str, Any]]:
    """The audit trail of the client's record: who, what, when; field names, never values."""
    events = session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.subject_type == "client", AuditEvent.subject_id == str(client.id))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        {
            "at": to_wire(event.at),
            "action": event.action,
            "by": name,
            "fields": (event.detail or {}).get("fields", []),
        }
        for event, name in events
    ]


def _reminders(session: Session, client: Client) -> list[dict[str, Any]]:
    """Reminders that named the client: home visits (keyed by appointment) and sync notices."""
    appointment_ids = session.scalars(select(Appointment.id).where(Appointment.client_id == client.id))
    naming = [
        Notification.dedupe_key.startswith(f"home:{appointment_id}:") for appointment_id in appointment_ids
    ]
    naming.append(Notification.dedupe_key.endswith(f":{client.id}"))
    rows = session.scalars(select(Notification).where(or_(*naming)).order_by(Notification.due_at))
    return [
        {
            "kind": row.kind,
            "due_at": to_wire(row.due_at),
            "sent_at": to_wire(row.sent_at),
            "status": row.status,
            "title": row.payload.get("title"),
            "body": row.payload.get("body"),
        }
        for row in rows
        if row.status in SENT_OR_MAYBE
    ]


# A reminder a sender stopped in the middle of may have reached the phone: it counts as sent.
SENT_OR_MAYBE = (NotificationStatus.SENT, NotificationStatus.UNKNOWN)


def _vocabulary(clinic_id: uuid.UUID) -> dict[str, dict[str, str]]:
    return {kind: dict(terms(kind, clinic_id)) for kind in VOCABULARIES}


def client_data(session: Session, client: Client, now: dt.datetime) -> dict[str, Any]:
    """The machine-readable part of the export (``record.json``)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": to_wire(now),
        "clinic": session.get_one(Clinic, client.clinic_id).name,
        "client_id": str(client.id),
        "records": client_records(session, client),
        "vocabulary": _vocabulary(client.clinic_id),
        "changes": _changes(session, client),
        "reminders": _reminders(session, client),
    }


def _filename(client: Client, now: dt.datetime) -> str:
    """An ASCII file name a clinic can find again: the client's name and the day."""
    name = unicodedata.normalize("NFKD", f"{client.last_name}-{client.first_name}")
    name = re.sub(r"[^A-Za-z0-9-]+", "", name.encode("ascii", "ignore").decode()) or "client"
    return f"fieldbook-{name.lower()}-{now.date().isoformat()}.zip"


def build(session: Session, client: Client, record_html: str, now: dt.datetime) -> Export:
    """The zip of ``client``'s data, with ``record_html`` as its printable part."""
    data = client_data(session, client, now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt", README.format(name=client.full_name, when=now.strftime("%d %b %Y %H:%M"))
        )
        archive.writestr("record.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("record.html", record_html)
    return Export(_filename(client, now), buffer.getvalue())
