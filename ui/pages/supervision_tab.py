"""督办: the open demands overdue (red) or due within a working day (yellow), the
earliest deadline first, with the working days overdue and the unit; 督办 records a
reminder on the demand's timeline (the same form as on the list), and 生成督办单
drafts the formal 督办单 through the documents module when it is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.domain.demand_states import DemandAction
from desktop.domain.permissions import Permission, allowed
from desktop.services import demands
from desktop.services.demand_lists import DemandCursor, DemandListRow
from desktop.services.demand_supervision import supervision_page
from ui.dialogs import messages
from ui.env import UiEnv
from ui.models.demand_list_model import (
    DEMAND_COLUMNS,
    DUE_SOON_COLOUR,
    OVERDUE_COLOUR,
    DemandListModel,
    ListColumn,
)
from ui.pages.base import page_slot
from ui.pages.demand_actions import DemandActions
from ui.pages.work_page import WorkPage, gate, list_table, role_note_label

DOCUMENTS_MODULE = "desktop.documents.supervision"
NO_DOCUMENTS = "文书模块尚未提供“督办单”，暂不能生成。请先在此记录督办意见，督办单待文书模块上线后补发。"


def _days(_row: DemandListRow, days: Any) -> str:
    if days is None:
        return "无法计算"
    return f"超期 {days} 个工作日" if days else "即将到期"


_PICK = {"受理编号", "标题", "网格", "主办单位", "状态", "办理期限"}
SUPERVISION_COLUMNS = (
    *(c for c in DEMAND_COLUMNS if c.title in _PICK),
    ListColumn("超期情况", _days, 130),
)


def documents_available() -> bool:
    return importlib.util.find_spec(DOCUMENTS_MODULE) is not None


class SupervisionTab(WorkPage):
    title = "督办"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self._generation = 0
        self.model = DemandListModel(SUPERVISION_COLUMNS, self)
        self.model.fetcher = lambda cursor: self.run(self._fetch_more(cursor))
        self.actions = DemandActions(self, self._after)
        self.table = list_table(self.model)
        self.table.setSortingEnabled(False)
        for column, spec in enumerate(SUPERVISION_COLUMNS):
            self.table.horizontalHeader().resizeSection(column, spec.width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.supervise())
        self.summary = QLabel("")
        self.summary.setStyleSheet("font-weight: 600;")
        self.supervise_button = QPushButton("督办…")
        self.supervise_button.setProperty("allowedTip", "对所选诉求督办：督办意见记入办理过程")
        self.supervise_button.clicked.connect(self.supervise)
        self.document_button = QPushButton("生成督办单")
        self.document_button.setProperty("allowedTip", "为所选诉求起草督办单（文书）")
        self.document_button.clicked.connect(self.draft_document)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(lambda: self.run(self.reload()))
        self.role_note = role_note_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self._bar())
        layout.addWidget(self.role_note)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._gate())
        self._gate()

    def _bar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.summary)
        row.addStretch(1)
        for colour, text in ((OVERDUE_COLOUR, "已超期"), (DUE_SOON_COLOUR, "即将到期（一个工作日内）")):
            swatch = QLabel(text)
            swatch.setStyleSheet(f"background: {colour}; padding: 1px 8px; border-radius: 3px;")
            row.addWidget(swatch)
        row.addSpacing(12)
        for button in (self.refresh_button, self.supervise_button, self.document_button):
            row.addWidget(button)
        return row

    def _gate(self) -> None:
        role = self.env.context.actor.role
        chosen = self.current_row() is not None
        gate(self.supervise_button, Permission.DEMAND_HANDLE, role, chosen)
        gate(self.document_button, Permission.DOCUMENT_DRAFT, role, chosen)
        note = "" if allowed(role, Permission.DEMAND_HANDLE) else \
            f"只读：您的角色（{role.label}）可以查看督办清单，不能督办"
        self.role_note.setText(note)
        self.role_note.setVisible(bool(note))

    # --- loading -----------------------------------------------------------------------
    async def reload(self, select: str | None = None) -> None:
        self._generation += 1
        generation = self._generation
        found = await self.env.tasks.db(supervision_page, self.env.context.uow())
        if generation != self._generation:
            return
        self.model.reset(found.page, found.overdue_days)
        overdue = sum(1 for days in found.overdue_days if days)
        more = "（向下滚动加载更多）" if found.page.next else ""
        self.summary.setText(f"待督办：本页超期 {overdue} 件，即将到期 "
                             f"{len(found.overdue_days) - overdue} 件{more}")
        row = self.model.find(select) if select else -1
        if self.model.rowCount():
            self.table.selectRow(max(row, 0))
        self._gate()
        self.loaded = True

    async def _fetch_more(self, cursor: DemandCursor) -> None:
        generation = self._generation
        found = await self.env.tasks.db(supervision_page, self.env.context.uow(), after=cursor)
        if generation == self._generation:
            self.model.append(found.page, found.overdue_days)

    def current_row(self) -> DemandListRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    async def _after(self, demand_id: str) -> None:
        await self.reload(select=demand_id)

    # --- commands ------------------------------------------------------------------------
    @page_slot
    async def supervise(self) -> None:
        row = self.current_row()
        if row is None or not self.supervise_button.isEnabled():
            return
        detail = await self.env.tasks.db(demands.get_demand, self.env.context.uow(), row.id)
        await self.actions.perform(detail, DemandAction.SUPERVISE)

    @page_slot
    async def draft_document(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if not documents_available():
            self.notify("文书模块尚未提供", NO_DOCUMENTS)
            return
        module = importlib.import_module(DOCUMENTS_MODULE)
        context = self.env.context
        try:
            result = await self.env.tasks.db(module.draft_supervision_document, context.uow(),
                                             actor=context.actor, demand_id=row.id)
        except Exception as error:
            messages.show_error(self, error)
            return
        text = getattr(result, "message", None) or f"已为诉求 {row.number} 起草督办单。"
        self.notify("督办单已起草", text)
        self.data_changed.emit()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.supervise()
            return
        super().keyPressEvent(event)
