"""The street/town this install belongs to (one row)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedRecord


class SubCenter(SyncedRecord, Base):
    __tablename__ = "sub_center"

    street_name: Mapped[str] = mapped_column(String(60), nullable=False)
    center_name: Mapped[str] = mapped_column(String(80), nullable=False)
    division_code: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    issuing_authority: Mapped[str] = mapped_column(String(80), nullable=False)
    doc_prefix: Mapped[str] = mapped_column(String(20), nullable=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    set_up_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
