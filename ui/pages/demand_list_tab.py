"""诉求列表: every demand, filtered, sorted and searched, a page at a time (the model
fetches the next page as the user scrolls), with the detail of the selected one beside
it: its fields, timeline, attachments and the actions its status and the user's role
allow. Overdue rows are red, nearly overdue ones yellow.

Instant at a million rows: the first page is asked for without its total, painted,
then counted (``count_demands``, capped). The search waits for a pause in typing
(300 ms) so that a word typed is one query, not four. A reply that arrives after a
newer query was started is dropped (``_generation``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog, QSplitter, QVBoxLayout, QWidget

from desktop import clock
from desktop.domain.demand_states import DemandAction
from desktop.domain.errors import DomainError
from desktop.domain.permissions import Permission, allowed
from desktop.progress import CancelToken, ProgressCallback
from desktop.services import demands
from desktop.services.attachments import attachment_path, store_attachment
from desktop.services.demand_desk import desk_choices
from desktop.services.demand_lists import (
    DemandCursor,
    DemandFilter,
    DemandSort,
    count_demands,
    delete_filter,
    list_demands,
    save_filter,
    saved_filters,
)
from desktop.spreadsheets.demands import export_demands
from ui.dialogs import messages
from ui.env import UiEnv
from ui.models.demand_list_model import DEMAND_COLUMNS, DemandListModel
from ui.pages.base import page_slot
from ui.pages.demand_actions import DemandActions
from ui.pages.demand_list_layout import (
    DEADLINE_CHOICES,
    RECEIVED_CHOICES,
    command_row,
    filter_row,
    range_text,
    received_choice,
    received_range,
)
from ui.pages.work_page import WorkPage, gate, list_table, role_note_label
from ui.tasks import run_with_progress
from ui.widgets.demand_detail import NOT_DOWNLOADED, DemandDetailPane

SEARCH_DELAY_MS = 300
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


class DemandListTab(WorkPage):
    title = "诉求列表"
    last_dir_key = "demands_last_dir"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self._generation = 0
        self._detail_generation = 0
        self._quiet = False
        self.revealed_phone: str | None = None
        self.model = DemandListModel(DEMAND_COLUMNS, self)
        self.model.fetcher = lambda cursor: self.run(self._fetch_more(cursor))
        self.actions = DemandActions(self, self._after_action)
        self.role_note = role_note_label()
        self.detail = DemandDetailPane()
        self.table = list_table(self.model)
        self.table.setSortingEnabled(False)
        for column, spec in enumerate(DEMAND_COLUMNS):
            self.table.horizontalHeader().resizeSection(column, spec.width)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(filter_row(self))
        layout.addLayout(command_row(self))
        layout.addWidget(self.role_note)
        layout.addWidget(self.splitter, 1)
        self._connect()
        self._gate()

    def _connect(self) -> None:
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search_timer.timeout.connect(self._on_filter)
        for box in (self.status_combo, self.kind_combo, self.source_combo, self.grid_combo,
                    self.unit_combo, self.deadline_combo, self.sort_combo, self.received_combo):
            box.currentIndexChanged.connect(self._on_filter)
        self.saved_combo.activated.connect(self._on_saved)
        self.save_filter_button.clicked.connect(self.save_current_filter)
        self.delete_filter_button.clicked.connect(self.delete_saved_filter)
        self.clear_button.clicked.connect(self.clear_filters)
        self.refresh_button.clicked.connect(lambda: self.run(self.load_list()))
        self.export_button.clicked.connect(self.export)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.detail.actionRequested.connect(self.act)
        self.detail.revealRequested.connect(self.reveal_phone)
        self.detail.addAttachmentRequested.connect(self.add_attachment)
        self.detail.openAttachmentRequested.connect(self.open_attachment)
        self.detail.file_present = self._file_present
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self._focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _gate(self) -> None:
        role = self.env.context.actor.role
        gate(self.export_button, Permission.DATA_EXPORT, role)
        self.detail.set_role(role)
        may_handle = allowed(role, Permission.DEMAND_HANDLE) or allowed(
            role, Permission.DEMAND_INTAKE)
        note = "" if may_handle else f"只读：您的角色（{role.label}）可以查看和导出诉求，不能办理"
        self.role_note.setText(note)
        self.role_note.setVisible(bool(note))

    # --- the filter --------------------------------------------------------------------
    def current_filter(self) -> DemandFilter:
        overdue, due_soon = self.deadline_combo.currentData() or (False, False)
        received_from, received_to = received_range(self.received_combo.currentData(),
                                                    clock.today())
        status = self.status_combo.currentData()
        return DemandFilter(statuses=frozenset({status}) if status else frozenset(),
                            kind=self.kind_combo.currentData(),
                            source=self.source_combo.currentData(),
                            grid_id=self.grid_combo.currentData(),
                            unit_id=self.unit_combo.currentData(), overdue=overdue,
                            due_soon=due_soon, received_from=received_from,
                            received_to=received_to, text=self.search.text())

    def apply_filter(self, demand_filter: DemandFilter) -> None:
        """Show ``demand_filter`` in the bar (one reload afterwards)."""
        self._quiet = True
        try:
            status = next(iter(demand_filter.statuses), None)
            for box, value in ((self.status_combo, status), (self.kind_combo, demand_filter.kind),
                               (self.source_combo, demand_filter.source),
                               (self.grid_combo, demand_filter.grid_id),
                               (self.unit_combo, demand_filter.unit_id)):
                box.setCurrentIndex(max(0, box.findData(value)))
            wanted = (demand_filter.overdue, demand_filter.due_soon)
            self.deadline_combo.setCurrentIndex(
                next(i for i, (_t, v) in enumerate(DEADLINE_CHOICES) if v == wanted))
            self._show_received(demand_filter.received_from, demand_filter.received_to)
            self.search.setText(demand_filter.text)
            self.search_timer.stop()
        finally:
            self._quiet = False
        self.run(self.load_list())

    def _show_received(self, start: date | None, end: date | None) -> None:
        """Select the received-date entry for ``start``–``end`` (a range entry is added
        for dates no preset covers, and dropped when another entry is chosen)."""
        choice = received_choice(start, end, clock.today())
        box = self.received_combo
        for index in range(box.count() - 1, len(RECEIVED_CHOICES) - 1, -1):
            box.removeItem(index)  # an earlier range entry
        if isinstance(choice, tuple):
            box.addItem(range_text(start, end), choice)
        box.setCurrentIndex(max(0, box.findData(choice)))

    def _on_filter(self, *_args: object) -> None:
        if not self._quiet:
            self.search_timer.stop()
            self.run(self.load_list())

    def clear_filters(self) -> None:
        self.apply_filter(DemandFilter())

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- loading ---------------------------------------------------------------------
    async def reload(self, select: str | None = None) -> None:
        """The pickers (grids, units, saved filters), then the list."""
        choices = await self.env.tasks.db(desk_choices, self.env.context.uow())
        self.actions.choices = choices
        self._quiet = True
        try:
            _refill(self.grid_combo, [(g.name, g.id) for g in choices.grids])
            _refill(self.unit_combo, [(u.name, u.id) for u in choices.units])
            self._fill_saved()
        finally:
            self._quiet = False
        await self.load_list(select=select)
        self.loaded = True

    async def load_list(self, select: str | None = None) -> None:
        """The first page at once, then the total."""
        self._generation += 1
        generation = self._generation
        demand_filter, sort = self.current_filter(), self.sort_combo.currentData()
        uow = self.env.context.uow
        page = await self.env.tasks.db(list_demands, uow(), filter=demand_filter, sort=sort,
                                       with_total=False)
        if generation != self._generation:
            return
        keep = select or (self.detail.detail.demand.id if self.detail.detail else None)
        self.model.reset(page)
        self.notice_label.setText(page.notice)
        self.total_label.setText(page.total_text or "正在统计……")
        self._select(keep)
        if page.total is None:
            total, capped = await self.env.tasks.db(count_demands, uow(), filter=demand_filter)
            if generation == self._generation:
                self.total_label.setText(f"超过 {total:,} 件" if capped else f"共 {total:,} 件")

    async def _fetch_more(self, cursor: DemandCursor) -> None:
        generation = self._generation
        page = await self.env.tasks.db(list_demands, self.env.context.uow(),
                                       filter=self.current_filter(),
                                       sort=self.sort_combo.currentData() or DemandSort.RECEIVED_DESC,
                                       after=cursor)
        if generation == self._generation:
            self.model.append(page)

    def _select(self, demand_id: str | None) -> None:
        row = self.model.find(demand_id) if demand_id else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row < 0:
            self.detail.show_detail(None)
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self.run(self.load_detail(self.model.row_at(row).id))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._quiet:
            row = self.model.row_at(current.row())
            if not self.detail.detail or self.detail.detail.demand.id != row.id:
                self.run(self.load_detail(row.id))

    async def load_detail(self, demand_id: str, phone: str | None = None) -> None:
        self._detail_generation += 1
        generation = self._detail_generation
        detail = await self.env.tasks.db(demands.get_demand, self.env.context.uow(), demand_id)
        if generation == self._detail_generation:
            self.detail.show_detail(detail, phone)
            self.detail.set_role(self.env.context.actor.role)

    def select_demand(self, demand_id: str) -> None:
        self._select(demand_id)

    # --- actions on the selected demand ----------------------------------------------------
    @page_slot
    async def act(self, action: DemandAction) -> None:
        detail = self.detail.detail
        if detail is not None:
            await self.actions.perform(detail, action)

    async def _after_action(self, demand_id: str) -> None:
        await self.load_list(select=demand_id)
        await self.load_detail(demand_id)

    @page_slot
    async def reveal_phone(self) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        context = self.env.context
        phone = await self.env.tasks.db(demands.reveal_reporter_phone, context.uow(),
                                        actor=context.actor, demand_id=detail.demand.id)
        await self.load_detail(detail.demand.id, phone=phone)

    @page_slot
    async def add_attachment(self) -> None:
        detail = self.detail.detail
        path = self.ask_open_path("选择照片或文档", "照片和文档 (*.jpg *.jpeg *.png *.pdf *.doc "
                                  "*.docx *.xls *.xlsx);;所有文件 (*)") if detail else None
        if not path or detail is None:
            return
        context = self.env.context
        try:
            added = await self.env.tasks.db(store_attachment, context.paths, context.uow(),
                                            actor=context.actor, demand_id=detail.demand.id,
                                            source_path=Path(path))
        except DomainError as error:
            messages.show_error(self, error)
            return
        self.status_message.emit(f"已添加附件“{added.file_name}”")
        await self.load_detail(detail.demand.id)
        self.detail.tabs.setCurrentIndex(2)

    def _file_present(self, sha256: str) -> bool:
        return attachment_path(self.env.context.paths, sha256).is_file()

    def open_attachment(self, sha256: str) -> None:
        path = attachment_path(self.env.context.paths, sha256)
        if not path.is_file():  # linked on another PC, its bytes not downloaded yet
            self.notify("附件尚未下载", f"该附件{NOT_DOWNLOADED}：它由本街道的其他终端添加，"
                        "本机同步时会自动下载。请稍后同步后再打开；如多次同步后仍未下载，"
                        "请让添加附件的终端先完成同步。")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # --- saved filters -------------------------------------------------------------------
    def _fill_saved(self) -> None:
        names = list(saved_filters(self.env.context))
        _refill(self.saved_combo, [(name, name) for name in names])
        self.delete_filter_button.setEnabled(bool(names))

    def _on_saved(self, _index: int) -> None:
        name = self.saved_combo.currentData()
        found = saved_filters(self.env.context).get(name) if name else None
        if found is not None:
            self.apply_filter(found)

    def ask_filter_name(self) -> str | None:  # tests replace it
        name, ok = QInputDialog.getText(self, "保存筛选", "筛选名称（例如“本周超期”）：")
        return name if ok else None

    def save_current_filter(self) -> None:
        name = self.ask_filter_name()
        if name is None:
            return
        try:
            save_filter(self.env.context, name, self.current_filter())
        except DomainError as error:
            messages.show_error(self, error)
            return
        self._fill_saved()
        self.saved_combo.setCurrentIndex(self.saved_combo.findData(name.strip()))
        self.status_message.emit(f"已保存筛选“{name.strip()}”")

    def delete_saved_filter(self) -> None:
        name = self.saved_combo.currentData()
        if name and delete_filter(self.env.context, name):
            self._fill_saved()
            self.status_message.emit(f"已删除筛选“{name}”")

    # --- export ------------------------------------------------------------------------
    @page_slot
    async def export(self) -> None:
        path = self.ask_save_path("导出诉求列表", "诉求列表.xlsx", XLSX_FILTER)
        if not path:
            return
        context, demand_filter = self.env.context, self.current_filter()
        sort = self.sort_combo.currentData()

        def work(progress: ProgressCallback, cancel: CancelToken) -> int:
            return export_demands(context.uow(), Path(path), actor=context.actor,
                                  filter=demand_filter, sort=sort, progress=progress,
                                  cancel=cancel)

        try:
            written = await run_with_progress(self.env.tasks, self, "正在导出诉求列表", work,
                                              pool="cpu")
        except Exception as error:
            messages.show_error(self, error)
            return
        self.notify("导出完成", f"已导出 {written:,} 件诉求到：\n{path}")


def _refill(box, entries: list[tuple[str, object]]) -> None:  # type: ignore[no-untyped-def]
    kept = box.currentData()
    while box.count() > 1:
        box.removeItem(1)
    for text, value in entries:
        box.addItem(text, value)
    box.setCurrentIndex(max(0, box.findData(kept)))

