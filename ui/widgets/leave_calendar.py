"""请假日历: a month as a grid of people × days (who is on leave when), above the list of
that month's leave records. A pure view: the page loads ``LeaveRow``s for the month
shown and hands them over; ``monthChanged`` asks it to.

``MonthBar`` (◀ 2026年11月 ▶ 本月) is shared with the duty table.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import today
from desktop.domain.roster import LeaveKind
from desktop.services.availability import LeaveRow
from ui.models.officer_list import FORCE_ORDER, LEAVE_COLUMNS, WEEKDAYS
from ui.widgets.grid_detail import row_table

Index = QModelIndex | QPersistentModelIndex
LEAVE_ROLE = Qt.ItemDataRole.UserRole + 3
KIND_SHORT = {LeaveKind.ANNUAL: "年", LeaveKind.SICK: "病", LeaveKind.PERSONAL: "事",
              LeaveKind.TRAINING: "训", LeaveKind.OTHER: "他"}
KIND_COLOUR = {LeaveKind.ANNUAL: "#cfe2f7", LeaveKind.SICK: "#fde2e1",
               LeaveKind.PERSONAL: "#fff1c7", LeaveKind.TRAINING: "#e3f3e6",
               LeaveKind.OTHER: "#eceff3"}
WEEKEND_COLOUR = "#f3f5f8"
TODAY_COLOUR = "#fff8e1"


def month_days(first: date) -> list[date]:
    count = calendar.monthrange(first.year, first.month)[1]
    return [first + timedelta(days=n) for n in range(count)]


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class MonthBar(QWidget):
    """◀ 2026年11月 ▶ 本月: which month a calendar-like table shows."""

    monthChanged = Signal(object)  # the first day of the month

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = today().replace(day=1)
        self.previous = QToolButton(text="◀")
        self.previous.setToolTip("上个月（Alt+←）")
        self.previous.setShortcut("Alt+Left")
        self.next = QToolButton(text="▶")
        self.next.setToolTip("下个月（Alt+→）")
        self.next.setShortcut("Alt+Right")
        self.current = QToolButton(text="本月")
        for button in (self.previous, self.next, self.current):
            button.setMinimumSize(30, 28)
        self.label = QLabel()
        self.label.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3a5a;")
        self.label.setMinimumWidth(110)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.previous.clicked.connect(lambda: self.set_month(add_months(self.first, -1)))
        self.next.clicked.connect(lambda: self.set_month(add_months(self.first, 1)))
        self.current.clicked.connect(lambda: self.set_month(today().replace(day=1)))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.previous)
        layout.addWidget(self.label)
        layout.addWidget(self.next)
        layout.addWidget(self.current)
        self._show()

    @property
    def last(self) -> date:
        return add_months(self.first, 1) - timedelta(days=1)

    def set_month(self, first: date) -> None:
        first = first.replace(day=1)
        if first == self.first:
            return
        self.first = first
        self._show()
        self.monthChanged.emit(first)

    def _show(self) -> None:
        self.label.setText(f"{self.first.year}年{self.first.month}月")


class LeaveMonthModel(QAbstractTableModel):
    """Rows: people with leave in the month; columns: its days; a cell: the leave kind."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._days: list[date] = month_days(today().replace(day=1))
        self._people: list[tuple[str, str]] = []  # (officer id, shown name)
        self._cells: dict[tuple[int, int], LeaveRow] = {}

    def set_month(self, first: date, leaves: Sequence[LeaveRow]) -> None:
        self.beginResetModel()
        self._days = month_days(first)
        people: dict[str, tuple[LeaveRow, str]] = {}
        for leave in sorted(leaves, key=lambda r: (FORCE_ORDER[r.force], r.officer_name)):
            people.setdefault(leave.officer_id, (leave, f"{leave.officer_name}（{leave.force.short}）"))
        self._people = [(officer_id, name) for officer_id, (_row, name) in people.items()]
        rows = {officer_id: index for index, (officer_id, _name) in enumerate(self._people)}
        self._cells = {}
        for leave in leaves:
            for column, day in enumerate(self._days):
                if leave.start <= day <= leave.end:
                    self._cells[(rows[leave.officer_id], column)] = leave
        self.endResetModel()

    def day_at(self, column: int) -> date:
        return self._days[column]

    def officer_at(self, row: int) -> str:
        return self._people[row][0]

    def on_leave(self, day: date) -> int:
        column = self._days.index(day)
        return sum(1 for (_row, col) in self._cells if col == column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._days)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if 0 <= section < len(self._people) and role == Qt.ItemDataRole.DisplayRole:
                return self._people[section][1]
            return None
        if not 0 <= section < len(self._days):
            return None
        day = self._days[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{day.day}\n{WEEKDAYS[day.weekday()]}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{day.month}月{day.day}日 周{WEEKDAYS[day.weekday()]}：{self.on_leave(day)} 人请假"
        if role == Qt.ItemDataRole.ForegroundRole and day.weekday() >= 5:
            return QBrush(QColor("#a5281b"))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._people):
            return None
        leave = self._cells.get((index.row(), index.column()))
        day = self._days[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return KIND_SHORT[leave.kind] if leave else ""
        if role == Qt.ItemDataRole.BackgroundRole:
            if leave:
                return QBrush(QColor(KIND_COLOUR[leave.kind]))
            if day == today():
                return QBrush(QColor(TODAY_COLOUR))
            return QBrush(QColor(WEEKEND_COLOUR)) if day.weekday() >= 5 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and leave:
            note = f"（{leave.note}）" if leave.note else ""
            return f"{leave.officer_name} {leave.kind.label} {leave.start} 至 {leave.end}{note}"
        if role == LEAVE_ROLE:
            return leave
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class LeaveCalendar(QWidget):
    monthChanged = Signal(object)  # the first day of the month now shown
    leaveSelectionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month_bar = MonthBar()
        self.month_bar.monthChanged.connect(self.monthChanged)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #5f6b78;")
        self.legend = QLabel("  ".join(
            f'<span style="background:{KIND_COLOUR[k]}">&nbsp;{KIND_SHORT[k]}&nbsp;</span> {k.label}'
            for k in LeaveKind))
        self.grid_model = LeaveMonthModel(self)
        self.grid = QTableView()
        self.grid.setModel(self.grid_model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.grid.horizontalHeader().setDefaultSectionSize(30)
        self.grid.horizontalHeader().setMinimumHeight(40)
        self.grid.verticalHeader().setDefaultSectionSize(26)
        self.grid.verticalHeader().setMinimumWidth(130)
        self.grid.clicked.connect(self._on_cell)
        self.list_view, self.list_model = row_table(LEAVE_COLUMNS, self, stretch=8)
        self.list_view.setSortingEnabled(False)
        self.list_view.selectionModel().selectionChanged.connect(self.leaveSelectionChanged)
        self.empty = QLabel("本月没有请假记录。")
        self.empty.setStyleSheet("color: #6b7785; padding: 12px;")
        top = QHBoxLayout()
        top.addWidget(self.month_bar)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        top.addWidget(self.legend)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.grid, 1)
        upper_layout.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.list_view)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    @property
    def first(self) -> date:
        return self.month_bar.first

    def set_leaves(self, rows: Sequence[LeaveRow]) -> None:
        first, last = self.month_bar.first, self.month_bar.last
        self.grid_model.set_month(first, rows)
        self.list_model.set_rows(sorted(rows, key=lambda r: (r.start, r.officer_name)))
        self.empty.setVisible(not rows)
        self.grid.setVisible(bool(rows))
        conflicts = sum(1 for r in rows if r.duty_days)
        days = sum((min(r.end, last) - max(r.start, first)).days + 1 for r in rows)
        text = f"本月 {len(rows)} 条请假，{self.grid_model.rowCount()} 人，共 {days} 人日"
        if conflicts:
            text += f"；{conflicts} 条与应急值班冲突，请调整值班表"
        self.summary.setText(text)

    def leaves(self) -> list[LeaveRow]:
        return self.list_model.rows()  # type: ignore[return-value]

    def selected_leave(self) -> LeaveRow | None:
        rows = self.list_view.selectionModel().selectedRows()
        return self.list_model.row_at(rows[0].row()) if rows else None  # type: ignore[return-value]

    def select_leave(self, leave_id: str) -> None:
        for row, leave in enumerate(self.leaves()):
            if leave.id == leave_id:
                self.list_view.selectRow(row)

    def selected_cell(self) -> tuple[str | None, date | None]:
        """The person and day of the grid cell chosen (for 登记请假 from the calendar)."""
        index = self.grid.currentIndex()
        if not index.isValid():
            return None, None
        return self.grid_model.officer_at(index.row()), self.grid_model.day_at(index.column())

    def _on_cell(self, index: QModelIndex) -> None:
        leave = index.data(LEAVE_ROLE)
        if isinstance(leave, LeaveRow):
            self.select_leave(leave.id)
