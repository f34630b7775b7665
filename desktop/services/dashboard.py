"""The figures of the 工作台 (the daily overview). Later issues add demands, whistles,
letters and certificates to ``Overview``."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.grids import GridKind, StaffingWarning
from desktop.services.grid_staff import all_staffing_warnings, current_month
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Overview:
    month: str
    communities: int
    base_grids: int
    dedicated_grids: int
    households: int
    population: int
    staff: int
    staffing_warnings: list[StaffingWarning]


def overview(uow: UnitOfWork, *, month: str | None = None) -> Overview:
    month = month or current_month()
    warnings = all_staffing_warnings(uow, month=month)
    with uow:
        communities = [c for c in uow.grids.communities() if not c.retired]
        grids = uow.grids.all()
        people = {a.person_id for a in uow.grids.current_assignments()}
        return Overview(
            month=month,
            communities=len(communities),
            base_grids=sum(1 for g in grids if g.kind == GridKind.BASE),
            dedicated_grids=sum(1 for g in grids if g.kind == GridKind.DEDICATED),
            households=sum(g.households for g in grids),
            population=sum(g.population for g in grids),
            staff=len(people),
            staffing_warnings=warnings,
        )
