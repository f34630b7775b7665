"""Writing spreadsheets: import templates (header, drop-down lists, text columns and a
「填写说明」 sheet) and streamed exports (write-only mode, note row, frozen header).

Threading: blocking file I/O for a worker thread; ``progress``/``cancel`` link back.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from desktop.domain.errors import DomainError
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.spreadsheets.common import INSTRUCTIONS_SHEET, PROGRESS_EVERY, Column

TEMPLATE_ROWS = 2000  # rows covered by the drop-down lists of a template
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE_FONT = Font(italic=True, color="808080")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")


def _set_widths(ws: Any, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.text_format:
            ws.column_dimensions[letter].number_format = "@"
        elif column.is_date:
            ws.column_dimensions[letter].number_format = DATE_FORMAT


def _validations(ws: Any, columns: Sequence[Column], first_row: int) -> None:
    for index, column in enumerate(columns, start=1):
        cells = f"{get_column_letter(index)}{first_row}:{get_column_letter(index)}{TEMPLATE_ROWS}"
        if column.choices:
            rule = DataValidation(type="list", formula1=f'"{",".join(column.choices)}"',
                                  allow_blank=True, showDropDown=False)
            rule.error = f"请从下拉列表中选择：{'、'.join(column.choices)}"
        elif column.whole_number:
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                                  allow_blank=True)
            rule.error = "请填写不小于 0 的整数。"
        else:
            continue
        rule.errorTitle = column.title
        rule.showErrorMessage = True
        rule.add(cells)
        ws.add_data_validation(rule)


def write_template(
    path: Path,
    *,
    sheet_title: str,
    columns: Sequence[Column],
    notes: Sequence[str],
    examples: Sequence[Sequence[object]],
) -> None:
    """A template: the data sheet (header only, drop-downs, text columns) and a
    「填写说明」 sheet with the rules, allowed values and an example."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        if column.help:
            cell.comment = Comment(column.help, "分中心", width=260, height=90)
    ws.freeze_panes = "A2"
    _set_widths(ws, columns)
    _validations(ws, columns, first_row=2)
    _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), sheet_title, columns, notes, examples)
    _save(workbook, Path(path))


def _instructions(ws: Any, sheet_title: str, columns: Sequence[Column], notes: Sequence[str],
                  examples: Sequence[Sequence[object]]) -> None:
    ws.append([f"「{sheet_title}」导入模板填写说明"])
    ws["A1"].font = TITLE_FONT
    for note in (f"请在第一个工作表「{sheet_title}」中填写，本说明页不会被导入。", *notes):
        ws.append([note])
    ws.append([])
    ws.append(["列名", "是否必填", "说明", "可选值"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in columns:
        ws.append([column.title, "必填" if column.required else "选填", column.help,
                   "、".join(column.choices)])
        for cell in ws[ws.max_row]:
            cell.alignment = WRAP
    ws.append([])
    ws.append(["示例（仅供参考）："])
    ws[f"A{ws.max_row}"].font = HEADER_FONT
    ws.append([column.title for column in columns])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for example in examples:
        ws.append(list(example))
        for cell in ws[ws.max_row]:
            cell.font = NOTE_FONT
            if isinstance(cell.value, str):
                cell.number_format = "@"
    for letter, width in zip("ABCD", (16, 10, 60, 40), strict=True):
        ws.column_dimensions[letter].width = width


def write_export(
    path: Path,
    *,
    sheet_title: str,
    columns: Sequence[Column],
    note: str,
    rows: Iterable[Sequence[object]],
    total: int,
    what: str,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> int:
    """Stream rows into a write-only workbook: a note row, the header (frozen), widths,
    dates as dates. Written to a temporary file and moved into place, so a cancelled or
    failed export never leaves half a file under the user's name."""
    workbook = Workbook(write_only=True)
    ws = _export_sheet(workbook, sheet_title, columns, note)
    written = 0
    try:
        for row in rows:
            ws.append([_export_cell(ws, value) for value in row])
            written += 1
            if written % PROGRESS_EVERY == 0:
                cancel.raise_if_cancelled()
                progress(written, total, f"正在导出第 {written}/{total} 个{what}")
        cancel.raise_if_cancelled()
    except BaseException:
        ws.close()  # finish openpyxl's streaming writer; its temp file goes at exit
        raise
    _save(workbook, Path(path))
    progress(written, total, f"已导出 {written} 个{what}")
    return written


def _export_sheet(workbook: Workbook, title: str, columns: Sequence[Column], note: str) -> Any:
    """Row 1: the note across all columns; row 2: the header; both stay in view."""
    ws = workbook.create_sheet(title)
    _set_widths(ws, columns)
    ws.freeze_panes = "A3"
    note_cell = WriteOnlyCell(ws, value=note)
    note_cell.font = NOTE_FONT
    ws.append([note_cell])
    ws.merged_cells.add(f"A1:{get_column_letter(len(columns))}1")
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    ws.append(header)
    return ws


def _export_cell(ws: Any, value: object) -> object:
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _save(workbook: Workbook, path: Path) -> None:
    partial = path.with_name(f".{path.name}.partial")
    try:
        workbook.save(partial)
        os.replace(partial, path)
    except PermissionError:
        raise DomainError(f"无法写入 {path}：文件可能正在 Excel/WPS 中打开，或没有写入权限。"
                          "请关闭该文件或另选位置后重试。") from None
    finally:
        partial.unlink(missing_ok=True)
