"""Shared pieces of the Excel imports: column specs, the import summary, collecting
row-level errors, and reading a messy sheet (title rows and merged cells above the
header, headers with spaces, newlines or full-width brackets, blank trailing rows).

Cell values are understood in ``cells``; templates and exports are written in
``writing``. Threading: blocking file I/O for a worker thread; it never touches the
GUI. ``progress`` and ``cancel`` are the only links back.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from desktop.domain.errors import DomainError, ImportRejectedError, RowError, ValidationError
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.spreadsheets.cells import CellError, header_key

HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 200
INSTRUCTIONS_SHEET = "填写说明"


@dataclass(frozen=True)
class ImportSummary:
    """What an import stored. ``message`` is the Chinese sentence shown to the user."""

    communities_created: int = 0
    grids_created: int = 0
    staff_created: int = 0
    rows_skipped: int = 0
    message: str = ""


@dataclass(frozen=True)
class Column:
    """One column of a template, an import and an export."""

    title: str
    width: float = 14
    required: bool = False  # the header must be present (the cells may still be optional)
    text_format: bool = False  # codes and phones: text, so Excel keeps leading zeros
    choices: tuple[str, ...] = ()  # drop-down list on the template
    whole_number: bool = False
    is_date: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()


# --- reading a sheet -----------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One non-empty data row: its 1-based Excel row number and its cells by column title."""

    number: int
    cells: Mapping[str, Any]

    def get(self, title: str) -> Any:
        return self.cells.get(title)


@dataclass(frozen=True)
class Table:
    file_name: str
    sheet_title: str
    header_row: int
    present: frozenset[str]
    rows: list[SheetRow]


@dataclass
class Errors:
    """Collects every problem of a file so the user can fix them all in one go."""

    file_name: str
    items: list[RowError] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append(RowError(self.file_name, row, column, message))

    def parse(self, row: SheetRow, column: str, parser: Callable[..., Any], *args: Any,
              **kwargs: Any) -> Any:
        """``parser(cell)``; on failure the error is recorded and ``None`` returned."""
        try:
            return parser(row.get(column), *args, **kwargs)
        except CellError as error:
            self.add(row.number, column, str(error))
            return None

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            ordered = sorted(self.items, key=lambda e: e.row)  # stable: columns stay in sheet order
            raise ImportRejectedError(self.file_name, ordered)


def rejected(file_name: str, message: str, column: str = "") -> ImportRejectedError:
    """A whole-file refusal (not an xlsx, no header...): reported as row 0, the header."""
    return ImportRejectedError(file_name, [RowError(file_name, 0, column, message)])


def _open_workbook(path: Path) -> Workbook:
    name = path.name
    if not path.is_file():
        raise rejected(name, f"找不到文件 {path}，请确认文件仍在原处。")
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise rejected(name, "这是旧版 .xls 文件或带密码的文件，请在 Excel/WPS 中取消密码并另存为 .xlsx 后再导入。")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise rejected(
            name, f"无法作为 Excel (.xlsx) 文件打开（{type(error).__name__}），文件可能已损坏或不是 "
                  "Excel 文件。请用 Excel/WPS 打开并另存为 .xlsx 后再导入。"
        ) from None


@dataclass(frozen=True)
class _Header:
    """Where a header was (or best nearly was) found: 0-based row, column index → title."""

    row: int
    found: dict[int, str]
    duplicates: list[str]
    complete: bool


def _find_header(rows: Sequence[Sequence[Any]], columns: Sequence[Column]) -> _Header | None:
    """The first of the first ``HEADER_SEARCH_ROWS`` rows holding every required title;
    else the row that came closest (for the error message); ``None`` if nothing matched."""
    keys: dict[str, str] = {}
    for column in columns:
        for name in (column.title, *column.aliases):
            keys[header_key(name)] = column.title
    required = [c.title for c in columns if c.required]
    best: _Header | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, str] = {}
        duplicates: list[str] = []
        for position, value in enumerate(row):
            title = keys.get(header_key(value)) if value is not None else None
            if title is None:
                continue
            first = next((p for p, t in found.items() if t == title), None)
            if first is not None:
                duplicates.append(f"「{title}」列出现了两次（第 {get_column_letter(first + 1)} 列和"
                                  f"第 {get_column_letter(position + 1)} 列），请删除多余的一列。")
                continue
            found[position] = title
        complete = all(title in found.values() for title in required)
        if complete:
            return _Header(index, found, duplicates, True)
        if found and (best is None or len(found) > len(best.found)):
            best = _Header(index, found, duplicates, False)
    return best


