"""The 联合行动 page driven as the enforcement office director would, on the demo street:
plan an action in the form, see approval refused with the reasons, fix the
participants and get it approved; finish an action under way and record its results;
drag an action onto another's time and see the checks flag the overlap; run the
assisted scheduler and accept its proposal. Screenshots of the three calendar views
and the form."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from desktop.bootstrap import AppContext, open_context, open_migrated_context
from desktop.clock import today
from desktop.demo import build_demo_street
from desktop.domain.action_states import ActionState, ActionStep, ActionType
from desktop.domain.actor import Actor, Role
from desktop.domain.joint_actions import Rule
from desktop.domain.roster import EnforcementDomain
from desktop.services import joint_actions as service
from desktop.services.action_checks import period_plan
from desktop.services.roster import list_officers
from tests.ui.conftest import run, screenshot, settle, type_text
from ui.pages import actions_commands
from ui.pages.actions_page import ActionsPage
from ui.widgets.action_calendar import CalendarMode

DIRECTOR = Actor(name="周主任", role=Role.DIRECTOR)
URBAN = EnforcementDomain.URBAN_MANAGEMENT


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The demo street, built once for the module (it takes seconds); each test works
    on its own copy."""
    root = tmp_path_factory.mktemp("actions-demo") / "data"
    built = open_migrated_context(root)
    build_demo_street(built)
    built.close()
    return root


@pytest.fixture
def context(demo_folder: Path, tmp_path: Path) -> AppContext:  # replaces tests/conftest's
    target = tmp_path / "data"
    shutil.copytree(demo_folder, target)
    ctx = open_context(target, actor=DIRECTOR)
    yield ctx
    ctx.close()


@pytest.fixture
def page(qtbot, ui_env) -> ActionsPage:  # type: ignore[no-untyped-def]
    page = ActionsPage(ui_env)
    qtbot.addWidget(page)
    page.resize(1600, 940)
    page.show()
    run(qtbot, ui_env, page.reload())
    return page


def free_monday() -> date:
    """A Monday three weeks on: the demo plans only the current and next week."""
    this_monday = today() - timedelta(days=today().weekday())
    return this_monday + timedelta(days=21)


def certified_pair(context: AppContext, day: date) -> list[str]:
    people = [o for o in list_officers(context.uow(), on=day)
              if URBAN in o.domains_today and o.available_today
              and all(c.valid_until > day + timedelta(days=2) for c in o.certificates)]
    return [o.id for o in people[:2]]


def show_week(qtbot, ui_env, page: ActionsPage, day: date) -> None:  # type: ignore[no-untyped-def]
    page.go(day)
    settle(qtbot, ui_env)


def wait_dialog(qtbot, page: ActionsPage):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.active_dialog is not None and page.active_dialog.isVisible())
    return page.active_dialog


def open_from(qtbot, page: ActionsPage, button):  # type: ignore[no-untyped-def]
    """Click a command that opens a dialog; return the dialog on screen."""
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return wait_dialog(qtbot, page)


def click(qtbot, ui_env, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)


def press_ok(qtbot, ui_env, dialog) -> None:  # type: ignore[no-untyped-def]
    finished: list[int] = []
    dialog.finished.connect(finished.append)
    dialog.error_label.hide()  # a refusal shown before must not count as this click's
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(finished or dialog.error_label.isVisible() or ui_env.errors),
                    timeout=10_000)
    if ui_env.errors:
        raise ui_env.errors[0]
    assert finished, dialog.error_label.text()
    settle(qtbot, ui_env)


# --- the calendar views -------------------------------------------------------------------


def test_the_week_shows_the_demo_actions_loads_and_checks(qtbot, ui_env, page):
    plan = page.plan
    assert plan is not None and len(plan.actions) >= 5
    assert page.period_label.text().endswith("周）")
    states = {a.state for a in plan.actions}
    assert ActionState.UNDER_WAY in states and ActionState.APPROVED in states
    titles = {i.title for i in page.calendar.items}
    assert {a.title for a in plan.actions} == titles
    assert all(page.calendar.item_rects(a.id) for a in plan.actions)
    assert page.loads.rowCount() == len(plan.loads) > 0
    assert page.loads.horizontalHeaderItem(0).text() == "姓名"
    first = plan.actions[0]
    page.select_action(first.id)
    settle(qtbot, ui_env)
    assert page.detail_panel.heading.text().startswith(first.number)
    assert page.detail_panel.check_texts()
    screenshot(page, "actions-week")

    page.set_mode(CalendarMode.DAY)
    settle(qtbot, ui_env)
    assert page.calendar.days == [today()]
    assert "周" in page.period_label.text()
    screenshot(page, "actions-day")

    page.set_mode(CalendarMode.MONTH)
    settle(qtbot, ui_env)
    assert len(page.calendar.days) == 42 and page.period_label.text().endswith("月")
    assert len(page.plan.actions) >= len(plan.actions)
    screenshot(page, "actions-month")


