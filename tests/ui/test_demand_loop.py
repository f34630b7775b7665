"""A demand's whole closed loop driven through the pages: taken in on the 受理 tab,
then 研判 → 派遣 → 签收处置 → 处置反馈 → 核查通过 → 结案 → 评价 from the list's detail,
each through its form; the timeline says who did what at every step. Also: a stale
version is refused with a message and reloaded, and the commands a role lacks are
disabled with the reason."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.domain.actor import Actor, Role
from desktop.domain.demand_states import DemandAction, DemandStatus, HandlingLevel, Rating
from desktop.domain.permissions import Permission
from desktop.services import demands
from tests.integration.demand_helpers import Desk, build_desk
from tests.integration.permission_cases import lacking
from tests.ui.conftest import run, screenshot, settle, type_text
from tests.ui.demand_ui_helpers import DIRECTOR, open_action, open_tab, press_ok
from ui.dialogs.demand_action_dialogs import RateDialog, RoutingDialog
from ui.pages.demand_intake_tab import DemandIntakeTab
from ui.pages.demand_list_tab import DemandListTab

A = DemandAction


@pytest.fixture
def desk(ui_env) -> Desk:  # type: ignore[no-untyped-def]
    ui_env.context.actor = DIRECTOR
    return build_desk(ui_env.context)


def _intake(qtbot, ui_env, desk: Desk) -> str:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, ui_env, DemandIntakeTab)
    tab.category.set_value(desk.categories["占道经营"])
    tab.grid.set_value(desk.grid_id)
    type_text(qtbot, tab.title_edit, "黄兴中路商户占道经营")
    type_text(qtbot, tab.content, "商户把货架摆上人行道，行人只能走机动车道。")
    tab.save()
    settle(qtbot, ui_env)
    assert tab.last_result is not None
    return tab.last_result.demand.id


def test_whole_loop_to_rating_through_the_ui(qtbot, ui_env, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    demand_id = _intake(qtbot, ui_env, desk)
    page = open_tab(qtbot, ui_env, DemandListTab)
    assert page.detail.detail is not None and page.detail.detail.demand.id == demand_id
    assert set(page.detail.action_buttons) == {A.TRIAGE, A.SEND_BACK, A.MERGE}

    dialog = open_action(qtbot, page, A.TRIAGE)
    assert isinstance(dialog, RoutingDialog)
    dialog.level.setCurrentIndex(dialog.level.findData(HandlingLevel.STREET))
    dialog.lead.setCurrentIndex(dialog.lead.findData(desk.city))
    dialog.set_helper("区住房和城乡建设局", True)
    press_ok(qtbot, ui_env, dialog)
    assert page.detail.detail.demand.status is DemandStatus.TRIAGED
    assert page.detail.values["配合单位"].text() == "区住房和城乡建设局"

    for action, note in ((A.DISPATCH, ""), (A.START, ""), (A.REPORT, "已清理占道货架，商户签订承诺书。"),
                         (A.VERIFY, "现场核实"), (A.CLOSE, "")):
        dialog = open_action(qtbot, page, action)
        if note:
            type_text(qtbot, dialog.note, note)
        press_ok(qtbot, ui_env, dialog)
    assert page.detail.detail.demand.status is DemandStatus.CLOSED

    dialog = open_action(qtbot, page, A.RATE)
    assert isinstance(dialog, RateDialog)
    dialog.buttons_by_rating[Rating.FAIRLY_SATISFIED].setChecked(True)
    press_ok(qtbot, ui_env, dialog)
    detail = page.detail.detail
    assert detail.demand.status is DemandStatus.RATED
    assert page.detail.values["评价"].text() == "基本满意"

    timeline = page.detail.timeline
    shown = [timeline.item(r, 3).text() for r in range(timeline.rowCount())]
    assert shown == ["受理", "研判", "派遣", "签收处置", "处置反馈", "核查通过", "结案", "评价"]
    assert {timeline.item(r, 1).text() for r in range(timeline.rowCount())} == {"赵主任"}
    assert "已清理占道货架" in timeline.item(4, 4).text()
    assert timeline.item(2, 2).text() == "区城管执法局"  # dispatched to the lead unit
    page.detail.tabs.setCurrentIndex(1)
    screenshot(page, "demands-detail")


def test_a_stale_version_is_refused_with_a_message_and_reloaded(qtbot, ui_env, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    demand_id = _intake(qtbot, ui_env, desk)
    page = open_tab(qtbot, ui_env, DemandListTab)
    shown = page.detail.detail.demand
    demands.send_back(ui_env.context.uow(), actor=DIRECTOR, demand_id=demand_id,
                      expected_version=shown.version, reason="不属于本街道职责")  # meanwhile
    dialog = open_action(qtbot, page, A.MERGE)
    type_text(qtbot, dialog.master, shown.number)  # any number: the version is refused first
    dialog.ok_button.click()
    settle(qtbot, ui_env)
    boxes = [w for w in page.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and "已被他人办理" in boxes[-1].text() and "刷新" in boxes[-1].text()
    assert page.detail.detail.demand.status is DemandStatus.SENT_BACK  # reloaded
    assert page.detail.action_buttons == {}


def _page_as(qtbot, ui_env, desk: Desk, role: Role) -> DemandListTab:  # type: ignore[no-untyped-def]
    row = desk.intake()
    desk.advance(row.id, (A.TRIAGE, A.DISPATCH, A.START))
    from desktop.services.demand_extensions import request_extension

    request_extension(desk.uow(), actor=DIRECTOR, demand_id=row.id,
                      expected_version=desk.row(row.id).version, workdays=2, reason="等检测报告")
    ui_env.context.actor = Actor("测试", role)
    return open_tab(qtbot, ui_env, DemandListTab)


CONTROLS = {Permission.DEMAND_HANDLE: (A.SUPERVISE, A.REPORT, A.RETURN),
            Permission.DEMAND_APPROVE: (A.DECIDE_EXTENSION,)}
CASES = [(p, r) for p in CONTROLS for r in lacking(p)]


@pytest.mark.parametrize(("permission", "role"), CASES,
                         ids=[f"{p.name}-{r.value}" for p, r in CASES])
def test_actions_a_role_lacks_are_disabled_with_the_reason(qtbot, ui_env, desk: Desk,  # type: ignore[no-untyped-def]
                                                           permission: Permission,
                                                           role: Role) -> None:
    page = _page_as(qtbot, ui_env, desk, role)
    for action in CONTROLS[permission]:
        button = page.detail.action_buttons[action]
        assert not button.isEnabled()
        assert f"您的角色（{role.label}）无权“{permission.label}”" in button.toolTip()


def test_the_director_may_take_them(qtbot, ui_env, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    page = _page_as(qtbot, ui_env, desk, Role.DIRECTOR)
    for actions in CONTROLS.values():
        assert all(page.detail.action_buttons[a].isEnabled() for a in actions)
    run(qtbot, ui_env, page.reload())
