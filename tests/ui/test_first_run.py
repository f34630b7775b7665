"""The first-run wizard: a wrong division code is explained in place; a right one sets
the install up with its first administrator, logged in; the demo button builds the demo
street behind a progress dialog and logs its administrator in."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.demo_accounts import DEMO_ACCOUNTS, DEMO_ADMIN
from desktop.domain.actor import Role
from desktop.services.accounts import users_exist
from desktop.services.subcenter import get_sub_center
from tests.conftest import STREET
from tests.ui.conftest import screenshot, settle, type_text
from ui.dialogs.first_run import FirstRunDialog


def _fill(qtbot, dialog: FirstRunDialog, code: str) -> None:  # type: ignore[no-untyped-def]
    type_text(qtbot, dialog.street, STREET["street_name"])
    type_text(qtbot, dialog.division_code, code)
    type_text(qtbot, dialog.authority, STREET["issuing_authority"])
    type_text(qtbot, dialog.prefix, STREET["doc_prefix"])
    type_text(qtbot, dialog.admin.username, "admin")
    type_text(qtbot, dialog.admin.display_name, "周管理")
    type_text(qtbot, dialog.admin.password, "fr2026zgl")
    type_text(qtbot, dialog.admin.confirm, "fr2026zgl")


def test_a_wrong_code_keeps_the_dialog_open_with_the_reason(qtbot, ui_env) -> None:
    dialog = FirstRunDialog(ui_env)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog, "430102007123")  # a village-level code, not a street's
    screenshot(dialog, "dialog-first-run")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert dialog.isVisible()
    assert "最后 3 位应为 000" in dialog.error_label.text()
    assert dialog.division_code.hasFocus()
    assert get_sub_center(ui_env.context.uow()) is None
    assert not users_exist(ui_env.context.uow())


def test_the_code_field_accepts_digits_only(qtbot, ui_env) -> None:
    dialog = FirstRunDialog(ui_env)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.division_code, "43a0１02-0070000000")
    assert dialog.division_code.text().isdigit()
    assert len(dialog.division_code.text()) <= 12


def test_a_right_entry_sets_the_install_up(qtbot, ui_env) -> None:
    dialog = FirstRunDialog(ui_env)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog, STREET["division_code"])
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    stored = get_sub_center(ui_env.context.uow())
    assert stored is not None and stored.division_code == STREET["division_code"]
    assert dialog.outcome is not None and dialog.outcome.sub_center == stored
    actor = dialog.outcome.actor
    assert actor is not None and (actor.name, actor.role) == ("周管理", Role.SYSADMIN)


def test_the_demo_button_loads_the_demo_street(qtbot, ui_env) -> None:
    dialog = FirstRunDialog(ui_env)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env, timeout=30_000)
    stored = get_sub_center(ui_env.context.uow())
    assert stored is not None and stored.is_demo
    # The demo street comes with its accounts; its administrator is logged in at once.
    outcome = dialog.outcome
    assert outcome is not None and outcome.sub_center == stored
    admin_name = next(name for username, name, _ in DEMO_ACCOUNTS if username == DEMO_ADMIN)
    assert outcome.actor is not None
    assert (outcome.actor.name, outcome.actor.role) == (admin_name, Role.SYSADMIN)
