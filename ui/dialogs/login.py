"""Logging in: the login dialog, and the password change forced after a reset or on a
new account's first login.

``run_login`` shows the dialog without a nested event loop (``open()`` and an awaited
``finished``); ``authenticate`` runs on the database thread. A refusal (wrong password,
lock, disabled account) appears in red under the form and the dialog stays open. The
last username is remembered in the machine's settings file, never the password.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from desktop.domain.actor import Actor
from desktop.domain.errors import DomainError
from desktop.services.accounts import (
    authenticate,
    change_password,
    check_confirmation,
    needs_password_change,
)
from ui.dialogs.account_dialogs import PASSWORD_RULE, hint, password_edit
from ui.dialogs.form_dialog import FormDialog, await_dialog
from ui.env import UiEnv
from ui.tasks import slot

LAST_USERNAME = "last_username"
MUST_CHANGE_FIRST = "须先设置新密码才能开始使用，请重新登录并设置新密码。"


def _demo_hint_html() -> str:
    """The demo accounts in a small table (a wrapped line would split role names)."""
    cells = [f"<td><b>{username}</b>&nbsp;&nbsp;</td><td>{role.label}</td>"
             for username, _name, role in DEMO_ACCOUNTS]
    gap = "<td width='28'></td>"
    rows = "".join(f"<tr>{gap.join(cells[i:i + 2])}</tr>" for i in range(0, len(cells), 2))
    return (f"演示账号，密码均为 <b>{DEMO_PASSWORD}</b>："
            f"<table cellspacing='0' cellpadding='1' style='margin-top: 3px'>{rows}</table>")


class ChangePasswordDialog(FormDialog):
    """修改密码. With ``old_password`` (the forced change right after login) the old
    password is not asked again: the user has just typed it."""

    def __init__(self, env: UiEnv, actor: Actor, *, old_password: str | None = None,
                 parent: QWidget | None = None) -> None:
        forced = old_password is not None
        super().__init__(env, "设置新密码" if forced else "修改我的密码", "确定", parent)
        self.actor = actor
        self._given_old = old_password
        self.old_password = password_edit("当前使用的密码")
        self.new_password = password_edit("至少 8 位，字母和数字都要有")
        self.confirm = password_edit("再输入一次")
        if forced:
            self.body.addWidget(hint(
                f"{actor.name}，您的账号是新建的或密码刚被重置。"
                "请设置一个只有您自己知道的新密码，之后用新密码登录。"))
        form = QFormLayout()
        if not forced:
            form.addRow("原密码 *", self.old_password)
        form.addRow("新密码 *", self.new_password)
        form.addRow("确认新密码 *", self.confirm)
        self.body.addLayout(form)
        self.body.addWidget(hint(PASSWORD_RULE))
        (self.new_password if forced else self.old_password).setFocus()

    def field_widget(self, field: str) -> QWidget | None:
        return {"原密码": self.old_password, "新密码": self.new_password,
                "确认新密码": self.confirm}.get(field)

    async def submit(self) -> None:
        check_confirmation(self.new_password.text(), self.confirm.text(), field="确认新密码")
        old = self._given_old if self._given_old is not None else self.old_password.text()
        await self.env.tasks.db(
            change_password, self.env.context.uow(), actor=self.actor,
            old_password=old, new_password=self.new_password.text(),
        )


class LoginDialog(QDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.actor: Actor | None = None
        self.change_dialog: ChangePasswordDialog | None = None  # while it is open (tests)
        self.setWindowTitle("登录 — 街道综合指挥分中心")
        self.setMinimumWidth(460)
        self.username = QLineEdit(placeholderText="登录名")
        self.username.setMaxLength(40)
        self.password = password_edit("密码")
        form = QFormLayout()
        form.setContentsMargins(0, 6, 0, 0)
        form.setVerticalSpacing(12)
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.demo_hint = hint(_demo_hint_html())
        self.demo_hint.setWordWrap(False)  # short fixed lines; wrapping overestimates height
        self.demo_hint.setStyleSheet(
            "color: #555; background: #f3f6f9; border: 1px solid #d8dee6;"
            " border-radius: 4px; padding: 6px 8px;")
        self.demo_hint.setVisible(bool(env.sub_center and env.sub_center.is_demo))
        self._busy = False
        self._build_buttons()
        self._lay_out(form)
        self.username.setText(str(env.context.settings.get(LAST_USERNAME, "") or ""))
        (self.password if self.username.text() else self.username).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox()
        self.login_button = self.buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.login_button.setDefault(True)
        self.quit_button = self.buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.setAutoDefault(False)  # Enter always means 登录
        self.login_button.clicked.connect(self._on_login)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self, form: QFormLayout) -> None:
        body = QVBoxLayout()
        body.setContentsMargins(28, 18, 28, 18)
        body.setSpacing(10)
        body.addLayout(form)
        body.addWidget(self.error_label)
        body.addWidget(self.demo_hint)
        body.addStretch(1)
        body.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._banner())
        layout.addLayout(body)

    def _banner(self) -> QFrame:
        banner = QFrame()
        banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        banner.setStyleSheet("QFrame { background: #1f3a5a; } QLabel { color: white; }")
        title = QLabel("街道综合指挥分中心")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        center = self.env.sub_center.center_name if self.env.sub_center else ""
        subtitle = QLabel(center or "请登录")
        subtitle.setStyleSheet("color: #c9d6e3;")
        inner = QVBoxLayout(banner)
        inner.setContentsMargins(28, 18, 28, 16)
        inner.setSpacing(4)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        return banner

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self.adjustSize()  # a wrapped two-line message must not squeeze the fields

    def _set_busy(self, busy: bool) -> None:
        # A flag, not disabled widgets: disabling the focused field would hand the focus
        # (and with it Enter) to the 退出 button.
        self._busy = busy
        self.login_button.setText("正在登录……" if busy else "登录")

    @slot(lambda dialog: dialog.env.tasks)
    async def _on_login(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if self._busy:
            return
        if not username or not password:  # Enter in the username field: go on to the password
            (self.password if username else self.username).setFocus()
            return
        self.show_error("")
        self._set_busy(True)
        try:
            actor = await self.env.tasks.db(
                authenticate, self.env.context.uow(), username=username, password=password)
            must_change = await self.env.tasks.db(
                needs_password_change, self.env.context.uow(), actor=actor)
        except DomainError as error:
            self._refused(error.message)
            return
        finally:
            self._set_busy(False)
        self.env.context.settings.set(LAST_USERNAME, username.lower())
        if must_change and not await self._forced_change(actor, password):
            self._refused(MUST_CHANGE_FIRST)
            return
        self.actor = actor
        self.accept()

    def _refused(self, message: str) -> None:
        self.show_error(message)
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    async def _forced_change(self, actor: Actor, password: str) -> bool:
        self.change_dialog = ChangePasswordDialog(self.env, actor, old_password=password,
                                                  parent=self)
        try:
            return await await_dialog(self.change_dialog) == QDialog.DialogCode.Accepted
        finally:
            self.change_dialog.deleteLater()
            self.change_dialog = None


async def run_login(env: UiEnv) -> Actor | None:
    """Ask who is working; the Actor, or None when the user chose 退出."""
    dialog = LoginDialog(env)
    try:
        code = await await_dialog(dialog)
        return dialog.actor if code == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
