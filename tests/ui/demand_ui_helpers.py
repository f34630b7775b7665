"""Helpers of the demand page tests: the small demand street of the integration tests
(two district units, the default categories, one grid) or the demo street, a tab
opened as the window shows it, and action forms driven like a user."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.domain.actor import Actor, Role
from desktop.domain.demand_states import DemandAction
from tests.ui.conftest import run, settle
from ui.dialogs.demand_action_dialogs import ActionDialog

DIRECTOR = Actor("赵主任", Role.DIRECTOR)


def open_tab(qtbot, ui_env, cls, size=(1440, 860)):  # type: ignore[no-untyped-def]
    tab = cls(ui_env)
    qtbot.addWidget(tab)
    tab.resize(*size)
    tab.show()
    run(qtbot, ui_env, tab.reload())
    settle(qtbot, ui_env)
    return tab


def open_action(qtbot, page, action: DemandAction) -> ActionDialog:  # type: ignore[no-untyped-def]
    button = page.detail.action_buttons[action]
    assert button.isEnabled(), f"{action.label} should be enabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    errors = page.env.errors
    qtbot.waitUntil(lambda: errors or (page.active_dialog is not None
                                       and page.active_dialog.isVisible()))
    if errors:
        raise errors[0]
    dialog = page.active_dialog
    assert isinstance(dialog, ActionDialog)
    return dialog


def press_ok(qtbot, ui_env, dialog: ActionDialog) -> None:  # type: ignore[no-untyped-def]
    finished: list[int] = []
    dialog.finished.connect(finished.append)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert finished, dialog.error_label.text()
