"""Grid staff in and out of Excel: template, all-or-nothing import, masked export.

A row names its grid by 网格编码 or 网格名称 (the code wins; both given must agree), the
person (the same name and phone is the same person, as in ``find_or_add_person``) and
the role. Exports mask phone numbers (个人信息保护法), so an exported file needs the full
numbers filled back in before it can be imported; the importer says so instead of
storing a masked number.

The import needs ``GRID_IMPORT`` and writes one audit row for the file; the export
needs ``DATA_EXPORT`` and is audited after the file is written.

Threading: blocking work for a worker thread; ``progress`` and ``cancel`` link back.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.clock import now, today
from desktop.domain.actor import Actor
from desktop.domain.errors import DomainError, ValidationError
from desktop.domain.grids import GridStatus, StaffRole
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_phone
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.services.grid_staff import (
    PersonInput,
    add_assignment,
    current_month,
    find_or_add_person,
    normalize_phone,
)
from desktop.spreadsheets.audit import record_export
from desktop.spreadsheets.cells import (
    cell_text,
    normalize,
    parse_choice,
    parse_code,
    parse_date,
    parse_int,
)
from desktop.spreadsheets.common import (
    Column,
    Errors,
    ImportSummary,
    SheetRow,
    bare,
    read_table,
    rejected,
    tick,
)
from desktop.spreadsheets.writing import write_export, write_template
from local_db.models import Grid, GridPerson, GridPresence
from local_db.unit_of_work import UnitOfWork

STAFF_SHEET = "网格人员"
C_CODE = "网格编码"
C_GRID = "网格名称"
C_NAME = "姓名"
C_ROLE = "角色"
C_PHONE = "联系电话"
C_UNIT = "工作单位"
C_DUTIES = "职责"
C_STARTED = "任职日期"
C_DAYS = "本月在格天数"

STAFF_COLUMNS: tuple[Column, ...] = (
    Column(C_CODE, 19, text_format=True,
           help="15 位网格编码。与「网格名称」至少填一项；两项都填时须一致，以编码为准。"),
    Column(C_GRID, 22, help="网格名称。有同名网格时须填写网格编码。", aliases=("网格", "所在网格")),
    Column(C_NAME, 10, required=True, help="必填，最多 40 个字。"),
    Column(C_ROLE, 12, required=True, choices=tuple(StaffRole.labels()),
           help="网格长（每个网格一名）、网格员、网格指导员、志愿者或下沉人员。", aliases=("职务", "岗位")),
    Column(C_PHONE, 15, text_format=True,
           help="手机号或带区号的固定电话。同姓名同电话视为同一人（可任多个网格）。",
           aliases=("电话", "手机", "手机号", "手机号码", "联系方式")),
    Column(C_UNIT, 20, help="选填，最多 80 个字。", aliases=("单位", "所在单位")),
    Column(C_DUTIES, 30, help="选填。", aliases=("工作职责",)),
    Column(C_STARTED, 12, is_date=True,
           help="如 2026-11-01，也可写 2026/11/1 或 2026年11月1日。可不填（按导入当天）。",
           aliases=("任职时间", "上岗日期", "上岗时间")),
    Column(C_DAYS, 12, whole_number=True,
           help="仅网格员填写：本月已在网格工作的天数（要求每月不少于 15 天）。", aliases=("在格天数",)),
)

_NOTES = (
    "每行是一个人在一个网格的一项任职；同一人任多个网格时分行填写。",
    "网格须已在系统中（可先导入网格）；「网格编码」与「网格名称」至少填写一项。",
    "联系电话请填写完整号码；从系统导出的名单中电话已脱敏（如 138****5678），须补全后才能导入。",
    "导入是“全部或全不”：只要有一处错误，系统会列出所有出错的行和列，不导入任何数据。",
)
_EXAMPLES = (
    ("110105001001001", "幸福社区第一网格", "张明", "网格长", "13800005678", "幸福社区居委会",
     "统筹网格工作", "2026-01-01", None),
    ("", "幸福社区第一网格", "李红", "网格员", "13900001234", "街道城管科", "巡查走访", "2026/3/1", 18),
)


def write_staff_template(path: Path) -> None:
    """The grid staff import template users download and fill in."""
    write_template(Path(path), sheet_title=STAFF_SHEET, columns=STAFF_COLUMNS, notes=_NOTES,
                   examples=_EXAMPLES)


# --- import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _StaffDraft:
    row: int
    grid: Grid
    person: PersonInput
    role: StaffRole
    started_on: date
    days: int | None


class _Grids:
    """Every grid of the street, looked up by code and (active ones) by name."""

    def __init__(self, uow: UnitOfWork) -> None:
        grids = uow.grids.all(include_retired=True)
        self.by_code = {grid.code: grid for grid in grids}
        self.by_name: dict[str, list[Grid]] = {}
        for grid in grids:
            if grid.status == GridStatus.ACTIVE:
                self.by_name.setdefault(grid.name, []).append(grid)

    def find(self, row: SheetRow, errors: Errors) -> Grid | None:
        before = len(errors)
        code = errors.parse(row, C_CODE, parse_code, length=15)
        name = cell_text(row.get(C_GRID))
        if len(errors) > before:
            return None
        if code is None and not name:
            errors.add(row.number, C_CODE, "「网格编码」和「网格名称」至少填写一项。")
            return None
        if code is not None:
            return self._by_code(row, errors, code, name)
        matches = self.by_name.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            errors.add(row.number, C_GRID, f"系统中没有名为“{name}”的在用网格，请核对名称或填写网格编码。")
        else:
            where = "、".join(grid.community.name for grid in matches)
            errors.add(row.number, C_GRID,
                       f"有 {len(matches)} 个名为“{name}”的网格（分属 {where}），请填写网格编码加以区分。")
        return None

    def _by_code(self, row: SheetRow, errors: Errors, code: str, name: str) -> Grid | None:
        grid = self.by_code.get(code)
        if grid is None:
            errors.add(row.number, C_CODE, f"系统中没有编码为 {code} 的网格，请核对，或先导入网格。")
        elif grid.status != GridStatus.ACTIVE:
            errors.add(row.number, C_CODE, f"网格 {code}“{grid.name}”已{GridStatus(grid.status).label}，"
                                           "不能再配备人员。")
        elif name and name != grid.name:
            errors.add(row.number, C_GRID, f"与网格编码 {code} 对应的网格“{grid.name}”不符，请核对。")
        else:
            return grid
        return None


def import_staff(
    uow: UnitOfWork,
    *,
    actor: Actor,
    path: Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ImportSummary:
    """Import grid staff assignments from an xlsx file, all or nothing.

    Raises ImportRejectedError listing every bad cell (nothing stored) or CancelledError
    (nothing stored)."""
    require(actor, Permission.GRID_IMPORT)
    path = Path(path)
    table = read_table(path, STAFF_COLUMNS, preferred_sheet=STAFF_SHEET, progress=progress,
                       cancel=cancel)
    if not {C_CODE, C_GRID} & table.present:
        raise rejected(table.file_name, "表头中须有「网格编码」或「网格名称」列，用来确定人员所在的网格。",
                       C_CODE)
    errors = Errors(table.file_name)
    month = current_month()
    with uow:
        grids = _Grids(uow)
        drafts: list[_StaffDraft] = []
        for index, row in enumerate(table.rows, start=1):
            tick(index, len(table.rows), "正在检查", progress, cancel)
            draft = _parse_row(row, errors, grids, month)
            if draft is not None:
                drafts.append(draft)
        if not drafts and not errors:
            raise rejected(table.file_name, "表头下没有可导入的人员行，请填写后再导入。")
        _check_across(uow, drafts, errors)
        errors.raise_if_any()
        people, presence = _write(uow, actor, drafts, month, errors, progress, cancel)
        errors.raise_if_any()
        cancel.raise_if_cancelled()
        summary = _audited_summary(uow, actor, table.file_name, len(drafts), people, presence,
                                   month)
        uow.commit()
    return summary


def _audited_summary(uow: UnitOfWork, actor: Actor, file: str, assignments: int, people: int,
                     presence: int, month: str) -> ImportSummary:
    """The import's summary, also written as its one audit row (not one per person)."""
    message = f"已从 {file} 导入 {assignments} 条网格人员任职（新增人员 {people} 名"
    message += f"，记录 {month} 在格天数 {presence} 条）。" if presence else "）。"
    audit.record(uow, actor, audit.AuditAction.IMPORT, entity_type="grid_staff", summary=message,
                 changes={"文件": (None, file), "新增任职": (None, assignments),
                          "新增人员": (None, people), "在格天数记录": (None, presence)})
    return ImportSummary(staff_created=assignments, message=message)


