"""事项清单: the district's 属地管理事项清单 — every version (the one in force marked), a
search over the items and a type filter, the selected item's duties, legal basis and
the units it proposes for dispatch, the comparison of two versions, and the import of
a new version from Excel (with its template).

The page holds no rule: the services search, match units and compare; the import is
the core's, behind a progress dialog, and a refused file shows the row-level report.
The list is read-only here by design (the district owns it): a role without
``RESPONSIBILITY_EDIT`` sees the import disabled with the reason. Dialogs are opened
with ``open()`` and awaited; ``active_dialog`` exposes the one on screen for tests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.permissions import Permission, allowed
from desktop.progress import CancelToken, ProgressCallback
from desktop.services.responsibilities import (
    ItemRow,
    ListVersionRow,
    item_types,
    list_versions,
    propose_units,
    search_items,
)
from desktop.spreadsheets.responsibilities import (
    ResponsibilityImportSummary,
    import_responsibility_list,
    write_responsibility_template,
)
from ui.dialogs import messages
from ui.dialogs.responsibility_dialogs import ImportOptionsDialog, VersionCompareDialog
from ui.env import UiEnv
from ui.models.row_table import SORT_ROLE, RowTableModel
from ui.pages.base import page_slot
from ui.pages.responsibilities_layout import (
    IMPORT_TIP,
    ITEM_COLUMNS,
    filter_bar,
    fit_item_columns,
    item_table,
    notes_row,
    page_header,
    read_only_note,
)
from ui.pages.work_page import WorkPage, denied_tip
from ui.tasks import run_with_progress
from ui.widgets.responsibility_detail import NO_LIST_TEXT, ResponsibilityDetail

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
NOTHING_FOUND = "没有符合条件的事项。请换个关键词，或把类型改为“全部类型”。"


class ResponsibilitiesPage(WorkPage):
    last_dir_key = "responsibilities_last_dir"

    title = "事项清单"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.active_dialog: QDialog | None = None
        self.notice_box: QMessageBox | None = None
        self.last_notice: tuple[str, str] | None = None
        self.versions: list[ListVersionRow] = []
        self._items_generation = 0
        self._detail_generation = 0
        self._quiet = False  # combos and selection set by code: their signals are ignored
        self.model: RowTableModel[ItemRow] = RowTableModel(ITEM_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSourceModel(self.model)
        self.detail = ResponsibilityDetail()
        header = page_header(self)
        bar = filter_bar(self)
        self.table = item_table(self)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addLayout(bar)
        layout.addLayout(notes_row(self))
        layout.addWidget(self.splitter, 1)
        self._connect()
        self._update_actions()

    def _connect(self) -> None:
        self.version_combo.currentIndexChanged.connect(self._on_version)
        self.type_combo.currentIndexChanged.connect(self._on_filter)
        self.search.textChanged.connect(self._on_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # --- loading ---------------------------------------------------------------------
    async def reload(self, version_id: str | None = None) -> None:
        """Reload the versions and the items; keep the version shown (or show
        ``version_id``), falling back to the one in force."""
        wanted = version_id or self.version_combo.currentData()
        self.versions = await self.env.tasks.db(list_versions, self.env.context.uow())
        ids = [v.id for v in self.versions]
        current = next((v.id for v in self.versions if v.is_current), ids[0] if ids else None)
        self._quiet = True
        try:
            self.version_combo.clear()
            for version in self.versions:
                self.version_combo.addItem(version.label, version.id)
            chosen = wanted if wanted in ids else current
            self.version_combo.setCurrentIndex(ids.index(chosen) if chosen else -1)
        finally:
            self._quiet = False
        await self._show_version()
        self.loaded = True

    async def _show_version(self) -> None:
        self._show_summary()
        await self._load_types()
        await self._load_items()
        self._update_actions()

    async def _load_types(self) -> None:
        version = self.selected_version()
        types = (await self.env.tasks.db(item_types, self.env.context.uow(),
                                         version_id=version.id) if version else [])
        kept = self.type_combo.currentData()
        self._quiet = True
        try:
            while self.type_combo.count() > 1:
                self.type_combo.removeItem(1)
            for name in types:
                self.type_combo.addItem(name, name)
            self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(kept)))
        finally:
            self._quiet = False

    async def _load_items(self) -> None:
        """The items of the shown version matching the search and the type; keeps the
        selected item (by code, so it survives a change of version)."""
        self._items_generation += 1
        generation = self._items_generation
        version = self.selected_version()
        if version is None:
            self.model.set_rows([])
            fit_item_columns(self.table)
            self.count_label.setText("")
            self.detail.show_message(NO_LIST_TEXT)
            return
        keep = self.current_item()
        items = await self.env.tasks.db(
            search_items, self.env.context.uow(), text=self.search.text(),
            item_type=self.type_combo.currentData() or None, version_id=version.id)
        if generation != self._items_generation:
            return  # the user typed on; a newer search is under way
        self.model.set_rows(items)
        fit_item_columns(self.table)
        self.count_label.setText(f"显示 {len(items)} / 共 {version.item_count} 项")
        if not items:
            self.detail.show_message(NOTHING_FOUND)
            return
        chosen = next((row for row in items if keep and row.code == keep.code), items[0])
        self.select_item(chosen.id, load=False)
        await self._load_detail(chosen)

    async def _load_detail(self, item: ItemRow) -> None:
        self._detail_generation += 1
        generation = self._detail_generation
        proposal = await self.env.tasks.db(propose_units, self.env.context.uow(),
                                           item_id=item.id)
        if generation == self._detail_generation:
            self.detail.show_proposal(proposal, self.selected_version())

    def _show_summary(self) -> None:
        current = next((v for v in self.versions if v.is_current), None)
        text = "尚未导入清单" if current is None else (
            f"现行：第 {current.number} 版《{current.title}》· "
            f"{current.published_on:%Y-%m-%d} {current.source.label}")
        self.summary_label.setText(text)
        self.summary_label.setToolTip(text)
        shown = self.selected_version()
        historic = shown is not None and not shown.is_current
        if historic and shown is not None and current is not None:
            self.history_note.setText(
                f"正在查看历史版本：第 {shown.number} 版（{shown.title}），已被第 {current.number} 版"
                "取代，仅供查阅；派遣和吹哨以现行版本为准。")
        self.history_note.setVisible(historic)

    # --- selection and filters ---------------------------------------------------------
    def selected_version(self) -> ListVersionRow | None:
        version_id = self.version_combo.currentData()
        return next((v for v in self.versions if v.id == version_id), None)

    def current_item(self) -> ItemRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def select_item(self, item_id: str, *, load: bool = True) -> bool:
        """Make an item of the list current (its detail loads unless ``load`` is False)."""
        for row, item in enumerate(self.model.rows()):
            if item.id == item_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self._quiet = not load
                try:
                    self.table.selectRow(index.row())
                    self.table.scrollTo(index)
                finally:
                    self._quiet = False
                return True
        return False

    def _on_version(self, _index: int) -> None:
        if not self._quiet:
            self.run(self._show_version())

    def _on_filter(self, *_args: object) -> None:
        if not self._quiet:
            self.run(self._load_items())

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        self.run(self._load_detail(self.model.row_at(self.proxy.mapToSource(current).row())))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_actions(self) -> None:
        role = self.env.context.actor.role
        may_import = allowed(role, Permission.RESPONSIBILITY_EDIT)
        self.import_button.setEnabled(may_import)
        self.import_button.setToolTip(
            IMPORT_TIP if may_import else denied_tip(role, Permission.RESPONSIBILITY_EDIT))
        self.compare_button.setEnabled(len(self.versions) >= 2)
        note = read_only_note(role)
        self.role_note.setText(note)
        self.role_note.setVisible(bool(note))

    # --- commands ----------------------------------------------------------------------
    @page_slot
    async def import_list(self) -> None:
        path = self.ask_open_path("选择区级下发的事项清单", XLSX_FILTER)
        if not path:
            return
        last = max((v.number for v in self.versions), default=0)
        options = ImportOptionsDialog(Path(path).name, last + 1, self)
        if not await self.run_dialog(options):
            return
        title, published_on = options.values()
        context = self.env.context

        def work(progress: ProgressCallback, cancel: CancelToken) -> ResponsibilityImportSummary:
            return import_responsibility_list(
                context.uow(), actor=context.actor, path=Path(path), title=title,
                published_on=published_on, progress=progress, cancel=cancel)

        try:
            summary = await run_with_progress(self.env.tasks, self, "正在导入事项清单", work)
        except Exception as error:
            messages.show_error(self, error)
            return
        self.data_changed.emit()
        await self.reload(version_id=summary.version_id)
        self.notify("导入事项清单完成", summary.message)

    @page_slot
    async def compare_versions(self) -> None:
        if len(self.versions) < 2:
            return
        shown = self.selected_version() or self.versions[0]
        position = self.versions.index(shown)  # newest first
        new, old = ((shown, self.versions[position + 1]) if position + 1 < len(self.versions)
                    else (self.versions[position - 1], shown))
        dialog = VersionCompareDialog(self.env, self.versions, old.id, new.id, self)
        await dialog.load()
        await self.run_dialog(dialog)

    @page_slot
    async def save_template(self) -> None:
        path = self.ask_save_path("保存导入模板", "属地管理事项清单导入模板.xlsx", XLSX_FILTER)
        if not path:
            return
        try:
            await self.env.tasks.cpu(write_responsibility_template, Path(path))
        except Exception as error:
            messages.show_error(self, error)
            return
        self.notify("模板已保存", f"模板已保存到：\n{path}\n\n请按“填写说明”工作表填写后再导入。")

    # --- dialogs, files and messages (tests replace the file choosers) ------------------
