"""The detail of the selected grid: its fields, current staff, staffing warnings and
history. A pure view: the page loads the rows and hands them over."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
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


class GridDetail(QWidget):
    staffSelectionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: GridRow | None = None
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
        self.staff_view, self.staff_model = row_table(STAFF_COLUMNS, self, stretch=3)
        self.warnings_view, self.warnings_model = row_table(GRID_WARNING_COLUMNS, self)
        self.history_view, self.history_model = row_table(HISTORY_COLUMNS, self, stretch=2)
        self.tabs.addTab(self.staff_view, "在任人员")
        self.tabs.addTab(self.warnings_view, "配备提醒")
        self.tabs.addTab(self.history_view, "变更记录")
        self.staff_view.selectionModel().selectionChanged.connect(self.staffSelectionChanged)
        layout.addWidget(self.tabs, 1)
        return content

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
