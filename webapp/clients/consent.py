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


def _note(session: Session, client_id: uuid.UUID, given: bool) -> None:
    session.info.setdefault(NOTED, {})[client_id] = given  # the last answer of the transaction counts


@event.listens_for(Session, "before_flush", insert=True)
def _date_consent_changes(session: Session, flush_context, instances) -> None:
    """Stamp when the client's answer changed. First among the flush hooks, so the change
    log versions the date like any other field and phones pull it."""
    for client in (*session.new, *session.dirty):
        if isinstance(client, Client) and _changed(session, client):
            client.case_study_consent_at = now_utc()
            client.id = client.id or uuid.uuid4()  # a new client's id, given now so it can be noted
            _note(session, client.id, bool(client.case_study_consent))


def date_new_client_rows(session: Session, rows) -> None:
    """The same for clients a phone registered, which a push inserts as plain rows."""
    for row in rows:
        if row.get("case_study_consent"):
            row["case_study_consent_at"] = now_utc()
            _note(session, row["id"], True)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_noted_changes(session: Session) -> None:
    """What a transaction noted ends with it: rolled back, it did not happen; committed
    unaudited, it was made outside a request (the demo loader, a test's factories)."""
    session.info.pop(NOTED, None)


def audit_consent_changes(session: Session, user, address: str | None = None) -> None:
    """Record, as ``user``'s doing, the consent changes flushed in this session since the last call."""
    session.flush()
    for client_id, given in session.info.pop(NOTED, {}).items():
        action = "client.consent_given" if given else "client.consent_withdrawn"
        record_event(action, user=user, subject_type="client", subject_id=client_id, address=address)
