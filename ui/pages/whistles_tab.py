"""吹哨 tab of 诉求与吹哨 (seed 004): the whistles, newest first, with their negative-list
flags coloured; filters (text, kind, status, unit, only flagged) and paging for the
scale data set; the selected whistle's units (应哨人, 报到 due and done, answer,
solution, evaluation); the commands 吹哨, 记录报到, 记录答复/方案, 评价, 结案; and the
month's 负面清单.

Keyboard: Ctrl+N 吹哨, F5 记录报到, F6 答复, F7 评价, Ctrl+F search, Enter in the list
records the 报到 of the selected unit. The page holds no rule: the services compute
deadlines and flags and refuse what the role may not do (the buttons are gated the
same way through ``WorkPage.gate_controls``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.permissions import Permission
from desktop.domain.whistles import WhistleKind, WhistleStatus
from desktop.services.units import list_units
from desktop.services.whistles import (
    WhistleDetail,
    WhistlePage,
    WhistleRow,
    list_whistles,
    whistle_choices,
    whistle_detail,
)
from ui.dialogs import messages
from ui.dialogs.whistle_dialogs import (
    ArrivalDialog,
    CallWhistleDialog,
    CloseDialog,
    EvaluateDialog,
    ResponseDialog,
)
from ui.env import UiEnv
from ui.models.row_table import SORT_ROLE, RowTableModel
from ui.pages.base import page_slot
from ui.pages.whistles_layout import WHISTLE_COLUMNS, NegativeListDialog, WhistleDetailPane
from ui.pages.work_page import TIP_PROPERTY, WorkPage, list_table, read_only_note, role_note_label

PAGE_SIZE = 200
_COMMANDS = (  # key, text, shortcut, tip
    ("call", "吹哨", "Ctrl+N", "向部门吹哨：按清单事项建议应哨单位和应哨人"),
    ("arrive", "记录报到", "F5", "记录所选单位的应哨人到场报到的时间"),
    ("respond", "记录答复/方案", "F6", "记录部门的答复和处置结果；攻坚哨记录总应哨人的解决措施"),
    ("evaluate", "评价", "F7", "街道对应哨单位的评价：满意、基本满意、不满意"),
    ("close", "结案", "", "问题解决后结案"),
)


class WhistlesTab(WorkPage):
    title = "吹哨"
    last_dir_key = "whistles_last_dir"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.page_data: WhistlePage | None = None
        self.offset = 0
        self._generation = 0
        self._detail_generation = 0
        self.model: RowTableModel[WhistleRow] = RowTableModel(WHISTLE_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSourceModel(self.model)
        self.table = list_table(self.proxy, sort_column=7)
        self.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)
        self.detail = WhistleDetailPane()
        self.role_note = role_note_label()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, shortcut, tip in _COMMANDS:
            button = QPushButton(text + (f"（{shortcut}）" if shortcut else ""))
            button.setProperty(TIP_PROPERTY, tip)
            self.buttons[key] = button
            if shortcut:
                QShortcut(QKeySequence(shortcut), self, button.click,
                          context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.negative_button = QPushButton("负面清单")
        self.negative_button.setToolTip("按月查看不报到、乱吹哨、有哨不吹、推诿、报到不作为（系统计算）")
        self._build_filters()
        self._lay_out()
        self._connect()
        self._update_actions()

    def _build_filters(self) -> None:
        self.search = QLineEdit(placeholderText="哨号或事由（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("全部类型", None)
        for kind in WhistleKind:
            self.kind_filter.addItem(kind.label, kind.value)
        self.status_filter = QComboBox()
        self.status_filter.addItem("全部状态", None)
        for status in WhistleStatus:
            self.status_filter.addItem(status.label, status.value)
        self.unit_filter = QComboBox()
        self.unit_filter.addItem("全部单位", None)
        self.unit_filter.setMinimumWidth(180)
        self.flagged = QCheckBox("只看负面清单")
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #5f6b78;")
        self.previous_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")

    def _lay_out(self) -> None:
        commands = QHBoxLayout()
        for button in self.buttons.values():
            commands.addWidget(button)
        commands.addSpacing(16)
        commands.addWidget(self.negative_button)
        commands.addStretch(1)
        commands.addWidget(self.role_note)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for widget in (self.kind_filter, self.status_filter, self.unit_filter, self.flagged):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        filters.addWidget(self.previous_button)
        filters.addWidget(self.next_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(commands)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        handlers = {"call": self.call, "arrive": self.arrive, "respond": self.respond,
                    "evaluate": self.evaluate, "close": self.close_whistle}
        for key, handler in handlers.items():
            self.buttons[key].clicked.connect(handler)
        self.negative_button.clicked.connect(self.show_negative_list)
        for combo in (self.kind_filter, self.status_filter, self.unit_filter):
            combo.currentIndexChanged.connect(self._on_filter)
        self.flagged.toggled.connect(self._on_filter)
        self.search.returnPressed.connect(self._on_filter)
        self.previous_button.clicked.connect(lambda: self._turn(-1))
        self.next_button.clicked.connect(lambda: self._turn(1))
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.detail.targets_view.selectionModel().selectionChanged.connect(self._update_actions)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, self.buttons["arrive"].click,
                      context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # --- loading ---------------------------------------------------------------------------
    async def reload(self, select: str | None = None) -> None:
        """Reload the units of the filter and the page shown; keep (or set) the selection."""
        if self.unit_filter.count() == 1:
            units = await self.env.tasks.db(list_units, self.env.context.uow())
            self.unit_filter.blockSignals(True)
            for unit in units:
                self.unit_filter.addItem(unit.short_name or unit.name, unit.id)
            self.unit_filter.blockSignals(False)
        current = self.current_whistle()
        await self._load(select or (current.id if current else None))
        self.loaded = True

    async def _load(self, keep: str | None) -> None:
        self._generation += 1
        generation = self._generation
        page = await self.env.tasks.db(
            list_whistles, self.env.context.uow(), kind=self.kind_filter.currentData(),
            status=self.status_filter.currentData(), unit_id=self.unit_filter.currentData(),
            flagged=self.flagged.isChecked(), text=self.search.text(), offset=self.offset,
            limit=PAGE_SIZE)
        if generation != self._generation:
            return
        self.page_data = page
        self.model.set_rows(list(page.rows))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(3, min(self.table.columnWidth(3), 320))
        self.table.setColumnWidth(4, min(self.table.columnWidth(4), 260))
        self.count_label.setText(page.text)
        self.previous_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(self.offset + len(page.rows) < page.total)
        if not page.rows:
            self.detail.show_message("没有符合条件的吹哨记录。可以按 Ctrl+N 吹哨，或放宽筛选条件。")
            self._update_actions()
            return
        if not (keep and self.select_whistle(keep)):
            self.table.selectRow(0)
        await self._load_detail()

    async def _load_detail(self) -> None:
        whistle = self.current_whistle()
        if whistle is None:
            self.detail.show_detail(None)
            self._update_actions()
            return
        self._detail_generation += 1
        generation = self._detail_generation
        detail = await self.env.tasks.db(whistle_detail, self.env.context.uow(), whistle.id)
        if generation == self._detail_generation:
            self._show(detail)

    def _show(self, detail: WhistleDetail) -> None:
        self.detail.show_detail(detail)
        if detail.targets:
            waiting = next((i for i, t in enumerate(detail.targets) if t.arrived_at is None), 0)
            self.detail.targets_view.selectRow(waiting)
        self._update_actions()

    # --- selection and filters -----------------------------------------------------------------
    def current_whistle(self) -> WhistleRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def select_whistle(self, whistle_id: str) -> bool:
        for row, whistle in enumerate(self.model.rows()):
            if whistle.id == whistle_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectRow(index.row())
                self.table.scrollTo(index)
                return True
        return False

    def _on_current(self, *_args: object) -> None:
        self.run(self._load_detail())

    def _on_filter(self, *_args: object) -> None:
        self.offset = 0
        self.run(self._load(None))

    def _turn(self, step: int) -> None:
        self.offset = max(0, self.offset + step * PAGE_SIZE)
        self.run(self._load(None))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_actions(self, *_args: object) -> None:
        detail = self.detail.detail
        open_ = detail is not None and detail.whistle.status is not WhistleStatus.CLOSED
        waiting = open_ and any(t.arrived_at is None for t in detail.targets)  # type: ignore[union-attr]
        wanted = {"call": True, "arrive": waiting, "respond": open_,
                  "evaluate": detail is not None and bool(detail.targets), "close": open_}
        self.gate_controls(wanted=wanted, actions=self.buttons,
                           permissions={key: Permission.WHISTLE_CALL for key in self.buttons},
                           buttons={}, note=read_only_note(self.env.context.actor.role,
                                                           (Permission.WHISTLE_CALL,), "吹哨记录"))

    # --- commands ------------------------------------------------------------------------------
    def _chosen_target(self) -> str | None:
        target = self.detail.selected_target()
        return target.id if target else None

    async def _after(self, dialog: Any, message: str) -> None:
        if await self.run_dialog(dialog) and dialog.result is not None:
            detail: WhistleDetail = dialog.result
            await self.changed(message.format(number=detail.whistle.number),
                               select=detail.whistle.id)

    @page_slot
    async def call(self) -> None:
        try:
            choices = await self.env.tasks.db(whistle_choices, self.env.context.uow())
        except Exception as error:
            messages.show_error(self, error)
            return
        dialog = CallWhistleDialog(self.env, choices, self)
        self.run(dialog.propose())
        await self._after(dialog, "已吹哨：{number}")

    @page_slot
    async def arrive(self) -> None:
        if self.detail.detail is not None:
            await self._after(ArrivalDialog(self.env, self.detail.detail, self._chosen_target(),
                                            self), "已记录报到：{number}")

    @page_slot
    async def respond(self) -> None:
        if self.detail.detail is not None:
            await self._after(ResponseDialog(self.env, self.detail.detail, self._chosen_target(),
                                             self), "已记录答复：{number}")

    @page_slot
    async def evaluate(self) -> None:
        if self.detail.detail is not None:
            await self._after(EvaluateDialog(self.env, self.detail.detail, self._chosen_target(),
                                             self), "已评价应哨单位：{number}")

    @page_slot
    async def close_whistle(self) -> None:
        if self.detail.detail is not None:
            await self._after(CloseDialog(self.env, self.detail.detail, self), "已结案：{number}")

    @page_slot
    async def show_negative_list(self) -> None:
        dialog = NegativeListDialog(self.env, self)
        self.run(dialog.load())
        await self.run_dialog(dialog)
