"""Terms a clinic's practitioners add to the starting vocabularies."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base, SyncedRecord


class VocabularyTerm(SyncedRecord, Base):
    __tablename__ = "vocabulary_term"
    __table_args__ = (UniqueConstraint("clinic_id", "kind", "code"),)

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinic.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "complaint", "region" or "direction"
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))

    # Clinic-wide: not tied to one client's record.
    client_id = None
