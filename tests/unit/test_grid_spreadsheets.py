"""Parsing helpers of the spreadsheet import: cells as office workers really type them,
and finding the header of a messy sheet (real xlsx files written in tmp_path)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop.domain.errors import ImportRejectedError
from desktop.domain.grids import GridKind, StaffRole
from desktop.spreadsheets.cells import (
    CellError,
    cell_text,
    header_key,
    parse_choice,
    parse_code,
    parse_date,
    parse_float,
    parse_int,
)
from desktop.spreadsheets.common import Column, read_table

# --- cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (300.0, "300"), (0.5, "0.5"), ("  幸福社区 \n", "幸福社区"),
     ("第一\n网格", "第一 网格"), (12, "12")],
)
def test_cell_text(value: object, expected: str) -> None:
    assert cell_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(300, 300), (300.0, 300), ("300", 300), ("３００", 300), ("1,200", 1200), ("1，200", 1200),
     (" 42 ", 42), ("300.0", 300), (None, None), ("", None), (0, 0)],
)
def test_parse_int_accepts_what_people_type(value: object, expected: int | None) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [300.5, "三百", "12户多", "1e3", True])
def test_parse_int_refuses_non_integers(value: object) -> None:
    with pytest.raises(CellError):
        parse_int(value)


def test_parse_int_refuses_negative_numbers_with_the_value() -> None:
    with pytest.raises(CellError, match="-5"):
        parse_int("-5")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, 0.5), (3, 3.0), ("0.35", 0.35), ("０．３５", 0.35), ("2.6平方公里", 2.6),
     ("1.2 km²", 1.2), (None, None)],
)
def test_parse_float(value: object, expected: float | None) -> None:
    assert parse_float(value) == expected


@pytest.mark.parametrize("value", ["-0.1", -1, "大约两平方公里"])
def test_parse_float_refuses(value: object) -> None:
    with pytest.raises(CellError):
        parse_float(value)


@pytest.mark.parametrize(
    ("value", "length", "expected"),
    [(1, 3, "001"), (1.0, 3, "001"), ("1", 3, "001"), ("００２", 3, "002"), ("012", 3, "012"),
     (110105001001001, 15, "110105001001001"), (110105001001001.0, 15, "110105001001001"),
     ("１１０１０５００１００１００１", 15, "110105001001001"), (" 110105 001001001 ", 15, "110105001001001"),
     (None, 15, None)],
)
def test_parse_code_restores_what_excel_lost(value: object, length: int, expected: str) -> None:
    assert parse_code(value, length=length) == expected


def test_parse_code_explains_scientific_notation() -> None:
    with pytest.raises(CellError, match="科学计数法"):
        parse_code("1.10105E+14", length=15)


@pytest.mark.parametrize("value", ["12a", "1234", 12.5, "11010500100100"])
def test_parse_code_refuses_wrong_codes(value: object) -> None:
    with pytest.raises(CellError):
        parse_code(value, length=3 if value != "11010500100100" else 15)


@pytest.mark.parametrize(
    "value",
    [date(2026, 11, 1), datetime(2026, 11, 1, 0, 0), 46327, 46327.0, "46327", "2026-11-01",
     "2026/11/1", "2026.11.1", "2026年11月1日", "2026 年 11 月 1 日", "２０２６年１１月１日",
     "20261101", "2026-11-01 00:00:00", "2026-11-1"],
)
def test_parse_date_in_every_form(value: object) -> None:
    assert parse_date(value) == date(2026, 11, 1)


@pytest.mark.parametrize("value", ["2026-02-30", "明天", "11/01/2026", "1900-01-01", -3, "2026-13-01"])
def test_parse_date_refuses(value: object) -> None:
    with pytest.raises(CellError):
        parse_date(value)


def test_parse_date_empty_is_none() -> None:
    assert parse_date(None) is None
    assert parse_date("  ") is None


def test_parse_choice_by_label_with_spaces_and_lists_allowed_values() -> None:
    assert parse_choice(" 专属网格 ", GridKind) is GridKind.DEDICATED
    assert parse_choice("网格长", StaffRole) is StaffRole.LEADER
    assert parse_choice(None, GridKind) is None
    with pytest.raises(CellError, match="基础网格、专属网格"):
        parse_choice("普通网格", GridKind)


@pytest.mark.parametrize(
    ("text", "key"),
    [(" 社区/村 ", "社区/村"), ("面积（平方公里）", "面积"), ("面积\n(平方公里)", "面积"),
     ("*网格名称", "网格名称"), ("网格类别（必填）", "网格类别"), ("网 格 编 码", "网格编码"),
     (None, "")],
)
def test_header_key(text: object, key: str) -> None:
    assert header_key(text) == key


# --- header detection --------------------------------------------------------------------

COLUMNS = (
    Column("社区/村", required=True, aliases=("社区",)),
    Column("网格名称", required=True),
    Column("户数"),
    Column("面积(平方公里)"),
)


def _xlsx(path: Path, rows: list[list[object]], *, merge: str | None = None,
          sheet: str = "网格") -> Path:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    workbook.save(path)
    return path


def test_header_below_title_rows_with_messy_titles(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "g.xlsx", [
        ["幸福街道网格统计表"], ["填报单位：幸福街道", None, "2026年11月"], [],
        [" 社区 ", "网格名称\n", "户数（户）", "面积（平方公里）"],
        ["幸福社区", "一网格", "３００", 0.5],
        [], ["幸福社区", "二网格", None, None],
        [], [None, "  "],
    ], merge="A1:D1")
    table = read_table(path, COLUMNS, preferred_sheet="网格")
    assert table.header_row == 4
    assert [row.number for row in table.rows] == [5, 7]
    assert table.rows[0].cells == {"社区/村": "幸福社区", "网格名称": "一网格", "户数": "３００",
                                   "面积(平方公里)": 0.5}
    assert table.present == {"社区/村", "网格名称", "户数", "面积(平方公里)"}


def test_missing_optional_columns_read_as_empty(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "g.xlsx", [["网格名称", "社区/村"], ["一网格", "幸福社区"]])
    row = read_table(path, COLUMNS, preferred_sheet="网格").rows[0]
    assert row.get("户数") is None
    assert row.get("社区/村") == "幸福社区"


def test_header_beyond_ten_rows_is_not_found(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "g.xlsx", [[f"说明 {i}"] for i in range(10)] + [["社区/村", "网格名称"]])
    with pytest.raises(ImportRejectedError) as caught:
        read_table(path, COLUMNS, preferred_sheet="网格")
    assert caught.value.errors[0].row == 0
    assert "找不到表头" in caught.value.errors[0].message


def test_missing_required_header_names_the_column(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "g.xlsx", [["标题"], ["社区/村", "户数"], ["幸福社区", 3]])
    with pytest.raises(ImportRejectedError) as caught:
        read_table(path, COLUMNS, preferred_sheet="网格")
    [error] = caught.value.errors
    assert (error.file, error.row, error.column) == ("g.xlsx", 0, "网格名称")
    assert "第 2 行" in error.message


def test_duplicate_header_column_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "g.xlsx", [["社区/村", "网格名称", "社区"], ["a", "b", "c"]])
    with pytest.raises(ImportRejectedError, match="出现了两次"):
        read_table(path, COLUMNS, preferred_sheet="网格")


def test_the_sheet_with_the_header_is_used_whatever_its_position(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "封面"
    workbook.active.append(["2026年网格台账"])
    data = workbook.create_sheet("台账")
    data.append(["社区/村", "网格名称"])
    data.append(["幸福社区", "一网格"])
    workbook.save(tmp_path / "g.xlsx")
    table = read_table(tmp_path / "g.xlsx", COLUMNS, preferred_sheet="网格")
    assert table.sheet_title == "台账"
    assert len(table.rows) == 1


def test_not_an_xlsx_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "grids.xlsx"
    path.write_text("社区/村,网格名称\n幸福社区,一网格\n", encoding="utf-8")
    with pytest.raises(ImportRejectedError) as caught:
        read_table(path, COLUMNS, preferred_sheet="网格")
    [error] = caught.value.errors
    assert (error.file, error.row) == ("grids.xlsx", 0)
    assert "另存为 .xlsx" in error.message


def test_old_xls_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(ImportRejectedError, match=r"旧版 \.xls"):
        read_table(path, COLUMNS, preferred_sheet="网格")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportRejectedError, match="找不到文件"):
        read_table(tmp_path / "nowhere.xlsx", COLUMNS, preferred_sheet="网格")
