"""双向派单 tab on the demo street: the list with clocks and flags, a new handover by
受理编号, a step recorded through its dialog, and the role gate."""

from __future__ import annotations

from desktop.domain.actor import Actor, Role
from desktop.domain.handovers import HandoverDirection, HandoverState
from desktop.services.subcenter import get_sub_center
from tests.demo_street import load_demo_street
from tests.ui.conftest import run, screenshot, settle, type_text
from ui.dialogs.handover_dialogs import HandoverStepDialog, OpenHandoverDialog
from ui.pages.demands_page import DemandsPage
from ui.pages.handovers_tab import HandoversTab


def _open(qtbot, env) -> tuple[DemandsPage, HandoversTab]:  # type: ignore[no-untyped-def]
    env.sub_center = get_sub_center(env.context.uow())
    page = DemandsPage(env)
    qtbot.addWidget(page)
    page.resize(1500, 820)
    page.show()
    tab = page.show_tab("双向派单")
    assert isinstance(tab, HandoversTab)
    run(qtbot, env, tab.reload())
    return page, tab


def _row_of(tab: HandoversTab, state: HandoverState) -> int:
    return next(i for i, row in enumerate(tab.model.rows())
                if row.state is state and row.direction is HandoverDirection.TO_DISTRICT)


def test_the_demo_handovers_and_a_step_recorded(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.context.actor = Actor("李晓燕", Role.OPERATOR)
    page, tab = _open(qtbot, ui_env)
    rows = tab.model.rows()
    assert {row.direction for row in rows} == set(HandoverDirection)
    assert all(not row.finished for row in rows)  # "只看未办结"
    screenshot(page, "demands-handovers")
    tab.table.selectRow(_row_of(tab, HandoverState.FOUND))
    found = tab.selected()
    assert found is not None
    assert tab.step_buttons[next(iter(tab.step_buttons))].isEnabled()  # 当天报告
    receipt_button = next(b for s, b in tab.step_buttons.items() if s.value == "receipt")
    assert not receipt_button.isEnabled()  # not before the formal handover
    hand_over = next(b for s, b in tab.step_buttons.items() if s.value == "hand_over")
    hand_over.click()
    qtbot.waitUntil(lambda: isinstance(tab.active_dialog, HandoverStepDialog))
    dialog = tab.active_dialog
    type_text(qtbot, dialog.note, "案件移送书已送达")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: tab.active_dialog is None)
    settle(qtbot, ui_env)
    after = next(row for row in tab.model.rows() if row.id == found.id)
    assert after.state is HandoverState.HANDED_OVER
    assert after.handed_over_at is not None


def test_a_new_handover_by_number(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.context.actor = Actor("李晓燕", Role.OPERATOR)
    _page, tab = _open(qtbot, ui_env)
    known = {row.demand_number for row in tab.model.rows()}
    tab.new_button.click()
    qtbot.waitUntil(lambda: isinstance(tab.active_dialog, OpenHandoverDialog))
    dialog = tab.active_dialog
    type_text(qtbot, dialog.number, "不存在的编号")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "没有受理编号" in dialog.error_label.text())
    from desktop.services.demand_lists import list_demands

    candidates = list_demands(ui_env.context.uow(), page_size=50).rows
    free = next(row for row in candidates if row.number not in known)
    dialog.number.setText(free.number)
    dialog.unit.setCurrentIndex(1)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: tab.active_dialog is None)
    settle(qtbot, ui_env)
    assert free.number in {row.demand_number for row in tab.model.rows()}


def test_a_clerk_sees_the_list_but_cannot_act(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.context.actor = Actor("陈文书", Role.CLERK)
    _page, tab = _open(qtbot, ui_env)
    assert tab.model.rowCount() > 0
    tab.table.selectRow(0)
    assert not tab.new_button.isEnabled()
    assert "无权" in tab.new_button.toolTip()
    assert not any(button.isEnabled() for button in tab.step_buttons.values())
