"""A visit (one session), its findings, and the sensations rated at each visit."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, SmallInteger, String, Text, Uuid, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.db import Base, SyncedRecord, UTCDateTime


class Visit(SyncedRecord, Base):
    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_client_started", "client_id", "started_at"),
        # A client's live sessions, counted from the index alone (no row read): follow-ups
        # (appointments/services.py) ask it of every client of the clinic.
        Index(
            "ix_visit_live_client",
            "client_id",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"))
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("appointment.id"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(20), default="clinic")  # clinic | home
    address: Mapped[str] = mapped_column(String(300), default="")
    number_in_course: Mapped[int] = mapped_column(SmallInteger, default=1)
    reactions: Mapped[list] = mapped_column(JSON, default=list)  # codes from REACTIONS
    reactions_note: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[list] = mapped_column(JSON, default=list)  # codes from ADVICE
    referred: Mapped[bool] = mapped_column(default=False)
    referral_reason: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    # The phone's clock (visits/clock.py): what it said at the start, and the offset (server
    # minus phone, in seconds) it knew then; None when it knew none or is an older app.
    device_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    clock_offset_seconds: Mapped[int | None] = mapped_column(BigInteger)
    # Where started_at came from (clock.PHONE, CORRECTED, UNKNOWN_OFFSET, DESK; None before
    # clocks were checked), and what needs a look (clock.CLOCK_FLAGS; None: nothing).
    start_basis: Mapped[str | None] = mapped_column(String(20))
    clock_flag: Mapped[str | None] = mapped_column(String(20))

    client: Mapped[Client] = relationship()
    practitioner: Mapped[User] = relationship()


@event.listens_for(Session, "before_flush", insert=True)
def _recheck_course_order(session: Session, flush_context, instances) -> None:
    """Every write of a session rechecks its course's order, whatever made it.

    First among the flush hooks, so the change log's stamping (sync.changelog) versions
    the flags it sets like any other change, and phones pull them.
    """
    from webapp.visits.course import recheck_flushed

    recheck_flushed(session)


class Finding(SyncedRecord, Base):
    """A site tested in a visit: whether stress was found there and whether it released."""

    __tablename__ = "finding"

    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visit.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    region: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(10))
    muscle_or_test: Mapped[str] = mapped_column(String(120), default="")
    tension_found: Mapped[bool] = mapped_column(default=True)
    released: Mapped[bool] = mapped_column(default=False)
    # The direction the tension lies in (vocab/defaults.py DIRECTIONS, or a clinic's own term).
    direction: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text, default="")
    # Findings traced as one line of tension across regions share a line id, in order.
    tension_line_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    visit: Mapped[Visit] = relationship(backref="findings")


class Sensation(SyncedRecord, Base):
    """Something the client feels, in their own terms, tracked from its baseline."""

    __tablename__ = "sensation"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))  # a complaint code
    client_words: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(10))

    client: Mapped[Client] = relationship()


class SensationRating(SyncedRecord, Base):
    """How a sensation stood at one visit; the first visit's rating is its baseline."""

    __tablename__ = "sensation_rating"
    __table_args__ = (Index("ix_sensation_rating_sensation_visit", "sensation_id", "visit_id"),)

    sensation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sensation.id"))
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visit.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    intensity: Mapped[int] = mapped_column(SmallInteger)
    times_of_day: Mapped[list] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(20))

    sensation: Mapped[Sensation] = relationship(backref="ratings")
    visit: Mapped[Visit] = relationship()
