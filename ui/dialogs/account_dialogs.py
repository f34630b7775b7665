"""Dialogs of 设置 › 用户账号: a new account, a password reset, a role change; and the
first administrator's fields the first-run wizard shares.

Every rule (username shape, password strength, the last administrator) is the core's;
the dialogs only check that the two password fields agree (with the core's sentence)
before calling the service, and stay open with the message on a refusal.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from desktop.domain.actor import Role
from desktop.domain.errors import ValidationError
from desktop.domain.permissions import Permission, allowed
from desktop.services.accounts import (
    UserRow,
    check_confirmation,
    create_user,
    reset_password,
    set_role,
)
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.grid_dialog import EnumCombo
from ui.env import UiEnv

PASSWORD_RULE = "密码至少 8 位，须同时包含英文字母和数字，不能包含登录名。"


def password_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(placeholderText=placeholder)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #666;")
    return label


def role_summary(role: Role) -> str:
    """What a role may do, in the permission matrix's own words."""
    may = [permission.label for permission in Permission if allowed(role, permission)]
    return f"{role.label}可以：{'；'.join(may)}。"


def role_combo(current: Role) -> tuple[EnumCombo[Role], QLabel]:
    """A role chooser and a line that says what the chosen role may do."""
    combo: EnumCombo[Role] = EnumCombo(list(Role))
    combo.set_value(current)
    summary = hint(role_summary(current))
    combo.currentIndexChanged.connect(lambda _i: summary.setText(role_summary(combo.value())))
    return combo, summary


class AdminAccountForm(QGroupBox):
    """登录名, 姓名, 密码, 确认密码: the first system administrator of an install."""

    def __init__(self, title: str = "系统管理员账号", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.username = QLineEdit(placeholderText="英文字母开头，如 admin 或 zhangsan")
        self.username.setMaxLength(32)
        self.display_name = QLineEdit(placeholderText="真实姓名，显示在审计日志中")
        self.display_name.setMaxLength(40)
        self.password = password_edit("至少 8 位，字母和数字都要有")
        self.confirm = password_edit("再输入一次")
        form = self.form = QFormLayout(self)
        form.addRow("登录名 *", self.username)
        form.addRow("姓名 *", self.display_name)
        form.addRow("密码 *", self.password)
        form.addRow("确认密码 *", self.confirm)
        form.addRow(hint("此账号可管理其他账号、备份数据和修改设置；请牢记密码，"
                         "忘记后只能由另一名系统管理员重置。"))

    def check_confirmation(self) -> None:
        check_confirmation(self.password.text(), self.confirm.text())

    def field_widget(self, field: str) -> QWidget | None:
        return {"登录名": self.username, "姓名": self.display_name, "密码": self.password,
                "确认密码": self.confirm}.get(field)


class NewAccountDialog(FormDialog):
    """新建账号: the owner must replace the initial password at the first login."""

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, "新建账号", "新建", parent)
        self.result_row: UserRow | None = None
        self.username = QLineEdit(placeholderText="英文字母开头，如 zhangsan")
        self.username.setMaxLength(32)
        self.display_name = QLineEdit(placeholderText="真实姓名")
        self.display_name.setMaxLength(40)
        self.role, self.role_summary = role_combo(Role.OPERATOR)
        self.password = password_edit("告诉本人的临时密码")
        self.confirm = password_edit("再输入一次")
        form = QFormLayout()
        form.addRow("登录名 *", self.username)
        form.addRow("姓名 *", self.display_name)
        form.addRow("角色 *", self.role)
        form.addRow("", self.role_summary)
        form.addRow("初始密码 *", self.password)
        form.addRow("确认密码 *", self.confirm)
        self.body.addLayout(form)
        self.body.addWidget(hint(f"{PASSWORD_RULE}新账号首次登录时须修改为只有本人知道的密码。"))

    def field_widget(self, field: str) -> QWidget | None:
        return {"登录名": self.username, "姓名": self.display_name, "角色": self.role,
                "密码": self.password, "确认密码": self.confirm}.get(field)

    async def submit(self) -> None:
        check_confirmation(self.password.text(), self.confirm.text())
        self.result_row = await self.env.tasks.db(
            create_user, self.env.context.uow(), actor=self.env.context.actor,
            username=self.username.text(), display_name=self.display_name.text(),
            role=self.role.value(), password=self.password.text(),
        )


class ResetPasswordDialog(FormDialog):
    """重置密码: a temporary password; the lock is lifted and a change is forced."""

    def __init__(self, env: UiEnv, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(env, f"重置密码 — {user.display_name}", "重置", parent)
        self.user = user
        self.password = password_edit("新的临时密码")
        self.confirm = password_edit("再输入一次")
        form = QFormLayout()
        form.addRow("账号", QLabel(f"{user.username}（{user.display_name}，{user.role.label}）"))
        form.addRow("临时密码 *", self.password)
        form.addRow("确认密码 *", self.confirm)
        self.body.addLayout(form)
        self.body.addWidget(hint(f"{PASSWORD_RULE}重置后账号随即解锁，"
                                 "本人下次登录时须修改密码。"))

    def field_widget(self, field: str) -> QWidget | None:
        return {"新密码": self.password, "确认密码": self.confirm}.get(field)

    async def submit(self) -> None:
        check_confirmation(self.password.text(), self.confirm.text())
        await self.env.tasks.db(
            reset_password, self.env.context.uow(), actor=self.env.context.actor,
            username=self.user.username, new_password=self.password.text(),
        )


class RoleDialog(FormDialog):
    """修改角色: what the account may do from its next login on."""

    def __init__(self, env: UiEnv, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(env, f"修改角色 — {user.display_name}", "保存", parent)
        self.user = user
        self.role, self.role_summary = role_combo(user.role)
        form = QFormLayout()
        form.addRow("账号", QLabel(f"{user.username}（{user.display_name}）"))
        form.addRow("角色", self.role)
        form.addRow("", self.role_summary)
        self.body.addLayout(form)
        self.body.addWidget(hint("新角色在该账号下次登录时生效。"))

    async def submit(self) -> None:
        if self.role.value() is self.user.role:
            raise ValidationError("角色", "没有变化：请选择另一个角色，或点“取消”。")
        await self.env.tasks.db(
            set_role, self.env.context.uow(), actor=self.env.context.actor,
            username=self.user.username, role=self.role.value(),
        )
