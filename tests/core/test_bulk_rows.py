"""Bulk rows (COPY on PostgreSQL, a multi-row INSERT on SQLite) and id lookups (= ANY / IN)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.db import insert_rows, one_of
from webapp.extensions import db
from webapp.sync.models import AppliedChange


def _rows(user_id, count, **overrides):
    return [
        {
            "change_id": uuid.uuid4(),
            "user_id": user_id,
            "device_id": None,
            "content_hash": "a" * 64,
            "result": {"status": "applied", "note": "Zoë's café, \t tab\nand newline", "n": i, "none": None},
            **overrides,
        }
        for i in range(count)
    ]


def test_rows_go_in_whole_with_their_defaults_and_awkward_values(app, practitioner):
    rows = _rows(practitioner.id, 1200)
    insert_rows(db.session, AppliedChange.__table__, rows)
    db.session.commit()

    stored = {row.change_id: row for row in db.session.scalars(select(AppliedChange))}
    assert len(stored) == 1200
    first = stored[rows[0]["change_id"]]
    assert first.result == rows[0]["result"] and first.device_id is None
    assert abs(first.created_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)  # the column's default


def test_a_bad_row_writes_none_of_them(app, practitioner):
    rows = _rows(practitioner.id, 50)
    rows[30]["user_id"] = uuid.uuid4()  # no such user: the foreign key refuses it
    with pytest.raises(IntegrityError):
        insert_rows(db.session, AppliedChange.__table__, rows)
        db.session.commit()  # SQLite checks its foreign keys here at the latest
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AppliedChange)) == 0


def test_lookups_by_many_ids_find_every_one_and_nothing_else(app, practitioner):
    rows = _rows(practitioner.id, 1200)
    insert_rows(db.session, AppliedChange.__table__, rows)
    wanted = {r["change_id"] for r in rows[:1100]} | {uuid.uuid4() for _ in range(50)}
    found = set()
    for condition in one_of(db.session, AppliedChange.change_id, wanted):
        found.update(db.session.scalars(select(AppliedChange.change_id).where(condition)))
    assert found == {r["change_id"] for r in rows[:1100]}
    assert list(one_of(db.session, AppliedChange.change_id, [])) == []
