"""The 街道 › 社区/村 › 网格 navigation tree of the 网格 page, with grid counts.

Choosing the street or a 社区/村 filters the page's list (``communityChosen``; the
street sends ""); choosing a grid selects it (``gridChosen``). Reloading keeps what
was expanded and selected, so the tree does not jump after every edit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from desktop.domain.grids import GridStatus
from desktop.services.grids import GridTree

KEY_ROLE = Qt.ItemDataRole.UserRole + 10
GRID_COMMUNITY_ROLE = Qt.ItemDataRole.UserRole + 11
_INACTIVE = QColor("#8a96a3")


class GridTreeWidget(QTreeWidget):
    communityChosen = Signal(str)  # "" = the whole street
    gridChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["街道 › 社区/村 › 网格", "网格数"])
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.currentItemChanged.connect(self._on_current)
        self._quiet = False

    # --- content -------------------------------------------------------------------
    def set_tree(self, tree: GridTree) -> None:
        """Replace the content, keeping the expanded communities and the selection."""
        expanded = self._expanded()
        current = self._key(self.currentItem())
        self._quiet = True
        try:
            self.clear()
            street = self._street_item(tree)
            self.addTopLevelItem(street)
            street.setExpanded(True)
            for i in range(street.childCount()):
                street.child(i).setExpanded(self._key(street.child(i)) in expanded)
            self._select_key(current)
        finally:
            self._quiet = False

    def _expanded(self) -> set[tuple[str, str]]:
        street = self._find(("street", ""))
        if street is None:
            return set()
        return {self._key(street.child(i)) for i in range(street.childCount())
                if street.child(i).isExpanded()}

    def _street_item(self, tree: GridTree) -> QTreeWidgetItem:
        total = sum(1 for rows in tree.grids_by_community.values()
                    for row in rows if row.status is GridStatus.ACTIVE)
        street = QTreeWidgetItem([tree.street_name, str(total)])
        street.setData(0, KEY_ROLE, ("street", ""))
        bold = QFont(self.font())
        bold.setBold(True)
        street.setFont(0, bold)
        street.setToolTip(0, f"{tree.street_name}：{len(tree.communities)} 个社区/村，{total} 个在用网格")
        for community in tree.communities:
            grids = tree.grids_by_community.get(community.id, [])
            active = sum(1 for g in grids if g.status is GridStatus.ACTIVE)
            item = QTreeWidgetItem([community.name, str(active)])
            item.setData(0, KEY_ROLE, ("community", community.id))
            item.setToolTip(0, f"{community.name}（{community.kind.label}，代码 {community.code}）："
                               f"{active} 个在用网格")
            for grid in grids:
                child = QTreeWidgetItem([grid.name, ""])
                child.setData(0, KEY_ROLE, ("grid", grid.id))
                child.setData(0, GRID_COMMUNITY_ROLE, grid.community_id)
                child.setToolTip(0, f"{grid.code} {grid.name}")
                if grid.status is not GridStatus.ACTIVE:
                    child.setText(0, f"{grid.name}（{grid.status.label}）")
                    child.setForeground(0, QBrush(_INACTIVE))
                item.addChild(child)
            street.addChild(item)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        street.setTextAlignment(1, right)
        for i in range(street.childCount()):
            street.child(i).setTextAlignment(1, right)
        return street

    # --- selection -----------------------------------------------------------------
    @staticmethod
    def _key(item: QTreeWidgetItem | None) -> tuple[str, str]:
        if item is None:
            return ("street", "")
        key = item.data(0, KEY_ROLE)
        return tuple(key) if key else ("street", "")  # type: ignore[return-value]

    def _find(self, key: tuple[str, str]) -> QTreeWidgetItem | None:
        if not self.topLevelItemCount():
            return None
        street = self.topLevelItem(0)
        if key[0] == "street":
            return street
        for i in range(street.childCount()):
            community = street.child(i)
            if self._key(community) == key:
                return community
            for j in range(community.childCount()):
                if self._key(community.child(j)) == key:
                    return community.child(j)
        return None

    def _select_key(self, key: tuple[str, str]) -> None:
        item = self._find(key) or self._find(("street", ""))
        if item is not None:
            self.setCurrentItem(item)

    def select_community(self, community_id: str) -> None:
        """Select a community (or the street for "") as if the user clicked it."""
        self._select_key(("community", community_id) if community_id else ("street", ""))

    def select_grid(self, grid_id: str) -> None:
        item = self._find(("grid", grid_id))
        if item is not None:
            self.setCurrentItem(item)

    def community_item(self, community_id: str) -> QTreeWidgetItem | None:
        return self._find(("community", community_id))

    def chosen_community(self) -> str:
        """The community the current item is in ("" for the street)."""
        item = self.currentItem()
        kind, value = self._key(item)
        if kind == "community":
            return value
        if kind == "grid" and item is not None:
            return str(item.data(0, GRID_COMMUNITY_ROLE))
        return ""

    def _on_current(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if self._quiet or current is None:
            return
        kind, value = self._key(current)
        if kind == "grid":
            self.gridChosen.emit(value)
        else:
            self.communityChosen.emit(value)
