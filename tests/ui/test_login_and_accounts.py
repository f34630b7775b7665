"""Login, the forced password change, the first administrator and 设置 › 用户账号,
driven as a user would: typing, pressing Enter, clicking buttons."""

from __future__ import annotations

from dataclasses import replace

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.demo_accounts import DEMO_ACCOUNTS, add_demo_accounts
from desktop.domain.actor import Actor, Role
from desktop.services import accounts
from desktop.services.subcenter import get_sub_center
from tests.conftest import STREET
from tests.ui.conftest import run, screenshot, settle, type_text
from ui.dialogs.account_dialogs import NewAccountDialog, ResetPasswordDialog
from ui.dialogs.first_run import FirstAdminDialog, FirstRunDialog, run_first_admin
from ui.dialogs.login import MUST_CHANGE_FIRST, LoginDialog, run_login
from ui.pages.settings_accounts import AccountsTab

PASSWORD = "fr2026zgl"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def admin(ui_env, street) -> Actor:  # type: ignore[no-untyped-def]
    ui_env.sub_center = street
    accounts.create_first_admin(ui_env.context.uow(), username="admin", display_name="周管理",
                                password=PASSWORD)
    actor = accounts.authenticate(ui_env.context.uow(), username="admin", password=PASSWORD)
    ui_env.context.actor = actor
    return actor


