"""应急值班表: one line per day of a month with the emergency-whistle duty officer; gaps
(amber) and officers who have since become unavailable (red, with the reason) stand
out. A pure view: the page loads the ``DutyRow``s of the month shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.clock import today
from desktop.services.availability import DutyRow
from ui.models.officer_list import DUTY_COLUMNS
from ui.models.row_table import RowTableModel
from ui.widgets.grid_detail import row_table
from ui.widgets.leave_calendar import MonthBar

WEEKEND_TEXT = "#a5281b"


class DutyModel(RowTableModel[DutyRow]):
    """The duty rows, with weekends' dates in red and today's in bold."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if index.isValid() and index.column() == 0 and index.row() < self.rowCount():
            day = self.row_at(index.row()).day
            if role == Qt.ItemDataRole.ForegroundRole and day.weekday() >= 5:
                return QBrush(QColor(WEEKEND_TEXT))
            if role == Qt.ItemDataRole.FontRole and day == today():
                from PySide6.QtGui import QFont

                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


class DutyTable(QWidget):
    monthChanged = Signal(object)  # the first day of the month now shown
    daySelectionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month_bar = MonthBar()
        self.month_bar.monthChanged.connect(self.monthChanged)
        self.summary = QLabel()
        self.summary.setObjectName("dutySummary")
        self.view, _model = row_table([], self)
        self.model = DutyModel(DUTY_COLUMNS, self)
        self.view.setModel(self.model)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self.daySelectionChanged)
        hint = QLabel("双击或按 Enter 设置当日值班人员")
        hint.setStyleSheet("color: #6b7785;")
        top = QHBoxLayout()
        top.addWidget(self.month_bar)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        top.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    @property
    def first(self) -> date:
        return self.month_bar.first

    @property
    def last(self) -> date:
        return self.month_bar.last

    def set_rows(self, rows: Sequence[DutyRow]) -> None:
        keep = self.selected_day()
        self.model.set_rows(rows)
        gaps = sum(1 for r in rows if r.officer_id is None)
        problems = sum(1 for r in rows if r.problem)
        text = f"本月 {len(rows)} 天：已排 {len(rows) - gaps} 天"
        colour = "#1e6b34"
        if gaps:
            text += f"，空缺 {gaps} 天"
            colour = "#7a5b00"
        if problems:
            text += f"，{problems} 天值班人员不可出勤，须改排"
            colour = "#a5281b"
        if not gaps and not problems:
            text += "，无空缺"
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.view.resizeColumnsToContents()
        self.select_day(self._day_to_select(keep, rows))

    def _day_to_select(self, keep: date | None, rows: Sequence[DutyRow]) -> date:
        """The day selected before, else today, else the first gap, else the first day."""
        if keep is not None and self.first <= keep <= self.last:
            return keep
        if self.first <= today() <= self.last:
            return today()
        gap = next((r.day for r in rows if r.officer_id is None or r.problem), None)
        return gap or self.first

    def rows(self) -> list[DutyRow]:
        return self.model.rows()

    def selected_row(self) -> DutyRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def selected_day(self) -> date | None:
        row = self.selected_row()
        return row.day if row else None

    def select_day(self, day: date) -> None:
        for index, row in enumerate(self.rows()):
            if row.day == day:
                self.view.selectRow(index)
                self.view.scrollTo(self.model.index(index, 0),
                                   QAbstractItemView.ScrollHint.PositionAtCenter)
                return
