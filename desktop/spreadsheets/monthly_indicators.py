"""考评月报 to Excel: the month's figures a director takes to the monthly meeting.

Sheets: 说明 (the period, the definitions and the weights), 按单位 (with a bar chart of
the main rates per unit), 按网格, 按类别 (小类 indented under their 大类) and 月度趋势
(the street's last twelve months, with a line chart). Every indicator is three columns:
the rate (a number formatted as a percentage, so it sums and charts in Excel/WPS), its
numerator and its denominator. A rate with no denominator is left blank, never 0%.

The figures are the services' (``desktop.services.indicators``); nothing is computed
here but the layout. The export needs ``DATA_EXPORT`` and is audited once the file is
saved (``record_export``); the file appears under its name only when complete.

Threading: blocking work for a worker thread; ``progress`` and ``cancel`` link back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

from desktop.bootstrap import AppContext
from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.indicators import LOWER_IS_BETTER, Dimension, IndicatorKind, Period
from desktop.domain.permissions import Permission, require
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import indicators
from desktop.services.indicators import Assessment, Trend
from desktop.spreadsheets.audit import record_export
from desktop.spreadsheets.writing import HEADER_FILL, HEADER_FONT, NOTE_FONT, TITLE_FONT, _save

KINDS = list(IndicatorKind)
CHARTED = (IndicatorKind.RESPONSE, IndicatorKind.RESOLUTION, IndicatorKind.SATISFACTION,
           IndicatorKind.ON_TIME_CLOSE)
TREND_CHARTED = (*CHARTED, IndicatorKind.RETURN)
SHEETS = {Dimension.UNIT: "按单位", Dimension.GRID: "按网格", Dimension.CATEGORY: "按类别"}
FIRST_HEADERS = {Dimension.UNIT: "单位", Dimension.GRID: "网格", Dimension.CATEGORY: "类别",
                 Dimension.MONTH: "月份"}
TREND_SHEET = "月度趋势"
INFO_SHEET = "说明"
HEADER_ROW = 3  # the indicator names; the row below says 比率 / 分子 / 分母
FIRST_DATA_ROW = HEADER_ROW + 2
RATE_FORMAT, COUNT_FORMAT, SCORE_FORMAT = "0.0%", "#,##0", "0.0"
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DEFINITIONS = {
    IndicatorKind.RESPONSE: "本月派遣的诉求中，承办单位在1个工作日内签收的比例",
    IndicatorKind.RESOLUTION: "本月受理的诉求中（不含合并件、退回区级件），已结案的比例",
    IndicatorKind.SATISFACTION: "本月评价的诉求中，满意和基本满意的比例",
    IndicatorKind.ON_TIME_CLOSE: "本月结案的诉求中，在期限内结案的比例",
    IndicatorKind.ARRIVAL: "报到期限在本月的吹哨中，部门按时报到的比例",
    IndicatorKind.RETURN: "本月派遣的诉求中，被承办单位退单过（至少一次）的比例，越低越好",
    IndicatorKind.DUPLICATE: "本月受理的诉求中，作为重复件合并的比例，越低越好",
    IndicatorKind.ON_TIME_HANDOVER: "交接期限在本月的移交区级事项中，按期正式交接的比例（街道的职责）",
}


@dataclass(frozen=True)
class MonthlyIndicators:
    period: Period
    street: str  # the sub-center's name, for the titles
    sections: list[Assessment]  # per unit, grid, category
    trend: Trend

    def section(self, dimension: Dimension) -> Assessment:
        return next(s for s in self.sections if s.dimension is dimension)


def collect_monthly(context: AppContext, year: int, month: int, *,
                    progress: ProgressCallback = no_progress,
                    cancel: CancelToken = NEVER_CANCELLED) -> MonthlyIndicators:
    """The month's figures in every dimension and the twelve months up to it."""
    period = indicators.month_period(year, month)
    sections = []
    for done, dimension in enumerate(SHEETS):
        progress(done, 5, f"正在统计{dimension.label}的指标……")
        sections.append(indicators.assess(context, period, dimension))
        cancel.raise_if_cancelled()
    progress(3, 5, "正在统计近12个月的趋势……")
    trend = indicators.trend(context, year, month)
    with context.uow() as uow:
        sub_center = uow.sub_center.get()
        street = sub_center.center_name if sub_center else ""
    cancel.raise_if_cancelled()
    return MonthlyIndicators(period, street, sections, trend)


