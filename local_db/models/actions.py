"""Joint enforcement actions (联合执法行动): the action, its units, places, required forces,
participants, the demands that triggered it, photos, and the recorded results.

Codes (type, trigger, domain, state, roles) are short English strings; the domain
layer (desktop.domain.action_states, desktop.domain.joint_actions) gives them Chinese
labels and decides what is legal. Legality checks are never stored: they are computed
from the current roster every time, so a leave or an expired certificate entered after
planning shows at once. The calendar reads actions by ``starts_at`` (indexed).
"""

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


class JointAction(SyncedRecord, Base):
    __tablename__ = "joint_action"
    __table_args__ = (
        Index("ix_joint_action_state_starts", "state", "starts_at"),
        Index("ix_joint_action_window", "starts_at", "ends_at"),
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)  # 行动编号
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    action_type: Mapped[str] = mapped_column(String(20), nullable=False)
    trigger: Mapped[str] = mapped_column(String(20), nullable=False)  # demands | whistle | plan
    whistle_id: Mapped[str | None] = mapped_column(ForeignKey("whistle.id"), index=True)
    domain: Mapped[str] = mapped_column(String(30), nullable=False)
    lead_unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"), index=True)
    responsibility_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("responsibility_item.id"))
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 任务与要求
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    deadline: Mapped[date | None] = mapped_column(Date)  # 完成时限
    places: Mapped[str] = mapped_column(Text, nullable=False, default="")  # addresses
    equipment: Mapped[str] = mapped_column(Text, nullable=False, default="")  # vehicles, kit
    min_certified: Mapped[int] = mapped_column(Integer, nullable=False, default=2)
    state: Mapped[str] = mapped_column(String(20), nullable=False)
    created_by: Mapped[str] = mapped_column(String(40), nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by: Mapped[str | None] = mapped_column(String(40))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # results (行动结果); fines in 分 so sums stay exact
    units_inspected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    problems_found: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cases_filed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rectified: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    fines_fen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    minutes: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 行动纪要
    results_at: Mapped[datetime | None] = mapped_column(DateTime)
    results_by: Mapped[str | None] = mapped_column(String(40))
    evaluation: Mapped[str | None] = mapped_column(String(20))
    evaluation_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    evaluated_by: Mapped[str | None] = mapped_column(String(40))
    evaluated_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")  # e.g. why cancelled

    units: Mapped[list[ActionUnit]] = relationship(back_populates="action",
                                                   order_by="ActionUnit.id")
    needs: Mapped[list[ActionNeed]] = relationship(back_populates="action",
                                                   order_by="ActionNeed.id")
    participants: Mapped[list[ActionParticipant]] = relationship(
        back_populates="action", order_by="ActionParticipant.id")
    grids: Mapped[list[ActionGrid]] = relationship(back_populates="action",
                                                   order_by="ActionGrid.id")
    demands: Mapped[list[ActionDemand]] = relationship(back_populates="action",
                                                       order_by="ActionDemand.id")
    attachments: Mapped[list[ActionAttachment]] = relationship(
        back_populates="action", order_by="ActionAttachment.id")


class ActionUnit(Base):
    """A unit taking part: the lead (主责单位) or a cooperating one (配合单位)."""

    __tablename__ = "action_unit"
    __table_args__ = (UniqueConstraint("action_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("joint_action.id"), nullable=False)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # lead | cooperating

    action: Mapped[JointAction] = relationship(back_populates="units")


class ActionNeed(Base):
    """Forces asked for: ``count`` people from a unit (any when null), ``certified`` of
    them holding a valid certificate for ``domain`` (the action's when null)."""

    __tablename__ = "action_need"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("joint_action.id"), nullable=False,
                                           index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    domain: Mapped[str | None] = mapped_column(String(30))
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    certified: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    action: Mapped[JointAction] = relationship(back_populates="needs")


class ActionParticipant(Base):
    """A person on the action; ``fixed_by_hand`` ones are kept by the scheduler."""

    __tablename__ = "action_participant"
    __table_args__ = (UniqueConstraint("action_id", "officer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("joint_action.id"), nullable=False)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officer.id"), nullable=False,
                                            index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # leader | enforcer | support
    fixed_by_hand: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    action: Mapped[JointAction] = relationship(back_populates="participants")


class ActionGrid(Base):
    """A grid the action covers (the places' free-text addresses are on the action)."""

    __tablename__ = "action_grid"
    __table_args__ = (UniqueConstraint("action_id", "grid_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("joint_action.id"), nullable=False)
    grid_id: Mapped[str] = mapped_column(ForeignKey("grid.id"), nullable=False, index=True)

    action: Mapped[JointAction] = relationship(back_populates="grids")


class ActionDemand(Base):
    """A demand that triggered the action; recording the results closes it."""

    __tablename__ = "action_demand"
    __table_args__ = (UniqueConstraint("action_id", "demand_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("joint_action.id"), nullable=False)
    demand_id: Mapped[str] = mapped_column(ForeignKey("demand.id"), nullable=False, index=True)

    action: Mapped[JointAction] = relationship(back_populates="demands")


class ActionAttachment(Base):
    """A photo or file of the action, stored once by content in ``attachment``."""

    __tablename__ = "action_attachment"
    __table_args__ = (UniqueConstraint("action_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("joint_action.id"), nullable=False)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment.sha256"), nullable=False)
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    added_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    added_by: Mapped[str] = mapped_column(String(40), nullable=False)

    action: Mapped[JointAction] = relationship(back_populates="attachments")
