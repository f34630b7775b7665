"""Reading a 属地管理事项清单 workbook as the district writes it: a title row or two, a
header of one or two rows ("职责分工" over 区级部门职责/街道职责, "责任单位" over
主体责任单位/配合责任单位), columns named in the district's words (类别, 职能部门职责,
属地职责, 设定依据, 牵头单位, 协同单位…), cells merged down several rows (one type or
one lead department for a run of items), section rows ("一、城市管理") and footnotes
("注：…").

Only reading happens here; checking the cells is ``responsibilities``'s job.
Threading: blocking file I/O for a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from desktop.domain.errors import ImportRejectedError, RowError
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.spreadsheets.cells import cell_text, header_key
from desktop.spreadsheets.common import (
    HEADER_SEARCH_ROWS,
    Column,
    SheetRow,
    data_sheets,
    open_xlsx,
    rejected,
    sheet_values,
)

SHEET_TITLE = "事项清单"
C_SEQ, C_CODE, C_TYPE, C_NAME = "序号", "事项编号", "事项类型", "事项名称"
C_DISTRICT, C_STREET, C_BASIS = "区级部门职责", "街道职责", "法律依据"
C_LEAD, C_COOPERATING = "主体责任单位", "配合责任单位"

COLUMNS: tuple[Column, ...] = (
    Column(C_CODE, 12, text_format=True, aliases=("编号", "事项代码", "清单编号", "事项编码"),
           help="区级清单中的事项编号，如 CG-001。同一清单内不能重复。没有编号的清单可只填「序号」列。"),
    Column(C_TYPE, 14, required=True,
           aliases=("类别", "事项类别", "类型", "所属领域", "领域", "行业领域", "事项领域"),
           help="如 城市管理、市场监管、生态环境、住房城乡建设、应急管理。"),
    Column(C_NAME, 32, required=True, aliases=("名称", "事项", "事项内容", "清单事项"),
           help="事项的名称，如 占道经营、店外经营的查处。"),
    Column(C_DISTRICT, 44, aliases=(
        "职能部门职责", "区直部门职责", "部门职责", "区级职能部门职责", "县级部门职责", "县直部门职责",
        "区级职责", "主管部门职责", "职能部门职责内容"),
        help="区级主管部门的职责。单元格内可换行。"),
    Column(C_STREET, 44, aliases=(
        "街道(乡镇)职责", "乡镇(街道)职责", "属地职责", "镇街职责", "乡镇职责", "街道办事处职责",
        "街道职责内容", "属地街道职责"),
        help="街道（乡镇）的职责。单元格内可换行。"),
    Column(C_BASIS, 36, aliases=(
        "设定依据", "法律法规依据", "法律法规及文件依据", "依据", "政策依据", "法律法规及政策依据",
        "法规依据", "法律依据及文件"),
        help="如 《城市市容和环境卫生管理条例》第十四条。"),
    Column(C_LEAD, 20, required=True, aliases=(
        "牵头单位", "主责单位", "主体责任部门", "责任主体", "主责部门", "牵头部门", "主体责任",
        "责任单位", "责任部门"),
        help="承担主体责任的单位，如 区城管执法局；由街道负责的填“街道”。每个事项必填。"),
    Column(C_COOPERATING, 30, aliases=(
        "协同单位", "配合单位", "配合部门", "配合责任部门", "协同部门", "配合责任"),
        help="多个单位用顿号“、”分隔，如 区市场监管局、街道。"),
    Column(C_SEQ, 8, help="可选。没有「事项编号」列时以序号作为事项编号。"),
)
_KEYS = {header_key(name): column.title for column in COLUMNS
         for name in (column.title, *column.aliases)}
REQUIRED = tuple(column.title for column in COLUMNS if column.required)
NOT_FILLED_DOWN = frozenset({C_SEQ, C_CODE, C_NAME})  # merged over rows: a mistake, not a run
_ATTACHMENT = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*[:：]?$")  # "附件1" above the title
_SECTION = re.compile(r"^(注|备注|说明|合计|小计|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")


@dataclass(frozen=True)
class ListSheet:
    file_name: str
    sheet_title: str
    title: str  # the text of the title row above the header ("" when none)
    rows: list[SheetRow]
    skipped: int  # section and footnote rows


def _titles(row: Sequence[Any]) -> tuple[dict[int, str], list[str]]:
    """Column position → title for the known headers of ``row``, and duplicate notes."""
    found: dict[int, str] = {}
    duplicates: list[str] = []
    for position, value in enumerate(row):
        title = _KEYS.get(header_key(value)) if value is not None else None
        if title is None:
            continue
        first = next((p for p, t in found.items() if t == title), None)
        if first is not None:
            duplicates.append(f"「{title}」列出现了两次（第 {get_column_letter(first + 1)} 列和"
                              f"第 {get_column_letter(position + 1)} 列），请删除多余的一列。")
            continue
        found[position] = title
    return found, duplicates


def _complete(found: dict[int, str]) -> bool:
    titles = set(found.values())
    return set(REQUIRED) <= titles and bool({C_CODE, C_SEQ} & titles)


def _stacked(upper: Sequence[Any], lower: Sequence[Any]) -> list[Any]:
    """A two-row header read as one: the lower row's text where it has some."""
    width = max(len(upper), len(lower))
    return [lower[i] if i < len(lower) and lower[i] not in (None, "") else
            (upper[i] if i < len(upper) else None) for i in range(width)]


