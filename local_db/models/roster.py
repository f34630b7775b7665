"""The enforcement roster (1+X+Y): units of the district, officers, certificates,
leave, the daily emergency duty roster and each person's history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from local_db.base import Base, SyncedRecord


class Unit(SyncedRecord, Base):
    """A department or agency of the district (or a cooperating force). The directory
    is synced from the district later; until then it is edited locally."""

    __tablename__ = "unit"

    name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    short_name: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    contact_person: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    chief_responder: Mapped[str] = mapped_column(String(40), nullable=False, default="")  # 总应哨人
    chief_responder_phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    from_district: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    retired: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    responders: Mapped[list[UnitResponder]] = relationship(back_populates="unit")


class UnitResponder(SyncedRecord, Base):
    """The 应哨人 a unit names for one community (seed 004)."""

    __tablename__ = "unit_responder"
    __table_args__ = (UniqueConstraint("unit_id", "community_id"),)

    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), nullable=False)
    community_id: Mapped[str] = mapped_column(ForeignKey("community.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")

    unit: Mapped[Unit] = relationship(back_populates="responders")


class Officer(SyncedRecord, Base):
    __tablename__ = "officer"
    __table_args__ = (
        Index("ix_officer_force_status", "force", "status"),
        Index("ix_officer_unit", "source_unit_id"),
    )

    name: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    gender: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    id_number: Mapped[str] = mapped_column(String(18), nullable=False, unique=True)
    source_unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    force: Mapped[str] = mapped_column(String(2), nullable=False)  # 1 | X | Y
    staffing_type: Mapped[str] = mapped_column(String(30), nullable=False)
    position: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    squad: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="on_duty")
    status_since: Mapped[date | None] = mapped_column(Date)
    secondment_start: Mapped[date | None] = mapped_column(Date)
    secondment_end: Mapped[date | None] = mapped_column(Date)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    source_unit: Mapped[Unit | None] = relationship()
    certificates: Mapped[list[Certificate]] = relationship(back_populates="officer")
    leaves: Mapped[list[Leave]] = relationship(back_populates="officer")


class Certificate(SyncedRecord, Base):
    """An enforcement certificate (执法证). Domains are stored as comma-separated codes
    of ``EnforcementDomain``."""

    __tablename__ = "certificate"

    officer_id: Mapped[str] = mapped_column(ForeignKey("officer.id"), nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    issuing_authority: Mapped[str] = mapped_column(String(80), nullable=False)
    domains: Mapped[str] = mapped_column(String(300), nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    officer: Mapped[Officer] = relationship(back_populates="certificates")


class Leave(SyncedRecord, Base):
    __tablename__ = "leave"
    __table_args__ = (Index("ix_leave_officer_dates", "officer_id", "start_date", "end_date"),)

    officer_id: Mapped[str] = mapped_column(ForeignKey("officer.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    officer: Mapped[Officer] = relationship(back_populates="leaves")


class DutyAssignment(SyncedRecord, Base):
    """The emergency-whistle duty officer (应急哨值班) of one day."""

    __tablename__ = "duty_assignment"

    day: Mapped[date] = mapped_column(Date, nullable=False, unique=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officer.id"), nullable=False, index=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    officer: Mapped[Officer] = relationship()


class OfficerEvent(Base):
    """A person's history: created, status changes, secondments, certificates."""

    __tablename__ = "officer_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officer.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(40), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)

    # Lets the unit of work insert a new officer before the first line of their history.
    officer: Mapped[Officer] = relationship()


class HeaderAlias(Base):
    """A spreadsheet header a user mapped to a field once, remembered for next time
    (real 花名册 files word their headers in many ways)."""

    __tablename__ = "header_alias"
    __table_args__ = (UniqueConstraint("kind", "alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # e.g. roster
    alias: Mapped[str] = mapped_column(String(80), nullable=False)
    field: Mapped[str] = mapped_column(String(40), nullable=False)
