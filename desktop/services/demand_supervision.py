"""The 督办 list: open demands overdue or due within a working day, the earliest
deadline first, each with how many working days it is overdue (the figure a 督办单
and the monthly meeting quote). Pages like the demand list (keyset cursor).

Threading: blocking reads; run on the database executor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop import clock
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar
from desktop.services.calendar import calendar_in
from desktop.services.demand_lists import (
    PAGE_SIZE,
    DemandCursor,
    DemandFilter,
    DemandPage,
    DemandSort,
    list_demands,
)
from local_db.unit_of_work import JoinedUnitOfWork, UnitOfWork

__all__ = ["SUPERVISION_FILTER", "SupervisionPage", "overdue_workdays", "supervision_page"]

SUPERVISION_FILTER = DemandFilter(overdue=True, due_soon=True)


@dataclass(frozen=True)
class SupervisionPage:
    page: DemandPage
    overdue_days: tuple[int | None, ...]  # per row: working days overdue (0: due soon)


def overdue_workdays(calendar: WorkCalendar, deadline: datetime | None,
                     moment: datetime) -> int | None:
    """Working days from the deadline to ``moment`` (0 when not yet overdue; the
    deadline's own day counts as the first day late once it has passed); None when
    the calendar cannot tell."""
    if deadline is None:
        return None
    if moment <= deadline:
        return 0
    try:
        days = calendar.workdays_between(deadline.date(), moment.date())
    except CalendarUnknownError:
        return None
    return max(1, days)


def supervision_page(uow: UnitOfWork, *, after: DemandCursor | None = None,
                     page_size: int = PAGE_SIZE, unit_id: str | None = None) -> SupervisionPage:
    """One page of the 督办 list (optionally of one lead unit)."""
    demand_filter = DemandFilter(overdue=True, due_soon=True, unit_id=unit_id)
    with uow:
        moment = clock.now()
        calendar = calendar_in(uow)
        page = list_demands(JoinedUnitOfWork(uow), filter=demand_filter,
                            sort=DemandSort.DEADLINE_ASC, page_size=page_size, after=after)
        days = tuple(overdue_workdays(calendar, row.deadline_at, moment) for row in page.rows)
    return SupervisionPage(page, days)