# --- plan, approval refused, fix, approved ------------------------------------------------


def test_plan_an_action_approval_refused_then_allowed(qtbot, ui_env, page, context):
    monday = free_monday()
    show_week(qtbot, ui_env, page, monday)
    form = open_from(qtbot, page, page.plan_buttons["new"])
    type_text(qtbot, form.title, "五一大道占道经营专项整治")
    form.action_type.setCurrentIndex(form.action_type.findData(ActionType.CAMPAIGN))
    form.domain.setCurrentIndex(form.domain.findData(URBAN))
    type_text(qtbot, form.places, "五一大道黄兴路口至蔡锷路口")
    type_text(qtbot, form.equipment, "执法车2辆")
    form.add_need(None, None, 2, 2)
    screenshot(form, "actions-form")
    press_ok(qtbot, ui_env, form)

    detail = page.current_detail
    assert detail is not None and detail.row.title == "五一大道占道经营专项整治"
    assert detail.row.state is ActionState.DRAFT
    assert detail.row.starts_at == datetime.combine(monday, time(9))
    assert any("行政处罚法第四十二条" in text for text in page.detail_panel.check_texts())

    click(qtbot, ui_env, page.buttons[ActionStep.SUBMIT])
    assert page.current_detail.row.state is ActionState.SUBMITTED
    click(qtbot, ui_env, page.buttons[ActionStep.APPROVE])  # refused: nobody certified
    assert "不能批准" in page.last_error and "至少须 2 人" in page.last_error
    assert page.current_detail.row.state is ActionState.SUBMITTED
    page.error_box.close()

    picker = open_from(qtbot, page, page.plan_buttons["participants"])
    for officer_id in certified_pair(context, monday):
        picker.check(officer_id)
    assert "持当日有效城市管理执法证 2 人" in picker.counter.text()
    press_ok(qtbot, ui_env, picker)
    assert page.detail_panel.check_texts()[0].startswith("✓")
    assert page.detail_panel.participants.rowCount() == 2

    click(qtbot, ui_env, page.buttons[ActionStep.APPROVE])
    assert page.current_detail.row.state is ActionState.APPROVED
    assert "已批准" in page.detail_panel.heading.text()


# --- results ----------------------------------------------------------------------------


def test_record_the_results_of_an_action_under_way(qtbot, ui_env, page):
    under_way = next(a for a in page.plan.actions if a.state is ActionState.UNDER_WAY)
    page.select_action(under_way.id)
    settle(qtbot, ui_env)
    click(qtbot, ui_env, page.buttons[ActionStep.COMPLETE])
    assert page.current_detail.row.state is ActionState.COMPLETED
    dialog = open_from(qtbot, page, page.buttons[ActionStep.RECORD_RESULTS])
    dialog.units_inspected.setValue(12)
    dialog.problems_found.setValue(5)
    dialog.cases_filed.setValue(6)  # more cases than problems: refused, field marked
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible)
    assert "立案数" in dialog.error_label.text() and dialog.isVisible()
    dialog.cases_filed.setValue(2)
    dialog.rectified.setValue(4)
    dialog.fines.setValue(1500)
    type_text(qtbot, dialog.minutes, "现场检查工地12处，责令整改4处。")
    press_ok(qtbot, ui_env, dialog)
    detail = page.current_detail
    assert detail.row.state is ActionState.RESULTS_RECORDED
    assert detail.results.units_inspected == 12 and detail.results.fines_fen == 150_000
    assert "检查 12 户" in page.detail_panel.values["结果"].text()
    assert page.last_notice and "已登记行动" in page.last_notice[1]


# --- drag and drop ------------------------------------------------------------------------


