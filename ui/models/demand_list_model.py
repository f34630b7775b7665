"""The demand list as a Qt model that pages in rows (``fetchMore``) from the keyset
cursor of ``list_demands``: the view asks for more as the user scrolls, the page
fetches the next page on the database thread and appends it. A million demands never
load at once; the first screen is one page.

Rows are immutable ``DemandListRow`` values. Overdue rows are red and nearly overdue
ones yellow (the domain's deadline state); ``extra`` columns let the 督办 tab add its
own (working days overdue) without another model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.domain.demand_states import DeadlineState
from desktop.services.demand_lists import DemandCursor, DemandListRow, DemandPage

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_COLOUR = "#f8d4d4"
DUE_SOON_COLOUR = "#fff1c2"
STATE_COLOURS = {DeadlineState.OVERDUE: OVERDUE_COLOUR, DeadlineState.DUE_SOON: DUE_SOON_COLOUR}
RECALLED_COLOUR = "#7a7f87"  # a recalled work order reads greyed: not the district's task any more


@dataclass(frozen=True)
class ListColumn:
    title: str
    text: Callable[[DemandListRow, Any], str]  # (row, the row's extra value)
    width: int = 100


def _deadline(row: DemandListRow, _extra: Any = None) -> str:
    return f"{row.deadline_at:%Y-%m-%d %H:%M}" if row.deadline_at else "—"


RECALLED_MARK = "【区级已撤回】"


def _title(row: DemandListRow) -> str:
    """The title with its marks: a recalled work order first (no longer to be done for
    the district), then urgency."""
    return (RECALLED_MARK if row.recalled else "") + ("【急】" if row.urgent else "") + row.title


DEMAND_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("受理编号", lambda r, _x: r.number, 150),  # 20261123-2-0001, QP… of the district
    ListColumn("受理时间", lambda r, _x: f"{r.received_at:%Y-%m-%d %H:%M}", 130),
    ListColumn("类型", lambda r, _x: r.kind_label, 76),
    ListColumn("来源", lambda r, _x: r.source_label, 96),
    ListColumn("标题", lambda r, _x: _title(r), 260),
    ListColumn("网格", lambda r, _x: r.grid_name, 150),
    ListColumn("主办单位", lambda r, _x: r.lead_unit_name, 170),
    ListColumn("状态", lambda r, _x: r.status_label, 76),
    ListColumn("办理期限", _deadline, 130),
    ListColumn("期限状态", lambda r, _x: r.deadline_state.label, 90),
)

Fetcher = Callable[[DemandCursor], None]


class DemandListModel(QAbstractTableModel):
    """Rows so far and where the next page starts. ``fetcher(cursor)`` is called (once
    at a time) when the view wants more; the page answers with ``append``."""

    def __init__(self, columns: Sequence[ListColumn] = DEMAND_COLUMNS,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[DemandListRow] = []
        self._extra: list[Any] = []  # per row, for extra columns (e.g. working days overdue)
        self._next: DemandCursor | None = None
        self.fetching = False
        self.fetcher: Fetcher | None = None

    # --- content ---------------------------------------------------------------------
    def reset(self, page: DemandPage, extra: Sequence[Any] = ()) -> None:
        self.beginResetModel()
        self._rows = list(page.rows)
        self._extra = list(extra) or [None] * len(page.rows)
        self._next = page.next
        self.fetching = False
        self.endResetModel()

    def append(self, page: DemandPage, extra: Sequence[Any] = ()) -> None:
        self.fetching = False
        self._next = page.next
        if not page.rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self._extra.extend(list(extra) or [None] * len(page.rows))
        self.endInsertRows()

    def row_at(self, row: int) -> DemandListRow:
        return self._rows[row]

    def extra_at(self, row: int) -> Any:
        return self._extra[row]

    def rows(self) -> list[DemandListRow]:
        return list(self._rows)

    def find(self, demand_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == demand_id), -1)

    @property
    def has_more(self) -> bool:
        return self._next is not None

    # --- paging ------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None and not self.fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next is None or self.fetching or self.fetcher is None:
            return
        self.fetching = True
        self.fetcher(self._next)

    # --- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()].text(row, self._extra[index.row()])
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = STATE_COLOURS.get(row.deadline_state)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and row.recalled:
            return QBrush(QColor(RECALLED_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return row.title + ("\n区级平台已撤回该派单，无需再向区级办理；本街道的办理记录保留。"
                                if row.recalled else "")
        if role == ROW_ROLE:
            return row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
