"""Who can be deployed on a day: the leave calendar, the emergency-whistle duty roster
(应急哨值班表) and the counts per force and enforcement domain.

Availability is decided by ``desktop.domain.roster.unavailable_reason`` (status, 下沉
period, leave), the same rule the roster page and the joint-action checks use, so a
person on leave can never be put on duty. Leave changes need ``ROSTER_EDIT`` and are
lines of the person's history; duty changes need ``DUTY_EDIT``. Every change is audited
in its own transaction; ``add_leave_period`` and ``assign_duty`` are the non-committing
building blocks of the demo.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.clock import now, today
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_phone
from desktop.domain.roster import (
    AvailabilityFacts,
    EnforcementDomain,
    Force,
    LeaveKind,
    OfficerStatus,
    unavailable_reason,
)
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.roster_rows import (
    OfficerEventKind,
    add_event,
    availability_facts,
    certificate_facts,
    describe,
    load_officer,
)
from local_db.models import DutyAssignment, Leave, Officer
from local_db.unit_of_work import UnitOfWork

MAX_RANGE_DAYS = 400  # a calendar or duty table covers at most about a year


@dataclass(frozen=True)
class LeaveRow:
    id: str
    officer_id: str
    officer_name: str
    force: Force
    unit_name: str
    kind: LeaveKind
    start: date
    end: date
    note: str
    duty_days: tuple[date, ...] = ()  # days of this leave the person is on the duty roster

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class DutyRow:
    """One day of the duty table; ``officer_id`` None is a gap to fill."""

    day: date
    officer_id: str | None
    officer_name: str
    phone_masked: str
    force: Force | None
    unit_name: str
    squad: str
    note: str
    problem: str | None  # the officer on duty is not available that day (and why)


@dataclass(frozen=True)
class ForceDomainCounts:
    """For each force: how many people are available on ``on``, how many of them hold a
    valid certificate, and per domain how many certified officers are available."""

    on: date
    by_force: Mapping[Force, Mapping[EnforcementDomain, int]]
    available: Mapping[Force, int]
    certified: Mapping[Force, int]
    on_roll: Mapping[Force, int]  # everyone not 离岗

    def count(self, force: Force, domain: EnforcementDomain) -> int:
        return self.by_force[force][domain]

    def domain_total(self, domain: EnforcementDomain) -> int:
        return sum(self.by_force[force][domain] for force in Force)

    @property
    def total_available(self) -> int:
        return sum(self.available.values())

    @property
    def total_certified(self) -> int:
        return sum(self.certified.values())


def _check_range(start: date, end: date, field: str = "结束日期") -> None:
    if end < start:
        raise ValidationError(field, f"{end} 早于开始日期 {start}，请核对。")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError(field, f"一次最多查看 {MAX_RANGE_DAYS} 天，请缩小日期范围。")


# --- leave -----------------------------------------------------------------------------


def _leave_row(leave: Leave, duty_days: tuple[date, ...] = ()) -> LeaveRow:
    officer = leave.officer
    return LeaveRow(
        id=leave.id, officer_id=officer.id, officer_name=officer.name, force=Force(officer.force),
        unit_name=officer.source_unit.name if officer.source_unit else "",
        kind=LeaveKind(leave.kind), start=leave.start_date, end=leave.end_date, note=leave.note,
        duty_days=duty_days,
    )


def _duty_days(uow: UnitOfWork, officer_id: str, start: date, end: date) -> tuple[date, ...]:
    return tuple(d.day for d in uow.roster.duty_between(start, end) if d.officer_id == officer_id)


def add_leave_period(uow: UnitOfWork, *, actor: Actor, officer: Officer, kind: LeaveKind,
                     start: date, end: date, note: str = "") -> Leave:
    """Record a leave inside an open unit of work (no commit, permission or audit)."""
    if end < start:
        raise ValidationError("请假结束日期", f"{end} 早于开始日期 {start}，请核对。")
    if officer.status == OfficerStatus.LEFT.value:
        raise ConflictError(f"“{officer.name}”已离岗，无需登记请假。")
    for other in officer.leaves:
        if other.start_date <= end and other.end_date >= start:
            raise ConflictError(f"“{officer.name}”在 {other.start_date} 至 {other.end_date} 已有"
                                f"{LeaveKind(other.kind).label}，与本次请假重叠，请核对日期。")
    stamp = now()
    leave = Leave(id=new_id(), version=1, created_at=stamp, updated_at=stamp,
                  officer_id=officer.id, kind=kind.value, start_date=start, end_date=end,
                  note=note.strip())
    officer.leaves.append(leave)
    uow.roster.add_leave(leave)
    add_event(uow, officer, OfficerEventKind.LEAVE, actor,
              f"{kind.label}：{start} 至 {end}（{(end - start).days + 1} 天）"
              f"{'，' + note.strip() if note.strip() else ''}")
    return leave


def add_leave(uow: UnitOfWork, *, actor: Actor, officer_id: str, kind: LeaveKind, start: date,
              end: date, note: str = "") -> LeaveRow:
    """Record a leave. Days the person is already on duty are returned in
    ``duty_days`` so the page can ask for the duty roster to be changed."""
    require(actor, Permission.ROSTER_EDIT)
    with uow:
        officer = load_officer(uow, officer_id)
        leave = add_leave_period(uow, actor=actor, officer=officer, kind=kind, start=start,
                                 end=end, note=note)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="leave", entity_id=leave.id,
                     summary=f"登记请假：{describe(officer)} {kind.label} {start} 至 {end}",
                     changes={"类别": (None, kind.label), "开始": (None, str(start)),
                              "结束": (None, str(end))})
        uow.commit()
        return _leave_row(leave, _duty_days(uow, officer.id, start, end))


def cancel_leave(uow: UnitOfWork, *, actor: Actor, leave_id: str, reason: str = "") -> None:
    """Take back a leave entered by mistake or not taken (the history keeps both)."""
    require(actor, Permission.ROSTER_EDIT)
    with uow:
        leave = uow.roster.leave(leave_id)
        if leave is None:
            raise NotFoundError("找不到该请假记录，可能已被取消，请刷新。")
        officer, kind = leave.officer, LeaveKind(leave.kind)
        period = f"{leave.start_date} 至 {leave.end_date}"
        why = f"（{reason.strip()}）" if reason.strip() else ""
        add_event(uow, officer, OfficerEventKind.LEAVE, actor, f"取消{kind.label}：{period}{why}")
        audit.record(uow, actor, AuditAction.DELETE, entity_type="leave", entity_id=leave.id,
                     summary=f"取消请假：{describe(officer)} {kind.label} {period}{why}",
                     changes={"请假": (f"{kind.label} {period}", None)})
        uow.roster.delete_leave(leave)
        uow.commit()


def leave_calendar(uow: UnitOfWork, *, start: date, end: date) -> list[LeaveRow]:
    """Every leave touching ``start``–``end``, with the duty days it collides with."""
    _check_range(start, end)
    with uow:
        duty: dict[str, list[date]] = defaultdict(list)
        for assignment in uow.roster.duty_between(start, end):
            duty[assignment.officer_id].append(assignment.day)
        return [
            _leave_row(leave, tuple(d for d in duty.get(leave.officer_id, ())
                                    if leave.start_date <= d <= leave.end_date))
            for leave in uow.roster.leaves_between(start, end)
        ]


# --- duty ------------------------------------------------------------------------------


def assign_duty(uow: UnitOfWork, *, day: date, officer: Officer,
                note: str = "") -> tuple[DutyAssignment, str | None]:
    """Put ``officer`` on duty on ``day`` inside an open unit of work, replacing whoever
    was on; refused (with the reason) when the officer is not available that day.
    Returns the assignment and the name of the officer it replaced, if any."""
    reason = unavailable_reason(availability_facts(officer), day)
    if reason is not None:
        raise ValidationError("值班人员", f"{officer.name}在 {day} {reason}，不能安排值班，请另选人员。")
    current = uow.roster.duty_on(day)
    stamp = now()
    if current is None:
        current = DutyAssignment(id=new_id(), version=1, created_at=stamp, updated_at=stamp,
                                 day=day, officer_id=officer.id, officer=officer, note=note.strip())
        uow.roster.add_duty(current)
        return current, None
    replaced = current.officer.name
    current.officer, current.officer_id, current.note = officer, officer.id, note.strip()
    current.version += 1
    current.updated_at = stamp
    return current, replaced


def set_duty(uow: UnitOfWork, *, actor: Actor, day: date, officer_id: str,
             note: str = "") -> DutyRow:
    require(actor, Permission.DUTY_EDIT)
    with uow:
        officer = load_officer(uow, officer_id)
        assignment, replaced = assign_duty(uow, day=day, officer=officer, note=note)
        audit.record(uow, actor, AuditAction.UPDATE if replaced else AuditAction.CREATE,
                     entity_type="duty", entity_id=day.isoformat(),
                     summary=f"排定 {day} 应急值班：{describe(officer)}"
                             f"{'（原为' + replaced + '）' if replaced else ''}",
                     changes={"值班人员": (replaced, officer.name)})
        uow.commit()
        return _duty_row(day, assignment, None)


def clear_duty(uow: UnitOfWork, *, actor: Actor, day: date) -> None:
    require(actor, Permission.DUTY_EDIT)
    with uow:
        current = uow.roster.duty_on(day)
        if current is None:
            raise NotFoundError(f"{day} 尚未安排值班，无需清除。")
        name = current.officer.name
        uow.roster.delete_duty(current)
        audit.record(uow, actor, AuditAction.DELETE, entity_type="duty", entity_id=day.isoformat(),
                     summary=f"清除 {day} 应急值班（原为{name}）", changes={"值班人员": (name, None)})
        uow.commit()


def _duty_row(day: date, assignment: DutyAssignment | None, problem: str | None) -> DutyRow:
    if assignment is None:
        return DutyRow(day, None, "", "", None, "", "", "", None)
    officer = assignment.officer
    return DutyRow(day, officer.id, officer.name, mask_phone(officer.phone), Force(officer.force),
                   officer.source_unit.name if officer.source_unit else "", officer.squad,
                   assignment.note, problem)


def duty_roster(uow: UnitOfWork, *, start: date, end: date) -> list[DutyRow]:
    """Every day of ``start``–``end`` (gaps included, officer None), each with the
    problem when the officer on duty has since become unavailable that day."""
    _check_range(start, end)
    with uow:
        by_day = {d.day: d for d in uow.roster.duty_between(start, end)}
        leave: dict[str, list[tuple[date, date]]] = defaultdict(list)
        for period in uow.roster.leaves_between(start, end):
            leave[period.officer_id].append((period.start_date, period.end_date))
        rows: list[DutyRow] = []
        for offset in range((end - start).days + 1):
            day = start + timedelta(days=offset)
            assignment = by_day.get(day)
            problem = None
            if assignment is not None:
                officer = assignment.officer
                facts = AvailabilityFacts(OfficerStatus(officer.status), officer.secondment_start,
                                          officer.secondment_end, leave.get(officer.id, []))
                problem = unavailable_reason(facts, day)
            rows.append(_duty_row(day, assignment, problem))
        return rows


# --- counts ----------------------------------------------------------------------------


def force_domain_counts(uow: UnitOfWork, *, on: date | None = None) -> ForceDomainCounts:
    """How many certified officers of each force are available per domain on ``on``."""
    day = on or today()
    by_force = {force: dict.fromkeys(EnforcementDomain, 0) for force in Force}
    available, certified, on_roll = (dict.fromkeys(Force, 0) for _ in range(3))
    with uow:
        for officer in uow.roster.officers():
            force = Force(officer.force)
            if officer.status != OfficerStatus.LEFT.value:
                on_roll[force] += 1
            if unavailable_reason(availability_facts(officer), day) is not None:
                continue
            available[force] += 1
            domains: set[EnforcementDomain] = set()
            for certificate in officer.certificates:
                facts = certificate_facts(certificate)
                if facts.valid_on(day):
                    domains |= facts.domains
            if domains:
                certified[force] += 1
            for domain in domains:
                by_force[force][domain] += 1
    return ForceDomainCounts(day, by_force, available, certified, on_roll)
