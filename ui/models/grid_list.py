"""Table declarations of the 网格 page: the grid list (with its search and community
filter), a grid's staff, its staffing warnings and its history.

Rows are the frozen DTOs the services return; ``GridListRow`` only pairs a grid with
the number of its staffing warnings, which the list shows as a column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from desktop.domain.grids import GridKind, GridStatus, StaffingWarning, StaffRole, WarningKind
from desktop.services.grid_staff import StaffRow
from desktop.services.grids import GridEventRow, GridRow
from ui.models.row_table import ROW_ROLE, SORT_ROLE, Column, RowTableModel

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class GridListRow:
    grid: GridRow
    warnings: int = 0
    warning_text: str = ""


def kind_text(grid: GridRow) -> str:
    if grid.kind is GridKind.DEDICATED and grid.dedicated_type is not None:
        return f"专属·{grid.dedicated_type.label}"
    return "基础" if grid.kind is GridKind.BASE else "专属"


def area_text(area_km2: float) -> str:
    return f"{area_km2:.2f}" if area_km2 else "—"


_RETIRED_COLOUR = "#eceff3"
_WARN_COLOUR = "#fff4d6"
_BAD_COLOUR = "#fde2e1"


def _status_colour(row: GridListRow) -> str | None:
    return None if row.grid.status is GridStatus.ACTIVE else _RETIRED_COLOUR


GRID_COLUMNS: list[Column[GridListRow]] = [
    Column("编码", lambda r: r.grid.code),
    Column("名称", lambda r: r.grid.name, tooltip=lambda r: f"{r.grid.code} {r.grid.name}"),
    Column("社区/村", lambda r: r.grid.community_name),
    Column("类型", lambda r: kind_text(r.grid)),
    Column("类别", lambda r: r.grid.category.label),
    Column("户数", lambda r: f"{r.grid.households:,}", sort_key=lambda r: r.grid.households,
           align_right=True),
    Column("人口", lambda r: f"{r.grid.population:,}", sort_key=lambda r: r.grid.population,
           align_right=True),
    Column("面积(km²)", lambda r: area_text(r.grid.area_km2), sort_key=lambda r: r.grid.area_km2,
           align_right=True),
    Column("边界", lambda r: "有" if r.grid.has_boundary else "无"),
    Column("状态", lambda r: r.grid.status.label, background=_status_colour),
    Column("配备提醒", lambda r: str(r.warnings) if r.warnings else "—",
           sort_key=lambda r: r.warnings, align_right=True,
           background=lambda r: _WARN_COLOUR if r.warnings else None,
           tooltip=lambda r: r.warning_text or "配备齐全"),
]


def _days_text(row: StaffRow) -> str:
    if row.role is not StaffRole.MEMBER:
        return "—"
    return "未填报" if row.days_this_month is None else f"{row.days_this_month} 天"


def _days_colour(row: StaffRow) -> str | None:
    from desktop.domain.grids import MIN_MEMBER_DAYS_PER_MONTH

    low = row.days_this_month is not None and row.days_this_month < MIN_MEMBER_DAYS_PER_MONTH
    return _WARN_COLOUR if row.role is StaffRole.MEMBER and low else None


STAFF_COLUMNS: list[Column[StaffRow]] = [
    Column("姓名", lambda s: s.name),
    Column("角色", lambda s: s.role.label),
    Column("电话", lambda s: s.phone_masked or "—"),
    Column("单位", lambda s: s.unit or "—", tooltip=lambda s: s.duties),
    Column("本月在格天数", _days_text, sort_key=lambda s: s.days_this_month or -1,
           align_right=True, background=_days_colour),
    Column("任职起始", lambda s: s.started_on.isoformat()),
]

_WARNING_COLOURS = {
    WarningKind.NO_MEMBER: _BAD_COLOUR,
    WarningKind.NO_LEADER: _BAD_COLOUR,
    WarningKind.FEW_INSTRUCTORS: _WARN_COLOUR,
    WarningKind.LOW_PRESENCE: _WARN_COLOUR,
}

GRID_WARNING_COLUMNS: list[Column[StaffingWarning]] = [
    Column("问题", lambda w: w.kind.label, background=lambda w: _WARNING_COLOURS.get(w.kind)),
    Column("说明", lambda w: w.text),
]

EVENT_LABELS = {
    "created": "新建", "updated": "修改", "boundary": "边界", "retired": "撤销",
    "merged": "合并", "split": "拆分", "staff": "人员", "presence": "在格天数",
    "imported": "导入",
}

HISTORY_COLUMNS: list[Column[GridEventRow]] = [
    Column("时间", lambda e: e.occurred_at),
    Column("事项", lambda e: EVENT_LABELS.get(e.kind, e.kind)),
    Column("内容", lambda e: e.summary, tooltip=lambda e: e.summary),
    Column("操作人", lambda e: e.actor),
]


class GridFilterProxy(QSortFilterProxyModel):
    """Sorts by each column's sort key and filters by a code/name search and a community."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._community: str | None = None

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().lower()))

    def set_community(self, community_id: str | None) -> None:
        self._refilter(lambda: setattr(self, "_community", community_id))

    def _refilter(self, change: Callable[[], None]) -> None:
        """Qt 6.10 replaced invalidateRowsFilter (now deprecated) by begin/endFilterChange."""
        if hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt < 6.10
            change()
            self.invalidateRowsFilter()

    @property
    def community(self) -> str | None:
        return self._community

    def accepts(self, grid: GridRow) -> bool:
        if self._community is not None and grid.community_id != self._community:
            return False
        text = self._text
        return not text or text in grid.code or text in grid.name.lower()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        return isinstance(row, GridListRow) and self.accepts(row.grid)


def grid_table_model(parent: object = None) -> RowTableModel[GridListRow]:
    return RowTableModel(GRID_COLUMNS, parent)
