"""The 执法队伍 page driven as a user would: typing into its dialogs, clicking OK,
reading the list, the detail and the counts. Everything runs on a real migrated SQLite
file; the roster services decide, the page shows. (The import wizard, the other tabs
and the permissions have their own modules.)"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from desktop.clock import today
from desktop.domain.actor import Actor, Role
from desktop.domain.roster import EnforcementDomain, Force, OfficerStatus
from desktop.services.subcenter import get_sub_center
from tests.demo_street import load_demo_street
from tests.ui.conftest import run, screenshot, settle, type_text
from tests.ui.roster_helpers import (
    add_certificate,
    add_officer,
    add_unit,
    cell,
    count_cell,
    id_number,
    names,
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


# --- people ------------------------------------------------------------------------------


def test_add_person_by_typing(qtbot, ui_env, page):
    assert not page.officer_actions["edit"].isEnabled()  # nobody selected
    dialog = open_dialog(qtbot, page, page.officer_actions["new"])
    type_text(qtbot, dialog.name, "王晓明")
    good = id_number("19850312", "123")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    type_text(qtbot, dialog.id_number, bad)
    type_text(qtbot, dialog.phone, "13812345678")
    type_text(qtbot, dialog.position, "执法队员")
    message = press_ok_refused(qtbot, dialog)
    assert "身份证号码" in message and "校验位" in message
    assert dialog.id_number.hasFocus() and "c0392b" in dialog.id_number.styleSheet()
    assert page.active_dialog is dialog and page.model.rowCount() == 0

    dialog.id_number.selectAll()
    type_text(qtbot, dialog.id_number, good)
    press_ok(qtbot, ui_env, dialog)

    assert names(page) == ["王晓明"]
    assert cell(page, "王晓明", "电话") == "138****5678"
    assert cell(page, "王晓明", "力量") == "1" and cell(page, "王晓明", "执法证") == "无"
    shown = [str(page.proxy.index(0, c).data()) for c in range(page.proxy.columnCount())]
    assert good not in " ".join(shown) and "13812345678" not in " ".join(shown)
    officer = page.current_officer()
    assert officer is not None and officer.gender == "男"  # from the ID number
    assert page.detail.values["身份证号"].text() == f"{good[:6]}********{good[14:]}"
    assert "今日可出勤，但无有效执法证" in page.detail.today.text()
    assert page.detail.history()[0].summary.startswith("登记入册")


def test_edit_a_person(qtbot, ui_env, page):
    officer = add_officer(ui_env.context, "王晓明", phone="13812345678", position="执法队员")
    run(qtbot, ui_env, page.reload())
    page.select_officer(officer.id)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter edits, like F2 and a double click
    qtbot.waitUntil(lambda: page.active_dialog is not None)
    dialog = page.active_dialog
    # personal data is never shown in full, not even in the edit form
    assert dialog.id_number.text() == officer.id_number_masked
    assert dialog.phone.text() == "138****5678"
    dialog.position.clear()
    type_text(qtbot, dialog.position, "中队长")
    press_ok(qtbot, ui_env, dialog)
    assert cell(page, "王晓明", "职务") == "中队长"
    assert cell(page, "王晓明", "电话") == "138****5678"
    assert page.detail.history()[0].summary == "修改了职务"
    with sqlite3.connect(ui_env.context.paths.database) as db:  # the stored numbers are kept
        stored = db.execute("SELECT id_number, phone FROM officer WHERE id = ?",
                            (officer.id,)).fetchone()
    assert stored[0] == id_number() and stored[1] == "13812345678"


def test_search_and_groups_filter_the_list(qtbot, ui_env, page):
    add_unit(ui_env.context)
    add_officer(ui_env.context, "张三", sequence="111", phone="13900001234")
    add_officer(ui_env.context, "李四", sequence="222", force=Force.SUNK, unit_name="区城管执法局",
                secondment_start=today() - timedelta(days=30), squad="二中队")
    run(qtbot, ui_env, page.reload())
    assert cell(page, "李四", "原单位") == "区城管局"  # the short name; the full one as tip
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "1234")
    assert names(page) == ["张三"]
    page.search.clear()
    force_x = next(page.groups.topLevelItem(1).child(i) for i in range(3)
                   if page.groups.topLevelItem(1).child(i).text(0).startswith("X"))
    assert force_x.text(1) == "1"
    page.groups.setCurrentItem(force_x)
    assert names(page) == ["李四"]
    assert page.count_label.text() == "显示 1 / 共 2 人"


def test_certificate_changes_the_domain_counts(qtbot, ui_env, page):
    officer = add_officer(ui_env.context, "赵六")
    run(qtbot, ui_env, page.reload())
    show_tab(qtbot, page, page.counts_tab)
    market = EnforcementDomain.MARKET_REGULATION
    assert count_cell(page, market, 0) == "0" and count_cell(page, market, 3) == "0"

    show_tab(qtbot, page, page.people_tab)
    page.select_officer(officer.id)
    settle(qtbot, ui_env)
    dialog = open_dialog(qtbot, page, page.officer_actions["cert_add"])
    type_text(qtbot, dialog.number, "湘430102260099")
    assert "执法领域" in press_ok_refused(qtbot, dialog)  # no domain ticked
    assert dialog.domains.boxes[EnforcementDomain.URBAN_MANAGEMENT].hasFocus()
    dialog.domains.boxes[market].setChecked(True)
    press_ok(qtbot, ui_env, dialog)

    assert cell(page, "赵六", "执法证") == "湘430102260099"
    assert cell(page, "赵六", "执法领域") == "市场监管"
    assert page.detail.certificate_model.rowCount() == 1
    show_tab(qtbot, page, page.counts_tab)
    assert count_cell(page, market, 0) == "1" and count_cell(page, market, 3) == "1"
    assert count_cell(page, EnforcementDomain.URBAN_MANAGEMENT, 0) == "0"
    assert page.counts_tab.view.cards[Force.STREET].figures["持证可出勤"].text() == "1"


def test_expiring_certificate_shows_in_the_banner_and_list(qtbot, ui_env, page):
    officer = add_officer(ui_env.context, "钱七")
    add_certificate(ui_env.context, officer, "湘430102260001", until=today() + timedelta(days=10))
    run(qtbot, ui_env, page.reload())
    assert page.banner.isVisible() and "30 天内到期" in page.banner.text()
    assert "钱七" in page.banner.text()
    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, 0).data() == "钱七")
    until = page.proxy.index(row, 9)
    assert until.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fff1c7"  # amber
    page.select_officer(officer.id)
    settle(qtbot, ui_env)
    assert page.detail.selected_certificate() is not None  # the only one, chosen for the user
    dialog = open_dialog(qtbot, page, page.officer_actions["cert_renew"])
    press_ok(qtbot, ui_env, dialog)
    assert not page.banner.isVisible()


def test_status_to_leave_makes_the_person_unavailable_today(qtbot, ui_env, page):
    officer = add_officer(ui_env.context, "孙八")
    add_certificate(ui_env.context, officer, "湘430102260002")
    run(qtbot, ui_env, page.reload())
    page.select_officer(officer.id)
    settle(qtbot, ui_env)
    assert page.detail.today.text().startswith("今日可出勤，可执法领域：城市管理")
    dialog = open_dialog(qtbot, page, page.officer_actions["status"])
    dialog.status.set_value(OfficerStatus.ON_LEAVE)
    type_text(qtbot, dialog.note, "病休")
    press_ok(qtbot, ui_env, dialog)

    assert cell(page, "孙八", "状态") == "请假"
    assert page.detail.today.text() == "今日不可出勤：请假"
    assert "在岗 → 请假" in page.detail.history()[0].summary
    assert "病休" in page.detail.history()[0].summary
    show_tab(qtbot, page, page.counts_tab)
    assert count_cell(page, EnforcementDomain.URBAN_MANAGEMENT, 3) == "0"


def test_secondment_shows_in_the_history(qtbot, ui_env, page):
    add_unit(ui_env.context)
    officer = add_officer(ui_env.context, "周九", force=Force.SUNK, unit_name="区城管执法局",
                          secondment_start=today() - timedelta(days=10))
    run(qtbot, ui_env, page.reload())
    page.select_officer(officer.id)
    settle(qtbot, ui_env)
    dialog = open_dialog(qtbot, page, page.officer_actions["secondment"])
    end = today() + timedelta(days=365)
    dialog.end.check.setChecked(True)
    dialog.end.edit.setDate(end)
    press_ok(qtbot, ui_env, dialog)
    line = page.detail.history()[0]
    assert line.kind.label == "下沉期" and f"至 {end}" in line.summary
    assert page.detail.values["下沉期"].text() == f"{today() - timedelta(days=10)} 至 {end}"


def test_reveal_full_id_number_is_audited(qtbot, ui_env, street):
    from desktop.services.audit import AuditAction
    from desktop.services.audit_queries import search_audit

    officer = add_officer(ui_env.context, "郑一")
    ui_env.context.actor = Actor("赵主任", Role.DIRECTOR)
    page = open_page(qtbot, ui_env)
    page.select_officer(officer.id)
    settle(qtbot, ui_env)
    assert page.detail.reveal_button.isEnabled()
    qtbot.mouseClick(page.detail.reveal_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert page.detail.values["身份证号"].text() == id_number(sequence="123")
    assert not page.detail.reveal_button.isEnabled()
    rows = search_audit(ui_env.context.uow(), actor=ui_env.context.actor, text="郑一")
    assert any(r.action is AuditAction.REVEAL for r in rows)




def test_shortcuts_belong_to_the_tab_shown(qtbot, ui_env, page):
    add_officer(ui_env.context, "郑一")
    run(qtbot, ui_env, page.reload())
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.active_dialog is not None)
    assert page.active_dialog.windowTitle() == "新增人员"
    page.active_dialog.reject()
    settle(qtbot, ui_env)
    show_tab(qtbot, page, page.duty_tab)
    page.activateWindow()  # back from the dialog: shortcuts need the active window
    qtbot.waitUntil(page.isActiveWindow)
    page.duty_tab.view.view.setFocus()
    qtbot.keyClick(page.duty_tab.view.view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: page.active_dialog is not None)
    assert page.active_dialog.windowTitle() == f"设置值班 — {today()}"
    page.active_dialog.reject()
    settle(qtbot, ui_env)


# --- screenshots ---------------------------------------------------------------------------


SHOTS = (("people", "people_tab"), ("counts", "counts_tab"), ("leave", "leave_tab"),
         ("duty", "duty_tab"), ("units", "units_tab"))


@pytest.mark.slow
def test_screenshots_of_every_tab_with_the_demo_street(qtbot, ui_env) -> None:
    from ui.main_window import MainWindow

    load_demo_street(ui_env.context)
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    ui_env.context.actor = Actor("赵主任", Role.DIRECTOR)
    window = MainWindow(ui_env)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.show_page("roster")
    assert isinstance(page, RosterPage)
    run(qtbot, ui_env, page.reload())
    settle(qtbot, ui_env)
    assert page.model.rowCount() == 40 and page.banner.isVisible()
    page.select_officer(page.warnings[0].officer_id)
    settle(qtbot, ui_env)
    for name, attribute in SHOTS:
        show_tab(qtbot, page, getattr(page, attribute))
        if name == "units":
            city = next(u for u in page.units_tab.units_model.rows() if u.name == "区城管执法局")
            page.units_tab.select_unit(city.id)
        if name == "duty" and not any(r.officer_id is None for r in page.duty_tab.view.rows()):
            page.duty_tab.view.month_bar.next.click()  # the demo leaves two gaps ahead
            settle(qtbot, ui_env)
            assert any(r.officer_id is None for r in page.duty_tab.view.rows())
        qtbot.wait(50)
        path = screenshot(window, f"page-roster-{name}")
        image = QImage(str(path))
        assert image.width() >= 1200 and image.height() >= 700