def _parse_row(row: SheetRow, errors: Errors, grids: _Grids, month: str) -> _StaffDraft | None:
    """Check one row on its own; every problem is recorded, ``None`` if there was one."""
    before = len(errors)
    grid = grids.find(row, errors)
    name = cell_text(row.get(C_NAME))
    if not name:
        errors.add(row.number, C_NAME, "不能为空。")
    role = errors.parse(row, C_ROLE, parse_choice, StaffRole)
    if role is None and row.get(C_ROLE) is None:
        errors.add(row.number, C_ROLE, f"不能为空，应为：{'、'.join(StaffRole.labels())}。")
    person = _person(row, errors, name)
    started = errors.parse(row, C_STARTED, parse_date) or today()
    days = errors.parse(row, C_DAYS, parse_int)
    if days is not None and role is not None:
        year, mon = (int(part) for part in month.split("-"))
        limit = calendar.monthrange(year, mon)[1]
        if role is not StaffRole.MEMBER:
            errors.add(row.number, C_DAYS, f"只有网格员填写在格天数（本行角色为{role.label}），请清空。")
        elif days > limit:
            errors.add(row.number, C_DAYS, f"{month} 只有 {limit} 天，现为 {days}。")
    if len(errors) > before or grid is None or role is None or person is None:
        return None
    return _StaffDraft(row.number, grid, person, role, started, days)


