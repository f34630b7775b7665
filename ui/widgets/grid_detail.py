"""The detail of the selected grid: its fields, current staff, staffing warnings and
history. A pure view: the page loads the rows and hands them over.

Phones show masked. 「显示完整号码」 (a button over the staff table and the table's
context menu) asks the page, through ``revealRequested``, to fetch one person's full
number from the audited service; the number then replaces the masked text in that one
row until the staff are loaded again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.grids import GridStatus, StaffingWarning, StaffRole
from desktop.services.grid_staff import StaffRow
from desktop.services.grids import GridEventRow, GridRow
from ui.models.grid_list import (
    GRID_WARNING_COLUMNS,
    HISTORY_COLUMNS,
    STAFF_COLUMNS,
    area_text,
)
from ui.models.row_table import Column, RowTableModel

_STATUS_STYLE = {
    GridStatus.ACTIVE: "background:#e3f3e6; color:#1e6b34;",
    GridStatus.RETIRED: "background:#eceff3; color:#5f6b78;",
    GridStatus.MERGED: "background:#eceff3; color:#5f6b78;",
    GridStatus.SPLIT: "background:#eceff3; color:#5f6b78;",
}


def row_table(columns: Sequence[Column[object]], parent: QWidget, *,
              stretch: int = -1) -> tuple[QTableView, RowTableModel[object]]:
    """A read-only, row-selecting table over a RowTableModel, sized for the detail."""
    model: RowTableModel[object] = RowTableModel(columns, parent)
    view = QTableView(parent)
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(26)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view, model


PHONE_COLUMN = next(i for i, c in enumerate(STAFF_COLUMNS) if c.title == "电话")
REVEAL_TEXT = "显示完整号码"
REVEAL_TIP = "显示所选人员的完整电话号码（本次查看将记入审计日志）"


class GridDetail(QWidget):
    staffSelectionChanged = Signal()
    revealRequested = Signal(object)  # the StaffRow whose full phone the user asked for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: GridRow | None = None
        self._revealed: dict[str, str] = {}  # assignment id → full phone, shown in that row
        self._may_reveal = False
        self._reveal_denied = ""
        self.stack = QStackedWidget()
        self.placeholder = QLabel("在列表、地图或左侧目录中选择一个网格，\n查看其基本信息、在任人员、配备提醒和变更记录。")
        self.placeholder.setStyleSheet("color: #6b7785;")
        self.placeholder.setWordWrap(True)
        self.placeholder.setMargin(16)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def _build_content(self) -> QWidget:
        content = QWidget()
        layout = QHBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_info())
        self.tabs = QTabWidget()
        columns = list(STAFF_COLUMNS)
        columns[PHONE_COLUMN] = replace(columns[PHONE_COLUMN], text=self._phone_text)
        self.staff_view, self.staff_model = row_table(columns, self, stretch=3)
        self.warnings_view, self.warnings_model = row_table(GRID_WARNING_COLUMNS, self)
        self.history_view, self.history_model = row_table(HISTORY_COLUMNS, self, stretch=2)
        self.tabs.addTab(self._build_staff_tab(), "在任人员")
        self.tabs.addTab(self.warnings_view, "配备提醒")
        self.tabs.addTab(self.history_view, "变更记录")
        self.staff_view.selectionModel().selectionChanged.connect(self.staffSelectionChanged)
        self.staff_view.selectionModel().selectionChanged.connect(self._update_reveal)
        layout.addWidget(self.tabs, 1)
        return content

    def _build_staff_tab(self) -> QWidget:
        self.reveal_action = QAction(REVEAL_TEXT, self)
        self.reveal_action.triggered.connect(self._on_reveal)
        self.reveal_button = QPushButton(REVEAL_TEXT)
        self.reveal_button.setFlat(False)
        self.reveal_button.clicked.connect(self._on_reveal)
        self.staff_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.staff_view.customContextMenuRequested.connect(self._staff_menu)
        hint = QLabel("电话号码已脱敏显示")
        hint.setStyleSheet("color: #6b7785;")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 0)
        bar.addWidget(hint)
        bar.addStretch(1)
        bar.addWidget(self.reveal_button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.staff_view, 1)
        self._update_reveal()
        return tab

    def _build_info(self) -> QWidget:
        box = QFrame()
        box.setObjectName("card")
        box.setFixedWidth(300)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1f3a5a;")
        self.title.setWordWrap(True)
        self.code = QLabel()
        self.code.setStyleSheet("color: #5f6b78;")
        self.status = QLabel()
        self.status.setMargin(2)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(5)
        for caption in ("社区/村", "类型", "类别", "户数", "人口", "面积", "边界"):
            value = QLabel()
            value.setWordWrap(True)
            self.values[caption] = value
            form.addRow(f"{caption}：", value)
        head = QHBoxLayout()
        head.addWidget(self.code)
        head.addStretch(1)
        head.addWidget(self.status)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.title)
        layout.addLayout(head)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addStretch(1)
        return box

    # --- content -------------------------------------------------------------------
    def show_grid(self, grid: GridRow | None) -> None:
        """Show a grid's own fields at once; staff, warnings and history follow when the
        page has loaded them (the old ones are cleared if it is another grid)."""
        if grid is None or self.grid is None or grid.id != self.grid.id:
            self.set_staff([])
            self.set_history([])
            self.set_warnings([])
        self.grid = grid
        if grid is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self.title.setText(grid.name)
        self.code.setText(f"编码 {grid.code}")
        self.status.setText(f" {grid.status.label} ")
        self.status.setStyleSheet(_STATUS_STYLE[grid.status] + "border-radius: 3px;")
        self.values["社区/村"].setText(grid.community_name)
        dedicated = f"（{grid.dedicated_type.label}）" if grid.dedicated_type else ""
        self.values["类型"].setText(grid.kind.label + dedicated)
        self.values["类别"].setText(grid.category.label)
        self.values["户数"].setText(f"{grid.households:,} 户")
        self.values["人口"].setText(f"{grid.population:,} 人")
        area = area_text(grid.area_km2)
        self.values["面积"].setText(f"{area} 平方公里" if grid.area_km2 else "未填")
        self.values["边界"].setText("已导入" if grid.has_boundary else "无（可导入 GeoJSON/Shapefile）")

    def set_staff(self, rows: Sequence[StaffRow]) -> None:
        self._revealed.clear()  # a reload masks every number again
        order = {role: index for index, role in enumerate(StaffRole)}
        self.staff_model.set_rows(sorted(rows, key=lambda s: (order[s.role], s.started_on, s.name)))
        self.tabs.setTabText(0, f"在任人员（{len(rows)}）")
        self.staffSelectionChanged.emit()

    def set_warnings(self, rows: Sequence[StaffingWarning]) -> None:
        self.warnings_model.set_rows(rows)
        self.tabs.setTabText(1, f"配备提醒（{len(rows)}）")

    def set_history(self, rows: Sequence[GridEventRow]) -> None:
        self.history_model.set_rows(list(reversed(rows)))  # newest first
        self.tabs.setTabText(2, f"变更记录（{len(rows)}）")

    def staff(self) -> list[StaffRow]:
        return self.staff_model.rows()  # type: ignore[return-value]

    def selected_staff(self) -> StaffRow | None:
        rows = self.staff_view.selectionModel().selectedRows()
        return self.staff_model.row_at(rows[0].row()) if rows else None  # type: ignore[return-value]

    # --- revealing one phone ---------------------------------------------------------
    def _phone_text(self, row: StaffRow) -> str:
        return self._revealed.get(row.assignment_id) or row.phone_masked or "—"

    def set_reveal_permission(self, allowed: bool, denied_tip: str = "") -> None:
        """Whether the user's role may reveal personal data (the page decides)."""
        self._may_reveal, self._reveal_denied = allowed, denied_tip
        self._update_reveal()

    def _update_reveal(self, *_args: object) -> None:
        staff = self.selected_staff()
        can = (self._may_reveal and staff is not None and bool(staff.phone_masked)
               and staff.assignment_id not in self._revealed)
        if not self._may_reveal:
            tip = self._reveal_denied
        elif staff is None:
            tip = "先在下方列表中选择一人，再显示其完整号码"
        elif not staff.phone_masked:
            tip = "该人员没有登记电话"
        else:
            tip = REVEAL_TIP
        for target in (self.reveal_button, self.reveal_action):
            target.setEnabled(can)
            target.setToolTip(tip)

    def _staff_menu(self, position: QPoint) -> None:
        if not self.staff_view.indexAt(position).isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.reveal_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.staff_view.viewport().mapToGlobal(position))

    def _on_reveal(self) -> None:
        staff = self.selected_staff()
        if staff is not None and self.reveal_button.isEnabled():
            self.revealRequested.emit(staff)

    def show_full_phone(self, assignment_id: str, phone: str) -> None:
        """Show ``phone`` instead of the masked number in that one row."""
        for row, staff in enumerate(self.staff()):
            if staff.assignment_id == assignment_id:
                self._revealed[assignment_id] = phone
                index = self.staff_model.index(row, PHONE_COLUMN)
                self.staff_model.dataChanged.emit(index, index)
        self._update_reveal()
