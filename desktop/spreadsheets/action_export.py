"""Joint actions out: a week (or one action) as iCalendar for the officers' phones, and
the week's plan as xlsx for the director's desk.

iCalendar (RFC 5545, written by the ``icalendar`` package: CRLF lines folded at 75
octets, escaped text): one VEVENT per action, times in Asia/Shanghai with its
VTIMEZONE, a UID that never changes for an action (so re-importing updates the event
instead of doubling it) and SEQUENCE = the action's version. Drafts are not sent out;
a submitted action is TENTATIVE, an approved one CONFIRMED, a cancelled one CANCELLED
(a phone that imported it before removes it). Participants are ATTENDEEs named by
CN on a ``urn:uuid:`` address (no e-mail or phone leaves the office).

Exports need DATA_EXPORT and are audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from desktop.bootstrap import AppContext
from desktop.clock import today
from desktop.domain.action_states import ActionState
from desktop.domain.actor import Actor
from desktop.domain.errors import DomainError, ValidationError
from desktop.domain.permissions import Permission, require
from desktop.services.action_building import detail_in
from desktop.services.action_checks import PeriodPlan, iso_week_of, parse_iso_week, week_plan
from desktop.services.action_rows import ActionDetail, ActionRow, load_action
from desktop.spreadsheets.audit import record_export
from desktop.spreadsheets.writing import HEADER_FILL, HEADER_FONT, NOTE_FONT, TITLE_FONT
from local_db.unit_of_work import UnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
_STATUS = {ActionState.SUBMITTED: "TENTATIVE", ActionState.CANCELLED: "CANCELLED"}
_NOT_SENT = frozenset({ActionState.DRAFT})
_WEEKDAYS = "一二三四五六日"
WRAP = Alignment(wrap_text=True, vertical="top")


def _uid(action_id: str, division_code: str) -> str:
    return f"{action_id}@subcenter-{division_code or 'local'}"


def _description(detail: ActionDetail) -> str:
    lines = [f"行动编号：{detail.row.number}（{detail.row.state.label}）",
             f"类型：{detail.row.action_type.label}；执法领域：{detail.row.domain.label}"]
    lead = [u.name for u in detail.units if u.role.value == "lead"]
    cooperating = [u.name for u in detail.units if u.role.value != "lead"]
    if lead:
        lines.append(f"主责单位：{lead[0]}")
    if cooperating:
        lines.append(f"配合单位：{'、'.join(cooperating)}")
    if detail.participants:
        lines.append("参加人员：" + "、".join(
            f"{p.name}（{p.unit_name or p.force.label}，{p.role.label}）"
            for p in detail.participants))
    for label, value in (("任务", detail.content), ("车辆装备", detail.equipment),
                         ("完成时限", str(detail.deadline or ""))):
        if value:
            lines.append(f"{label}：{value}")
    return "\n".join(lines)


def _event(detail: ActionDetail, division_code: str) -> Event:
    row = detail.row
    event = Event()
    event.add("uid", _uid(row.id, division_code))
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", row.starts_at.replace(tzinfo=SHANGHAI))
    event.add("dtend", row.ends_at.replace(tzinfo=SHANGHAI))
    event.add("summary", f"【{row.action_type.label}】{row.title}")
    if detail.places:
        event.add("location", detail.places)
    event.add("description", _description(detail))
    event.add("categories", [row.domain.label, "联合执法"])
    event.add("status", _STATUS.get(row.state, "CONFIRMED"))
    event.add("sequence", row.version)
    for person in detail.participants:
        address = vCalAddress(f"urn:uuid:{person.officer_id}")
        address.params["CN"] = person.name
        address.params["ROLE"] = "CHAIR" if person.role.value == "leader" else "REQ-PARTICIPANT"
        address.params["CUTYPE"] = "INDIVIDUAL"
        event.add("attendee", address, encode=0)
    return event


def ics_bytes(details: Sequence[ActionDetail], *, name: str, division_code: str) -> bytes:
    """The calendar of ``details`` (drafts left out), as RFC 5545 bytes."""
    calendar = Calendar()
    calendar.add("prodid", "-//街道综合指挥分中心//联合执法行动//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for detail in details:
        if detail.row.state not in _NOT_SENT:
            calendar.add_component(_event(detail, division_code))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _write_bytes(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except PermissionError:
        raise DomainError(f"无法写入 {path}：文件可能正在使用，或没有写入权限。请另选位置后重试。") from None
    finally:
        partial.unlink(missing_ok=True)


def _division_code(uow: UnitOfWork) -> str:
    sub_center = uow.sub_center.get()
    return sub_center.division_code if sub_center else ""


def _week_details(uow: UnitOfWork, start: date, end: date) -> list[ActionDetail]:
    first, last = datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())
    return [detail_in(uow, action) for action in uow.actions.between(first, last)]


def export_week_ics(uow: UnitOfWork, path: Path, *, actor: Actor, week: str) -> int:
    """The week's actions to ``path`` (.ics); returns the number of events."""
    require(actor, Permission.DATA_EXPORT)
    start, end = parse_iso_week(week)
    with uow:
        details = _week_details(uow, start, end)
        code = _division_code(uow)
    data = ics_bytes(details, name=f"联合执法行动 {week}", division_code=code)
    _write_bytes(Path(path), data)
    count = sum(1 for d in details if d.row.state not in _NOT_SENT)
    record_export(uow, actor, entity_type="joint_action", what=f"联合执法行动日历（{week}）",
                  path=Path(path), count=count, detail=f"{start} 至 {end}")
    return count


