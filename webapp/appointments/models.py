"""A booked session with a practitioner, at the clinic or at the client's home."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.db import Base, SyncedRecord, UTCDateTime


class Appointment(SyncedRecord, Base):
    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_practitioner_starts", "practitioner_id", "starts_at"),
        Index("ix_appointment_client_starts", "client_id", "starts_at"),
        # The whole clinic's day and week, as the desk's staff see them (appointments/services.py).
        Index("ix_appointment_clinic_starts", "clinic_id", "starts_at"),
    )

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinic.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"))
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(SmallInteger, default=30)
    location: Mapped[str] = mapped_column(String(20), default="clinic")  # clinic | home
    address: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="booked")  # booked | cancelled
    # What became of it (appointments/attendance.py OUTCOMES); None until someone knows.
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[Client] = relationship()
    practitioner: Mapped[User] = relationship()

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_home_visit(self) -> bool:
        return self.location == "home"