def _person(row: SheetRow, errors: Errors, name: str) -> PersonInput | None:
    """The person's fields, each problem on its own column (an empty name is reported by
    the caller)."""
    before = len(errors)
    raw_phone = cell_text(row.get(C_PHONE))
    phone = ""
    if "*" in normalize(raw_phone):
        errors.add(row.number, C_PHONE, f"“{raw_phone}”是脱敏号码，请填写完整的手机号或固定电话（也可留空）。")
    else:
        try:
            phone = normalize_phone(raw_phone)
        except ValidationError as error:
            errors.add(row.number, C_PHONE, bare(error))
    if len(name) > 40:
        errors.add(row.number, C_NAME, f"不能超过 40 个字（现为 {len(name)} 个）。")
    unit = cell_text(row.get(C_UNIT))
    if len(unit) > 80:
        errors.add(row.number, C_UNIT, f"不能超过 80 个字（现为 {len(unit)} 个）。")
    if len(errors) > before or not name:
        return None
    try:
        return PersonInput(name, phone, unit, cell_text(row.get(C_DUTIES))).validated()
    except ValidationError as error:  # any rule added to PersonInput later
        errors.add(row.number, C_NAME, bare(error))
        return None


def _check_across(uow: UnitOfWork, drafts: list[_StaffDraft], errors: Errors) -> None:
    """Duplicates in the file and against current assignments; one 网格长 per grid."""
    current: set[tuple[str, str, str, str]] = set()
    leaders: dict[str, str] = {}
    for assignment in uow.grids.current_assignments():
        person = assignment.person
        current.add((assignment.grid_id, person.name, person.phone, assignment.role))
        if assignment.role == StaffRole.LEADER:
            leaders[assignment.grid_id] = person.name
    seen: dict[tuple[str, str, str, str], int] = {}
    file_leaders: dict[str, int] = {}
    for draft in drafts:
        key = (draft.grid.id, draft.person.name, draft.person.phone, draft.role.value)
        grid, role = draft.grid.name, draft.role.label
        if key in seen:
            errors.add(draft.row, C_NAME, f"与第 {seen[key]} 行重复（同一网格、同一人、同一角色）。")
            continue
        seen[key] = draft.row
        if key in current:
            errors.add(draft.row, C_NAME, f"{draft.person.name}已是网格“{grid}”的{role}，请删除此行。")
            continue
        if draft.role is StaffRole.LEADER:
            if draft.grid.id in leaders:
                errors.add(draft.row, C_ROLE, f"网格“{grid}”已有网格长{leaders[draft.grid.id]}，"
                                              "请先在系统中结束其任职，或删除此行。")
            elif draft.grid.id in file_leaders:
                errors.add(draft.row, C_ROLE, f"网格“{grid}”在第 {file_leaders[draft.grid.id]} 行"
                                              "已填写网格长，一个网格只能有一名网格长。")
            else:
                file_leaders[draft.grid.id] = draft.row


