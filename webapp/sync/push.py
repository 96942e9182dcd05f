"""Push: apply a device's batch of changes in one transaction, with a result per change.

Each change is applied at most once: its id and a hash of its content are remembered with
the answer, so a retried batch gets the same answers and nothing is applied twice. Parents
are applied before their children. Applying one change (scope, validation, the merge and its
conflicts) is webapp/sync/applier.py; reading the request's shape is webapp/sync/changes.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.auth.models import User
from webapp.db import ColumnValues, insert_rows, one_of, table_of
from webapp.sync.applier import Applier
from webapp.sync.changelog import pushed_by
from webapp.sync.changes import Change
from webapp.sync.models import AppliedChange
from webapp.sync.outcome import Outcome, ResultJSON


def push(
    session: Session, user: User, device_id: uuid.UUID | None, changes: list[Change]
) -> list[ResultJSON]:
    """Apply ``changes`` for ``user``; the caller commits (or rolls back) the transaction."""
    known = _remembered(session, [c.change_id for c in changes])
    answers: dict[int, ResultJSON] = {}
    fresh: list[tuple[int, Change]] = []
    seen_in_batch: dict[uuid.UUID, int] = {}
    for index, change in enumerate(changes):
        previous = known.get(change.change_id)
        if previous is not None:
            answers[index] = (
                previous.result if previous.content_hash == change.content_hash else _reused(change)
            )
        elif change.change_id in seen_in_batch:
            # The same change twice is answered twice; one id for two different changes is a
            # device bug, and answering the second with the first's result would let the
            # device drop it from its outbox as if it had been stored.
            first = seen_in_batch[change.change_id]
            answers[index] = (
                {"duplicate_of": first}
                if changes[first].content_hash == change.content_hash
                else _reused(change)
            )
        else:
            seen_in_batch[change.change_id] = index
            fresh.append((index, change))

    applier = Applier(session, user, device_id)
    applier.preload([c for _, c in fresh])
    outcomes: dict[int, Outcome] = {}
    pushed_by(session, device_id, [c.id for _, c in fresh])
    try:
        for rank in sorted({c.entity.rank for _, c in fresh}):
            for index, change in fresh:
                if change.entity.rank == rank:
                    outcomes[index] = applier.apply(change)
            applier.insert_new()
            session.flush()  # parents get their rows before children are checked against them
    finally:
        pushed_by(session, None, ())

    remembered: list[ColumnValues] = []
    for index, outcome in outcomes.items():
        answers[index] = outcome.to_wire()
        remembered.append(
            {
                "change_id": outcome.change.change_id,
                "user_id": user.id,
                "device_id": device_id,
                "content_hash": outcome.change.content_hash,
                "result": answers[index],
            }
        )
    insert_rows(session, table_of(AppliedChange), remembered)
    for index, answer in list(answers.items()):
        if "duplicate_of" in answer:
            answers[index] = answers[answer["duplicate_of"]]
    return [answers[i] for i in range(len(changes))]


def _remembered(session: Session, change_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, AppliedChange]:
    found: dict[uuid.UUID, AppliedChange] = {}
    for condition in one_of(session, AppliedChange.change_id, set(change_ids)):
        for row in session.scalars(select(AppliedChange).where(condition)):
            found[row.change_id] = row
    return found


def _reused(change: Change) -> ResultJSON:
    return {
        "change_id": str(change.change_id),
        "status": "rejected",
        "entity": change.entity.name,
        "id": str(change.id),
        "version": None,
        "record": None,
        "conflicts": [],
        "errors": {"change_id": "This change id was already used for a different change."},
        "code": "change_id_reused",
    }
