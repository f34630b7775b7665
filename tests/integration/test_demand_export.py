"""A filtered demand list out to xlsx and csv, read back: the rows the list shows, in
its order, formatted (frozen header, widths, real dates), personal data masked, the
csv readable in Excel/WPS (UTF-8 with BOM); a cancel leaves no file; audited."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop.bootstrap import AppContext
from desktop.demo_demands import DEMO_DEMANDS
from desktop.domain.errors import CancelledError, ValidationError
from desktop.progress import CancelToken
from desktop.services.demand_lists import STATUS_LABELS, DemandFilter, DemandSort
from desktop.spreadsheets import demands as sheet
from desktop.spreadsheets.demands import COLUMNS, export_demands, mask_name
from local_db.models import AuditRecord
from tests.integration.demand_data import (
    DEMANDS,
    NOW,
    Reference,
    open_at_now,
    shared_folder,
)

CHOSEN = DemandFilter(kind="livelihood", received_from=date(2026, 1, 1))
HEADERS = [title for title, _width, _kind in COLUMNS]
MASKED_PHONE = re.compile(r"1\d\d\*{4}\d{4}")


@pytest.fixture(scope="module")
def demand_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_folder(tmp_path_factory)


@pytest.fixture
def demand_context(demand_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    context = open_at_now(demand_folder, monkeypatch)
    yield context
    context.close()


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet, "now", lambda: NOW)
    monkeypatch.setattr(sheet, "BATCH", 1000)  # several batches at this size


@pytest.fixture(scope="module")
def expected(demand_folder: Path) -> list[str]:
    rows = [r for r in Reference(demand_folder / "subcenter.sqlite3").rows
            if r.kind == "livelihood" and r.received_at >= "2026-01-01"]
    return [r.number for r in Reference.received_desc(rows)]


def _exports(context: AppContext) -> list[str]:
    with context.uow() as uow:
        return list(uow.session.scalars(select(AuditRecord.summary).where(
            AuditRecord.action == "export", AuditRecord.entity_type == "demand")))


def test_xlsx_holds_the_filtered_rows_formatted_and_masked(
        demand_context: AppContext, tmp_path: Path, expected: list[str]) -> None:
    path = tmp_path / "诉求.xlsx"
    seen: list[tuple[int, int]] = []
    count = export_demands(demand_context.uow(), path, actor=demand_context.actor,
                           filter=CHOSEN, progress=lambda d, t, _x: seen.append((d, t)))
    assert count == len(expected) > 3 * sheet.BATCH
    ws = load_workbook(path)[sheet.SHEET]
    assert "类型：民生诉求" in ws["A1"].value and "已脱敏" in ws["A1"].value
    assert [c.value for c in ws[2]] == HEADERS
    assert ws.freeze_panes == "C3" and ws.column_dimensions["I"].width == 60
    rows = list(ws.iter_rows(min_row=3, values_only=False))
    assert [r[0].value for r in rows] == expected
    first = rows[0]
    received, deadline = first[1], first[15]
    assert isinstance(received.value, datetime) and received.number_format == "yyyy-mm-dd hh:mm"
    assert isinstance(deadline.value, datetime) and deadline.number_format == "yyyy-mm-dd hh:mm"
    assert ws.column_dimensions["U"].number_format == "@"  # 联系电话: text when typed
    for row in rows:
        assert row[2].value == "民生诉求" and row[14].value in STATUS_LABELS.values()
        assert row[20].value is None or MASKED_PHONE.fullmatch(row[20].value)
        assert row[19].value is None or re.fullmatch(r"\w{1,2}\*+", row[19].value)
    assert seen[-1] == (count, count) and len(seen) > 3


def test_csv_has_a_bom_and_reads_back_in_chinese(
        demand_context: AppContext, tmp_path: Path, expected: list[str]) -> None:
    path = tmp_path / "诉求.csv"
    count = export_demands(demand_context.uow(), path, actor=demand_context.actor,
                           filter=CHOSEN)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "受理编号".encode() in raw[:20]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADERS and len(rows) == count + 1
    assert [r[0] for r in rows[1:]] == expected
    for row in rows[1:]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[1])
        assert (row[20] == "" or MASKED_PHONE.fullmatch(row[20])) and row[2] == "民生诉求"


def test_the_default_exports_everything_in_another_sort(demand_context: AppContext,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "all.csv"
    count = export_demands(demand_context.uow(), path, actor=demand_context.actor,
                           sort=DemandSort.NUMBER_ASC)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        numbers = [row[0] for row in csv.reader(handle)][1:]
    assert count == DEMANDS + DEMO_DEMANDS and numbers == sorted(numbers)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_cancel_leaves_no_file_and_no_audit_row(
        demand_context: AppContext, tmp_path: Path, suffix: str) -> None:
    token = CancelToken()
    path = tmp_path / f"cancelled{suffix}"
    before = _exports(demand_context)

    def progress(done: int, _total: int, _text: str) -> None:
        if done >= 2 * sheet.BATCH:
            token.cancel()

    with pytest.raises(CancelledError):
        export_demands(demand_context.uow(), path, actor=demand_context.actor,
                       progress=progress, cancel=token)
    assert list(tmp_path.iterdir()) == []
    assert _exports(demand_context) == before


def test_an_export_is_audited_with_its_scope(demand_context: AppContext,
                                            tmp_path: Path) -> None:
    before = len(_exports(demand_context))
    export_demands(demand_context.uow(), tmp_path / "超期.xlsx", actor=demand_context.actor,
                   filter=DemandFilter(overdue=True))
    summaries = _exports(demand_context)
    assert len(summaries) == before + 1 and "超期.xlsx" in summaries[-1]


def test_only_xlsx_and_csv_are_accepted(demand_context: AppContext, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"\.xlsx 或 \.csv"):
        export_demands(demand_context.uow(), tmp_path / "诉求.xls", actor=demand_context.actor)


def test_names_keep_only_the_surname() -> None:
    assert mask_name("张伟") == "张*" and mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("李") == "李" and mask_name("") == ""