def _login_dialog(qtbot, ui_env) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(ui_env)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _try(qtbot, ui_env, dialog: LoginDialog, username: str | None, password: str,  # type: ignore[no-untyped-def]
         *, wait: bool = True) -> None:
    if username is not None:
        dialog.username.clear()
        type_text(qtbot, dialog.username, username)
    type_text(qtbot, dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter logs in
    if wait:
        settle(qtbot, ui_env)


def test_a_wrong_then_a_right_password(qtbot, ui_env, admin) -> None:
    dialog = _login_dialog(qtbot, ui_env)
    assert dialog.username.text() == "" and not dialog.demo_hint.isVisible()
    _try(qtbot, ui_env, dialog, "admin", "wrong2026")
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == accounts.WRONG_CREDENTIALS
    assert dialog.password.text() == "" and dialog.password.hasFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        _try(qtbot, ui_env, dialog, None, PASSWORD)
    assert dialog.actor == admin
    # The username (never the password) is remembered and filled in next time.
    again = _login_dialog(qtbot, ui_env)
    assert again.username.text() == "admin" and again.password.text() == ""
    assert ui_env.context.settings.get("last_username") == "admin"


def test_five_wrong_passwords_lock_the_account(qtbot, ui_env, admin) -> None:
    dialog = _login_dialog(qtbot, ui_env)
    type_text(qtbot, dialog.username, "admin")
    for attempt in range(accounts.LOCKOUT_ATTEMPTS):
        _try(qtbot, ui_env, dialog, None, f"wrong{attempt}xx")
    assert "连续 5 次密码错误，账号已锁定" in dialog.error_label.text()
    _try(qtbot, ui_env, dialog, None, PASSWORD)
    assert dialog.isVisible() and "账号已锁定" in dialog.error_label.text()
    screenshot(dialog, "dialog-login-locked")


def test_the_demo_install_lists_the_demo_accounts(qtbot, ui_env, admin) -> None:
    ui_env.sub_center = replace(ui_env.sub_center, is_demo=True)
    ui_env.context.settings.set("last_username", "admin")
    dialog = _login_dialog(qtbot, ui_env)
    assert dialog.demo_hint.isVisible()
    shown = QTextDocumentFragment.fromHtml(dialog.demo_hint.text()).toPlainText()
    assert "密码均为 demo2026" in shown
    assert all(username in shown and role.label in shown for username, _, role in DEMO_ACCOUNTS)
    assert dialog.focusWidget() is dialog.password  # the username is already there
    screenshot(dialog, "dialog-login")


def test_a_new_account_must_set_its_own_password_first(qtbot, ui_env, admin) -> None:
    accounts.create_user(ui_env.context.uow(), actor=admin, username="lina",
                         display_name="李娜", role=Role.OPERATOR, password="start2026")
    dialog = _login_dialog(qtbot, ui_env)
    _try(qtbot, ui_env, dialog, "lina", "start2026", wait=False)
    qtbot.waitUntil(lambda: dialog.change_dialog is not None and dialog.change_dialog.isVisible())
    change = dialog.change_dialog
    assert not change.old_password.isVisible()  # just typed: not asked again
    type_text(qtbot, change.new_password, "mine2026x")
    type_text(qtbot, change.confirm, "mine2026y")
    qtbot.mouseClick(change.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: change.error_label.isVisible() and change.ok_button.isEnabled())
    assert "不一致" in change.error_label.text() and change.isVisible()
    screenshot(change, "dialog-change-password")
    change.confirm.clear()
    type_text(qtbot, change.confirm, "mine2026x")
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        qtbot.mouseClick(change.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert dialog.actor is not None and dialog.actor.name == "李娜"
    assert not accounts.needs_password_change(ui_env.context.uow(), actor=dialog.actor)
    assert accounts.authenticate(ui_env.context.uow(), username="lina",
                                 password="mine2026x") == dialog.actor


def test_cancelling_the_forced_change_does_not_log_in(qtbot, ui_env, admin) -> None:
    accounts.create_user(ui_env.context.uow(), actor=admin, username="lina",
                         display_name="李娜", role=Role.OPERATOR, password="start2026")
    dialog = _login_dialog(qtbot, ui_env)
    _try(qtbot, ui_env, dialog, "lina", "start2026", wait=False)
    qtbot.waitUntil(lambda: dialog.change_dialog is not None and dialog.change_dialog.isVisible())
    qtbot.mouseClick(dialog.change_dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.text() == MUST_CHANGE_FIRST)
    assert dialog.isVisible() and dialog.actor is None


def test_run_login_returns_none_when_the_user_quits(qtbot, ui_env, admin) -> None:
    task = ui_env.tasks.spawn(run_login(ui_env))

    def shown() -> LoginDialog | None:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, LoginDialog) and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: shown() is not None)
    qtbot.mouseClick(shown().quit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(task.done)
    assert task.result() is None


# --- first run --------------------------------------------------------------------------
def _fill_street(qtbot, dialog: FirstRunDialog) -> None:  # type: ignore[no-untyped-def]
    type_text(qtbot, dialog.street, STREET["street_name"])
    type_text(qtbot, dialog.division_code, STREET["division_code"])
    type_text(qtbot, dialog.authority, STREET["issuing_authority"])
    type_text(qtbot, dialog.prefix, STREET["doc_prefix"])


def _fill_admin(qtbot, form, password: str, confirm: str) -> None:  # type: ignore[no-untyped-def]
    for edit, text in ((form.username, "admin"), (form.display_name, "周管理"),
                       (form.password, password), (form.confirm, confirm)):
        edit.clear()
        type_text(qtbot, edit, text)


def _refused(qtbot, ui_env, dialog: FirstRunDialog) -> str:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert dialog.isVisible(), "a refused set-up must keep the dialog open"
    assert get_sub_center(ui_env.context.uow()) is None
    assert not accounts.users_exist(ui_env.context.uow())
    return dialog.error_label.text()


def test_first_run_stores_sub_center_and_admin_together_or_nothing(qtbot, ui_env) -> None:
    dialog = FirstRunDialog(ui_env)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill_street(qtbot, dialog)
    _fill_admin(qtbot, dialog.admin, PASSWORD, "fr2026zgx")
    assert "不一致" in _refused(qtbot, ui_env, dialog)
    assert dialog.admin.confirm.hasFocus()
    # Refused by the service inside the transaction, after the sub-center was added:
    _fill_admin(qtbot, dialog.admin, "admin2026", "admin2026")
    assert "不能包含登录名" in _refused(qtbot, ui_env, dialog)
    _fill_admin(qtbot, dialog.admin, PASSWORD, PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    outcome = dialog.outcome
    assert outcome is not None and outcome.sub_center == get_sub_center(ui_env.context.uow())
    assert outcome.actor is not None
    assert (outcome.actor.name, outcome.actor.role) == ("周管理", Role.SYSADMIN)
    assert accounts.authenticate(ui_env.context.uow(), username="admin",
                                 password=PASSWORD) == outcome.actor


def test_an_install_without_accounts_creates_its_administrator(qtbot, ui_env, street) -> None:
    task = ui_env.tasks.spawn(run_first_admin(ui_env))

    def shown() -> FirstAdminDialog | None:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, FirstAdminDialog) and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: shown() is not None)
    dialog = shown()
    _fill_admin(qtbot, dialog.admin, "short1", "short1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and dialog.ok_button.isEnabled())
    assert "至少需要 8 个字符" in dialog.error_label.text()
    assert not accounts.users_exist(ui_env.context.uow())
    _fill_admin(qtbot, dialog.admin, PASSWORD, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(task.done, timeout=5_000)
    actor = task.result()
    assert actor is not None and actor.role is Role.SYSADMIN


# --- 设置 › 用户账号 ------------------------------------------------------------------------
def _tab(qtbot, ui_env) -> AccountsTab:  # type: ignore[no-untyped-def]
    tab = AccountsTab(ui_env)
    qtbot.addWidget(tab)
    tab.resize(1000, 520)
    tab.show()
    run(qtbot, ui_env, tab.reload())
    return tab


def _open(qtbot, tab: AccountsTab, button):  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.active_dialog is not None and tab.active_dialog.isVisible())
    return tab.active_dialog


def _ok(qtbot, ui_env, dialog) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)