def export_monthly_indicators(context: AppContext, path: Path, *, year: int, month: int,
                              actor: Actor, progress: ProgressCallback = no_progress,
                              cancel: CancelToken = NEVER_CANCELLED) -> MonthlyIndicators:
    """Collect, write and audit the month's report; returns the figures written."""
    require(actor, Permission.DATA_EXPORT)
    data = collect_monthly(context, year, month, progress=progress, cancel=cancel)
    progress(4, 5, "正在写入 Excel 文件……")
    write_monthly_indicators(data, Path(path))
    rows = sum(len(s.cards) for s in data.sections) + len(data.trend.rows)
    record_export(context.uow(), actor, entity_type="indicators", what="考评月报",
                  path=Path(path), count=rows, detail=data.period.month_text)
    progress(5, 5, "已导出考评月报")
    return data


def write_monthly_indicators(data: MonthlyIndicators, path: Path) -> Path:
    workbook = Workbook()
    _info_sheet(workbook.active, data)
    for assessment in data.sections:
        ws = workbook.create_sheet(SHEETS[assessment.dimension])
        last = _figure_sheet(ws, data, assessment)
        if assessment.dimension is Dimension.UNIT:
            _unit_chart(ws, data, last)
    ws = workbook.create_sheet(TREND_SHEET)
    last = _trend_sheet(ws, data)
    _trend_chart(ws, data, last)
    _save(workbook, path)
    return path


# --- sheets -----------------------------------------------------------------------------------


def _info_sheet(ws: Any, data: MonthlyIndicators) -> None:
    ws.title = INFO_SHEET
    ws["A1"] = f"{data.street}考评月报（{data.period.month_text}）"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = (f"统计期：{data.period.text}；趋势：{data.trend.text}；"
                f"生成于 {now():%Y-%m-%d %H:%M}")
    ws["A2"].font = NOTE_FONT
    for column, title in enumerate(("指标", "定义", "权重"), start=1):
        cell = ws.cell(row=4, column=column, value=title)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, BOX
    weights = data.trend.weights
    for row, kind in enumerate(KINDS, start=5):
        for column, value in enumerate((kind.label, DEFINITIONS[kind], weights[kind]), start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=column == 2)
    notes = ("说明：每项指标为“比率 = 分子 / 分母”；分母为 0 时比率留空（无数据），不计 0%。",
             "综合得分 = 各项有数据指标的加权平均（百分制）；退单率、重复诉求率越低越好，按（1 − 比率）计分。",
             "一条诉求同时计入其小类和所属大类；未填网格或类别的诉求只计入全街道。")
    for offset, note in enumerate(notes, start=len(KINDS) + 6):
        ws.cell(row=offset, column=1, value=note).font = NOTE_FONT
    for letter, width in (("A", 14), ("B", 70), ("C", 8)):
        ws.column_dimensions[letter].width = width


def _header(ws: Any, data: MonthlyIndicators, dimension: Dimension, subject: str) -> None:
    last_column = 2 + 3 * len(KINDS)
    ws.cell(row=1, column=1, value=f"{data.street}考评指标（{subject}）").font = TITLE_FONT
    note = ("比率 = 分子 / 分母，空白表示无应计记录；退单率、重复诉求率越低越好；"
            "综合得分为加权平均（百分制），权重见“说明”。")
    ws.cell(row=2, column=1, value=note).font = NOTE_FONT
    first = ws.cell(row=HEADER_ROW, column=1, value=FIRST_HEADERS[dimension])
    ws.merge_cells(start_row=HEADER_ROW, start_column=1, end_row=HEADER_ROW + 1, end_column=1)
    score = ws.cell(row=HEADER_ROW, column=last_column, value="综合得分")
    ws.merge_cells(start_row=HEADER_ROW, start_column=last_column, end_row=HEADER_ROW + 1,
                   end_column=last_column)
    for index, kind in enumerate(KINDS):
        column = 2 + 3 * index
        ws.cell(row=HEADER_ROW, column=column, value=kind.label)
        ws.merge_cells(start_row=HEADER_ROW, start_column=column, end_row=HEADER_ROW,
                       end_column=column + 2)
        for offset, title in enumerate(("比率", "分子", "分母")):
            ws.cell(row=HEADER_ROW + 1, column=column + offset, value=title)
    for row in (HEADER_ROW, HEADER_ROW + 1):
        for column in range(1, last_column + 1):
            cell = ws.cell(row=row, column=column)
            cell.font, cell.fill, cell.alignment, cell.border = (HEADER_FONT, HEADER_FILL,
                                                                 CENTER, BOX)
    for cell in (first, score):
        cell.alignment = CENTER
    ws.column_dimensions["A"].width = 26
    for column in range(2, last_column):
        ws.column_dimensions[get_column_letter(column)].width = 9 if (column - 2) % 3 == 0 else 8
    ws.column_dimensions[get_column_letter(last_column)].width = 10
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=2)


