"""Any filtered demand list out to a spreadsheet: ``.xlsx`` (formatted for Excel/WPS)
or ``.csv`` (UTF-8 with a byte-order mark, so Excel and WPS open the Chinese text
without a garbled first screen), chosen by the file's extension.

Built for a million rows: the rows stream from ``DemandQueries.stream`` in keyset
batches of 5,000 (never a list of ORM objects), and the xlsx is written by openpyxl in
write-only mode. The date cells reuse one styled cell per column (openpyxl writes each
row before the next is appended), so a formatted date costs no more than a plain one.

Personal data is masked (个人信息保护法): the reporter's phone as 138****5678 and the
name as 张** (surname only). The file is written under a temporary name and renamed
into place, so a cancelled or failed export leaves nothing under the user's name. The
export is audited (EXPORT) once the file exists; it needs ``DATA_EXPORT``.

Threading: blocking work for a worker thread; ``progress`` and ``cancel`` link back.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_states import HandlingLevel, Rating
from desktop.domain.errors import DomainError, ValidationError
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_phone
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services.demand_lists import (
    STATUS_LABELS,
    DemandFilter,
    DemandSort,
    criteria_for,
    deadline_state,
    due_soon_boundary,
)
from desktop.spreadsheets.audit import record_export
from desktop.spreadsheets.writing import _save  # the shared temp-file-then-rename save
from local_db.demand_queries import EXPORT_COLUMNS, DemandCriteria
from local_db.unit_of_work import UnitOfWork

SHEET = "诉求列表"
BATCH = 5000
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_ROW = 2  # row 1: the note
LEVELS = {level.value: level.label for level in HandlingLevel}
RATINGS = {rating.value: rating.label for rating in Rating}
TEXT, MOMENT, PLAIN = "text", "moment", "plain"
# (header, width, kind), in the order ``_values`` fills them.
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("受理编号", 18, TEXT), ("受理时间", 17, MOMENT), ("诉求类型", 10, PLAIN),
    ("诉求性质", 8, PLAIN), ("诉求来源", 13, PLAIN), ("紧急", 6, PLAIN), ("诉求分类", 14, PLAIN),
    ("标题", 28, PLAIN), ("诉求内容", 60, PLAIN), ("地址", 36, PLAIN), ("社区/村", 12, PLAIN),
    ("网格", 22, PLAIN), ("主办单位", 22, PLAIN), ("办理层级", 14, PLAIN), ("状态", 8, PLAIN),
    ("办理期限", 17, MOMENT), ("期限状态", 9, PLAIN), ("结案时间", 17, MOMENT), ("评价", 9, PLAIN),
    ("反映人", 8, PLAIN), ("联系电话", 14, TEXT), ("区级工单号", 18, TEXT),
)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE_FONT = Font(italic=True, color="606060")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def mask_name(name: str) -> str:
    """张** : the surname stays (复姓 too), the given name is hidden."""
    name = name.strip()
    if len(name) <= 1:
        return name
    surname = 2 if len(name) >= 4 else 1
    return name[:surname] + "*" * (len(name) - surname)


@dataclass(frozen=True)
class _Labels:
    kinds: dict[str, str]
    natures: dict[str, str]
    sources: dict[str, str]


_LABELS = _Labels({k.value: k.label for k in DemandKind}, {n.value: n.label for n in DemandNature},
                  {s.value: s.label for s in DemandSource})


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _shown(moment: datetime | None) -> datetime | None:
    """To the second: Excel keeps no microseconds and the cells show minutes."""
    return moment.replace(microsecond=0) if moment else None


def _values(row: tuple[Any, ...], when: datetime, boundary: datetime) -> list[Any]:
    """One export row (after rowid and sort value) as the cells' values."""
    (number, received, kind, nature, source, urgent, category, title, content, address,
     community, grid, unit, level, status, deadline, closed, rating, name, phone,
     external) = row[2:]
    deadline_at, closed_at = _moment(deadline), _moment(closed)
    state = deadline_state(status, deadline_at, when, boundary, closed_at)
    return [number, _shown(_moment(received)), _LABELS.kinds.get(kind, kind),
            _LABELS.natures.get(nature, nature), _LABELS.sources.get(source, source),
            "是" if urgent else "", category, title, content, address, community, grid, unit,
            LEVELS.get(level, level), STATUS_LABELS.get(status, status), _shown(deadline_at),
            state.label, _shown(closed_at), RATINGS.get(rating, rating) if rating else None,
            mask_name(name or "") or None, mask_phone(phone or "") or None, external]


def describe(demand_filter: DemandFilter) -> str:
    """The filter in words, for the note row and the audit trail."""
    f = demand_filter
    parts = []
    if f.statuses:
        parts.append("状态：" + "、".join(STATUS_LABELS[s] for s in STATUS_LABELS
                                        if s in f.statuses))
    if f.kind:
        parts.append(f"类型：{_LABELS.kinds[f.kind]}")
    if f.source:
        parts.append(f"来源：{_LABELS.sources[f.source]}")
    if f.grid_id:
        parts.append("指定网格")
    if f.unit_id:
        parts.append("指定主办单位")
    if f.overdue or f.due_soon:
        parts.append("、".join(x for x, on in (("已超期", f.overdue), ("即将到期", f.due_soon)) if on))
    if f.received_from or f.received_to:
        parts.append(f"受理日期：{f.received_from or '不限'} 至 {f.received_to or '不限'}")
    if f.text:
        parts.append(f"关键词：{f.text}")
    return "；".join(parts) or "全部诉求"