def _two_submitted(context: AppContext, monday: date) -> tuple[str, str]:
    pair = certified_pair(context, monday)
    ids = []
    for title, start in (("上午巡查", 9), ("下午巡查", 14)):
        detail = service.create_action(context.uow(), actor=DIRECTOR, data=service.ActionPlanInput(
            title=title, action_type=ActionType.INSPECTION, domain=URBAN,
            starts_at=datetime.combine(monday, time(start)),
            ends_at=datetime.combine(monday, time(start + 2))))
        detail = service.set_participants(
            context.uow(), actor=DIRECTOR, action_id=detail.id, expected_version=detail.version,
            participants=[service.ParticipantInput(o) for o in pair])
        service.submit_action(context.uow(), actor=DIRECTOR, action_id=detail.id,
                              expected_version=detail.version)
        ids.append(detail.id)
    return ids[0], ids[1]


def test_dragging_an_action_moves_it_and_the_checks_update(qtbot, ui_env, page, context):
    monday = free_monday()
    morning, afternoon = _two_submitted(context, monday)
    show_week(qtbot, ui_env, page, monday)
    assert all(a.hard_count == 0 for a in page.plan.actions)
    box = page.calendar.item_rects(morning)[0]
    start = box.topLeft().toPoint() + QPoint(10, 8)
    target = page.calendar.point_for(datetime.combine(monday, time(13, 10))).toPoint()
    qtbot.mousePress(page.calendar, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(page.calendar, start + QPoint(0, 10))
    qtbot.mouseMove(page.calendar, target)
    qtbot.mouseRelease(page.calendar, Qt.MouseButton.LeftButton, pos=target)
    settle(qtbot, ui_env)

    moved = next(a for a in page.plan.actions if a.id == morning)
    assert moved.starts_at.date() == monday and moved.starts_at.hour == 13
    assert moved.ends_at - moved.starts_at == timedelta(hours=2)
    assert moved.hard_count > 0  # now overlapping the afternoon action with the same people
    assert any(v.rule is Rule.OVERLAP for v in moved.violations)
    other = next(a for a in page.plan.actions if a.id == afternoon)
    assert other.hard_count > 0
    assert any("时间重叠" in t for t in page.detail_panel.check_texts())
    stored = period_plan(context.uow(), start=monday, end=monday)
    assert next(a for a in stored.actions if a.id == morning).starts_at.hour == 13


# --- assisted scheduling ------------------------------------------------------------------


def test_smart_scheduling_proposes_and_applies_participants(qtbot, ui_env, page, monkeypatch):
    monkeypatch.setattr(actions_commands, "SCHEDULE_SECONDS", 1.0)
    next_week = today() + timedelta(days=7)
    show_week(qtbot, ui_env, page, next_week)
    broken = [a for a in page.plan.actions if a.hard_count or a.participant_count == 0]
    page.commands.schedule()
    qtbot.waitUntil(lambda: page.active_dialog is not None or page.error_box is not None,
                    timeout=20_000)
    assert page.error_box is None, page.last_error
    dialog = page.active_dialog
    assert "满足全部硬性规则" in dialog.findChild(type(dialog.error_label), "scheduleSummary").text()
    assert dialog.table.rowCount() >= 1
    screenshot(dialog, "actions-schedule")
    press_ok(qtbot, ui_env, dialog)
    fixed = period_plan(ui_env.context.uow(), start=next_week - timedelta(days=7),
                        end=next_week + timedelta(days=7))
    drafts = {a.id: a for a in fixed.actions}
    for action in broken:
        if action.state in (ActionState.DRAFT, ActionState.SUBMITTED):
            assert drafts[action.id].participant_count >= 2


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.CLERK])
def test_commands_follow_the_role(qtbot, ui_env, page, role):
    """坐席 plans but may not approve; 文书 only reads and exports. The buttons say why."""
    ui_env.context.actor = Actor(name="测试", role=role)
    under_review = next(a for a in page.plan.actions if a.state is ActionState.SUBMITTED)
    page.select_action(under_review.id)
    settle(qtbot, ui_env)
    approve = page.buttons[ActionStep.APPROVE]
    assert not approve.isEnabled() and "审批联合执法行动" in approve.toolTip()
    plans = role is Role.OPERATOR
    assert page.plan_buttons["new"].isEnabled() is plans
    assert page.buttons[ActionStep.REOPEN].isEnabled() is plans
    assert page.plan_buttons["export_xlsx"].isEnabled()
    assert page.role_note.isVisible() is not plans
    if not plans:
        assert "只读" in page.role_note.text()
