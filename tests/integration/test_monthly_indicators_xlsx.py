"""考评月报 written to xlsx and read back: the sheets, headers and formats, the values
equal the services' figures, and the charts are in the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.errors import CancelledError
from desktop.domain.indicators import Dimension, IndicatorKind
from desktop.progress import CancelToken
from desktop.spreadsheets.monthly_indicators import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    KINDS,
    SHEETS,
    TREND_SHEET,
    export_monthly_indicators,
)
from tests.integration.demand_helpers import rows
from tests.integration.test_indicators_service import _november


def _column(kind: IndicatorKind) -> int:
    return 2 + 3 * KINDS.index(kind)


def test_the_monthly_report_reads_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    desk, _made = _november(tmp_path / "db", monkeypatch)
    path = tmp_path / "考评月报.xlsx"
    seen: list[str] = []
    data = export_monthly_indicators(desk.context, path, year=2026, month=11,
                                     actor=LOCAL_ADMIN, progress=lambda d, t, text: seen.append(text))
    assert seen[-1] == "已导出考评月报"
    book = load_workbook(path)
    assert book.sheetnames == ["说明", "按单位", "按网格", "按类别", TREND_SHEET]
    assert "2026年11月" in book["说明"]["A1"].value
    for dimension, title in SHEETS.items():
        ws = book[title]
        section = data.section(dimension)
        assert ws.cell(row=HEADER_ROW, column=_column(IndicatorKind.RETURN)).value == "退单率"
        assert ws.cell(row=HEADER_ROW + 1, column=3).value == "分子"
        for offset, card in enumerate(section.cards):
            row = FIRST_DATA_ROW + offset
            assert ws.cell(row=row, column=1).value == section.name_of(card)
            for kind in KINDS:
                indicator = card.indicators[kind]
                rate, numerator, denominator = (
                    ws.cell(row=row, column=_column(kind) + i).value for i in range(3))
                assert (numerator, denominator) == (len(indicator.numerator),
                                                    len(indicator.denominator))
                assert rate == indicator.rate  # blank (None) when there is no data
        assert ws.cell(row=FIRST_DATA_ROW, column=1).value == "全街道"
    units = book["按单位"]
    street_return = units.cell(row=FIRST_DATA_ROW, column=_column(IndicatorKind.RETURN))
    assert street_return.value == 0.5 and street_return.number_format == "0.0%"
    assert units.column_dimensions["A"].width >= 20
    assert units.freeze_panes == f"B{FIRST_DATA_ROW}"
    category = book["按类别"]
    assert category.cell(row=FIRST_DATA_ROW + 2, column=1).alignment.indent == 2  # 小类
    trend = book[TREND_SHEET]
    assert [trend.cell(row=FIRST_DATA_ROW + i, column=1).value for i in (0, 11)] == [
        "2025年12月", "2026年11月"]
    november = trend.cell(row=FIRST_DATA_ROW + 11, column=_column(IndicatorKind.DUPLICATE))
    assert (november.value, november.offset(column=1).value,
            november.offset(column=2).value) == (1 / 3, 1, 3)
    assert trend.cell(row=FIRST_DATA_ROW, column=_column(IndicatorKind.RESPONSE)).value is None
    assert len(units._charts) == 1 and len(trend._charts) == 1
    assert type(units._charts[0]).__name__ == "BarChart"
    assert type(trend._charts[0]).__name__ == "LineChart"
    assert len(trend._charts[0].series) == 5
    audited = rows(desk.context, "SELECT summary FROM audit_record WHERE action = 'export'")
    assert audited and "考评月报" in audited[-1][0]
    assert data.section(Dimension.UNIT).cards[0].indicators[IndicatorKind.RETURN].rate == 0.5


def test_a_cancelled_report_leaves_no_file(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    desk, _made = _november(tmp_path / "db", monkeypatch)
    token = CancelToken()
    token.cancel()
    path = tmp_path / "月报.xlsx"
    with pytest.raises(CancelledError):
        export_monthly_indicators(desk.context, path, year=2026, month=11, actor=LOCAL_ADMIN,
                                  cancel=token)
    assert not path.exists()
