"""设置 › 审计日志: who did what, when, newest first; the before/after of the chosen
record; filters; a 「校验完整性」 check of the hash chain; and an export to Excel.

A pure view over ``desktop.services.audit_queries`` (the services check AUDIT_VIEW;
the settings page shows this tab only to roles that hold it). Filters on dates, the
action and the user apply at once; the text search on Enter or 「查询」.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.progress import CancelToken, ProgressCallback
from desktop.services.audit import AuditAction, ChainReport, verify
from desktop.services.audit_queries import (
    DEFAULT_LIMIT,
    AuditChange,
    AuditFilter,
    AuditRow,
    audit_actor_names,
    search_audit,
)
from desktop.spreadsheets.audit import export_audit
from ui.dialogs import messages
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import Page, page_slot
from ui.tasks import run_with_progress

ALL_USERS = "全部用户"
OK_STYLE = "color: #1e6b34;"
BAD_STYLE = "color: #b3261e; font-weight: bold;"
MUTED = "color: #5f6b78;"

AUDIT_COLUMNS: list[Column[AuditRow]] = [
    Column("编号", lambda r: str(r.id), sort_key=lambda r: r.id, align_right=True),
    Column("时间", lambda r: f"{r.occurred_at:%Y-%m-%d %H:%M:%S}"),
    Column("用户", lambda r: r.actor_name),
    Column("角色", lambda r: r.role),
    Column("操作", lambda r: r.action_label),
    Column("对象", lambda r: r.object_text, tooltip=lambda r: f"{r.entity_label} {r.entity_id}"),
    Column("摘要", lambda r: r.summary, tooltip=lambda r: r.summary),
]
OBJECT_COLUMN = 5
CHANGE_COLUMNS: list[Column[AuditChange]] = [
    Column("项目", lambda c: c.field),
    Column("修改前", lambda c: c.before or "—", tooltip=lambda c: c.before),
    Column("修改后", lambda c: c.after or "—", tooltip=lambda c: c.after),
]


def _table(model: RowTableModel[object]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setHighlightSections(False)
    return view


def _to_date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class AuditTab(Page):
    title = "审计日志"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.rows: list[AuditRow] = []
        self.last_report: ChainReport | None = None
        self.last_export: tuple[str, int] | None = None
        self.notice_box: QMessageBox | None = None
        self._generation = 0
        self.model: RowTableModel[AuditRow] = RowTableModel(AUDIT_COLUMNS, self)
        self.changes_model: RowTableModel[AuditChange] = RowTableModel(CHANGE_COLUMNS, self)
        self._build_filters()
        self.table = _table(self.model)  # type: ignore[arg-type]
        self.changes_table = _table(self.changes_model)  # type: ignore[arg-type]
        self.count_label = QLabel()
        self.count_label.setStyleSheet(MUTED)
        self.verify_label = QLabel("尚未校验。点击“校验完整性”检查审计记录是否被改动或删除。")
        self.verify_label.setStyleSheet(MUTED)
        self.verify_label.setWordWrap(True)
        self._lay_out()
        self._connect()
        self._show_detail(None)

    # --- construction ----------------------------------------------------------------
    def _build_filters(self) -> None:
        today = date.today()
        self.use_dates = QCheckBox("日期")
        self.since = _date_edit(today - timedelta(days=30))
        self.until = _date_edit(today)
        self.action = QComboBox()
        self.action.addItem("全部操作", None)
        for member in AuditAction:
            self.action.addItem(member.label, member.value)
        self.user = QComboBox()
        self.user.setEditable(True)
        self.user.addItem(ALL_USERS)
        self.user.setMinimumContentsLength(8)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索摘要，如网格编码、姓名（回车查询）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.query_button = QPushButton("查询")
        self.verify_button = QPushButton("校验完整性")
        self.verify_button.setToolTip("逐条核对审计记录的哈希链，发现被修改、插入或删除的记录")
        self.export_button = QPushButton("导出 Excel")
        self.export_button.setToolTip("把当前筛选条件下的审计记录导出为 Excel（导出本身也会记入审计日志）")
        self._toggle_dates(False)

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.since)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.until)
        bar.addSpacing(12)
        for caption, widget in (("操作", self.action), ("用户", self.user)):
            bar.addWidget(QLabel(caption))
            bar.addWidget(widget)
            bar.addSpacing(12)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.query_button)
        bar.addSpacing(24)
        bar.addWidget(self.verify_button)
        bar.addWidget(self.export_button)
        return bar

    def _detail_pane(self) -> QWidget:
        pane = QFrame()
        pane.setObjectName("card")
        self.detail_title = QLabel()
        self.detail_title.setStyleSheet("font-weight: bold; color: #1f3a5a;")
        self.detail_title.setWordWrap(True)
        self.detail_meta = QLabel()
        self.detail_meta.setStyleSheet(MUTED)
        self.detail_meta.setWordWrap(True)
        self.detail_summary = QLabel()
        self.detail_summary.setWordWrap(True)
        self.detail_summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header = self.changes_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.detail_title)
        layout.addWidget(self.detail_meta)
        layout.addWidget(self.detail_summary)
        caption = QLabel("变更内容")
        caption.setStyleSheet("font-weight: bold; margin-top: 6px;")
        layout.addWidget(caption)
        layout.addWidget(self.changes_table, 1)
        return pane

    def _lay_out(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(len(AUDIT_COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(OBJECT_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(OBJECT_COLUMN, 170)
        header.setSectionResizeMode(len(AUDIT_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self._detail_pane())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([920, 340])
        splitter.setChildrenCollapsible(False)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addSpacing(24)
        footer.addWidget(self.verify_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(self._filter_bar())
        layout.addWidget(splitter, 1)
        layout.addLayout(footer)

    def _connect(self) -> None:
        self.use_dates.toggled.connect(self._toggle_dates)
        self.use_dates.toggled.connect(self.apply_filters)
        self.since.dateChanged.connect(self._on_date)
        self.until.dateChanged.connect(self._on_date)
        self.action.currentIndexChanged.connect(self.apply_filters)
        self.user.activated.connect(self.apply_filters)
        self.user.lineEdit().returnPressed.connect(self.apply_filters)
        self.search.returnPressed.connect(self.apply_filters)
        self.query_button.clicked.connect(self.apply_filters)
        self.verify_button.clicked.connect(self.verify_chain)
        self.export_button.clicked.connect(self.export_excel)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_detail(
                self.model.row_at(current.row()) if current.isValid() else None))

    def _toggle_dates(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)

    def _on_date(self, _value: QDate) -> None:
        if self.use_dates.isChecked():
            self.apply_filters()

    # --- loading ---------------------------------------------------------------------
    def current_filter(self) -> AuditFilter:
        user = self.user.currentText().strip()
        dated = self.use_dates.isChecked()
        action = self.action.currentData()
        return AuditFilter(
            since=_to_date(self.since) if dated else None,
            until=_to_date(self.until) if dated else None,
            action=AuditAction(action) if action else None,
            actor_name=user if user and user != ALL_USERS else None,
            text=self.search.text().strip() or None,
        )

    def apply_filters(self, *_args: object) -> None:
        self.run(self.reload())

    async def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        query, context = self.current_filter(), self.env.context
        rows = await self.env.tasks.db(
            search_audit, context.uow(), actor=context.actor, since=query.since,
            until=query.until, action=query.action, actor_name=query.actor_name,
            text=query.text, limit=DEFAULT_LIMIT)
        names = await self.env.tasks.db(audit_actor_names, context.uow(), actor=context.actor)
        if generation != self._generation:
            return  # a newer search is on its way
        self.rows = rows
        self.model.set_rows(rows)
        self._set_user_names(names)
        more = f"（仅显示最新 {DEFAULT_LIMIT} 条，请缩小范围）" if len(rows) >= DEFAULT_LIMIT else ""
        scope = "" if query.is_empty else f"，筛选：{query.describe()}"
        self.count_label.setText(f"共 {len(rows)} 条记录{more}{scope}")
        if rows:
            self.table.selectRow(0)
        else:
            self._show_detail(None)
        self.loaded = True

    def _set_user_names(self, names: list[str]) -> None:
        typed = self.user.currentText()
        self.user.blockSignals(True)
        self.user.clear()
        self.user.addItem(ALL_USERS)
        self.user.addItems(names)
        self.user.setEditText(typed or ALL_USERS)
        self.user.blockSignals(False)

    def _show_detail(self, row: AuditRow | None) -> None:
        if row is None:
            self.detail_title.setText("未选择记录")
            self.detail_meta.setText("在左侧列表中选择一条记录，查看修改前后的内容。")
            self.detail_summary.setText("")
            self.changes_model.set_rows([])
            return
        self.detail_title.setText(f"第 {row.id} 号 · {row.action_label} · {row.object_text}")
        self.detail_meta.setText(
            f"{row.occurred_at:%Y-%m-%d %H:%M:%S} · {row.actor_name}（{row.role}）")
        self.detail_summary.setText(row.summary)
        self.changes_model.set_rows(list(row.changes))

    # --- verify and export -------------------------------------------------------------
    @page_slot
    async def verify_chain(self) -> None:
        self.verify_button.setEnabled(False)
        self.verify_label.setStyleSheet(MUTED)
        self.verify_label.setText("正在校验……")
        try:
            report = await self.env.tasks.db(verify, self.env.context.uow())
        finally:
            self.verify_button.setEnabled(True)
        self.last_report = report
        if report.ok:
            self.verify_label.setStyleSheet(OK_STYLE)
            self.verify_label.setText("✔ " + report.message)
        else:
            shown = report.problems[:3]
            more = f"（另有 {len(report.problems) - 3} 处）" if len(report.problems) > 3 else ""
            self.verify_label.setStyleSheet(BAD_STYLE)
            self.verify_label.setText("✘ 审计日志校验未通过：" + " ".join(shown) + more)
        self.verify_label.setToolTip(report.message)
        self.status_message.emit(report.message.splitlines()[0])

    def ask_save_path(self) -> str | None:
        """The file to export to (tests replace this method)."""
        name = f"审计日志-{date.today():%Y%m%d}.xlsx"
        path, _chosen = QFileDialog.getSaveFileName(self, "导出审计日志", name,
                                                    "Excel 工作簿 (*.xlsx)")
        if path and not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        return path or None

    @page_slot
    async def export_excel(self) -> None:
        path = self.ask_save_path()
        if not path:
            return
        context, query = self.env.context, self.current_filter()

        def work(progress: ProgressCallback, cancel: CancelToken) -> int:
            return export_audit(context.uow(), Path(path), actor=context.actor, query=query,
                                progress=progress, cancel=cancel)

        try:
            count = await run_with_progress(self.env.tasks, self, "正在导出审计日志", work)
        except Exception as error:
            messages.show_error(self, error)
            return
        self.last_export = (path, count)
        self.status_message.emit(f"已导出 {count} 条审计记录到 {path}")
        await self.reload()  # the export wrote its own audit row
        self._notify("导出完成", f"已导出 {count} 条审计记录到：\n{path}\n\n本次导出已记入审计日志。")

    def _notify(self, title: str, text: str) -> None:
        """Say what was done without blocking the loop (``open()``, not ``exec()``)."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _code: setattr(self, "notice_box", None))
        self.notice_box = box
        box.open()
