"""The figures of the 工作台 (the daily overview): the grids and their staffing
warnings, the enforcement force available today and the certificates about to expire.
Later issues add demands, whistles and letters to ``Overview``."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.domain.grids import GridKind, StaffingWarning
from desktop.services.availability import force_domain_counts
from desktop.services.certificates import CertificateWarning, expiring_certificates
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
    certified_available: int = 0
    certificate_warnings: list[CertificateWarning] = field(default_factory=list)


def overview(uow: UnitOfWork, *, month: str | None = None) -> Overview:
    month = month or current_month()
    warnings = all_staffing_warnings(uow, month=month)
    counts = force_domain_counts(uow)
    certificates = expiring_certificates(uow)
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
            certified_available=counts.total_certified,
            certificate_warnings=certificates,
        )