def _pick_sheet(workbook: Workbook, preferred: str) -> list[Any]:
    sheets = [ws for ws in workbook.worksheets if ws.title.strip() != INSTRUCTIONS_SHEET]
    sheets.sort(key=lambda ws: ws.title.strip() != preferred)
    return sheets


def read_table(
    path: Path,
    columns: Sequence[Column],
    *,
    preferred_sheet: str,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Table:
    """Read the data rows of the first sheet (``preferred_sheet`` first) whose header holds
    every required column. Raises ImportRejectedError for a file that cannot be used."""
    path = Path(path)
    name = path.name
    workbook = _open_workbook(path)
    try:
        sheets = _pick_sheet(workbook, preferred_sheet)
        if not sheets:
            raise rejected(name, "文件中没有工作表，请使用导入模板填写。")
        closest: tuple[str, _Header] | None = None
        for sheet in sheets:
            sheet.reset_dimensions()  # some writers store a wrong used range
            rows = _read_rows(sheet, name, progress, cancel)
            header = _find_header(rows, columns)
            if header is not None and header.complete:
                if header.duplicates:
                    raise ImportRejectedError(
                        name, [RowError(name, 0, "", text) for text in header.duplicates])
                return _table(name, sheet.title, rows, header)
            if header is not None and (closest is None or len(header.found) > len(closest[1].found)):
                closest = (sheet.title, header)
    finally:
        workbook.close()
    raise _missing_header(name, columns, closest)


def _read_rows(sheet: Any, name: str, progress: ProgressCallback,
               cancel: CancelToken) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for rows_read, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        rows.append(tuple(row))
        if rows_read % PROGRESS_EVERY == 0:
            cancel.raise_if_cancelled()
            progress(rows_read, 0, f"正在读取 {name} 第 {rows_read} 行")
    while rows and all(_empty(value) for value in rows[-1]):
        rows.pop()
    return rows


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(name: str, sheet_title: str, rows: list[tuple[Any, ...]], header: _Header) -> Table:
    data: list[SheetRow] = []
    for number, row in enumerate(rows[header.row + 1:], start=header.row + 2):
        cells = {
            title: None if pos >= len(row) or _empty(row[pos]) else row[pos]
            for pos, title in header.found.items()
        }
        if any(value is not None for value in cells.values()):
            data.append(SheetRow(number, cells))
    return Table(name, sheet_title, header.row + 1, frozenset(header.found.values()), data)


def _missing_header(name: str, columns: Sequence[Column],
                    closest: tuple[str, _Header] | None) -> ImportRejectedError:
    required = [c.title for c in columns if c.required]
    if closest is None:
        wanted = "、".join(f"「{t}」" for t in required)
        return rejected(name, f"前 {HEADER_SEARCH_ROWS} 行中找不到表头（应包含 {wanted} 等列）。"
                              "请使用导入模板，或把表头移到前 10 行内。")
    sheet, header = closest
    return ImportRejectedError(name, [
        RowError(name, 0, title,
                 f"工作表「{sheet}」第 {header.row + 1} 行的表头缺少此列，请按导入模板补上该列。")
        for title in required if title not in header.found.values()
    ])



def bare(error: DomainError) -> str:
    """A domain error's message without its 「field」 prefix: the column is reported
    separately in a RowError."""
    if isinstance(error, ValidationError):
        return error.message.removeprefix(f"「{error.field}」")
    return error.message


def tick(index: int, total: int, verb: str, progress: ProgressCallback,
         cancel: CancelToken) -> None:
    """Every ``PROGRESS_EVERY`` rows (and at the last): honour cancel, report progress."""
    if index % PROGRESS_EVERY == 0 or index == total:
        cancel.raise_if_cancelled()
        progress(index, total, f"{verb}第 {index}/{total} 行")


# --- for importers that find their own header (the roster's two-level headers) ---------


def open_xlsx(path: Path) -> Workbook:
    """Open an xlsx read-only, refusing (in Chinese) a missing, old or broken file."""
    return _open_workbook(Path(path))


def data_sheets(workbook: Workbook, preferred: str) -> list[Any]:
    """The sheets to look at, ``preferred`` first, the 「填写说明」 sheet left out."""
    return _pick_sheet(workbook, preferred)


def sheet_values(sheet: Any, name: str, progress: ProgressCallback = no_progress,
                 cancel: CancelToken = NEVER_CANCELLED) -> list[tuple[Any, ...]]:
    """Every row of a sheet as values (row N at index N-1), trailing empty rows dropped."""
    sheet.reset_dimensions()  # some writers store a wrong used range
    return _read_rows(sheet, name, progress, cancel)