def _states(tab: AccountsTab) -> dict[str, str]:
    return {row.username: row.state_label for row in tab.model.rows()}


def _message_box(qtbot, tab: AccountsTab) -> QMessageBox:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: any(box.isVisible() for box in tab.findChildren(QMessageBox)))
    return next(box for box in tab.findChildren(QMessageBox) if box.isVisible())


def test_create_reset_and_disable_by_clicking(qtbot, ui_env, admin) -> None:
    tab = _tab(qtbot, ui_env)
    assert _states(tab) == {"admin": "正常"}
    assert not tab.reset_button.isEnabled() and not tab.toggle_button.isEnabled()
    dialog = _open(qtbot, tab, tab.new_button)
    assert isinstance(dialog, NewAccountDialog)
    type_text(qtbot, dialog.username, "LiNa")
    type_text(qtbot, dialog.display_name, "李娜")
    dialog.role.set_value(Role.CLERK)
    type_text(qtbot, dialog.password, "start2026")
    type_text(qtbot, dialog.confirm, "start2026")
    screenshot(dialog, "dialog-new-account")
    _ok(qtbot, ui_env, dialog)
    assert _states(tab) == {"admin": "正常", "lina": "须修改密码"}
    assert tab.selected().username == "lina" and tab.reset_button.isEnabled()

    reset = _open(qtbot, tab, tab.reset_button)
    assert isinstance(reset, ResetPasswordDialog) and reset.user.username == "lina"
    type_text(qtbot, reset.password, "lina2026")  # contains the username: refused
    type_text(qtbot, reset.confirm, "lina2026")
    qtbot.mouseClick(reset.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reset.error_label.isVisible() and reset.ok_button.isEnabled())
    assert "不能包含登录名" in reset.error_label.text()
    for edit in (reset.password, reset.confirm):
        edit.clear()
        type_text(qtbot, edit, "temp2026x")
    _ok(qtbot, ui_env, reset)
    assert accounts.authenticate(ui_env.context.uow(), username="lina",
                                 password="temp2026x").role is Role.CLERK

    assert tab.toggle_button.text() == "停用"
    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)
    box = _message_box(qtbot, tab)
    box.button(QMessageBox.StandardButton.Yes).click()
    settle(qtbot, ui_env)
    assert _states(tab)["lina"] == "已停用"
    assert tab.toggle_button.text() == "启用"
    with pytest.raises(accounts.AuthenticationError, match="账号已停用"):
        accounts.authenticate(ui_env.context.uow(), username="lina", password="temp2026x")


def test_the_tab_shows_the_cores_refusal(qtbot, ui_env, admin) -> None:
    tab = _tab(qtbot, ui_env)
    tab.select_username("admin")
    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)
    _message_box(qtbot, tab).button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: any("不能停用自己" in box.text()
                                for box in tab.findChildren(QMessageBox) if box.isVisible()))
    settle(qtbot, ui_env)
    assert _states(tab)["admin"] == "正常"


def test_screenshot_of_the_accounts_tab(qtbot, ui_env, street) -> None:
    with ui_env.context.uow() as uow:
        add_demo_accounts(uow)
        uow.commit()
    admin = accounts.authenticate(ui_env.context.uow(), username="admin", password="demo2026")
    ui_env.context.actor = admin
    accounts.set_disabled(ui_env.context.uow(), actor=admin, username="wenshu", disabled=True)
    accounts.reset_password(ui_env.context.uow(), actor=admin, username="zuoxi",
                            new_password="temp2026x")
    tab = _tab(qtbot, ui_env)
    tab.select_username("zhuren")
    assert len(tab.model.rows()) == 5
    screenshot(tab, "page-settings-accounts")


def test_changing_a_role_by_clicking(qtbot, ui_env, admin) -> None:
    accounts.create_user(ui_env.context.uow(), actor=admin, username="lina",
                         display_name="李娜", role=Role.OPERATOR, password="start2026")
    tab = _tab(qtbot, ui_env)
    tab.select_username("lina")
    dialog = _open(qtbot, tab, tab.role_button)
    assert "坐席可以：查看网格" in dialog.role_summary.text()
    dialog.role.set_value(Role.GRID_ADMIN)
    assert "导入网格、人员和边界" in dialog.role_summary.text()
    _ok(qtbot, ui_env, dialog)
    assert {r.username: r.role for r in tab.model.rows()}["lina"] is Role.GRID_ADMIN
    assert tab.selected().username == "lina"