@dataclass(frozen=True)
class _Header:
    last_row: int  # 0-based index of the header's last row
    found: dict[int, str]
    duplicates: list[str]
    depth: int = 1  # header rows (2: a group row above the column names)


def find_header(rows: Sequence[Sequence[Any]]) -> tuple[_Header | None, _Header | None]:
    """(the header, None) when found in the first rows; else (None, the closest try)."""
    closest: _Header | None = None
    for index in range(min(HEADER_SEARCH_ROWS, len(rows))):
        single = _Header(index, *_titles(rows[index]))
        if index + 1 < len(rows):
            lower, _ = _titles(rows[index + 1])
            double = _Header(index + 1, *_titles(_stacked(rows[index], rows[index + 1])), depth=2)
            # two rows only when both give column names (not a title row over the header)
            if _complete(double.found) and len(double.found) > max(len(single.found), len(lower)):
                return double, None
        if _complete(single.found):
            return single, None
        if single.found and (closest is None or len(single.found) > len(closest.found)):
            closest = single
    return None, closest


def read_list_sheet(path: Path, *, progress: ProgressCallback = no_progress,
                    cancel: CancelToken = NEVER_CANCELLED) -> ListSheet:
    """The data rows of the first sheet holding a list header. Raises
    ImportRejectedError for a file that cannot be used."""
    path = Path(path)
    name = path.name
    workbook = open_xlsx(path)
    closest: tuple[str, _Header] | None = None
    try:
        for sheet in data_sheets(workbook, SHEET_TITLE):
            rows = sheet_values(sheet, name, progress, cancel)
            header, near = find_header(rows)
            if header is not None:
                if header.duplicates:
                    raise ImportRejectedError(
                        name, [RowError(name, 0, "", text) for text in header.duplicates])
                title = sheet.title
                break
            if near is not None and (closest is None or len(near.found) > len(closest[1].found)):
                closest = (sheet.title, near)
        else:
            raise _missing_header(name, closest)
    finally:
        workbook.close()
    rows = _fill_merged(path, title, header, rows)
    return _list_sheet(name, title, rows, header)


def _missing_header(name: str, closest: tuple[str, _Header] | None) -> ImportRejectedError:
    if closest is None:
        wanted = "、".join(f"「{t}」" for t in (C_CODE, *REQUIRED))
        return rejected(name, f"前 {HEADER_SEARCH_ROWS} 行中找不到事项清单的表头（应包含 {wanted} 等列）。"
                              "请使用导入模板，或把表头移到前 10 行内。")
    sheet, header = closest
    present = set(header.found.values())
    where = f"工作表「{sheet}」第 {header.last_row + 1} 行的表头缺少此列"
    errors = [RowError(name, 0, title, f"{where}，请按导入模板补上该列。")
              for title in REQUIRED if title not in present]
    if not {C_CODE, C_SEQ} & present:
        errors.insert(0, RowError(name, 0, C_CODE, f"{where}（没有编号的清单可用「序号」列），"
                                                  "请按导入模板补上该列。"))
    return ImportRejectedError(name, errors)


def _fill_merged(path: Path, sheet_title: str, header: _Header,
                 rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Cells merged down several data rows give their value to every row of the run
    (read-only workbooks do not know merges, so the sheet is opened once more)."""
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception:  # already read once: without the merges the rows still stand
        return rows
    try:
        ranges = list(workbook[sheet_title].merged_cells.ranges)
    finally:
        workbook.close()
    filled = [list(row) for row in rows]
    for cell_range in ranges:
        top, bottom = cell_range.min_row - 1, cell_range.max_row - 1
        if bottom == top or top <= header.last_row or top >= len(filled):
            continue
        for column in range(cell_range.min_col - 1, cell_range.max_col):
            if header.found.get(column) in NOT_FILLED_DOWN or column >= len(filled[top]):
                continue
            for index in range(top + 1, min(bottom, len(filled) - 1) + 1):
                while len(filled[index]) <= column:
                    filled[index].append(None)
                if filled[index][column] is None:
                    filled[index][column] = filled[top][column]
    return [tuple(row) for row in filled]


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _list_sheet(name: str, sheet_title: str, rows: list[tuple[Any, ...]],
               header: _Header) -> ListSheet:
    first_header_row = header.last_row - header.depth + 1
    title = next((text for row in rows[:first_header_row] for v in row if not _empty(v)
                  for text in [cell_text(v)] if not _ATTACHMENT.match(text)), "")
    data: list[SheetRow] = []
    skipped = 0
    for number, row in enumerate(rows[header.last_row + 1:], start=header.last_row + 2):
        cells = {t: None if pos >= len(row) or _empty(row[pos]) else row[pos]
                 for pos, t in header.found.items()}
        filled = [value for value in cells.values() if value is not None]
        if len(filled) == 1 and _SECTION.match(cell_text(filled[0])):
            skipped += 1  # "一、城市管理" or "注：……" across the row
            continue
        if not any(value is not None for column, value in cells.items() if column != C_SEQ):
            continue  # blank (perhaps numbered), or text only outside the list's columns
        data.append(SheetRow(number, cells))
    return ListSheet(name, sheet_title, title, data, skipped)