def export_action_ics(uow: UnitOfWork, action_id: str, path: Path, *, actor: Actor) -> None:
    """One action to ``path`` (.ics), e.g. to send to its participants."""
    require(actor, Permission.DATA_EXPORT)
    with uow:
        detail = detail_in(uow, load_action(uow, action_id))
        code = _division_code(uow)
    if detail.row.state in _NOT_SENT:
        raise DomainError(f"行动 {detail.row.number} 还是草稿，提交审批后才能导出日历。")
    _write_bytes(Path(path), ics_bytes([detail], name=detail.row.title, division_code=code))
    record_export(uow, actor, entity_type="joint_action", what=f"联合执法行动 {detail.row.number} 日历",
                  path=Path(path), count=1)


# --- the week's plan as xlsx ---------------------------------------------------------------

PLAN_COLUMNS = (("行动编号", 13), ("日期", 11), ("星期", 6), ("时间", 12), ("行动名称", 28),
                ("类型", 10), ("执法领域", 11), ("状态", 9), ("主责单位", 20), ("配合单位", 24),
                ("地点", 24), ("参加人员", 36), ("人数", 6), ("车辆装备", 18), ("合规检查", 48))


def _plan_row(detail: ActionDetail) -> list[object]:
    row = detail.row
    lead = "、".join(u.name for u in detail.units if u.role.value == "lead")
    cooperating = "、".join(u.name for u in detail.units if u.role.value != "lead")
    people = "、".join(f"{p.name}（{p.unit_name or p.force.label}）" for p in detail.participants)
    problems = "\n".join(v.message.split("：", 1)[-1] for v in row.violations) or "符合"
    return [row.number, row.starts_at.date(), _WEEKDAYS[row.starts_at.weekday()],
            f"{row.starts_at:%H:%M}—{row.ends_at:%H:%M}", row.title, row.action_type.label,
            row.domain.label, row.state.label, lead, cooperating, detail.places, people,
            len(detail.participants), detail.equipment, problems]