def _data_row(ws: Any, row: int, name: str, counts: Sequence[tuple[int, int]],
              score: float | None, *, bold: bool = False, indent: int = 0) -> None:
    label = ws.cell(row=row, column=1, value=name)
    label.alignment = Alignment(indent=indent, vertical="center")
    if bold:
        label.font = HEADER_FONT
    label.border = BOX
    for index, (numerator, denominator) in enumerate(counts):
        column = 2 + 3 * index
        values = (numerator / denominator if denominator else None, numerator, denominator)
        for offset, (value, fmt) in enumerate(zip(values, (RATE_FORMAT, COUNT_FORMAT,
                                                           COUNT_FORMAT), strict=True)):
            cell = ws.cell(row=row, column=column + offset, value=value)
            cell.number_format, cell.border = fmt, BOX
    cell = ws.cell(row=row, column=2 + 3 * len(KINDS), value=score)
    cell.number_format, cell.border = SCORE_FORMAT, BOX


def _figure_sheet(ws: Any, data: MonthlyIndicators, assessment: Assessment) -> int:
    """The table of one dimension; returns its last row."""
    subject = f"{assessment.dimension.label}，{data.period.month_text}"
    _header(ws, data, assessment.dimension, subject)
    row = FIRST_DATA_ROW - 1
    for row, card in enumerate(assessment.cards, start=FIRST_DATA_ROW):
        counts = [(len(card.indicators[k].numerator), len(card.indicators[k].denominator))
                  for k in KINDS]
        _data_row(ws, row, assessment.name_of(card), counts, card.score(assessment.weights),
                  bold=card.key is None, indent=2 * assessment.level_of(card))
    return row


def _trend_sheet(ws: Any, data: MonthlyIndicators) -> int:
    _header(ws, data, Dimension.MONTH, f"全街道近12个月趋势，{data.trend.text}")
    row = FIRST_DATA_ROW - 1
    for row, month in enumerate(data.trend.rows, start=FIRST_DATA_ROW):
        counts = [(month.figures[k].numerator, month.figures[k].denominator) for k in KINDS]
        _data_row(ws, row, month.period.month_text, counts, month.score(data.trend.weights))
    return row


# --- charts -----------------------------------------------------------------------------------


def _rate_series(ws: Any, kinds: Sequence[IndicatorKind], first: int, last: int) -> list[Series]:
    series = []
    for kind in kinds:
        column = 2 + 3 * KINDS.index(kind)
        values = Reference(ws, min_col=column, min_row=first, max_row=last)
        title = f"{kind.label}（越低越好）" if kind in LOWER_IS_BETTER else kind.label
        series.append(Series(values, title=title))
    return series


def _percent_axes(chart: Any, y_title: str) -> None:
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.title = y_title
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width, chart.height = 26, 11


def _unit_chart(ws: Any, data: MonthlyIndicators, last: int) -> None:
    """Clustered columns: the main rates of each unit (the street's row left out)."""
    first = FIRST_DATA_ROW + 1
    if last < first:
        return
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title = f"各单位主要指标（{data.period.month_text}）"
    chart.series.extend(_rate_series(ws, CHARTED, first, last))
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    _percent_axes(chart, "比率")
    ws.add_chart(chart, f"A{last + 3}")


def _trend_chart(ws: Any, data: MonthlyIndicators, last: int) -> None:
    chart = LineChart()
    chart.title = f"全街道主要指标近12个月趋势（{data.trend.text}）"
    chart.series.extend(_rate_series(ws, TREND_CHARTED, FIRST_DATA_ROW, last))
    for series in chart.series:
        series.marker.symbol = "circle"
        series.smooth = False
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_DATA_ROW, max_row=last))
    _percent_axes(chart, "比率")
    ws.add_chart(chart, f"A{last + 3}")
