"""力量统计: how many certified enforcement officers of each force are available per
domain on a day — the figure a director takes to the meeting. Rows are the domains,
columns 1 / X / Y / 合计, with a bar behind each total; cards above give the people on
the roll, available and certified per force. A pure view over ``ForceDomainCounts``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import today
from desktop.domain.roster import EnforcementDomain, Force
from desktop.services.availability import ForceDomainCounts

Index = QModelIndex | QPersistentModelIndex
FORCES = tuple(Force)
TOTAL_COLUMN = len(FORCES)
BAR_COLOUR = "#9cc0e6"
ZERO_COLOUR = "#a3adb8"
NUMBER_ROOM = 48  # pixels kept right of the bar for the figure


class CountsModel(QAbstractTableModel):
    """Domains × (1, X, Y, 合计), plus a last row of certified officers per force."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.counts: ForceDomainCounts | None = None
        self._domains: list[EnforcementDomain] = list(EnforcementDomain)

    def set_counts(self, counts: ForceDomainCounts) -> None:
        self.beginResetModel()
        self.counts = counts
        self.endResetModel()

    def value(self, row: int, column: int) -> int:
        counts = self.counts
        if counts is None:
            return 0
        if row == len(self._domains):  # 持证可出勤人数 (a person counts once)
            return counts.total_certified if column == TOTAL_COLUMN else counts.certified[FORCES[column]]
        domain = self._domains[row]
        if column == TOTAL_COLUMN:
            return counts.domain_total(domain)
        return counts.count(FORCES[column], domain)

    def max_total(self) -> int:
        return max((self.value(r, TOTAL_COLUMN) for r in range(len(self._domains))), default=0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.counts is None else len(self._domains) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FORCES) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section <= TOTAL_COLUMN:
                return "合计" if section == TOTAL_COLUMN else FORCES[section].label
            if orientation == Qt.Orientation.Vertical and 0 <= section < self.rowCount():
                return "持证可出勤人数" if section == len(self._domains) else self._domains[section].label
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Vertical
                and section == len(self._domains)):
            return "持有至少一本有效执法证且当日可出勤的人数（一人持多领域只计一次）"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        value = self.value(index.row(), index.column())
        summary = index.row() == len(self._domains)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() == TOTAL_COLUMN:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and value == 0 and not summary:
            return QBrush(QColor(ZERO_COLOUR))
        if role == Qt.ItemDataRole.FontRole and (summary or index.column() == TOTAL_COLUMN):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and summary:
            return QBrush(QColor("#eef2f6"))
        if role == Qt.ItemDataRole.ToolTipRole and not summary and self.counts is not None:
            domain = self._domains[index.row()]
            where = "三支力量合计" if index.column() == TOTAL_COLUMN else FORCES[index.column()].label
            return f"{self.counts.on}：{where}在“{domain.label}”领域持证且可出勤 {value} 人"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class TotalBarDelegate(QStyledItemDelegate):
    """Draws a bar left of each domain's total (the number stays clear on the right),
    scaled to the largest total."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        model = index.model()
        if isinstance(model, CountsModel) and index.row() < len(EnforcementDomain):
            largest = model.max_total()
            value = model.value(index.row(), TOTAL_COLUMN)
            if largest and value:
                rect: QRect = option.rect.adjusted(6, 6, -NUMBER_ROOM, -6)
                rect.setWidth(max(2, int(rect.width() * value / largest)))
                painter.save()
                painter.fillRect(rect, QColor(BAR_COLOUR))
                painter.restore()
        super().paint(painter, option, index)


class ForceCard(QFrame):
    """One force: on the roll, available on the day, certified and available."""

    def __init__(self, force: Force, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        title = QLabel(force.label)
        title.setStyleSheet("font-weight: bold; color: #1f3a5a;")
        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for column, caption in enumerate(("在册", "可出勤", "持证可出勤")):
            value = QLabel("—")
            value.setObjectName("cardValue")
            label = QLabel(caption)
            label.setObjectName("cardCaption")
            grid.addWidget(value, 0, column)
            grid.addWidget(label, 1, column)
            self.figures[caption] = value
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(title)
        layout.addLayout(grid)

    def set_values(self, on_roll: int, available: int, certified: int) -> None:
        for caption, value in (("在册", on_roll), ("可出勤", available), ("持证可出勤", certified)):
            self.figures[caption].setText(str(value))


class CountsView(QWidget):
    dayChanged = Signal(object)  # the date to count for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        start = today()
        self.day = QDateEdit(QDate(start.year, start.month, start.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.today_button = QPushButton("今天")
        self.today_button.clicked.connect(self.show_today)
        self.day.dateChanged.connect(lambda _d: self.dayChanged.emit(self.chosen_day()))
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3a5a;")
        self.cards = {force: ForceCard(force) for force in Force}
        self.model = CountsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(TOTAL_COLUMN, TotalBarDelegate(self.table))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setMinimumWidth(130)
        note = QLabel("统计口径：当日在岗、不在请假或借调中、处于下沉期内，且持有当日有效执法证的人员；"
                      "一人持多个领域的执法证，在每个领域各计一次。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #6b7785;")
        top = QHBoxLayout()
        top.addWidget(QLabel("统计日期："))
        top.addWidget(self.day)
        top.addWidget(self.today_button)
        top.addSpacing(16)
        top.addWidget(self.heading, 1)
        cards = QHBoxLayout()
        for card in self.cards.values():
            cards.addWidget(card, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)

    def chosen_day(self) -> date:
        value = self.day.date()
        return date(value.year(), value.month(), value.day())

    def show_today(self) -> None:
        start = today()
        self.day.setDate(QDate(start.year, start.month, start.day))

    def set_counts(self, counts: ForceDomainCounts) -> None:
        self.model.set_counts(counts)
        when = "今日" if counts.on == today() else f"{counts.on}"
        self.heading.setText(f"{when}可出勤持证执法人员 {counts.total_certified} 人"
                             f"（在册 {sum(counts.on_roll.values())} 人，可出勤 {counts.total_available} 人）")
        for force, card in self.cards.items():
            card.set_values(counts.on_roll[force], counts.available[force], counts.certified[force])