def _header(ws, row: int, titles: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
    for column, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=column, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL


def _plan_sheet(ws, week: str, start: date, end: date,  # type: ignore[no-untyped-def]
                details: Sequence[ActionDetail]) -> None:
    ws.title = "行动计划"
    ws.cell(row=1, column=1, value=f"联合执法行动周计划（{week}，{start} 至 {end}）").font = TITLE_FONT
    ws.cell(row=2, column=1, value="合规检查按导出时的人员名册计算；已取消的行动不列入。").font = NOTE_FONT
    _header(ws, 3, [title for title, _ in PLAN_COLUMNS])
    for index, (_title, width) in enumerate(PLAN_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for detail in details:
        ws.append(_plan_row(detail))
        for cell in ws[ws.max_row]:
            cell.alignment = WRAP
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A4"


def _load_sheet(ws, plan: PeriodPlan) -> None:  # type: ignore[no-untyped-def]
    days = plan.days
    titles = ["姓名", "单位", "力量", *(f"{d:%m-%d} 周{_WEEKDAYS[d.weekday()]}" for d in days),
              "合计（小时）", "行动数", "冲突"]
    ws.cell(row=1, column=1, value="人员工作量（小时）").font = TITLE_FONT
    _header(ws, 2, titles)
    widths = [10, 24, 8, *([11] * len(days)), 12, 8, 48]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for load in plan.loads:
        conflicts = "\n".join(v.message.split("：", 1)[-1] for v in load.conflicts)
        ws.append([load.name, load.unit_name, load.force.short,
                   *(load.hours_per_day.get(d, 0) or None for d in days),
                   load.total_hours, load.total_actions, conflicts or None])
        for cell in ws[ws.max_row]:
            cell.alignment = WRAP
    ws.freeze_panes = "B3"


def export_week_xlsx(uow: UnitOfWork, path: Path, *, actor: Actor, week: str) -> int:
    """The week's plan (actions and each officer's load) to ``path``; returns the
    number of actions written."""
    require(actor, Permission.DATA_EXPORT)
    start, end = parse_iso_week(week)
    plan = week_plan(uow, week)
    with uow:
        details = [d for d in _week_details(uow, start, end)
                   if d.row.state is not ActionState.CANCELLED]
    by_id = {row.id: row for row in plan.actions}  # the plan's checks see the whole week
    details = [_with_row(d, by_id.get(d.id)) for d in details]
    workbook = Workbook()
    _plan_sheet(workbook.active, week, start, end, details)
    _load_sheet(workbook.create_sheet("人员工作量"), plan)
    _save_workbook(workbook, Path(path))
    record_export(uow, actor, entity_type="joint_action", what=f"联合执法行动周计划（{week}）",
                  path=Path(path), count=len(details), detail=f"{start} 至 {end}")
    return len(details)


def _with_row(detail: ActionDetail, row: ActionRow | None) -> ActionDetail:
    return replace(detail, row=row) if row is not None else detail


def _save_workbook(workbook: Workbook, path: Path) -> None:
    """Saved beside the target and moved into place: never half a file under its name."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        workbook.save(partial)
        partial.replace(path)
    except PermissionError:
        raise DomainError(f"无法写入 {path}：文件可能正在 Excel/WPS 中打开，或没有写入权限。"
                          "请关闭该文件或另选位置后重试。") from None
    finally:
        partial.unlink(missing_ok=True)


def run_export_actions(context: AppContext, path: Path, *, week: str | None) -> str:
    """``subcenter export actions --week 2026-W48 FILE`` (.ics or .xlsx by extension)."""
    week = week or iso_week_of(today())
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".ics":
        count = export_week_ics(context.uow(), path, actor=context.actor, week=week)
        return f"已导出 {week} 的 {count} 项联合执法行动到日历文件 {path}"
    if suffix == ".xlsx":
        count = export_week_xlsx(context.uow(), path, actor=context.actor, week=week)
        return f"已导出 {week} 的联合执法行动周计划（{count} 项行动）到 {path}"
    raise ValidationError("导出文件", f"“{path.name}”的扩展名应为 .ics（日历）或 .xlsx（周计划）。")
