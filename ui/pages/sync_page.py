"""同步: the district link at a glance, the outbox, conflicts with both sides, the history
of runs, 立即同步, and the connection settings (system administrator only).

The page holds no rule: conflict choices come from the policy the district stated
(``resendable``), the services check permissions, and the run itself is the shared
``SyncController`` (the status bar shows the same state). The app stays usable while a
sync runs; nothing here blocks the loop.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.permissions import Permission
from desktop.sync.labels import field_label, value_text
from desktop.sync.services import (
    OP_LABELS,
    STATE_LABELS,
    ConflictItem,
    OutboxItem,
    RunItem,
    SyncOverview,
    dismiss_refused,
    list_conflicts,
    list_outbox,
    list_runs,
    resolve_conflict,
    table_label,
)
from ui.dialogs.messages import show_error
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.sync_settings import SyncSettingsBox
from ui.pages.work_page import WorkPage, gate, list_table
from ui.sync_status import controller_for, status_text

_TIME = "%Y-%m-%d %H:%M:%S"
RESULT_LABELS = {"ok": "成功", "failed": "失败", "running": "进行中"}
TRIGGER_LABELS = {"manual": "手动", "auto": "自动", "cli": "命令行", "enroll": "注册后首次"}

OUTBOX_COLUMNS: tuple[Column[OutboxItem], ...] = (
    Column("序号", lambda r: str(r.seq), sort_key=lambda r: r.seq, align_right=True),
    Column("数据", lambda r: table_label(r.table)),
    Column("操作", lambda r: OP_LABELS.get(r.op, r.op)),
    Column("状态", lambda r: STATE_LABELS.get(r.state, r.state),
           background=lambda r: "#fde2e1" if r.state in ("rejected", "conflict") else None),
    Column("产生时间", lambda r: r.created_at.strftime(_TIME), sort_key=lambda r: r.created_at),
    Column("尝试次数", lambda r: str(r.attempts), sort_key=lambda r: r.attempts, align_right=True),
    Column("说明", lambda r: r.last_error, tooltip=lambda r: r.last_error),
)
CONFLICT_COLUMNS: tuple[Column[ConflictItem], ...] = (
    Column("时间", lambda c: c.created_at.strftime(_TIME), sort_key=lambda c: c.created_at),
    Column("数据", lambda c: table_label(c.table)),
    Column("记录", lambda c: _record_name(c)),
    Column("原因", lambda c: c.reason, tooltip=lambda c: c.reason),
)
RUN_COLUMNS: tuple[Column[RunItem], ...] = (
    Column("开始时间", lambda r: r.started_at.strftime(_TIME), sort_key=lambda r: r.started_at),
    Column("方式", lambda r: TRIGGER_LABELS.get(r.trigger, r.trigger)),
    Column("结果", lambda r: RESULT_LABELS.get(r.result, r.result),
           background=lambda r: "#fde2e1" if r.result == "failed" else None),
    Column("上传", lambda r: str(r.pushed), sort_key=lambda r: r.pushed, align_right=True),
    Column("下载", lambda r: str(r.pulled), sort_key=lambda r: r.pulled, align_right=True),
    Column("冲突", lambda r: str(r.conflicts), sort_key=lambda r: r.conflicts, align_right=True),
    Column("说明", lambda r: r.error, tooltip=lambda r: r.error),
)
_NAME_FIELDS = ("name", "title", "number", "code")


def _record_name(conflict: ConflictItem) -> str:
    for side in (conflict.local, conflict.server):
        for key in _NAME_FIELDS:
            if side.get(key):
                return str(side[key])
    return conflict.record_id


HIDDEN_FIELDS = ("id", "version", "created_at", "updated_at")


def _shown(name: str, value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value_text(name, value)


class SyncPage(WorkPage):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.controller = controller_for(env)
        self.outbox_model: RowTableModel[OutboxItem] = RowTableModel(OUTBOX_COLUMNS, self)
        self.conflict_model: RowTableModel[ConflictItem] = RowTableModel(CONFLICT_COLUMNS, self)
        self.run_model: RowTableModel[RunItem] = RowTableModel(RUN_COLUMNS, self)
        title = QLabel("与区级平台同步")
        title.setObjectName("pageTitle")
        self.settings = SyncSettingsBox(env)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._outbox_tab(), "待上传")
        self.tabs.addTab(self._conflict_tab(), "冲突")
        self.tabs.addTab(self._runs_tab(), "同步记录")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addWidget(self._summary_box())
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.settings)
        self._connect()

    # --- construction ----------------------------------------------------------------
    def _summary_box(self) -> QGroupBox:
        self.summary = QLabel("正在读取同步状态……")
        self.summary.setWordWrap(True)
        self.detail_line = QLabel()
        self.detail_line.setWordWrap(True)
        self.detail_line.setStyleSheet("color: #555;")
        self.sync_button = QPushButton("立即同步")
        self.sync_button.setObjectName("primary")
        self.sync_button.setProperty("allowedTip", "上传本机修改并下载区级平台的更新")
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(260)
        self.progress_bar.hide()
        text = QVBoxLayout()
        text.addWidget(self.summary)
        text.addWidget(self.detail_line)
        row = QHBoxLayout()
        row.addLayout(text, 1)
        row.addWidget(self.progress_bar)
        row.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignTop)
        box = QGroupBox("同步状态")
        box.setLayout(row)
        return box

    def _outbox_tab(self) -> QWidget:
        self.outbox_view = list_table(self.outbox_model)
        for column, width in enumerate((60, 110, 90, 110, 160, 80)):
            self.outbox_view.setColumnWidth(column, width)
        self.outbox_view.horizontalHeader().setStretchLastSection(True)
        self.outbox_note = QLabel()
        self.dismiss_button = QPushButton("确认已阅拒收项")
        self.dismiss_button.setProperty("allowedTip", "被区级平台拒收的修改不会再上传；确认后从列表移除")
        bar = QHBoxLayout()
        bar.addWidget(self.outbox_note, 1)
        bar.addWidget(self.dismiss_button)
        return _tab(bar, self.outbox_view)

    def _conflict_tab(self) -> QWidget:
        self.conflict_view = list_table(self.conflict_model)
        for column, width in enumerate((150, 90, 200)):
            self.conflict_view.setColumnWidth(column, width)
        self.conflict_view.horizontalHeader().setStretchLastSection(True)
        self.sides = QTableWidget(0, 3)
        self.sides.setHorizontalHeaderLabels(["字段", "本机版本", "区级平台版本"])
        self.sides.verticalHeader().setVisible(False)
        self.sides.horizontalHeader().setStretchLastSection(True)
        self.sides.setColumnWidth(0, 140)
        self.sides.setColumnWidth(1, 220)
        self.take_district = QPushButton("采用区级平台版本")
        self.take_district.setProperty("allowedTip", "本机改为平台的版本")
        self.resend_mine = QPushButton("以本机为准重新上传")
        self.resend_mine.setProperty("allowedTip", "以本机版本覆盖平台的修改（仅街道负责的数据）")
        self.policy_note = QLabel("选择一条冲突，查看两边的版本。")
        self.policy_note.setWordWrap(True)
        self.policy_note.setStyleSheet("color: #444;")
        # room for three lines: a wrapped label next to a stretching table gets squeezed
        self.policy_note.setMinimumHeight(self.policy_note.fontMetrics().lineSpacing() * 3 + 6)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.take_district)
        buttons.addWidget(self.resend_mine)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.sides, 1)
        right_layout.addWidget(self.policy_note)
        right_layout.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.conflict_view)
        split.addWidget(right)
        split.setSizes([520, 620])
        return _tab(None, split)

    def _runs_tab(self) -> QWidget:
        self.run_view = list_table(self.run_model, sort_column=0)
        for column, width in enumerate((160, 90, 70, 70, 70, 70)):
            self.run_view.setColumnWidth(column, width)
        self.run_view.horizontalHeader().setStretchLastSection(True)
        self.run_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        return _tab(None, self.run_view)

    def _connect(self) -> None:
        self.sync_button.clicked.connect(lambda: self.run(self.sync_now()))
        self.dismiss_button.clicked.connect(lambda: self.run(self.dismiss()))
        self.take_district.clicked.connect(lambda: self.run(self.resolve("district")))
        self.resend_mine.clicked.connect(lambda: self.run(self.resolve("mine")))
        self.conflict_view.selectionModel().selectionChanged.connect(self._show_conflict)
        self.controller.overview_changed.connect(self._show_overview)
        self.controller.running_changed.connect(self._on_running)
        self.controller.progress.connect(self._on_progress)
        self.controller.run_finished.connect(self._on_finished)
        self.settings.changed.connect(self._on_settings_changed)
        self._show_conflict()

    # --- loading ---------------------------------------------------------------------
    async def reload(self, select: Any = None) -> None:
        overview = await self.controller.refresh()
        uow = self.env.context.uow
        outbox = await self.env.tasks.db(list_outbox, uow())
        conflicts = await self.env.tasks.db(list_conflicts, uow())
        runs = await self.env.tasks.db(list_runs, uow())
        self.outbox_model.set_rows(outbox)
        self.conflict_model.set_rows(conflicts)
        self.run_model.set_rows(runs)
        self.settings.show_overview(overview)
        self.tabs.setTabText(0, f"待上传（{overview.waiting}）")
        self.tabs.setTabText(1, f"冲突（{overview.conflicts}）")
        self.outbox_note.setText(f"共 {len(outbox)} 条：{overview.waiting} 条待上传，"
                                 f"{overview.rejected} 条被拒收，{overview.conflicts} 条冲突。")
        self._show_conflict()
        self.loaded = True

    def _show_overview(self, overview: SyncOverview) -> None:
        text, tip = status_text(overview, self.controller.running)
        self.summary.setText(text.removeprefix("同步："))
        details = []
        if overview.enrolled:
            details.append(f"平台 {overview.server_url}，街道 {overview.street_code}，"
                           f"终端号 {overview.client_id}")
            if not overview.initial_pull_done and overview.pulled_records:
                details.append(f"首次下载已完成 {overview.pulled_records}"
                               f"/{overview.pull_total or '?'} 条，下次同步时继续")
        if overview.last_error:
            details.append(f"上次同步失败：{overview.last_error}")
        self.detail_line.setText("\n".join(details) or tip)
        role = self.env.context.actor.role
        gate(self.sync_button, Permission.SYNC_RUN, role,
             overview.enrolled and not self.controller.running)
        gate(self.dismiss_button, Permission.SYNC_RUN, role, overview.rejected > 0)

    def _selected_conflict(self) -> ConflictItem | None:
        rows = self.conflict_view.selectionModel().selectedRows()
        return self.conflict_model.row_at(rows[0].row()) if rows else None

    def _show_conflict(self) -> None:
        conflict = self._selected_conflict()
        role = self.env.context.actor.role
        gate(self.take_district, Permission.SYNC_RUN, role, conflict is not None)
        gate(self.resend_mine, Permission.SYNC_RUN, role,
             conflict is not None and conflict.resendable)
        self.sides.setRowCount(0)
        if conflict is None:
            self.policy_note.setText("选择一条冲突，查看两边的版本。")
            return
        self.policy_note.setText(
            conflict.reason + ("\n可以采用平台版本，或以本机为准重新上传。" if conflict.resendable
                               else "\n这部分数据由区级平台负责，只能采用平台版本。"))
        names = [k for k in dict.fromkeys([*conflict.local, *conflict.server])
                 if not k.startswith("_") and k not in HIDDEN_FIELDS]
        differs = [k for k in names if conflict.server and
                   _shown(k, conflict.local.get(k)) != _shown(k, conflict.server.get(k))]
        names = differs + [k for k in names if k not in differs]  # what differs on top
        self.sides.setRowCount(len(names))
        for row, name in enumerate(names):
            mine, theirs = conflict.local.get(name), conflict.server.get(name)
            cells = (field_label(name), _shown(name, mine),
                     _shown(name, theirs) if conflict.server else "（平台未提供）")
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if name in differs:
                    item.setBackground(QColor("#fff1b8"))
                self.sides.setItem(row, column, item)

    # --- commands --------------------------------------------------------------------
    async def sync_now(self) -> None:
        try:
            await self.controller.sync_now("manual")
        except Exception as error:
            show_error(self, error)
        await self.reload()
        self.data_changed.emit()

    async def resolve(self, choice: str) -> None:
        conflict = self._selected_conflict()
        if conflict is None:
            return
        try:
            await self.env.tasks.db(resolve_conflict, self.env.context.uow(),
                                    actor=self.env.context.actor, conflict_id=conflict.id,
                                    choice=choice)
        except Exception as error:
            show_error(self, error)
            return
        done = "已采用区级平台版本" if choice == "district" else "本机版本将在下次同步时重新上传"
        await self.changed(f"冲突已处理：{done}。")

    async def dismiss(self) -> None:
        try:
            count = await self.env.tasks.db(dismiss_refused, self.env.context.uow(),
                                            actor=self.env.context.actor)
        except Exception as error:
            show_error(self, error)
            return
        await self.changed(f"已确认 {count} 条拒收项。")

    # --- controller signals ----------------------------------------------------------
    def _on_running(self, running: bool) -> None:
        self.progress_bar.setVisible(running)
        self.progress_bar.setRange(0, 0)
        if self.controller.overview is not None:
            self._show_overview(self.controller.overview)

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if total:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        self.detail_line.setText(text)

    def _on_finished(self, message: str, _success: bool) -> None:
        self.status_message.emit(message)

    def _on_settings_changed(self, message: str) -> None:
        self.status_message.emit(message)
        self.run(self._after_settings())

    async def _after_settings(self) -> None:
        await self.reload()
        if self.controller.overview and self.controller.overview.enrolled:
            await self.sync_now()


def _tab(bar: QHBoxLayout | None, body: QWidget) -> QWidget:
    tab = QWidget()
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(8, 8, 8, 8)
    if bar is not None:
        layout.addLayout(bar)
    layout.addWidget(body, 1)
    return tab