def export_demands(
    uow: UnitOfWork,
    path: Path,
    *,
    actor: Actor,
    filter: DemandFilter | None = None,
    sort: DemandSort = DemandSort.RECEIVED_DESC,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> int:
    """The demands ``filter`` selects (all by default), in ``sort`` order, to ``path``
    (.xlsx or .csv). Returns the number of demands written."""
    require(actor, Permission.DATA_EXPORT)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError("文件", f"“{path.name}”应以 .xlsx 或 .csv 结尾。")
    demand_filter = filter or DemandFilter()
    scope = describe(demand_filter)
    with uow:
        when = now()
        boundary = due_soon_boundary(uow, when)
        criteria = criteria_for(demand_filter, when, boundary)
        total, _capped = uow.demand_queries.count(criteria, cap=10**9)
        progress(0, total, f"正在导出 {total:,} 件诉求……")
        batches = export_batches(uow, criteria, DemandSort(sort).value, when, boundary)
        note = (f"诉求列表（导出于 {when:%Y-%m-%d %H:%M}，{scope}，共 {total:,} 件）。依据《个人信息"
                "保护法》，反映人姓名和联系电话已脱敏。")
        writer = _write_xlsx if suffix == ".xlsx" else _write_csv
        written = writer(path, batches, note, lambda done: _tick(done, total, progress, cancel))
    progress(written, total, f"已导出 {written:,} 件诉求")
    record_export(uow, actor, entity_type="demand", what="诉求列表（姓名、电话脱敏）", path=path,
                  count=written, detail=scope)
    return written


def export_batches(uow: UnitOfWork, criteria: DemandCriteria, sort: str, when: datetime,
                   boundary: datetime) -> Iterator[list[list[Any]]]:
    """The export's cell values, batch by batch, inside an open unit of work."""
    for rows in uow.demand_queries.stream(criteria, sort, columns=EXPORT_COLUMNS, batch=BATCH):
        yield [_values(row, when, boundary) for row in rows]


def _tick(done: int, total: int, progress: ProgressCallback, cancel: CancelToken) -> None:
    cancel.raise_if_cancelled()
    progress(done, total, f"正在导出第 {done:,}/{total:,} 件诉求")


Tick = Callable[[int], None]


def _write_xlsx(path: Path, batches: Iterator[list[list[Any]]], note: str, tick: Tick) -> int:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET)
    for index, (_header, width, kind) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        if kind == TEXT:
            ws.column_dimensions[get_column_letter(index)].number_format = "@"
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    note_cell = WriteOnlyCell(ws, value=note)
    note_cell.font = NOTE_FONT
    ws.append([note_cell])
    ws.merged_cells.add(f"A1:{get_column_letter(len(COLUMNS))}1")
    header = []
    for title, _width, _kind in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, CENTER
        header.append(cell)
    ws.append(header)
    styled = _styled_cells(ws)
    written = 0
    try:
        for batch in batches:
            for values in batch:
                for index, cell in styled:
                    value = values[index]
                    if value is not None:
                        cell.value = value
                        values[index] = cell
                ws.append(values)
            written += len(batch)
            tick(written)
    except BaseException:
        ws.close()  # finish openpyxl's streaming writer; nothing is saved
        raise
    _save(workbook, path)
    return written


def _styled_cells(ws: Any) -> list[tuple[int, WriteOnlyCell]]:
    """One formatted cell per date column, reused row after row. The text columns
    (numbers, masked phones) need no cell style: their values hold letters or ``*``,
    so Excel never reads them as numbers; the column format covers typing."""
    cells = []
    for index, (_header, _width, kind) in enumerate(COLUMNS):
        if kind == MOMENT:
            cell = WriteOnlyCell(ws, value=None)
            cell.number_format = MOMENT_FORMAT
            cells.append((index, cell))
    return cells


def _write_csv(path: Path, batches: Iterator[list[list[Any]]], note: str, tick: Tick) -> int:
    partial = path.with_name(f".{path.name}.partial")
    written = 0
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle)
            out.writerow([title for title, _width, _kind in COLUMNS])
            for batch in batches:
                out.writerows([f"{v:%Y-%m-%d %H:%M}" if isinstance(v, datetime) else v
                               for v in values] for values in batch)
                written += len(batch)
                tick(written)
        os.replace(partial, path)
    except PermissionError:
        raise DomainError(f"无法写入 {path}：文件可能正在 Excel/WPS 中打开，或没有写入权限。"
                          "请关闭该文件或另选位置后重试。") from None
    finally:
        partial.unlink(missing_ok=True)
    return written