def _write(uow: UnitOfWork, actor: Actor, drafts: list[_StaffDraft], month: str, errors: Errors,
           progress: ProgressCallback, cancel: CancelToken) -> tuple[int, int]:
    """Store people, assignments and presence; returns (people created, presence rows).
    A person without a phone is one person per (name, unit) within this file."""
    known = {person.id for person in uow.grids.people()}
    no_phone: dict[tuple[str, str], GridPerson] = {}
    people: set[str] = set()
    presence = 0
    for index, draft in enumerate(drafts, start=1):
        tick(index, len(drafts), "正在写入", progress, cancel)
        try:
            person = _person_row(uow, draft.person, no_phone)
            assignment = add_assignment(uow, actor=actor, grid_id=draft.grid.id, person=person,
                                        role=draft.role, started_on=draft.started_on)
        except DomainError as error:
            errors.add(draft.row, C_NAME, bare(error))
            continue
        if person.id not in known:
            people.add(person.id)
        if draft.days is not None:
            uow.grids.add_presence(GridPresence(assignment=assignment, month=month,
                                                days=draft.days))
            presence += 1
    return len(people), presence


def _person_row(uow: UnitOfWork, person: PersonInput,
                no_phone: dict[tuple[str, str], GridPerson]) -> GridPerson:
    if person.phone:
        return find_or_add_person(uow, person)
    key = (person.name, person.unit)
    if key not in no_phone:
        no_phone[key] = find_or_add_person(uow, person)
    return no_phone[key]


# --- export ----------------------------------------------------------------------------


def export_staff(
    uow: UnitOfWork,
    path: Path,
    *,
    actor: Actor,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> int:
    """Current staff of every active grid, in the template's columns, phones masked.
    Returns the number of assignments written. Needs ``DATA_EXPORT``; audited once the
    file is written."""
    require(actor, Permission.DATA_EXPORT)
    month = current_month()
    with uow:
        sub_center = uow.sub_center.get()
        street = sub_center.street_name if sub_center else ""
        grids = {grid.id: grid for grid in uow.grids.all()}
        days = uow.grids.presence_for_month(month)
        order = {role.value: index for index, role in enumerate(StaffRole)}
        assignments = sorted(
            (a for a in uow.grids.current_assignments() if a.grid_id in grids),
            key=lambda a: (grids[a.grid_id].code, order.get(a.role, 99), a.person.name),
        )
        rows = [
            (grids[a.grid_id].code, grids[a.grid_id].name, a.person.name, StaffRole(a.role).label,
             mask_phone(a.person.phone) or None, a.person.unit or None, a.person.duties or None,
             a.started_on, days.get(a.id))
            for a in assignments
        ]
    note = (f"{street}网格人员名单（导出于 {now():%Y-%m-%d %H:%M}，共 {len(rows)} 条任职；在格天数为 "
            f"{month}）。依据《个人信息保护法》，联系电话已脱敏，重新导入前请补全完整号码。")
    count = write_export(Path(path), sheet_title=STAFF_SHEET, columns=STAFF_COLUMNS, note=note,
                         rows=rows, total=len(rows), what="任职", progress=progress, cancel=cancel)
    record_export(uow, actor, entity_type="grid_staff", what="网格人员表（电话脱敏）", path=Path(path),
                  count=count)
    return count
