"""The 受理 tab by keyboard only: Tab through the fields in order, type (Chinese through
the input method), Ctrl+Enter to save; the duplicate of a demand already filed is
suggested while typing and can be merged; the form resets and says the 受理编号; a
refusal names the field and keeps what was typed; a role that may not take demands in
sees the save disabled with the reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain.actor import Actor, Role
from desktop.domain.deadlines import DemandKind, DemandSource
from desktop.domain.demand_states import DemandStatus
from desktop.domain.permissions import Permission
from tests.integration.demand_helpers import Desk, build_desk, rows
from tests.integration.permission_cases import lacking
from tests.ui.conftest import screenshot, settle, type_text
from tests.ui.demand_ui_helpers import DIRECTOR, open_tab
from ui.pages.demand_intake_tab import DemandIntakeTab


@pytest.fixture
def desk(ui_env) -> Desk:  # type: ignore[no-untyped-def]
    ui_env.context.actor = DIRECTOR
    return build_desk(ui_env.context)


@pytest.fixture
def tab(qtbot, ui_env, desk: Desk) -> DemandIntakeTab:  # type: ignore[no-untyped-def]
    page = open_tab(qtbot, ui_env, DemandIntakeTab)
    page.activateWindow()
    qtbot.waitUntil(lambda: page.category.hasFocus())
    return page


def focused():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


def tab_key(qtbot, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def test_intake_by_keyboard_only_with_a_duplicate_suggested(qtbot, ui_env, desk: Desk,  # type: ignore[no-untyped-def]
                                                            tab: DemandIntakeTab) -> None:
    existing = desk.intake(title="黄兴中路商户占道经营")
    assert tab.source.currentData() == DemandSource.HOTLINE  # the default
    type_text(qtbot, focused(), "占道")
    tab_key(qtbot)
    assert tab.category.value() == desk.categories["占道经营"]
    assert tab.kind.hasFocus() and tab.kind.currentData() == DemandKind.ENFORCEMENT  # from the category
    tab_key(qtbot, 3)  # kind, nature, urgent: the defaults
    assert tab.title_edit.hasFocus()
    type_text(qtbot, focused(), "黄兴中路占道经营")
    tab_key(qtbot)
    type_text(qtbot, focused(), "又有商户把货架摆上人行道。")
    tab_key(qtbot)
    type_text(qtbot, focused(), "李女士")
    tab_key(qtbot)
    qtbot.keyClicks(focused(), "13912345678")
    tab_key(qtbot)
    type_text(qtbot, focused(), "黄兴中路90号")
    tab_key(qtbot)
    assert tab.grid.lineEdit().hasFocus()
    type_text(qtbot, focused(), "东风一")
    tab_key(qtbot)
    assert tab.grid.value() == desk.grid_id

    qtbot.waitUntil(lambda: tab.duplicates.count() > 0, timeout=5000)
    settle(qtbot, ui_env)
    assert existing.number in tab.duplicates.item(0).text()
    assert "同网格同类别" in tab.duplicates.item(0).text()
    assert tab.merge_button.isEnabled() and tab.new_anyway_button.isEnabled()
    screenshot(tab, "demands-intake")

    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, ui_env)
    result = tab.last_result
    assert result is not None and result.demand.status is DemandStatus.ACCEPTED
    assert tab.result_label.text() == f"已受理，受理编号 {result.demand.number}。"
    assert result.demand.reporter_phone_masked == "139****5678"
    assert result.demand.grid_id == desk.grid_id and result.demand.kind is DemandKind.ENFORCEMENT
    # ready for the next call
    assert tab.title_edit.text() == "" and tab.category.value() is None
    assert tab.category.hasFocus() and tab.duplicates.count() == 0


def test_merge_into_the_suggested_demand(qtbot, ui_env, desk: Desk, tab: DemandIntakeTab) -> None:  # type: ignore[no-untyped-def]
    existing = desk.intake(title="朝阳新村井盖缺失", address="朝阳新村3栋",
                           category_id=desk.categories["井盖缺失"])
    tab.category.setFocus()
    type_text(qtbot, focused(), "井盖缺失")
    tab_key(qtbot, 4)
    type_text(qtbot, focused(), "朝阳新村3栋井盖缺失")
    tab_key(qtbot)
    type_text(qtbot, focused(), "井盖没了，晚上很危险。")
    qtbot.waitUntil(lambda: tab.duplicates.count() > 0, timeout=5000)
    settle(qtbot, ui_env)
    assert existing.number in tab.duplicates.item(0).text()
    tab.merge_button.setFocus()
    qtbot.keyClick(tab.merge_button, Qt.Key.Key_Space)
    settle(qtbot, ui_env)
    assert tab.last_result is not None and tab.last_result.merged_into == existing.number
    assert f"已作为重复件并入 {existing.number}" in tab.result_label.text()
    merged = rows(desk.context, "SELECT status FROM demand WHERE id = ?", tab.last_result.demand.id)
    assert merged == [("merged",)]


def test_new_anyway_dismisses_the_suggestions(qtbot, ui_env, desk: Desk, tab: DemandIntakeTab) -> None:  # type: ignore[no-untyped-def]
    desk.intake()
    tab.grid.set_value(desk.grid_id)
    qtbot.waitUntil(lambda: tab.duplicates.count() > 0, timeout=5000)
    qtbot.mouseClick(tab.new_anyway_button, Qt.MouseButton.LeftButton)
    assert tab.duplicates.count() == 0 and "已忽略" in tab.duplicates_hint.text()


def test_a_refusal_names_the_field_and_keeps_the_typing(qtbot, ui_env, desk: Desk,  # type: ignore[no-untyped-def]
                                                         tab: DemandIntakeTab) -> None:
    type_text(qtbot, focused(), "占道")
    tab_key(qtbot, 4)
    type_text(qtbot, focused(), "商户占道")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # Enter saves from a line
    settle(qtbot, ui_env)
    assert "诉求内容" in tab.error_label.text() or "不能为空" in tab.error_label.text()
    assert tab.content.hasFocus() and tab.title_edit.text() == "商户占道"
    assert rows(desk.context, "SELECT count(*) FROM demand") == [(0,)]


@pytest.mark.parametrize("role", lacking(Permission.DEMAND_INTAKE), ids=lambda r: r.value)
def test_save_is_disabled_for_a_role_that_may_not_take_demands_in(qtbot, ui_env, desk: Desk,  # type: ignore[no-untyped-def]
                                                                   role: Role) -> None:
    ui_env.context.actor = Actor("测试", role)
    tab = open_tab(qtbot, ui_env, DemandIntakeTab)
    assert not tab.save_button.isEnabled()
    assert f"您的角色（{role.label}）无权“{Permission.DEMAND_INTAKE.label}”" in tab.save_button.toolTip()
    assert tab.role_note.isVisible()
