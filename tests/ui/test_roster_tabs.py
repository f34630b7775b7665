"""The 执法队伍 page's other tabs and its files: the leave calendar, the duty table
(refusing an officer on leave, printing), the unit directory, the exports, and which
commands each role finds enabled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.clock import today
from desktop.domain.actor import Actor, Role
from desktop.domain.permissions import Permission, allowed
from desktop.domain.roster import Force, LeaveKind
from desktop.services import availability, roster
from tests.ui.conftest import run, settle, type_text
from tests.ui.roster_helpers import (
    add_certificate,
    add_officer,
    add_unit,
    cell,
    open_dialog,
    open_page,
    press_ok,
    press_ok_refused,
    show_tab,
)
from ui.pages.roster_page import RosterPage


@pytest.fixture
def page(qtbot, ui_env, street) -> RosterPage:  # type: ignore[no-untyped-def]
    return open_page(qtbot, ui_env)


def test_leave_from_the_calendar_and_cancel_it(qtbot, ui_env, page):
    officer = add_officer(ui_env.context, "吴十")
    run(qtbot, ui_env, page.reload())
    show_tab(qtbot, page, page.leave_tab)
    assert page.leave_tab.view.grid_model.rowCount() == 0
    dialog = open_dialog(qtbot, page, page.leave_tab.actions["add"])
    dialog.end.setDate(today() + timedelta(days=2))
    press_ok(qtbot, ui_env, dialog)
    calendar = page.leave_tab.view
    assert calendar.grid_model.rowCount() == 1
    assert calendar.grid_model.index(0, today().day - 1).data() == "年"
    assert cell(page, "吴十", "状态") == "在岗·今日不可用"

    calendar.list_view.selectRow(0)
    dialog = open_dialog(qtbot, page, page.leave_tab.actions["cancel"])
    press_ok(qtbot, ui_env, dialog)
    assert calendar.list_model.rowCount() == 0
    assert availability.leave_calendar(ui_env.context.uow(), start=today(), end=today()) == []
    assert roster.get_officer(ui_env.context.uow(), officer.id).available_today



# --- duty and units ------------------------------------------------------------------------


def test_set_duty_refuses_an_officer_on_leave(qtbot, ui_env, page):
    away = add_officer(ui_env.context, "陈休假", sequence="111")
    here = add_officer(ui_env.context, "林值班", sequence="333")
    availability.add_leave(ui_env.context.uow(), actor=ui_env.context.actor, officer_id=away.id,
                           kind=LeaveKind.ANNUAL, start=today(),
                           end=today() + timedelta(days=1))
    run(qtbot, ui_env, page.reload())
    show_tab(qtbot, page, page.duty_tab)
    duty = page.duty_tab.view
    assert duty.selected_day() == today()
    assert duty.selected_row().officer_id is None and "空缺" in duty.summary.text()

    dialog = open_dialog(qtbot, page, page.duty_tab.actions["set"])
    assert dialog.officer.itemData(0) == here.id  # the available first
    assert "当日请假" in dialog.officer.itemText(1)
    dialog.choose(away.id)
    message = press_ok_refused(qtbot, dialog)
    assert "陈休假" in message and "请假" in message and "不能安排值班" in message
    dialog.choose(here.id)
    press_ok(qtbot, ui_env, dialog)
    assert duty.selected_row().officer_name == "林值班"
    assert duty.selected_day() == today()


def test_print_the_duty_table(qtbot, ui_env, page, tmp_path, monkeypatch):
    import pymupdf

    officer = add_officer(ui_env.context, "林值班")
    availability.set_duty(ui_env.context.uow(), actor=ui_env.context.actor, day=today(),
                          officer_id=officer.id)
    run(qtbot, ui_env, page.reload())
    show_tab(qtbot, page, page.duty_tab)
    target = tmp_path / "值班表.pdf"
    monkeypatch.setattr(page, "ask_save_path", lambda title, name, file_filter: str(target))
    page.duty_tab.actions["print"].trigger()
    settle(qtbot, ui_env)
    assert page.last_notice is not None and "1 天的值班安排" in page.last_notice[1]
    page.notice_box.accept()
    with pymupdf.open(target) as pdf:
        text = "".join(p.get_text() for p in pdf)
        width, height = pdf[0].rect.width, pdf[0].rect.height
    assert f"应急哨值班表（{today().year}年{today().month}月）" in text
    assert "林值班" in text and "待排" in text and "— 1 —" in text
    assert height > width  # A4 portrait


def test_units_tab_edit_and_responder(qtbot, ui_env, page):
    from desktop.domain.grids import CommunityKind
    from desktop.services.grids import create_community

    create_community(ui_env.context.uow(), actor=ui_env.context.actor, name="东风社区",
                     kind=CommunityKind.COMMUNITY)
    unit = add_unit(ui_env.context)
    run(qtbot, ui_env, page.reload())
    show_tab(qtbot, page, page.units_tab)
    tab = page.units_tab
    assert tab.selected_unit() is not None and tab.selected_unit().id == unit.id
    assert tab.responders_model.index(0, 1).data() == "未指定"

    dialog = open_dialog(qtbot, page, tab.actions["edit"])
    type_text(qtbot, dialog.contact_person, "张联络")
    type_text(qtbot, dialog.contact_phone, "0731-8")
    assert "联系电话" in press_ok_refused(qtbot, dialog)
    assert dialog.contact_phone.hasFocus()
    dialog.contact_phone.clear()
    type_text(qtbot, dialog.contact_phone, "0731-84441234")
    press_ok(qtbot, ui_env, dialog)
    assert tab.units_model.index(0, 2).data() == "张联络"
    assert tab.units_model.index(0, 3).data() == "0731-84441234"

    dialog = open_dialog(qtbot, page, tab.actions["responder"])
    type_text(qtbot, dialog.name, "何应哨")
    type_text(qtbot, dialog.phone, "13700001111")
    press_ok(qtbot, ui_env, dialog)
    assert tab.responders_model.index(0, 1).data() == "何应哨"
    assert "已指定 1/1" in tab.responders_title.text()


def test_retire_a_unit_asks_first_and_refuses_one_with_people(qtbot, ui_env, page):
    from PySide6.QtWidgets import QApplication, QMessageBox

    def box() -> QMessageBox | None:
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, QMessageBox) and w.isVisible()), None)

    add_unit(ui_env.context)
    empty = add_unit(ui_env.context, "区卫生健康局", "区卫健局")
    add_officer(ui_env.context, "李四", force=Force.SUNK, unit_name="区城管执法局",
                secondment_start=today())
    run(qtbot, ui_env, page.reload())
    show_tab(qtbot, page, page.units_tab)
    tab = page.units_tab
    for unit_name, answer in (("区城管执法局", "refused"), ("区卫生健康局", "retired")):
        tab.select_unit(next(u.id for u in tab.units_model.rows() if u.name == unit_name))
        tab.actions["retire"].trigger()
        qtbot.waitUntil(lambda: box() is not None)
        question = box()
        assert unit_name in question.text()
        question.button(QMessageBox.StandardButton.Yes).click()
        if answer == "refused":
            qtbot.waitUntil(lambda: box() is not None and "在册人员" in box().text())
            assert "李四" in box().text()
            box().accept()
        settle(qtbot, ui_env)
    shown = [u.name for u in tab.units_model.rows()]
    assert "区城管执法局" in shown and "区卫生健康局" not in shown
    tab.show_retired.setChecked(True)
    settle(qtbot, ui_env)
    retired = next(u for u in tab.units_model.rows() if u.id == empty.id)
    assert retired.retired and tab.units_model.rows()[-1].id == empty.id  # listed last


# --- permissions and files -----------------------------------------------------------------


def test_an_operator_sees_every_change_disabled(qtbot, ui_env, street):
    officer = add_officer(ui_env.context, "郑一")
    add_certificate(ui_env.context, officer, "湘430102260003")
    add_unit(ui_env.context)
    ui_env.context.actor = Actor("坐席小王", Role.OPERATOR)
    page = open_page(qtbot, ui_env)
    page.select_officer(officer.id)
    settle(qtbot, ui_env)
    assert page.detail.selected_certificate() is not None
    for key, action in page.officer_actions.items():
        assert not action.isEnabled(), key
        assert "坐席" in action.toolTip()
    assert not page.import_button.isEnabled() and page.export_button.isEnabled()
    assert not page.detail.reveal_button.isEnabled()
    assert "坐席" in page.detail.reveal_button.toolTip()
    assert page.role_note.isVisible() and "只读" in page.role_note.text()
    for tab in (page.leave_tab, page.duty_tab, page.units_tab):
        show_tab(qtbot, page, tab)
        for key, action in tab.actions.items():
            expected = key == "print"  # printing is an export: every role may
            assert action.isEnabled() is expected, key


def controls(page: RosterPage) -> dict[Permission, list[tuple[str, object]]]:
    """Every control of the page, by the permission it needs."""
    officer = [(f"人员/{key}", action) for key, action in page.officer_actions.items()]
    leave = [(f"请假/{key}", action) for key, action in page.leave_tab.actions.items()]
    return {
        Permission.ROSTER_EDIT: officer + leave,
        Permission.ROSTER_IMPORT: [("导入", page.import_button)],
        Permission.UNIT_EDIT: [(f"单位/{k}", a) for k, a in page.units_tab.actions.items()],
        Permission.DUTY_EDIT: [(f"值班/{k}", page.duty_tab.actions[k]) for k in ("set", "clear")],
        Permission.DATA_EXPORT: [("导出", page.export_button),
                                 ("打印值班表", page.duty_tab.actions["print"])],
        Permission.PERSONAL_DATA_REVEAL: [("显示身份证号", page.detail.reveal_button)],
    }


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_sees_exactly_its_commands_enabled(qtbot, ui_env, street, role):
    """With everything selected that the commands need, a control is enabled exactly
    when the role holds its permission (desktop/domain/permissions decides both)."""
    from desktop.domain.grids import CommunityKind
    from desktop.services.grids import create_community

    context = ui_env.context
    create_community(context.uow(), actor=context.actor, name="东风社区", kind=CommunityKind.COMMUNITY)
    add_unit(context)
    officer = add_officer(context, "郑一", sequence="111")
    add_certificate(context, officer, "湘430102260003")
    other = add_officer(context, "钱二", sequence="133")
    availability.add_leave(context.uow(), actor=context.actor, officer_id=other.id,
                           kind=LeaveKind.ANNUAL, start=today(), end=today())
    availability.set_duty(context.uow(), actor=context.actor, day=today(), officer_id=officer.id)
    context.actor = Actor("测试", role)
    page = open_page(qtbot, ui_env)
    for tab in (page.leave_tab, page.duty_tab, page.units_tab, page.people_tab):
        show_tab(qtbot, page, tab)
    page.leave_tab.view.list_view.selectRow(0)
    page.select_officer(officer.id)
    settle(qtbot, ui_env)
    for permission, named in controls(page).items():
        holder = allowed(role, permission)
        for name, control in named:
            assert control.isEnabled() is holder, f"{role.label}: {name}"
            if not holder:
                assert role.label in control.toolTip(), name
    assert page.role_note.isVisible() is (role in (Role.OPERATOR, Role.CLERK, Role.GRID_ADMIN))



def test_export_the_roster_to_excel(qtbot, ui_env, page, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    add_officer(ui_env.context, "郑一", phone="13812345678")
    run(qtbot, ui_env, page.reload())
    target = tmp_path / "花名册导出.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda title, name, file_filter: str(target))
    page.files.export_menu.actions()[0].trigger()
    settle(qtbot, ui_env)
    assert page.last_notice is not None and "已导出 1 人" in page.last_notice[1]
    page.notice_box.accept()
    cells = [str(c) for row in load_workbook(target).active.iter_rows(values_only=True)
             for c in row if c]
    assert "郑一" in cells and "13812345678" not in " ".join(cells)


def test_print_the_roster_of_the_chosen_force(qtbot, ui_env, page, tmp_path, monkeypatch):
    import pymupdf

    add_unit(ui_env.context)
    add_officer(ui_env.context, "郑一", sequence="111")
    add_officer(ui_env.context, "钱二", sequence="133", force=Force.SUNK, unit_name="区城管执法局",
                secondment_start=today())
    run(qtbot, ui_env, page.reload())
    page.proxy.set_group("force", Force.SUNK.value)
    target = tmp_path / "花名册.pdf"
    monkeypatch.setattr(page, "ask_save_path", lambda title, name, file_filter: str(target))
    page.files.export_menu.actions()[1].trigger()
    settle(qtbot, ui_env)
    assert page.last_notice is not None and "已导出 1 人" in page.last_notice[1]
    page.notice_box.accept()
    with pymupdf.open(target) as pdf:
        text = "".join(p.get_text() for p in pdf)
    assert "钱二" in text and "郑一" not in text
