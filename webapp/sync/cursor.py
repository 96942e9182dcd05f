"""Pull cursors that never skip a change, even when transactions commit out of order.

A change-log row's position is (txid, id): the id of the transaction that wrote it and
its own log id. On PostgreSQL, log ids are taken when a row is inserted but become visible
only at commit, so a pull that simply read "id > cursor" could pass over a transaction that
took a smaller id and committed later. Instead a pull reads only rows whose transaction is
older than every transaction still running (``pg_snapshot_xmin``): those are all finished,
so nothing below the horizon can appear afterwards, and ordering by (txid, id) is stable.

On SQLite writers are serialised, so log order is commit order; txid is always 0 there.
"""

from __future__ import annotations

import base64
import json
import uuid

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from webapp.sync.models import ChangeLog

START = (0, 0)
# Above any log id: a position (t, TOP) means "everything of transactions up to t".
TOP = 2**62


class BadCursor(ValueError):
    pass


def encode(position: tuple[int, int]) -> str:
    raw = json.dumps(list(position)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None) -> tuple[int, int]:
    if not cursor:
        return START
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        txid, log_id = json.loads(base64.urlsafe_b64decode(padded))
        if not all(
            isinstance(part, int) and not isinstance(part, bool) and 0 <= part < 2**63
            for part in (txid, log_id)
        ):
            raise ValueError
    except (ValueError, TypeError, json.JSONDecodeError):
        raise BadCursor("The sync cursor is not valid; pull again without one.") from None
    return txid, log_id


# A snapshot in pages: the log position the whole snapshot is complete up to, and where the
# next page starts (after record ``after`` of entity ``entity``, in id order).
def encode_snapshot(position: tuple[int, int], entity: str, after: uuid.UUID | None) -> str:
    raw = json.dumps(
        {"snapshot": list(position), "entity": entity, "after": after.hex if after else None}
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_snapshot(cursor: str | None) -> tuple[tuple[int, int], str, uuid.UUID | None] | None:
    """(position, entity, after id) of a snapshot page's cursor; None for a log cursor or none."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError):
        return None  # decode() says what is wrong with it
    if not isinstance(data, dict):
        return None
    try:
        txid, log_id = data["snapshot"]
        entity, after = data["entity"], data["after"]
        if not isinstance(entity, str) or not all(
            isinstance(part, int) and not isinstance(part, bool) and 0 <= part < 2**63
            for part in (txid, log_id)
        ):
            raise ValueError
        return (txid, log_id), entity, (uuid.UUID(hex=after) if after is not None else None)
    except (KeyError, ValueError, TypeError, AttributeError):
        raise BadCursor("The sync cursor is not valid; pull again without one.") from None


# The oldest transaction of THIS database still running when the snapshot was taken. The
# snapshot's own xmin is cluster-wide: a long transaction in any other database on the same
# server would stall every pull. pg_stat_activity tells which running transactions are ours
# (backend_xid is 32 bits; xip values carry the epoch, hence the modulo). Where the role may
# not read other sessions' activity, fall back to the cluster-wide xmin, which is always safe.
_HORIZON_SQL = text("""
WITH snap AS (SELECT pg_current_snapshot() AS s)
SELECT CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
             OR pg_has_role(current_user, 'pg_read_all_stats', 'member')
       THEN COALESCE(
         (SELECT min(x::text::bigint) FROM snap, pg_snapshot_xip(snap.s) AS x
           WHERE (x::text::bigint % 4294967296)::text IN (
             SELECT backend_xid::text FROM pg_stat_activity
              WHERE datname = current_database() AND backend_xid IS NOT NULL)),
         (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap))
       ELSE (SELECT pg_snapshot_xmin(s)::text::bigint FROM snap)
       END
""")


def horizon(session: Session) -> int | None:
    """Rows with txid below this are final (PostgreSQL); None means no limit (SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(_HORIZON_SQL).scalar_one())
    return None


def snapshot_position(session: Session) -> tuple[int, int]:
    """The position a full snapshot read after this call is complete up to.

    Taken before the snapshot's data is read: anything committed later is pulled again
    next time, which is harmless because devices keep the newer version of a record.
    """
    limit = horizon(session)
    if limit is not None:
        return (limit - 1, TOP)
    last = session.scalar(select(func.max(ChangeLog.id))) or 0
    return (0, last)
