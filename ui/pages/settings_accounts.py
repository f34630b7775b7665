"""设置 › 用户账号: the system administrator's list of accounts, with 新建账号, 重置密码,
停用/启用 and 修改角色; and 修改我的密码 for whoever is logged in.

The tab shows what the services return and calls them; every rule (who may manage
accounts, the last administrator, password strength) is refused in the core, and the
refusal is shown in the dialog or in a message box.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import DomainError
from desktop.services.accounts import UserRow, list_users, set_disabled
from ui.dialogs.account_dialogs import NewAccountDialog, ResetPasswordDialog, RoleDialog
from ui.dialogs.form_dialog import await_dialog
from ui.dialogs.login import ChangePasswordDialog
from ui.dialogs.messages import ask, show_error
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import Page, page_slot

_STATE_COLOURS = {"已停用": "#eceff1", "须修改密码": "#fff8e1"}


def _state_colour(row: UserRow) -> str | None:
    if row.locked_until is not None and not row.disabled:
        return "#fdecea"
    return _STATE_COLOURS.get(row.state_label)


COLUMNS: list[Column[UserRow]] = [
    Column("登录名", lambda r: r.username),
    Column("姓名", lambda r: r.display_name),
    Column("角色", lambda r: r.role.label),
    Column("状态", lambda r: r.state_label, background=_state_colour),
    Column("最近登录", lambda r: f"{r.last_login_at:%Y-%m-%d %H:%M}" if r.last_login_at
           else "从未登录", sort_key=lambda r: r.last_login_at.isoformat() if r.last_login_at
           else ""),
]


class AccountsTab(Page):
    title = "用户账号"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.active_dialog: QDialog | None = None  # the open dialog (tests reach it here)
        self.model: RowTableModel[UserRow] = RowTableModel(COLUMNS, self)
        self._build_table()
        bar = self._build_buttons(env)
        note = QLabel(
            "新建或重置密码的账号，本人首次登录时须改为自己的密码。连续 5 次输错密码的账号"
            "锁定 15 分钟，重置密码可立即解锁。停用的账号不能登录，其历史记录保留。"
            "至少保留一名在用的系统管理员。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        self._update_buttons()

    def _build_table(self) -> None:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._on_role())

    def _build_buttons(self, env: UiEnv) -> QHBoxLayout:
        self.new_button = QPushButton("新建账号")
        self.new_button.setObjectName("primary")
        self.reset_button = QPushButton("重置密码")
        self.toggle_button = QPushButton("停用")
        self.role_button = QPushButton("修改角色")
        self.own_password_button = QPushButton("修改我的密码")
        self.own_password_button.setEnabled(env.context.actor.user_id is not None)
        for button, handler in ((self.new_button, self._on_new),
                                (self.reset_button, self._on_reset),
                                (self.toggle_button, self._on_toggle),
                                (self.role_button, self._on_role),
                                (self.own_password_button, self._on_own_password)):
            button.clicked.connect(handler)
        bar = QHBoxLayout()
        for button in (self.new_button, self.reset_button, self.toggle_button,
                       self.role_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.own_password_button)
        return bar

    # --- data ------------------------------------------------------------------------
    async def reload(self, select: str | None = None) -> None:
        keep = select or (self.selected().id if self.selected() else None)
        rows = await self.env.tasks.db(list_users, self.env.context.uow(),
                                       actor=self.env.context.actor)
        self.model.set_rows(rows)
        for number, row in enumerate(rows):
            if row.id == keep:
                self.table.selectionModel().select(
                    self.model.index(number, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
        self._update_buttons()
        self.loaded = True

    def selected(self) -> UserRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_username(self, username: str) -> None:
        for number, row in enumerate(self.model.rows()):
            if row.username == username:
                self.table.selectRow(number)

    def _update_buttons(self, *_args: object) -> None:
        row = self.selected()
        for button in (self.reset_button, self.toggle_button, self.role_button):
            button.setEnabled(row is not None)
        self.toggle_button.setText("启用" if row is not None and row.disabled else "停用")

    # --- commands --------------------------------------------------------------------
    async def _run_dialog(self, dialog: QDialog) -> bool:
        self.active_dialog = dialog
        try:
            return await await_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            self.active_dialog = None
            dialog.deleteLater()

    async def _changed(self, message: str, select: str | None = None) -> None:
        self.status_message.emit(message)
        self.data_changed.emit()
        await self.reload(select)

    @page_slot
    async def _on_new(self) -> None:
        dialog = NewAccountDialog(self.env, self)
        if await self._run_dialog(dialog) and dialog.result_row is not None:
            row = dialog.result_row
            await self._changed(f"已新建账号 {row.username}（{row.display_name}）", row.id)

    @page_slot
    async def _on_reset(self) -> None:
        row = self.selected()
        if row is not None and await self._run_dialog(ResetPasswordDialog(self.env, row, self)):
            await self._changed(f"已重置 {row.username} 的密码，本人下次登录时须修改")

    @page_slot
    async def _on_role(self) -> None:
        row = self.selected()
        if row is not None and await self._run_dialog(RoleDialog(self.env, row, self)):
            await self._changed(f"已修改 {row.username} 的角色")

    @page_slot
    async def _on_toggle(self) -> None:
        row = self.selected()
        if row is None:
            return
        disable = not row.disabled
        if disable and not await ask(
                self, "停用账号",
                f"停用后，{row.username}（{row.display_name}）将不能登录，已有的记录保留。"
                "确定停用吗？"):
            return
        try:
            await self.env.tasks.db(set_disabled, self.env.context.uow(),
                                    actor=self.env.context.actor, username=row.username,
                                    disabled=disable)
        except DomainError as error:
            show_error(self, error)
            return
        await self._changed(f"已{'停用' if disable else '启用'}账号 {row.username}")

    @page_slot
    async def _on_own_password(self) -> None:
        if await self._run_dialog(ChangePasswordDialog(self.env, self.env.context.actor,
                                                       parent=self)):
            self.status_message.emit("密码已修改，下次登录请使用新密码")
