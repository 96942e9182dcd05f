"""Case-study consent is dated and audited, whichever way it changes (desk form or phone sync).

The date is stamped in a flush hook, so no write path can change the answer without dating
it. The audit needs to know who made the change, which only the request knows: the hook
notes each change in the session, and the desk's form and the sync push each write the
audit rows for what was noted (``audit_consent_changes``).
"""

from __future__ import annotations

import uuid

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from webapp.audit.services import record_event
from webapp.clients.models import Client
from webapp.db import now_utc

NOTED = "case_study_consent_changes"


def _changed(session: Session, client: Client) -> bool:
    if client in session.new:
        return bool(client.case_study_consent)  # a new client who consents from the start
    history = inspect(client).attrs.case_study_consent.history
    return bool(history.added and history.deleted and bool(history.added[0]) != bool(history.deleted[0]))


@event.listens_for(Session, "before_flush", insert=True)
def _date_consent_changes(session: Session, flush_context, instances) -> None:
    """Stamp when the client's answer changed. First among the flush hooks, so the change
    log versions the date like any other field and phones pull it."""
    for client in (*session.new, *session.dirty):
        if isinstance(client, Client) and _changed(session, client):
            client.case_study_consent_at = now_utc()
            session.info.setdefault(NOTED, []).append(client)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_noted_changes(session: Session) -> None:
    """What a transaction noted ends with it: rolled back, it did not happen; committed
    unaudited, it was made outside a request (the demo loader, a test's factories)."""
    session.info.pop(NOTED, None)


def audit_consent_changes(session: Session, user, address: str | None = None) -> None:
    """Record, as ``user``'s doing, the consent changes flushed in this session since the last call."""
    session.flush()
    seen: set[uuid.UUID] = set()
    for client in session.info.pop(NOTED, []):
        if client.id in seen or not inspect(client).persistent:
            continue
        seen.add(client.id)
        action = "client.consent_given" if client.case_study_consent else "client.consent_withdrawn"
        record_event(action, user=user, subject_type="client", subject_id=client.id, address=address)
