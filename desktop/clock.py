"""The one place the core reads the time, so tests can fix it."""

from __future__ import annotations

from datetime import date, datetime


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return date.today()
