"""设置 › 审计日志 driven as an auditor would: filter, read a record's before/after,
verify the chain (whole, then after someone edited the database file), export."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt

from desktop.domain.actor import Actor, Role
from desktop.services import grids
from desktop.services.privacy import reveal_phone
from desktop.services.subcenter import get_sub_center
from tests.demo_street import load_demo_street
from tests.integration.permission_cases import Street, build_street, fields
from tests.ui.conftest import run, screenshot, settle, type_text
from ui.pages.settings_audit import AuditTab
from ui.pages.settings_page import SettingsPage

ADMIN = Actor("王网格", Role.GRID_ADMIN)
DIRECTOR = Actor("赵主任", Role.DIRECTOR)


def some_work(street: Street) -> None:
    """A grid administrator edits, a director looks at a phone."""
    uow = street.context.uow
    grids.update_grid(uow(), actor=ADMIN, grid_id=street.one.id, expected_version=street.one.version,
                      fields=fields("东风一网格", population=450))
    reveal_phone(uow(), actor=DIRECTOR, person_id=street.member.person_id)


@pytest.fixture
def tab(qtbot, ui_env, street, tmp_path: Path) -> AuditTab:  # type: ignore[no-untyped-def]
    data = build_street(ui_env.context, tmp_path / "files")
    some_work(data)
    ui_env.context.actor = DIRECTOR
    tab = AuditTab(ui_env)
    qtbot.addWidget(tab)
    tab.resize(1240, 700)
    tab.show()
    run(qtbot, ui_env, tab.reload())
    return tab


def shown(tab: AuditTab, column: int) -> list[str]:
    return [tab.model.index(r, column).data() for r in range(tab.model.rowCount())]


def test_newest_first_with_the_selected_records_before_and_after(qtbot, ui_env, tab) -> None:  # type: ignore[no-untyped-def]
    ids = [int(text) for text in shown(tab, 0)]
    assert ids == sorted(ids, reverse=True) and len(ids) >= 6
    assert shown(tab, 2)[:2] == ["赵主任", "王网格"]
    assert shown(tab, 4)[:2] == ["查看个人信息", "修改"]
    assert "共 " in tab.count_label.text()

    tab.table.selectRow(1)  # 王网格's edit
    assert "修改" in tab.detail_title.text() and "王网格（网格管理员）" in tab.detail_meta.text()
    changes = [[tab.changes_model.index(r, c).data() for c in range(3)]
               for r in range(tab.changes_model.rowCount())]
    assert changes == [["人口", "300", "450"]]


def test_filters_by_action_user_text_and_dates(qtbot, ui_env, tab) -> None:  # type: ignore[no-untyped-def]
    tab.action.setCurrentIndex(tab.action.findText("修改"))
    settle(qtbot, ui_env)
    assert set(shown(tab, 4)) == {"修改"} and shown(tab, 2) == ["王网格"]

    tab.action.setCurrentIndex(0)  # 全部操作
    settle(qtbot, ui_env)
    type_text(qtbot, tab.search, "东风二网格")
    qtbot.mouseClick(tab.query_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert len(shown(tab, 6)) == 1 and "东风二网格" in shown(tab, 6)[0]
    assert "摘要含“东风二网格”" in tab.count_label.text()

    tab.search.clear()
    tab.user.setEditText("赵主任")
    tab.apply_filters()
    settle(qtbot, ui_env)
    assert shown(tab, 2) == ["赵主任"]

    tab.user.setEditText("全部用户")
    tab.use_dates.setChecked(True)
    settle(qtbot, ui_env)
    assert tab.model.rowCount() >= 6  # today is inside the last 30 days
    tomorrow = QDate.currentDate().addDays(1)
    tab.until.setDate(tomorrow.addDays(5))
    tab.since.setDate(tomorrow)
    settle(qtbot, ui_env)
    assert tab.model.rowCount() == 0
    assert tab.detail_title.text() == "未选择记录"


def test_verify_button_reports_whole_then_names_the_edited_record(qtbot, ui_env, tab) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert tab.last_report is not None and tab.last_report.ok
    assert tab.verify_label.text().startswith("✔ 审计日志完整")

    context = ui_env.context
    context.engine.dispose()
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        db.execute("UPDATE audit_record SET summary = '什么也没发生' WHERE id = 2")
        db.commit()
    qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert not tab.last_report.ok
    assert "校验未通过" in tab.verify_label.text() and "第 2 号" in tab.verify_label.text()


def test_export_to_excel_writes_the_filtered_records_and_is_audited(  # type: ignore[no-untyped-def]
    qtbot, ui_env, tab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tab.action.setCurrentIndex(tab.action.findText("新建"))
    settle(qtbot, ui_env)
    created = tab.model.rowCount()
    target = tmp_path / "审计.xlsx"
    monkeypatch.setattr(tab, "ask_save_path", lambda: str(target))
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert tab.last_export == (str(target), created)
    assert tab.notice_box is not None and "已导出" in tab.notice_box.text()
    tab.notice_box.accept()
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert "操作“新建”" in str(rows[0][0]) and len(rows) == 2 + created
    assert {row[4] for row in rows[2:]} == {"新建"}

    tab.action.setCurrentIndex(0)
    settle(qtbot, ui_env)
    assert shown(tab, 4)[0] == "导出" and "审计.xlsx" in shown(tab, 6)[0]


def test_cancelled_file_choice_exports_nothing(qtbot, ui_env, tab, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = tab.model.rowCount()
    monkeypatch.setattr(tab, "ask_save_path", lambda: None)
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    run(qtbot, ui_env, tab.reload())
    assert tab.last_export is None and tab.model.rowCount() == before


@pytest.mark.slow
def test_screenshot_of_the_audit_tab_with_the_demo_street(qtbot, ui_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    uow = ui_env.context.uow
    first = grids.list_grids(uow())[0]
    grids.update_grid(uow(), actor=ADMIN, grid_id=first.id, expected_version=first.version,
                      fields=grids.GridFields(first.name, first.kind, first.category,
                                              dedicated_type=first.dedicated_type,
                                              households=first.households + 12,
                                              population=first.population + 30,
                                              area_km2=first.area_km2, note="新交付小区入住"))
    from desktop.services.grid_staff import list_staff

    member = next(s for s in list_staff(uow()) if s.phone_masked)
    reveal_phone(uow(), actor=DIRECTOR, person_id=member.person_id)
    ui_env.context.actor = DIRECTOR
    page = SettingsPage(ui_env)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.tabs.setCurrentIndex([page.tabs.tabText(i) for i in range(page.tabs.count())].index("审计日志"))
    settle(qtbot, ui_env)
    audit_tab = page.tab_pages["审计日志"]
    assert isinstance(audit_tab, AuditTab)
    qtbot.mouseClick(audit_tab.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    audit_tab.table.selectRow(1)
    qtbot.wait(50)
    screenshot(page, "page-settings-audit")
    assert audit_tab.model.rowCount() > 100
