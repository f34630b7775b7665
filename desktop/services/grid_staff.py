"""Grid staff use cases: assigning people to grids in a role, ending assignments,
recording a 网格员's days in the grid, and the staffing warnings of the seeds.

The committing use cases need ``GRID_STAFF_EDIT`` and write their audit row (phones
masked) in the same transaction; ``find_or_add_person`` and ``add_assignment`` are
building blocks for callers that check and audit themselves (the spreadsheet import)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desktop.clock import now, today
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.grids import (
    GridStatus,
    StaffingWarning,
    StaffRole,
    StaffSnapshot,
    staffing_warnings,
)
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_phone
from desktop.services import audit
from desktop.services.audit import AuditAction
from local_db.models import GridAssignment, GridEvent, GridPerson, GridPresence
from local_db.unit_of_work import UnitOfWork

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class PersonInput:
    name: str
    phone: str = ""
    unit: str = ""
    duties: str = ""

    def validated(self) -> PersonInput:
        name = self.name.strip()
        if not name:
            raise ValidationError("姓名", "不能为空。")
        if len(name) > 40:
            raise ValidationError("姓名", "不能超过 40 个字。")
        phone = normalize_phone(self.phone)
        return PersonInput(name, phone, self.unit.strip(), self.duties.strip())


def normalize_phone(raw: str) -> str:
    """Strip spaces and full-width digits; accept a mobile or a landline with area code."""
    text = raw.translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    text = re.sub(r"[\s()（）]", "", text)
    if text and not _PHONE.match(text):
        raise ValidationError("联系电话", f"“{raw}”不是有效的手机号或带区号的固定电话。")
    return text


@dataclass(frozen=True)
class StaffRow:
    assignment_id: str
    person_id: str
    grid_id: str
    name: str
    role: StaffRole
    phone_masked: str
    unit: str
    duties: str
    started_on: date
    days_this_month: int | None


def _staff_row(assignment: GridAssignment, days: int | None) -> StaffRow:
    person = assignment.person
    return StaffRow(
        assignment_id=assignment.id, person_id=person.id, grid_id=assignment.grid_id,
        name=person.name, role=StaffRole(assignment.role), phone_masked=mask_phone(person.phone),
        unit=person.unit, duties=person.duties, started_on=assignment.started_on,
        days_this_month=days,
    )


def current_month() -> str:
    return today().strftime("%Y-%m")


def list_staff(uow: UnitOfWork, *, grid_id: str | None = None,
               month: str | None = None) -> list[StaffRow]:
    month = month or current_month()
    with uow:
        presence = uow.grids.presence_for_month(month)
        return [
            _staff_row(a, presence.get(a.id))
            for a in uow.grids.current_assignments(grid_id)
        ]


def find_or_add_person(uow: UnitOfWork, person: PersonInput) -> GridPerson:
    """The same name and phone is the same person: one person may serve several grids.
    Call inside an open unit of work."""
    values = person.validated()
    existing = uow.grids.person_by_name_phone(values.name, values.phone) if values.phone else None
    if existing is not None:
        return existing
    stamp = now()
    row = GridPerson(id=new_id(), name=values.name, phone=values.phone, unit=values.unit,
                     duties=values.duties, created_at=stamp, updated_at=stamp)
    uow.grids.add_person(row)
    return row


def add_assignment(
    uow: UnitOfWork, *, actor: Actor, grid_id: str, person: GridPerson, role: StaffRole,
    started_on: date,
) -> GridAssignment:
    """Assign inside an open unit of work (no commit); shared with the spreadsheet import."""
    grid = uow.grids.get(grid_id)
    if grid is None or grid.status != GridStatus.ACTIVE:
        raise NotFoundError("该网格不存在或已撤销，不能配备人员。")
    for current in uow.grids.current_assignments(grid_id):
        if current.person_id == person.id and current.role == role.value:
            raise ConflictError(f"{person.name}已是{grid.name}的{role.label}。")
        if role is StaffRole.LEADER and current.role == StaffRole.LEADER.value:
            raise ConflictError(
                f"{grid.name}已有网格长{current.person.name}，请先结束其任职再配备新的网格长。"
            )
    stamp = now()
    assignment = GridAssignment(id=new_id(), grid_id=grid_id, person_id=person.id, person=person,
                                role=role.value, started_on=started_on,
                                created_at=stamp, updated_at=stamp)
    uow.grids.add_assignment(assignment)
    uow.grids.add_event(GridEvent(grid_id=grid_id, kind="staff", occurred_at=stamp,
                                  actor=actor.name, summary=f"配备{role.label}：{person.name}"))
    return assignment


def assign_staff(
    uow: UnitOfWork, *, actor: Actor, grid_id: str, person: PersonInput, role: StaffRole,
    started_on: date | None = None,
) -> StaffRow:
    require(actor, Permission.GRID_STAFF_EDIT)
    with uow:
        row = find_or_add_person(uow, person)
        assignment = add_assignment(uow, actor=actor, grid_id=grid_id, person=row, role=role,
                                    started_on=started_on or today())
        grid = uow.grids.get(grid_id)  # in the session already (checked by add_assignment)
        assert grid is not None
        audit.record(
            uow, actor, AuditAction.CREATE, entity_type="grid_staff", entity_id=grid.code,
            summary=f"为网格 {grid.code} {grid.name}配备{role.label}：{row.name}",
            changes={"姓名": (None, row.name), "角色": (None, role.label),
                     "联系电话": (None, mask_phone(row.phone) or None),
                     "工作单位": (None, row.unit or None),
                     "任职起始": (None, assignment.started_on.isoformat())},
        )
        uow.commit()
        return _staff_row(assignment, None)


def end_assignment(
    uow: UnitOfWork, *, actor: Actor, assignment_id: str, ended_on: date | None = None
) -> None:
    require(actor, Permission.GRID_STAFF_EDIT)
    with uow:
        assignment = uow.grids.assignment(assignment_id)
        if assignment is None or assignment.ended_on is not None:
            raise NotFoundError("该任职记录不存在或已结束，请刷新。")
        day = ended_on or today()
        if day < assignment.started_on:
            raise ValidationError("结束日期", f"不能早于任职开始日期 {assignment.started_on}。")
        assignment.ended_on = day
        assignment.version += 1
        assignment.updated_at = now()
        uow.grids.add_event(GridEvent(
            grid_id=assignment.grid_id, kind="staff", occurred_at=now(), actor=actor.name,
            summary=f"结束{StaffRole(assignment.role).label}任职：{assignment.person.name}",
        ))
        grid, role = assignment.grid, StaffRole(assignment.role).label
        audit.record(
            uow, actor, AuditAction.UPDATE, entity_type="grid_staff", entity_id=grid.code,
            summary=f"结束{assignment.person.name}在网格 {grid.code} {grid.name}的{role}任职",
            changes={"任职结束": (None, day.isoformat())},
        )
        uow.commit()


def record_presence(
    uow: UnitOfWork, *, actor: Actor, assignment_id: str, month: str, days: int
) -> None:
    """Record (or correct) the days a 网格员 spent in the grid in a month."""
    require(actor, Permission.GRID_STAFF_EDIT)
    if not _MONTH.match(month):
        raise ValidationError("月份", f"应为 YYYY-MM 格式，现为“{month}”。")
    year, mon = (int(part) for part in month.split("-"))
    days_in_month = (date(year + mon // 12, mon % 12 + 1, 1) - date(year, mon, 1)).days
    if not 0 <= days <= days_in_month:
        raise ValidationError("在格天数", f"应在 0–{days_in_month} 之间，现为 {days}。")
    with uow:
        assignment = uow.grids.assignment(assignment_id)
        if assignment is None:
            raise NotFoundError("找不到该任职记录，请刷新。")
        if assignment.role != StaffRole.MEMBER.value:
            raise ValidationError("在格天数", "只记录网格员的在格天数。")
        row = uow.grids.presence(assignment_id, month)
        before = row.days if row is not None else None
        if row is None:
            uow.grids.add_presence(GridPresence(assignment_id=assignment_id, month=month, days=days))
        else:
            row.days = days
        name = assignment.person.name
        uow.grids.add_event(GridEvent(
            grid_id=assignment.grid_id, kind="presence", occurred_at=now(), actor=actor.name,
            summary=f"记录{name} {month} 在格 {days} 天",
        ))
        grid = assignment.grid
        audit.record(
            uow, actor, AuditAction.UPDATE if before is not None else AuditAction.CREATE,
            entity_type="grid_presence", entity_id=grid.code,
            summary=f"记录{name}（{grid.name}网格员）{month} 在格 {days} 天",
            changes={f"{month} 在格天数": (before, days)},
        )
        uow.commit()


def all_staffing_warnings(uow: UnitOfWork, *, month: str | None = None) -> list[StaffingWarning]:
    """Warnings for every active grid, for the grid list and the 工作台."""
    month = month or current_month()
    with uow:
        grids = uow.grids.all()
        presence = uow.grids.presence_for_month(month)
        staff_by_grid: dict[str, list[StaffSnapshot]] = {g.id: [] for g in grids}
        for assignment in uow.grids.current_assignments():
            staff_by_grid.setdefault(assignment.grid_id, []).append(
                StaffSnapshot(assignment.id, assignment.person.name, StaffRole(assignment.role))
            )
        warnings: list[StaffingWarning] = []
        for grid in grids:
            warnings.extend(staffing_warnings(
                grid_id=grid.id, grid_code=grid.code, grid_name=grid.name,
                staff=staff_by_grid[grid.id], presence_days=presence, month=month,
            ))
    return warnings
