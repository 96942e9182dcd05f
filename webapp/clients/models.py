"""The client, their case history and their acknowledgement that BSR is non-medical."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, Uuid, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.db import Base, SyncedRecord, UTCDateTime


class Client(SyncedRecord, Base):
    __tablename__ = "client"
    # The desk's client list, in name order a page at a time (records/client_list.py): read
    # through this index rather than sorting the whole clinic for each page.
    __table_args__ = (
        Index(
            "ix_client_clinic_name",
            "clinic_id",
            func.lower(text("last_name")),
            func.lower(text("first_name")),
            "id",
        ),
    )

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinic.id"), index=True)
    # The practitioner whose caseload holds this client; None while unassigned. The old
    # value is always loaded on change (active_history), so the change log can tell the
    # previous practitioner's devices to let the client go.
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id"), index=True, active_history=True
    )
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    address_line: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(80), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    heard_about: Mapped[str] = mapped_column(String(200), default="")
    # May a client's anonymised story be published as a case study? (docs/domain.md) The old
    # value is loaded on change so that a change can be dated (clients/consent.py).
    case_study_consent: Mapped[bool] = mapped_column(default=False, active_history=True)
    # When the answer above was last given or withdrawn; set by the server, never sent by a phone.
    case_study_consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A request to erase the client's data (records/erasure.py): when, by whom at the desk, and
    # the reason as the admin wrote it; then when it was erased (the row stays, anonymised).
    erasure_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    erasure_requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    erasure_reason: Mapped[str] = mapped_column(Text, default="")
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    practitioner: Mapped[User | None] = relationship(foreign_keys=[practitioner_id])
    erasure_requested_by: Mapped[User | None] = relationship(foreign_keys=[erasure_requested_by_id])

    @property
    def client_id(self) -> uuid.UUID:
        """Every client-scoped record names its client; a client names itself."""
        return self.id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def address(self) -> str:
        return ", ".join(p for p in (self.address_line, self.town, self.postcode) if p)


class CaseHistory(SyncedRecord, Base):
    """Taken at the first visit; everything medical in it is as the client reported it."""

    __tablename__ = "case_history"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), unique=True)
    occupation: Mapped[str] = mapped_column(String(120), default="")
    sitting_hours_per_day: Mapped[float | None] = mapped_column(Numeric(4, 1))
    driving: Mapped[str] = mapped_column(Text, default="")
    exercise_and_sport: Mapped[str] = mapped_column(Text, default="")
    posture_habits: Mapped[str] = mapped_column(Text, default="")
    injuries_and_operations: Mapped[str] = mapped_column(Text, default="")
    reported_diagnoses: Mapped[str] = mapped_column(Text, default="")
    reported_medication: Mapped[str] = mapped_column(Text, default="")
    concurrent_care: Mapped[str] = mapped_column(Text, default="")
    water_litres_per_day: Mapped[float | None] = mapped_column(Numeric(3, 1))
    takes_magnesium: Mapped[bool | None] = mapped_column(default=None)
    goals: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[Client] = relationship(backref="case_history_rows")


class Acknowledgement(SyncedRecord, Base):
    """The client's acknowledgement, before the first session, that BSR is non-medical."""

    __tablename__ = "acknowledgement"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    acknowledged_on: Mapped[dt.date] = mapped_column(Date)
    wording_version: Mapped[str] = mapped_column(String(20))
    # "signed" on paper, or "ticked" on the practitioner's device.
    method: Mapped[str] = mapped_column(String(20), default="ticked")
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))

    recorded_by: Mapped[User | None] = relationship()
