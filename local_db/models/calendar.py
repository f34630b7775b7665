"""China's official calendar beyond what the chinese-calendar package knows: holidays
and make-up workdays published by the State Council each year, synced from the district
or imported by an administrator. A year is usable only once it is marked complete."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base


class CalendarDay(Base):
    """A day that differs from the Monday–Friday rule: a holiday on a weekday, or a
    make-up workday (调休上班) on a weekend."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    name: Mapped[str] = mapped_column(String(40), nullable=False, default="")


class CalendarYear(Base):
    """A year whose holiday arrangement is fully known (the State Council's notice)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # district | import
    published_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
