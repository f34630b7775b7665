"""The figures of the 工作台 (the daily overview): the grids and their staffing
warnings, the enforcement force available today and the certificates about to expire
(``overview``); and today's work — new demands, due today, overdue, whistles waiting
for 报到, extension requests and letters waiting for approval, certificates expiring —
with the data of its charts (``today_work``), each an indexed count or group in SQL.

Threading: blocking reads; run on the database executor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from desktop import clock
from desktop.domain.deadlines import DemandKind
from desktop.domain.demand_states import DemandStatus
from desktop.domain.documents import DocumentState
from desktop.domain.grids import GridKind, StaffingWarning
from desktop.services.availability import force_domain_counts
from desktop.services.certificates import CertificateWarning, expiring_certificates
from desktop.services.demand_lists import STATUS_LABELS, TIMED_STATUSES
from desktop.services.grid_staff import all_staffing_warnings, current_month
from local_db.dashboard_queries import DashboardQueries
from local_db.unit_of_work import UnitOfWork

# the open demands whose status the chart shows (a suspended one is open, its clock paused)
TIMED_STATUSES_AND_SUSPENDED = (*TIMED_STATUSES, DemandStatus.SUSPENDED.value)


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


# --- today's work (工作台 · 今日工作) -----------------------------------------------------------

CHART_DAYS = 30
TOP_UNITS = 8


@dataclass(frozen=True)
class DaySeries:
    """Demands received per day over the last ``CHART_DAYS`` days, one series per kind."""

    days: list[date]  # oldest first, today last
    by_kind: dict[str, list[int]]  # kind label → count per day


@dataclass(frozen=True)
class TodayWork:
    """The figures of the day's work and the data of the dashboard's charts. A figure
    is None when its module's data is not there (letters on an older database)."""

    day: date
    new_today: int
    due_today: int
    overdue: int
    whistles_waiting: int
    whistles_late: int
    extensions_pending: int
    letters_pending: int | None
    certificates_expiring: int
    received: DaySeries
    open_by_status: list[tuple[str, int]]  # (status label, count), tab order, zeros left out
    overdue_by_unit: list[tuple[str, int]]  # (unit name, count), most first


def today_work(uow: UnitOfWork, *, now: datetime | None = None) -> TodayWork:
    """Today's counts, each one indexed query (docs/performance.md: a dashboard that
    opens instantly on a million demands)."""
    moment = now or clock.now()
    day = moment.date()
    midnight = datetime.combine(day, time.min)
    certificates = len(expiring_certificates(uow, on=day))
    with uow:
        queries = DashboardQueries(uow.session)
        waiting, late = uow.whistles.waiting_for_arrival(moment)
        by_status = queries.count_by_status(TIMED_STATUSES_AND_SUSPENDED)
        names = {unit.id: unit.short_name or unit.name
                 for unit in uow.roster.units(include_retired=True)}
        return TodayWork(
            day=day,
            new_today=queries.received_since(midnight),
            due_today=queries.due_between(TIMED_STATUSES, moment,
                                          midnight + timedelta(days=1)),
            overdue=queries.overdue(TIMED_STATUSES, moment),
            whistles_waiting=waiting, whistles_late=late,
            extensions_pending=queries.pending_extensions(),
            letters_pending=queries.documents_in_state(DocumentState.SUBMITTED.value),
            certificates_expiring=certificates,
            received=_day_series(queries, midnight),
            open_by_status=[(STATUS_LABELS[s], by_status[s]) for s in STATUS_LABELS
                            if by_status.get(s)],
            overdue_by_unit=[(names.get(unit, "（已撤销单位）") if unit else "未派遣", n)
                             for unit, n in queries.overdue_by_unit(TIMED_STATUSES, moment,
                                                                    TOP_UNITS)],
        )


def _day_series(queries: DashboardQueries, midnight: datetime) -> DaySeries:
    first = midnight - timedelta(days=CHART_DAYS - 1)
    days = [first.date() + timedelta(days=n) for n in range(CHART_DAYS)]
    index = {d.isoformat(): i for i, d in enumerate(days)}
    by_kind = {kind.label: [0] * CHART_DAYS for kind in DemandKind}
    for text_day, kind, count in queries.received_per_day(first):
        member = DemandKind.from_label(kind)
        label = member.label if member else kind
        if text_day in index:
            by_kind.setdefault(label, [0] * CHART_DAYS)[index[text_day]] += count
    return DaySeries(days, by_kind)
