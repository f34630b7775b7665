"""设置 › 备份与恢复: where backups go and how many are kept, the list of backups,
backing up now and restoring from a backup.

The tab holds no rule: the services check permissions, folders and files, and refuse in
Chinese. After a restore the running program still shows the old data and may hold an
older schema, so the tab locks itself and offers to quit; the next start migrates.
File and folder choosers are methods so tests can replace them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.backup import (
    MAX_KEEP,
    BackupInfo,
    BackupKind,
    BackupSettings,
    RestoreResult,
    backup_now,
    list_backups,
    load_backup_settings,
    restore_in_app,
    save_backup_settings,
)
from ui.dialogs.messages import ask
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import Page, page_slot
from ui.tasks import run_with_progress

COLUMNS: tuple[Column[BackupInfo], ...] = (
    Column("时间", lambda b: b.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
           sort_key=lambda b: b.taken_at),
    Column("类型", lambda b: b.kind.label),
    Column("大小", lambda b: b.size_text, sort_key=lambda b: b.size, align_right=True),
    Column("文件", lambda b: b.path.name, tooltip=lambda b: str(b.path)),
)
NOTE = ("程序每天自动备份一次（启动后和运行中每隔几小时检查）；“升级前”和“恢复前”的备份"
        "保存在数据目录的 backups 文件夹中，不会自动删除。建议把备份文件夹设在另一块磁盘或 U 盘上。")


class BackupsTab(Page):
    # Emitted once the database file was replaced: the shell should stop loading pages
    # (they would read the restored, possibly older, file) until the program restarts.
    restart_required = Signal(str)

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.restored: RestoreResult | None = None
        self.model: RowTableModel[BackupInfo] = RowTableModel(COLUMNS, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self._settings_box())
        layout.addWidget(self._list_box(), 1)
        self._connect()

    # --- construction ----------------------------------------------------------------
    def _settings_box(self) -> QGroupBox:
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("备份文件夹的完整路径")
        self.choose_button = QPushButton("选择文件夹…")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        self.keep_daily = _count_box()
        self.keep_manual = _count_box()
        self.save_button = QPushButton("保存设置")
        form = QFormLayout()
        form.addRow("备份文件夹", folder_row)
        form.addRow("每日备份保留", _left(self.keep_daily, "超出后自动删除最旧的每日备份"))
        form.addRow("手动备份保留", _left(self.keep_manual, "超出后自动删除最旧的手动备份"))
        note = QLabel(NOTE)
        note.setWordWrap(True)
        note.setObjectName("hint")
        note.setStyleSheet("color: #555;")
        buttons = QHBoxLayout()
        buttons.addWidget(note, 1)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        box = QGroupBox("备份设置")
        inner = QVBoxLayout(box)
        inner.addLayout(form)
        inner.addLayout(buttons)
        return box

    def _list_box(self) -> QGroupBox:
        self.backup_button = QPushButton("立即备份")
        self.backup_button.setObjectName("primary")
        self.restore_button = QPushButton("恢复所选备份…")
        self.restore_file_button = QPushButton("从其他文件恢复…")
        self.open_button = QPushButton("打开备份文件夹")
        self.summary = QLabel()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; padding: 8px;")
        self.banner.hide()
        bar = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.restore_file_button,
                       self.open_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.summary)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        for column, width in enumerate((170, 130, 90)):  # room to breathe beside the text
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        box = QGroupBox("备份文件")
        inner = QVBoxLayout(box)
        inner.addWidget(self.banner)
        inner.addLayout(bar)
        inner.addWidget(self.view, 1)
        return box

    def _connect(self) -> None:
        self.choose_button.clicked.connect(self._on_choose_folder)
        self.save_button.clicked.connect(self._on_save)
        self.backup_button.clicked.connect(self._on_backup)
        self.restore_button.clicked.connect(self._on_restore_selected)
        self.restore_file_button.clicked.connect(self._on_restore_file)
        self.open_button.clicked.connect(self._on_open_folder)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(lambda _index: self._on_restore_selected())
        self._update_buttons()

    # --- loading ---------------------------------------------------------------------
    async def reload(self) -> None:
        context = self.env.context
        settings = await self.env.tasks.db(load_backup_settings, context)
        backups = await self.env.tasks.db(list_backups, context)
        self._show_settings(settings)
        self._show_backups(backups)
        self.loaded = True

    def _show_settings(self, settings: BackupSettings) -> None:
        self.folder_edit.setText(str(settings.folder))
        self.keep_daily.setValue(settings.keep_daily)
        self.keep_manual.setValue(settings.keep_manual)

    def _show_backups(self, backups: list[BackupInfo]) -> None:
        self.model.set_rows(backups)
        daily = [b.taken_at for b in backups if b.kind is BackupKind.DAILY]
        last = f"，最近一次每日备份 {max(daily):%Y-%m-%d %H:%M}" if daily else "，尚无每日备份"
        self.summary.setText(f"共 {len(backups)} 个备份{last}")
        self._update_buttons()

    def selected_backup(self) -> BackupInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_args: object) -> None:
        open_ = self.restored is None
        for widget in (self.save_button, self.backup_button, self.restore_file_button,
                       self.choose_button):
            widget.setEnabled(open_)
        self.restore_button.setEnabled(open_ and self.selected_backup() is not None)

    # --- settings --------------------------------------------------------------------
    def _on_choose_folder(self) -> None:
        folder = self.ask_folder(self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    @page_slot
    async def _on_save(self) -> None:
        context = self.env.context
        saved = await self.env.tasks.db(
            save_backup_settings, context, actor=context.actor,
            folder=self.folder_edit.text().strip(), keep_daily=self.keep_daily.value(),
            keep_manual=self.keep_manual.value())
        self._show_settings(saved)
        self.status_message.emit("备份设置已保存")
        await self.reload()

    # --- backup and restore ----------------------------------------------------------
    @page_slot
    async def _on_backup(self) -> None:
        context = self.env.context
        self.backup_button.setEnabled(False)
        try:
            path = await run_with_progress(
                self.env.tasks, self, "立即备份",
                lambda progress, cancel: backup_now(context, actor=context.actor,
                                                    progress=progress, cancel=cancel))
        finally:
            self._update_buttons()
        self.status_message.emit(f"数据库已备份到 {path}")
        await self.reload()

    @page_slot
    async def _on_restore_selected(self) -> None:
        chosen = self.selected_backup()
        if chosen is not None and self.restored is None:
            await self._restore(chosen.path)

    @page_slot
    async def _on_restore_file(self) -> None:
        path = self.ask_restore_file(str(load_backup_settings(self.env.context).folder))
        if path:
            await self._restore(Path(path))

    async def _restore(self, source: Path) -> None:
        question = (f"用备份 {source.name} 替换当前数据库？\n\n"
                    "当前数据库会先另存到 backups 文件夹（类型为“恢复前的原数据”），不会丢失。"
                    "恢复后须重新启动程序。")
        if not await ask(self, "从备份恢复", question):
            return
        self.status_message.emit("正在恢复数据库……")
        result = await self.env.tasks.db(restore_in_app, self.env.context, source)
        self.restored = result
        self.banner.setText(f"{result.message}\n在重新启动之前，请不要再修改数据。")
        self.banner.show()
        self._update_buttons()
        self.status_message.emit("数据库已恢复，请重新启动程序")
        self.restart_required.emit(result.message)
        if await ask(self, "需要重新启动", f"{result.message}\n\n现在退出程序吗？"):
            self.quit_app()

    # --- files and the window (tests replace these) ------------------------------------
    def ask_folder(self, start: str) -> str | None:
        return QFileDialog.getExistingDirectory(self, "选择备份文件夹", start) or None

    def ask_restore_file(self, start: str) -> str | None:
        path, _chosen = QFileDialog.getOpenFileName(
            self, "选择要恢复的备份文件", start, "数据库备份 (*.sqlite3 *.db);;所有文件 (*)")
        return path or None

    def _on_open_folder(self) -> None:
        folder = self.folder_edit.text().strip() or str(self.env.context.paths.backups)
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def quit_app(self) -> None:
        """Close the main window; the app's main coroutine ends when it is closed."""
        self.window().close()


def _count_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, MAX_KEEP)
    box.setSuffix(" 份")
    box.setMinimumWidth(110)
    return box


def _left(widget: QWidget, hint: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget)
    label = QLabel(hint)
    label.setStyleSheet("color: #555;")
    row.addWidget(label)
    row.addStretch(1)
    return row
