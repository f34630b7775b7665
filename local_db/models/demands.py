"""Demands (诉求) and their closed loop, the responsibility list that routes them,
attachments stored by content, extension requests, whistles (吹哨) and handovers with
the district (双向派单).

Codes (kind, source, status, …) are stored as short English strings; the domain layer
gives them Chinese labels. A street holds up to a million demands: the list columns
used for filtering and sorting are indexed, and ``demand_fts`` (an FTS5 trigram index
created by the migration, kept current by triggers) serves Chinese substring search.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from local_db.base import Base, SyncedRecord

# --- the responsibility list (属地管理事项清单), owned by the district ---------------------


class ResponsibilityListVersion(SyncedRecord, Base):
    __tablename__ = "responsibility_list_version"

    number: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    published_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # district | import
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ResponsibilityItem(SyncedRecord, Base):
    __tablename__ = "responsibility_item"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    version_id: Mapped[str] = mapped_column(ForeignKey("responsibility_list_version.id"),
                                            nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    item_type: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    district_duty: Mapped[str] = mapped_column(Text, nullable=False, default="")
    street_duty: Mapped[str] = mapped_column(Text, nullable=False, default="")
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    lead_unit: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    cooperating_units: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 、-separated


# --- demands -------------------------------------------------------------------------


class DemandCategory(SyncedRecord, Base):
    """The configurable two-level classification (大类 › 小类)."""

    __tablename__ = "demand_category"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    parent_id: Mapped[str | None] = mapped_column(ForeignKey("demand_category.id"))
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Demand(SyncedRecord, Base):
    __tablename__ = "demand"
    __table_args__ = (
        # the list's filters and sorts (docs/performance.md "filter" and "list" cases)
        Index("ix_demand_status_deadline", "status", "deadline_at"),
        Index("ix_demand_grid_status_deadline", "grid_id", "status", "deadline_at"),
        Index("ix_demand_received_at", "received_at"),
        Index("ix_demand_kind_received", "kind", "received_at"),
        Index("ix_demand_source_received", "source", "received_at"),
        Index("ix_demand_lead_unit_status", "lead_unit_id", "status"),
        Index("ix_demand_duplicate_of", "duplicate_of_id"),
        Index("ix_demand_deadline", "deadline_at"),
        Index("ix_demand_grid_received", "grid_id", "received_at"),
        Index("ix_demand_closed_at", "closed_at"),  # the assessment's month of closings
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)  # 受理编号
    external_number: Mapped[str | None] = mapped_column(String(40), index=True)  # 区级工单号
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    nature: Mapped[str] = mapped_column(String(20), nullable=False)
    source: Mapped[str] = mapped_column(String(30), nullable=False)
    category_id: Mapped[str | None] = mapped_column(ForeignKey("demand_category.id"))
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    reporter_name: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    reporter_phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    grid_id: Mapped[str | None] = mapped_column(ForeignKey("grid.id"))
    responsibility_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("responsibility_item.id"))
    lead_unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    handling_level: Mapped[str] = mapped_column(String(20), nullable=False, default="street")
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime)
    deadline_note: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    rating: Mapped[str | None] = mapped_column(String(20))
    duplicate_of_id: Mapped[str | None] = mapped_column(ForeignKey("demand.id"))
    returned_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # A dispatched work order's (区级派单) district-side state, written only by the pull
    # (district/workorders.py; the district owns these, the street never edits them):
    # dispatched | accepted | return_requested | completion_submitted | recalled.
    district_status: Mapped[str | None] = mapped_column(String(30))
    district_note: Mapped[str | None] = mapped_column(Text)  # e.g. the recall's reason
    # {"workdays", "reason", "requested_at"} / {"reason", "requested_at"} /
    # {"summary", "submitted_at"}, as the district recorded the street's commands
    extension_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    return_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    completion: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)  # 签收 at the district

    steps: Mapped[list[DemandStep]] = relationship(back_populates="demand",
                                                   order_by="DemandStep.id")
    cooperating_units: Mapped[list[DemandUnit]] = relationship(back_populates="demand")


class DemandUnit(Base):
    """A cooperating unit (配合责任单位) of a demand."""

    __tablename__ = "demand_unit"
    __table_args__ = (UniqueConstraint("demand_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    demand_id: Mapped[str] = mapped_column(ForeignKey("demand.id"), nullable=False)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)

    demand: Mapped[Demand] = relationship(back_populates="cooperating_units")


class DemandStep(Base):
    """One step of the closed loop on the demand's timeline: who did what, when."""

    __tablename__ = "demand_step"
    # the assessment's dispatches and ratings of a month (docs/performance.md)
    __table_args__ = (Index("ix_demand_step_action_occurred", "action", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    demand_id: Mapped[str] = mapped_column(ForeignKey("demand.id"), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(40), nullable=False)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    demand: Mapped[Demand] = relationship(back_populates="steps")


class ExtensionRequest(SyncedRecord, Base):
    """延期 asked before the deadline and decided by the director."""

    __tablename__ = "extension_request"

    demand_id: Mapped[str] = mapped_column(ForeignKey("demand.id"), nullable=False, index=True)
    requested_by: Mapped[str] = mapped_column(String(40), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    workdays: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Attachment(Base):
    """A file stored once by its SHA-256 under the data folder's attachments/."""

    __tablename__ = "attachment"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    media_type: Mapped[str] = mapped_column(String(80), nullable=False)
    stored_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class DemandAttachment(Base):
    __tablename__ = "demand_attachment"
    __table_args__ = (UniqueConstraint("demand_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    demand_id: Mapped[str] = mapped_column(ForeignKey("demand.id"), nullable=False, index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment.sha256"), nullable=False)
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    added_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    added_by: Mapped[str] = mapped_column(String(40), nullable=False)


# --- whistles (吹哨) and handovers (双向派单) --------------------------------------------


class Whistle(SyncedRecord, Base):
    __tablename__ = "whistle"
    __table_args__ = (Index("ix_whistle_status_called", "status", "called_at"),)

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # daily | emergency | hard
    demand_id: Mapped[str | None] = mapped_column(ForeignKey("demand.id"), index=True)
    community_id: Mapped[str | None] = mapped_column(ForeignKey("community.id"))
    responsibility_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("responsibility_item.id"))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    called_by: Mapped[str] = mapped_column(String(40), nullable=False)
    called_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    targets: Mapped[list[WhistleTarget]] = relationship(back_populates="whistle")


class WhistleTarget(SyncedRecord, Base):
    """A unit called by a whistle: its 应哨人, 报到, response, outcome and evaluation."""

    __tablename__ = "whistle_target"
    __table_args__ = (UniqueConstraint("whistle_id", "unit_id"),)

    whistle_id: Mapped[str] = mapped_column(ForeignKey("whistle.id"), nullable=False)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    responder: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    arrival_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    solution_due_at: Mapped[datetime | None] = mapped_column(DateTime)  # 攻坚哨: 5 working days
    solution_at: Mapped[datetime | None] = mapped_column(DateTime)
    response: Mapped[str] = mapped_column(Text, nullable=False, default="")
    outcome: Mapped[str] = mapped_column(Text, nullable=False, default="")
    evaluation: Mapped[str | None] = mapped_column(String(20))  # the street rates the unit
    evaluation_note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    whistle: Mapped[Whistle] = relationship(back_populates="targets")


class Handover(SyncedRecord, Base):
    """双向派单 (seed 002): a district-scope item the street found (report the same day,
    hand over formally within 3 working days, receipt recorded); a street-scope item
    the district sent (handled here and reported back, 回告); or a case too hard for
    the street, transferred up with the reason."""

    __tablename__ = "handover"
    __table_args__ = (Index("ix_handover_direction_state", "direction", "state"),)

    demand_id: Mapped[str] = mapped_column(ForeignKey("demand.id"), nullable=False, index=True)
    direction: Mapped[str] = mapped_column(String(20), nullable=False)
    receiving_unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime)
    receipt_at: Mapped[datetime | None] = mapped_column(DateTime)
    reported_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[str] = mapped_column(String(20), nullable=False)
