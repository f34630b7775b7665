"""The holiday-arrangement file: one row per exceptional day (日期, 类型 放假/上班, 名称),
as xlsx or csv, and its template.

Why csv too: the district and colleagues pass the State Council's notice around as a
plain table; a csv saved by Excel on a Chinese Windows is GBK, one saved elsewhere is
UTF-8 (often with a BOM): both are read. Only reading and cell parsing happen here; the
year's rules (dates inside the year, make-up days on weekends) are the domain's, and
storing is the service's. Threading: blocking file I/O for a worker thread.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from desktop.domain.workdays import CalendarException
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.spreadsheets.cells import CellError, cell_text, header_key, normalize, parse_date
from desktop.spreadsheets.common import (
    HEADER_SEARCH_ROWS,
    Column,
    Errors,
    SheetRow,
    read_table,
    rejected,
)
from desktop.spreadsheets.writing import DATE_FORMAT, write_template

SHEET_TITLE = "节假日安排"
HOLIDAY, WORKDAY = "放假", "上班"
_HOLIDAY_WORDS = {HOLIDAY, "休", "休息", "假", "休假", "节假日", "放假休息"}
_WORKDAY_WORDS = {WORKDAY, "班", "补班", "调休上班", "调班", "上班日"}

COLUMNS: tuple[Column, ...] = (
    Column("日期", 14, required=True, is_date=True,
           help="放假或调休上班的那一天，如 2027-10-01。每个日期一行。"),
    Column("类型", 10, required=True, choices=(HOLIDAY, WORKDAY),
           help="放假：这一天休息（含节日中的工作日）；上班：周六或周日调休上班。"),
    Column("名称", 18, help="节日名称，如 元旦、春节、国庆节；调休上班的日期填所属节日。"),
)
NOTES = (
    "按国务院办公厅当年发布的《关于××年部分节假日安排的通知》逐日填写。",
    "只需填写与“周一至周五上班、周六周日休息”不同的日子：工作日放假的日期、周末调休上班的日期。"
    "节日期间的周六、周日也可以填“放假”（不影响计算，可在日历中显示节日名称）。",
    "一个年份的安排须一次填完整：导入后整年替换原有数据，并以此计算该年的工作日期限。",
    "也可以导入 CSV 文件（列名相同，UTF-8 或 GBK 编码）。",
)
EXAMPLES = (
    ("2026-10-01", HOLIDAY, "国庆节"),
    ("2026-10-02", HOLIDAY, "国庆节"),
    ("2026-10-10", WORKDAY, "国庆节"),
)


@dataclass(frozen=True)
class DayLine:
    """One parsed row; ``day`` or ``is_workday`` is None when that cell was wrong (the
    error is already recorded)."""

    row: int
    day: date | None
    is_workday: bool | None
    name: str

    def exception(self) -> CalendarException:
        assert self.day is not None and self.is_workday is not None
        return CalendarException(self.day, self.is_workday, self.name)


def parse_day_type(value: object) -> bool | None:
    """True for a make-up workday (上班), False for a holiday (放假)."""
    text = normalize(cell_text(value)).replace(" ", "")
    if not text:
        return None
    if text in _WORKDAY_WORDS:
        return True
    if text in _HOLIDAY_WORDS:
        return False
    raise CellError(f"“{text}”不是可选值，应为：{HOLIDAY} 或 {WORKDAY}。")


def read_day_lines(path: Path, *, progress: ProgressCallback = no_progress,
                   cancel: CancelToken = NEVER_CANCELLED) -> tuple[list[DayLine], Errors]:
    """Every data row of the file, parsed, with the cell errors found on the way.
    Raises ImportRejectedError for a file that cannot be read at all."""
    path = Path(path)
    rows = (_read_csv(path) if path.suffix.lower() == ".csv"
            else read_table(path, COLUMNS, preferred_sheet=SHEET_TITLE, progress=progress,
                            cancel=cancel).rows)
    errors = Errors(path.name)
    lines: list[DayLine] = []
    for row in rows:
        cancel.raise_if_cancelled()
        day = errors.parse(row, "日期", parse_date)
        if day is None and row.get("日期") is None:
            errors.add(row.number, "日期", "不能为空。")
        kind = errors.parse(row, "类型", parse_day_type)
        if kind is None and row.get("类型") is None:
            errors.add(row.number, "类型", f"不能为空，请填写“{HOLIDAY}”或“{WORKDAY}”。")
        lines.append(DayLine(row.number, day, kind, cell_text(row.get("名称"))))
    return lines, errors


def _read_csv(path: Path) -> list[SheetRow]:
    if not path.is_file():
        raise rejected(path.name, f"找不到文件 {path}，请确认文件仍在原处。")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything; kept for safety
        raise rejected(path.name, "无法识别文件编码，请在 Excel/WPS 中另存为“CSV UTF-8”后重新导入。")
    table = list(csv.reader(io.StringIO(text)))
    wanted = {header_key(column.title): column.title for column in COLUMNS}
    for index, header in enumerate(table[:HEADER_SEARCH_ROWS]):
        found = {pos: wanted[header_key(cell)] for pos, cell in enumerate(header)
                 if header_key(cell) in wanted}
        if {"日期", "类型"} <= set(found.values()):
            return [_csv_row(number, cells, found)
                    for number, cells in enumerate(table[index + 1:], start=index + 2)
                    if any(cell.strip() for cell in cells)]
    raise rejected(path.name, f"前 {HEADER_SEARCH_ROWS} 行中找不到包含「日期」「类型」两列的表头，"
                              "请使用导入模板的列名。")


def _csv_row(number: int, cells: Sequence[str], found: dict[int, str]) -> SheetRow:
    return SheetRow(number, {title: (cells[pos].strip() or None) if pos < len(cells) else None
                             for pos, title in found.items()})


def write_day_template(path: Path, year: int,
                       days: Sequence[CalendarException] = ()) -> None:
    """The import template for ``year``; pre-filled with ``days`` when given (to correct
    a year we already have)."""
    path = Path(path)
    write_template(path, sheet_title=SHEET_TITLE, columns=COLUMNS,
                   notes=(f"本模板用于导入 {year} 年的节假日安排。", *NOTES), examples=EXAMPLES)
    if not days:
        return
    workbook = load_workbook(path)
    sheet = workbook[SHEET_TITLE]
    for special in days:
        sheet.append([special.day, WORKDAY if special.is_workday else HOLIDAY, special.name])
        sheet.cell(row=sheet.max_row, column=1).number_format = DATE_FORMAT
    workbook.save(path)
