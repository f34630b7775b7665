"""网格: the street's grids as a tree, a list and a map, with the selected grid's detail,
and the grid administrator's work on them (create, edit, staff, merge, split, retire,
import and export).

The page holds no rule: every change is a ``desktop`` service called on the database
thread, with the service's Chinese refusal shown inline in the dialog that asked for it.
Dialogs are opened with ``open()`` and awaited; ``active_dialog`` exposes the one on
screen so tests can drive it like a user.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.grids import GridStatus, StaffingWarning, StaffRole
from desktop.services.boundaries import map_data
from desktop.services.grid_staff import all_staffing_warnings, list_staff
from desktop.services.grids import CommunityRow, GridRow, GridTree, grid_history, grid_tree
from ui.env import UiEnv
from ui.models.grid_list import GridFilterProxy, GridListRow, grid_table_model
from ui.pages.grid_commands import GridCommands
from ui.pages.grid_files import GridFiles
from ui.pages.grids_layout import (
    ACTION_PERMISSIONS,
    BUTTON_PERMISSIONS,
    build_actions,
    build_list_tab,
    build_map_tab,
    build_toolbar,
    fit_columns,
    page_header,
    page_read_only_note,
)
from ui.pages.work_page import WorkPage
from ui.widgets.grid_detail import GridDetail
from ui.widgets.grid_map import GridMapView
from ui.widgets.grid_tree import GridTreeWidget

NAME_COLUMN = 1


class GridsPage(WorkPage):
    last_dir_key = "grids_last_dir"

    title = "网格"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.active_dialog: QDialog | None = None
        self.notice_box: QMessageBox | None = None
        self.last_notice: tuple[str, str, list[str]] | None = None
        self.communities: list[CommunityRow] = []
        self._warnings: dict[str, list[StaffingWarning]] = {}
        self._detail_generation = 0
        self._map_stale = True
        self._reloading = False
        self.files = GridFiles(self)
        self.commands = GridCommands(self)
        self.model = grid_table_model(self)
        self.proxy = GridFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.tree = GridTreeWidget()
        self.show_retired = QCheckBox("显示已撤销/合并/拆分的网格")
        self.detail = GridDetail()
        self.map = GridMapView()
        self.grid_actions = build_actions(self)
        self.toolbar = build_toolbar(self, self.grid_actions, self.files)
        self.list_tab = build_list_tab(self)
        self.map_tab = build_map_tab(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.list_tab, "列表")
        self.tabs.addTab(self.map_tab, "地图")
        self._lay_out()
        self._connect()
        self._update_actions()

    # --- construction ----------------------------------------------------------------
    def _lay_out(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.show_retired)
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(self.tabs)
        centre.addWidget(self.detail)
        centre.setStretchFactor(0, 3)
        centre.setStretchFactor(1, 2)
        centre.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([180, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(page_header(self))
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _index: self.grid_actions["edit"].trigger())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, self.grid_actions["edit"].trigger,
                      context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.search.textChanged.connect(self._on_search)
        self.tree.communityChosen.connect(self._on_community)
        self.tree.gridChosen.connect(self._on_tree_grid)
        self.show_retired.toggled.connect(lambda _on: self.run(self.reload()))
        self.detail.staffSelectionChanged.connect(self._update_actions)
        self.detail.revealRequested.connect(self.commands.reveal_phone)
        self.map.gridClicked.connect(self.select_grid)
        self.colour_mode.currentIndexChanged.connect(
            lambda _i: self.map.set_colour_mode(self.colour_mode.currentData()))
        self.tabs.currentChanged.connect(self._on_tab)
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            lambda *_sort: fit_columns(self.table, NAME_COLUMN))

    # --- loading ---------------------------------------------------------------------
    async def reload(self, select: Sequence[str] | None = None) -> None:
        """Reload tree, list, warnings (and the map if shown); keep or set the selection."""
        keep = list(select) if select is not None else [g.id for g in self.selected_grids()]
        context = self.env.context
        tree = await self.env.tasks.db(grid_tree, context.uow(),
                                       include_retired=self.show_retired.isChecked())
        warnings = await self.env.tasks.db(all_staffing_warnings, context.uow())
        self._reloading = True
        try:
            self._apply(tree, warnings)
            for index, grid_id in enumerate(keep):
                self.select_grid(grid_id, add=index > 0, reveal=select is not None)
        finally:
            self._reloading = False
        self._map_stale = True
        if self.tabs.currentWidget() is self.map_tab:
            await self._load_map()
        current = self.current_grid()
        self.detail.show_grid(current)
        self._highlight_on_map(current)
        if current is not None:
            await self._load_detail(current)
        self._update_actions()
        self.loaded = True

    def _apply(self, tree: GridTree, warnings: Sequence[StaffingWarning]) -> None:
        self.communities = list(tree.communities)
        self._warnings = {}
        for warning in warnings:
            self._warnings.setdefault(warning.grid_id, []).append(warning)
        rows = sorted((row for grids in tree.grids_by_community.values() for row in grids),
                      key=lambda row: row.code)
        self.model.set_rows([
            GridListRow(row, len(self._warnings.get(row.id, [])),
                        "；".join(w.text for w in self._warnings.get(row.id, [])))
            for row in rows
        ])
        self.tree.set_tree(tree)
        self.proxy.set_community(self.tree.chosen_community() or None)
        fit_columns(self.table, NAME_COLUMN)
        self._show_count()
        active = sum(1 for r in rows if r.status is GridStatus.ACTIVE)
        self.summary_label.setText(
            f"{tree.street_name} · {len(self.communities)} 个社区/村 · {active} 个在用网格 · "
            f"{len(warnings)} 条配备提醒")

    async def _load_detail(self, grid: GridRow) -> None:
        self._detail_generation += 1
        generation = self._detail_generation
        context = self.env.context
        staff = await self.env.tasks.db(list_staff, context.uow(), grid_id=grid.id)
        history = await self.env.tasks.db(grid_history, context.uow(), grid.id)
        if generation != self._detail_generation:
            return  # the user has moved on to another grid
        self.detail.set_staff(staff)
        self.detail.set_history(history)
        self.detail.set_warnings(self._warnings.get(grid.id, []))
        self._update_actions()

    async def _load_map(self) -> None:
        data = await self.env.tasks.db(map_data, self.env.context.uow())
        self.map.set_map(data)
        self._map_stale = False
        current = self.current_grid()
        self._highlight_on_map(current)
        without = sum(1 for row in self.model.rows()
                      if row.grid.status is GridStatus.ACTIVE and not row.grid.has_boundary)
        text = f"{len(data.grids)} 个网格有边界"
        if without:
            text += f"，{without} 个在用网格尚无边界（可从“导入”菜单导入边界文件）"
        if data.unreadable:
            text += f"；{len(data.unreadable)} 个网格的边界无法读取：{'、'.join(data.unreadable)}"
        self.map_status.setText(text)

    # --- selection -------------------------------------------------------------------
    def selected_grids(self) -> list[GridRow]:
        rows = self.table.selectionModel().selectedRows()
        return [self.model.row_at(self.proxy.mapToSource(index).row()).grid
                for index in sorted(rows, key=lambda index: index.row())]

    def current_grid(self) -> GridRow | None:
        selected = self.selected_grids()
        if len(selected) == 1:
            return selected[0]
        current = self.table.currentIndex()
        if selected and current.isValid() and self.table.selectionModel().isRowSelected(current.row()):
            return self.model.row_at(self.proxy.mapToSource(current).row()).grid
        return None

    def select_grid(self, grid_id: str, add: bool = False, reveal: bool = True) -> bool:
        """Select a grid in the list; with ``reveal``, clear the filters that hide it.
        False if the grid is not in the list."""
        index = self._proxy_index(grid_id)
        if not index.isValid():
            if not reveal:
                return False
            self.search.clear()
            community = next((r.grid.community_id for r in self.model.rows() if r.grid.id == grid_id), "")
            self.tree.select_community(community)
            self.proxy.set_community(community or None)
            index = self._proxy_index(grid_id)
            if not index.isValid():
                return False
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.Select if add
            else QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        return True

    def _proxy_index(self, grid_id: str) -> QModelIndex:
        for row, item in enumerate(self.model.rows()):
            if item.grid.id == grid_id:
                return self.proxy.mapFromSource(self.model.index(row, 0))
        return QModelIndex()

    def _on_selection(self, *_args: object) -> None:
        if self._reloading:
            return
        current = self.current_grid()
        if current is None or self.detail.grid is None or current.id != self.detail.grid.id:
            self.detail.show_grid(current)
            if current is not None:
                self.run(self._load_detail(current))
        self._highlight_on_map(current)
        self._update_actions()

    def _highlight_on_map(self, grid: GridRow | None) -> None:
        """Highlight on the map; pan only when the grid is out of view (keeps the framing)."""
        item = self.map.grid_item(grid.id) if grid else None
        seen = self.map.mapToScene(self.map.viewport().rect()).boundingRect()
        pan = item is not None and self.map.isVisible() and not seen.contains(item.sceneBoundingRect())
        self.map.select_grid(grid.id if grid else None, centre=pan)

    def _on_search(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_count()

    def _on_community(self, community_id: str) -> None:
        self.proxy.set_community(community_id or None)
        self._show_count()

    def _on_tree_grid(self, grid_id: str) -> None:
        self.proxy.set_community(self.tree.chosen_community() or None)
        self.select_grid(grid_id)
        self._show_count()

    def _on_tab(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.map_tab and self._map_stale and self.loaded:
            self.run(self._load_map())

    def _show_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        population = sum(self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                         .grid.population for r in range(shown))
        self.count_label.setText(f"显示 {shown} / 共 {total} 个网格，人口合计 {population:,} 人")

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.list_tab)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_actions(self) -> None:
        """Enable what the selection allows AND the role may do; a command the role may
        not use stays disabled whatever is selected, its tooltip saying why."""
        self.gate_controls(
            wanted=self._selection_enables(), actions=self.grid_actions,
            permissions=ACTION_PERMISSIONS, buttons=BUTTON_PERMISSIONS,
            note=page_read_only_note(self.env.context.actor.role))

    def _selection_enables(self) -> dict[str, bool]:
        """Which commands the current selection makes sense for (ignoring the role)."""
        grids = self.selected_grids()
        one = grids[0] if len(grids) == 1 and grids[0].status is GridStatus.ACTIVE else None
        shown = one is not None and self.detail.grid is not None and self.detail.grid.id == one.id
        members = [s for s in self.detail.staff() if s.role is StaffRole.MEMBER] if shown else []
        enabled = {
            "new": bool(self.communities), "edit": one is not None, "assign": one is not None,
            "presence": bool(members), "end": shown and self.detail.selected_staff() is not None,
            "merge": len(grids) >= 2 and len({g.community_id for g in grids}) == 1
            and all(g.status is GridStatus.ACTIVE for g in grids),
            "split": one is not None, "retire": one is not None, "community": True,
        }
        return enabled

    # --- dialogs ---------------------------------------------------------------------
    # --- files and messages (tests replace the file choosers) -------------------------
