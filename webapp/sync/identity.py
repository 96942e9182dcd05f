"""Which copy of the database a phone's cursor belongs to, so a restore is never skipped over.

A database restored from a backup has gone back in time: its change log ends where the
backup was taken, while a phone's cursor may point past it, and changes phones pushed after
the backup are gone. Pulling on from such a cursor would silently skip whatever the log
writes next at positions the phone believes it has read. So every cursor the server hands
out is stamped with the database's identity (one row, renewed by ``flask restore``) and with
the change tick reached when it was handed out. A pull or a push whose cursor names another
identity, or a tick the database has not reached (a restore done by hand, without ``flask
restore``), is refused with ``server_restored``; the phone then sends again what it kept of
its pushes and takes a full copy (docs/sync-protocol.md, "After a restore").
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from webapp.db import now_utc, table_of
from webapp.sync.models import ServerIdentity

log = logging.getLogger(__name__)

# After a restore, change ticks go on from far above anything the lost changes could have
# used, so a version a phone saw before the restore never names a different change after it.
TICK_JUMP = 2**32


class ServerRestored(Exception):
    """The device's cursor is of another copy of the database, or ahead of this one."""

    def __init__(self, identity: ServerIdentity) -> None:
        super().__init__(
            "The clinic's server was restored from a backup. This phone sends again what it "
            "changed since and then takes a fresh copy of the caseload."
        )
        self.identity = identity.identity
        self.restored_version = identity.restored_version

    def details(self) -> dict[str, object]:
        """What the phone needs besides the code (the error envelope carries it)."""
        return {"server_id": str(self.identity), "restored_version": self.restored_version}


def current(session: Session) -> ServerIdentity:
    """The database's identity row; made if missing (a database emptied by hand, or a test's)."""
    row = session.get(ServerIdentity, 1)
    if row is not None:
        return row
    values = {"id": 1, "identity": uuid.uuid4(), "restored_version": 0}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(table_of(ServerIdentity)).values(**values).on_conflict_do_nothing())
    return session.get_one(ServerIdentity, 1)


def tick_now(session: Session) -> int:
    """The last change tick handed out (never less than any version a device has seen)."""
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(text("SELECT last_value FROM change_tick_seq")).scalar_one())
    return int(session.execute(text("SELECT value FROM sync_clock WHERE id = 1")).scalar_one())


def renew(session: Session) -> ServerIdentity:
    """Mark this database as a restored copy: a new identity, and ticks jump ahead.

    ``restored_version`` is the last tick the restored data holds; phones take it as the base
    of changes they made on versions the server no longer has.
    """
    row = current(session)
    row.identity = uuid.uuid4()
    row.restored_version = tick_now(session)
    row.restored_at = now_utc()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT setval('change_tick_seq', :to)"), {"to": row.restored_version + TICK_JUMP}
        )
    else:
        session.execute(text("UPDATE sync_clock SET value = value + :jump WHERE id = 1"), {"jump": TICK_JUMP})
    session.flush()
    return row


@dataclass(frozen=True)
class Stamp:
    identity: uuid.UUID | None
    tick: int | None
    inner: str | None  # the pull's own cursor (webapp/sync/cursor.py)


def stamp(session: Session, inner: str) -> str:
    """The cursor handed to a device: the pull's own, with the identity and today's tick."""
    raw = json.dumps({"db": current(session).identity.hex, "tick": tick_now(session), "at": inner})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def unstamp(cursor: str | None) -> Stamp:
    """What a cursor says. One handed out before cursors were stamped is all ``inner``."""
    if not cursor:
        return Stamp(None, None, None)
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(data, dict) and "db" in data:
            tick, inner = data["tick"], data["at"]
            if isinstance(tick, int) and not isinstance(tick, bool) and isinstance(inner, str):
                return Stamp(uuid.UUID(hex=data["db"]), tick, inner)
    except (ValueError, TypeError, KeyError, AttributeError):
        pass
    return Stamp(None, None, cursor)  # not stamped (or not valid: cursor.decode says so)


def check(session: Session, cursor: str | None, server_id: object = None) -> str | None:
    """The pull's own cursor inside ``cursor``; ServerRestored if it is of another database.

    ``server_id`` is the identity the device last learnt from a pull answer: it still tells
    when the device has no cursor (it dropped it to take a full copy again).

    A tick ahead of the database's own means it was restored without ``flask restore`` (by
    hand, with pg_restore or a copied file): it is marked restored now, so that every phone
    recovers against one restore point, and the operator is told in the log.
    """
    stamped = unstamp(cursor)
    known = _uuid(server_id)
    if stamped.identity is None and known is None:
        return stamped.inner
    identity = current(session)
    if any(given not in (None, identity.identity) for given in (stamped.identity, known)):
        raise ServerRestored(identity)
    if stamped.tick is not None and stamped.tick > tick_now(session):
        log.error(
            "A device's sync cursor is ahead of this database's change log: the database was "
            "restored without `flask restore`. Marking it restored now (docs/deployment.md, Backups)."
        )
        raise ServerRestored(renew(session))
    return stamped.inner


class BadServerId(ValueError):
    """A server_id that is not a UUID."""


def _uuid(value: object) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise BadServerId("server_id must be the UUID a pull answered with.") from None
