"""Communities/villages, grids, the people who serve them and the grids' history.

Grids are never hard-deleted once referenced: they are retired, merged or split, and
the lineage table keeps which grid became which.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
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


class Community(SyncedRecord, Base):
    """A 社区 or 村: grids belong to one, never directly to the street."""

    __tablename__ = "community"

    code: Mapped[str] = mapped_column(String(3), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # community | village
    retired: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    grids: Mapped[list[Grid]] = relationship(back_populates="community")


class Grid(SyncedRecord, Base):
    __tablename__ = "grid"
    __table_args__ = (
        UniqueConstraint("community_id", "seq"),
        Index("ix_grid_status_code", "status", "code"),
    )

    community_id: Mapped[str] = mapped_column(ForeignKey("community.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(15), nullable=False, unique=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # base | dedicated
    dedicated_type: Mapped[str | None] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(30), nullable=False)
    households: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    population: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    area_km2: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    boundary_geojson: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active", nullable=False)
    retired_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)

    community: Mapped[Community] = relationship(back_populates="grids")
    assignments: Mapped[list[GridAssignment]] = relationship(back_populates="grid")


class GridLineage(Base):
    """One edge of a merge or split: ``predecessor`` became (part of) ``successor``."""

    __tablename__ = "grid_lineage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    predecessor_id: Mapped[str] = mapped_column(ForeignKey("grid.id"), nullable=False, index=True)
    successor_id: Mapped[str] = mapped_column(ForeignKey("grid.id"), nullable=False, index=True)
    event: Mapped[str] = mapped_column(String(20), nullable=False)  # merge | split
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)


class GridEvent(Base):
    """The history shown on a grid's timeline: created, edited, merged, split, retired."""

    __tablename__ = "grid_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("grid.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(60), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)


class GridPerson(SyncedRecord, Base):
    """Someone who serves one or more grids (网格长, 网格员, 指导员, volunteer, sunk staff)."""

    __tablename__ = "grid_person"

    name: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    phone: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    unit: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    duties: Mapped[str] = mapped_column(Text, default="", nullable=False)

    assignments: Mapped[list[GridAssignment]] = relationship(back_populates="person")


class GridAssignment(SyncedRecord, Base):
    """A person in a role on a grid for a period; an open ``ended_on`` means current."""

    __tablename__ = "grid_assignment"
    __table_args__ = (Index("ix_grid_assignment_grid_role", "grid_id", "role"),)

    grid_id: Mapped[str] = mapped_column(ForeignKey("grid.id"), nullable=False)
    person_id: Mapped[str] = mapped_column(ForeignKey("grid_person.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)

    grid: Mapped[Grid] = relationship(back_populates="assignments")
    person: Mapped[GridPerson] = relationship(back_populates="assignments")


class GridPresence(Base):
    """Days a 网格员 spent in the grid in one month (the seeds require at least 15)."""

    __tablename__ = "grid_presence"
    __table_args__ = (UniqueConstraint("assignment_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assignment_id: Mapped[str] = mapped_column(ForeignKey("grid_assignment.id"), nullable=False)
    month: Mapped[str] = mapped_column(String(7), nullable=False)  # YYYY-MM
    days: Mapped[int] = mapped_column(Integer, nullable=False)

    # The relationship lets the unit of work insert the assignment before its presence.
    assignment: Mapped[GridAssignment] = relationship()
