"""Charts of the 工作台 (QtCharts, from PySide6-Addons): a stacked column chart of the
demands received per day, a donut of the open demands by status and horizontal bars
of the units with the most overdue demands.

QtCharts is a large library: this module is imported only when the dashboard builds
its charts (after the window has painted), never at start-up. Each chart is a
``QChartView`` whose ``update_*`` replaces the data; the series are kept as attributes
so tests can read what is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

PALETTE = ("#2f6fb3", "#e08a2e", "#3a9c5f", "#b8473d", "#7d5ba6", "#4aa3a2", "#a08c3a",
           "#c1658f", "#6b7b8c", "#8fb04a")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    font.setPointSizeF(10.5)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(4)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


class _ChartView(QChartView):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(_chart(title), parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(230)

    def _clear(self) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)


def _day_labels(days: Sequence[date]) -> list[str]:
    return [f"{day.month}月{day.day}日" for day in days]


def _value_axis(peak: float) -> QValueAxis:
    """Whole numbers from 0 with round ticks."""
    axis = QValueAxis()
    axis.setRange(0, max(4.0, float(peak)))
    axis.applyNiceNumbers()
    axis.setLabelFormat("%d")
    return axis


class DailyChart(_ChartView):
    """Demands received per day, stacked by kind. Thirty day labels would shrink to "…"
    under thirty narrow columns, so the axis carries none: the title gives the range,
    the last column is today, and hovering a column tells its day and count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("近30天每日受理诉求（按类型）", parent)
        self.series: QStackedBarSeries | None = None
        self.labels: list[str] = []

    def update_data(self, days: Sequence[date], by_kind: dict[str, list[int]]) -> None:
        self._clear()
        chart = self.chart()
        self.labels = _day_labels(days)
        if days:
            chart.setTitle(f"近30天每日受理诉求（{days[0].month}月{days[0].day}日—今日，按类型）")
        series = QStackedBarSeries()
        for index, (label, counts) in enumerate(by_kind.items()):
            bar_set = QBarSet(label)
            bar_set.append([float(n) for n in counts])
            bar_set.setColor(QColor(PALETTE[index % len(PALETTE)]))
            bar_set.setBorderColor(QColor(PALETTE[index % len(PALETTE)]))
            series.append(bar_set)
        series.setBarWidth(0.8)
        chart.addSeries(series)
        series.hovered.connect(self._on_hover)
        categories = QBarCategoryAxis()
        categories.append(self.labels)
        categories.setLabelsVisible(False)
        categories.setGridLineVisible(False)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        peak = max((sum(column) for column in zip(*by_kind.values(), strict=True)), default=0)
        values = _value_axis(peak)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)
        self.series = series


    def _on_hover(self, status: bool, index: int, bar_set: QBarSet) -> None:
        if status and 0 <= index < len(self.labels):
            QToolTip.showText(QCursor.pos(), f"{self.labels[index]} {bar_set.label()} "
                              f"{int(bar_set.at(index))} 件", self)
        else:
            QToolTip.hideText()


class StatusChart(_ChartView):
    """Open demands by status, as a donut with the counts in the legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("在办诉求状态分布", parent)
        self.series: QPieSeries | None = None
        self.chart().legend().setAlignment(Qt.AlignmentFlag.AlignRight)

    def update_data(self, slices: Sequence[tuple[str, int]]) -> None:
        self._clear()
        series = QPieSeries()
        series.setHoleSize(0.45)
        for index, (label, count) in enumerate(slices):
            part = series.append(f"{label} {count:,}", float(count))
            part.setColor(QColor(PALETTE[index % len(PALETTE)]))
        if not slices:
            part = series.append("暂无在办诉求", 1.0)
            part.setColor(QColor("#d9d9d9"))
        self.chart().addSeries(series)
        self.series = series


class OverdueUnitsChart(_ChartView):
    """The units with the most overdue demands, most at the top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("超期诉求最多的承办单位", parent)
        self.series: QHorizontalBarSeries | None = None
        self.chart().legend().hide()

    def update_data(self, units: Sequence[tuple[str, int]]) -> None:
        self._clear()
        chart = self.chart()
        shown = list(reversed(units)) or [("暂无超期诉求", 0)]
        bar_set = QBarSet("超期件数")
        bar_set.append([float(n) for _name, n in shown])
        bar_set.setColor(QColor("#b8473d"))
        bar_set.setLabelColor(QColor("#333333"))
        series = QHorizontalBarSeries()
        series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([name for name, _n in shown])
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(names)
        values = _value_axis(max(n for _name, n in shown) * 1.15)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        self.series = series
