"""The 事项清单 page driven as a user would: importing a version (and a refused file),
searching with Ctrl+F, filtering by type, reading an item's duties and routing
proposal, looking at an older version, comparing versions, downloading the template;
and the import disabled for every role that may not import. Real SQLite and xlsx
files; screenshots with the demo street's list.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.clock import today
from desktop.demo_responsibilities import add_demo_responsibilities
from desktop.domain.actor import Actor, Role
from desktop.domain.permissions import Permission
from desktop.services.responsibilities import current_list
from desktop.services.subcenter import get_sub_center
from local_db.unit_of_work import JoinedUnitOfWork
from tests.demo_street import load_demo_street
from tests.integration.permission_cases import lacking
from tests.integration.test_responsibilities import bad_file, first_file, second_file
from tests.ui.conftest import run, screenshot, settle, type_text
from ui.dialogs.import_report import ImportReportDialog
from ui.dialogs.responsibility_dialogs import ImportOptionsDialog, VersionCompareDialog
from ui.main_window import MainWindow
from ui.pages.responsibilities_page import ResponsibilitiesPage
from ui.widgets.responsibility_detail import NO_LIST_TEXT


def open_page(qtbot, ui_env) -> ResponsibilitiesPage:  # type: ignore[no-untyped-def]
    page = ResponsibilitiesPage(ui_env)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    run(qtbot, ui_env, page.reload())
    return page


@pytest.fixture
def page(qtbot, ui_env, street) -> ResponsibilitiesPage:  # type: ignore[no-untyped-def]
    return open_page(qtbot, ui_env)


@pytest.fixture
def demo_env(ui_env):  # type: ignore[no-untyped-def]
    """The demo street with its list (added as build_demo_street will: inside one open
    unit of work)."""
    load_demo_street(ui_env.context)
    if current_list(ui_env.context.uow()) is None:  # until build_demo_street adds it itself
        with ui_env.context.uow() as uow:
            add_demo_responsibilities(JoinedUnitOfWork(uow), actor=ui_env.context.actor,
                                      on=today())
            uow.commit()
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    return ui_env


def codes(page: ResponsibilitiesPage) -> list[str]:
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


def start_import(qtbot, page: ResponsibilitiesPage, path: Path,  # type: ignore[no-untyped-def]
                 monkeypatch: pytest.MonkeyPatch) -> ImportOptionsDialog:
    monkeypatch.setattr(page, "ask_open_path", lambda title, file_filter: str(path))
    assert page.import_button.isEnabled()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ImportOptionsDialog)
                    and page.active_dialog.isVisible())
    dialog = page.active_dialog
    assert isinstance(dialog, ImportOptionsDialog)
    return dialog


def select_code(qtbot, ui_env, page: ResponsibilitiesPage, code: str) -> None:  # type: ignore[no-untyped-def]
    row = codes(page).index(code)
    page.table.selectRow(row)
    settle(qtbot, ui_env)
    assert page.detail.proposal is not None and page.detail.proposal.item.code == code


# --- import ----------------------------------------------------------------------------


def test_an_empty_page_says_where_the_list_comes_from(page: ResponsibilitiesPage) -> None:
    assert page.model.rowCount() == 0
    assert "尚未导入属地管理事项清单" in page.detail.text_view.toPlainText()
    assert NO_LIST_TEXT.splitlines()[0] in page.detail.text_view.toPlainText()
    assert page.summary_label.text() == "尚未导入清单"
    assert not page.compare_button.isEnabled() and page.import_button.isEnabled()


def test_import_two_versions_from_the_page(qtbot, ui_env, page: ResponsibilitiesPage,  # type: ignore[no-untyped-def]
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = start_import(qtbot, page, first_file(tmp_path), monkeypatch)
    type_text(qtbot, dialog.title_edit, "2024年版")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert page.last_notice is not None and "第 1 版（3 项）" in page.last_notice[1]
    page.notice_box.accept()
    assert page.version_combo.currentText().startswith("第 1 版（现行）")
    assert codes(page) == ["1", "2", "3"] and not page.compare_button.isEnabled()
    assert page.summary_label.text().startswith("现行：第 1 版《2024年版》· ")

    dialog = start_import(qtbot, page, second_file(tmp_path), monkeypatch)
    dialog.accept()
    settle(qtbot, ui_env)
    page.notice_box.accept()
    labels = [page.version_combo.itemText(i) for i in range(page.version_combo.count())]
    assert len(labels) == 2
    assert labels[0].startswith("第 2 版（现行）·") and labels[0].endswith("· 3 项")
    assert labels[1].startswith("第 1 版 · ") and "（现行）" not in labels[1]
    assert page.version_combo.currentIndex() == 0 and codes(page) == ["1", "2", "4"]
    assert page.compare_button.isEnabled()


def test_a_refused_file_shows_the_row_report_and_imports_nothing(
    qtbot, ui_env, page: ResponsibilitiesPage, tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = start_import(qtbot, page, bad_file(tmp_path), monkeypatch)
    dialog.accept()
    settle(qtbot, ui_env)
    qtbot.waitUntil(lambda: any(r.isVisible() for r in page.findChildren(ImportReportDialog)))
    [report] = [r for r in page.findChildren(ImportReportDialog) if r.isVisible()]
    rows = [[report.table.item(r, c).text() for c in range(3)]
            for r in range(report.table.rowCount())]
    assert rows[0] == ["6", "主体责任单位", "不能为空，请填写主体责任单位（由街道负责的填“街道”）。"]
    assert rows[1] == ["7", "序号", "事项编号“1”与第 5 行重复，同一清单中的事项编号不能重复。"]
    assert len(rows) == 4
    report.reject()
    run(qtbot, ui_env, page.reload())
    assert page.model.rowCount() == 0 and page.version_combo.count() == 0


def test_the_template_is_saved_where_the_user_says(qtbot, ui_env, page: ResponsibilitiesPage,  # type: ignore[no-untyped-def]
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda title, name, file_filter: str(target))
    qtbot.mouseClick(page.template_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert load_workbook(target).sheetnames == ["事项清单", "填写说明"]
    assert page.last_notice is not None and str(target) in page.last_notice[1]
    page.notice_box.accept()


# --- reading the demo street's list ------------------------------------------------------


def test_search_with_ctrl_f_and_filter_by_type(qtbot, demo_env) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_env)
    assert len(codes(page)) == 41 and page.count_label.text() == "显示 41 / 共 41 项"
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    type_text(qtbot, page.search, "噪声")
    qtbot.waitUntil(lambda: len(codes(page)) == 2)
    settle(qtbot, demo_env)
    assert sorted(codes(page)) == ["GA-002", "ST-002"]
    page.type_combo.setCurrentIndex(page.type_combo.findText("生态环境"))
    qtbot.waitUntil(lambda: codes(page) == ["ST-002"])
    settle(qtbot, demo_env)
    assert page.detail.proposal is not None and page.detail.proposal.item.code == "ST-002"
    page.search.clear()
    qtbot.waitUntil(lambda: len(codes(page)) == 4)  # every 生态环境 item
    settle(qtbot, demo_env)


def test_the_detail_shows_duties_basis_and_routing(qtbot, demo_env) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_env)
    select_code(qtbot, demo_env, page, "CG-003")
    text = page.detail.text_view.toPlainText()
    assert "擅自设置户外广告、招牌" in text and "《城市市容和环境卫生管理条例》第十一条" in text
    assert "区级部门职责" in text and "街道职责" in text
    routing = page.detail.routing_view.toPlainText()
    assert "区城管执法局" in routing and "区市场监督管理局 → 区市场监管局（全称）" in routing
    assert "需要人工选择" not in routing

    select_code(qtbot, demo_env, page, "ST-003")
    routing = page.detail.routing_view.toPlainText()
    assert "需要人工选择" in routing and "区水务局" in routing
    screenshot(page, "page-responsibilities-detail")


def test_an_older_version_is_shown_as_history(qtbot, demo_env) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_env)
    select_code(qtbot, demo_env, page, "CG-006")
    assert not page.history_note.isVisible()
    page.version_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(codes(page)) == 40)
    settle(qtbot, demo_env)
    assert page.history_note.isVisible() and "已被第 2 版取代" in page.history_note.text()
    assert "CG-009" in codes(page) and "XF-001" not in codes(page)
    assert page.current_item() is not None and page.current_item().code == "CG-006"  # kept
    assert "主体责任单位" in page.detail.routing_view.toPlainText()
    assert page.detail.proposal is not None and page.detail.proposal.item.lead_unit == "区城管执法局"


def test_comparing_versions_in_a_dialog(qtbot, demo_env) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_env)
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, VersionCompareDialog)
                    and page.active_dialog.isVisible())
    dialog = page.active_dialog
    assert isinstance(dialog, VersionCompareDialog)
    assert dialog.summary.text() == "第 2 版与第 1 版相比：新增 3 项，删除 2 项，修改 3 项。"
    kinds = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
    assert kinds == ["新增"] * 3 + ["删除"] * 2 + ["修改"] * 3
    changed = kinds.index("修改")
    dialog.table.selectRow(changed)
    detail = dialog.detail.toPlainText()
    assert "CG-006" in detail and "第 1 版：区城管执法局" in detail and "第 2 版：街道" in detail
    screenshot(dialog, "dialog-responsibilities-compare")

    dialog.old_combo.setCurrentIndex(0)  # the same version on both sides
    qtbot.waitUntil(lambda: dialog.summary.text() == "请选择两个不同的版本进行对比。")
    dialog.reject()
    settle(qtbot, demo_env)
    assert page.active_dialog is None


@pytest.mark.slow
def test_screenshot_of_the_page_in_the_window(qtbot, demo_env) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(demo_env)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.show_page("responsibilities")
    run(qtbot, demo_env, page.reload())
    settle(qtbot, demo_env)
    assert isinstance(page, ResponsibilitiesPage) and page.model.rowCount() == 41
    screenshot(window, "page-responsibilities")


# --- permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("role", lacking(Permission.RESPONSIBILITY_EDIT), ids=lambda r: r.value)
def test_the_import_is_disabled_for_a_role_that_may_not_import(
    qtbot, ui_env, street, role: Role,  # type: ignore[no-untyped-def]
) -> None:
    ui_env.context.actor = Actor("测试", role)
    page = open_page(qtbot, ui_env)
    assert not page.import_button.isEnabled()
    assert f"您的角色（{role.label}）无权“导入属地管理事项清单”" in page.import_button.toolTip()
    assert page.role_note.isVisible() and "只读" in page.role_note.text()
    assert page.template_button.isEnabled()  # a blank template reveals nothing
    if role is Role.OPERATOR:
        screenshot(page, "page-responsibilities-operator")


def test_the_import_is_enabled_for_the_system_administrator(qtbot, ui_env, street) -> None:  # type: ignore[no-untyped-def]
    ui_env.context.actor = Actor("管理员", Role.SYSADMIN)
    page = open_page(qtbot, ui_env)
    assert page.import_button.isEnabled() and "无权" not in page.import_button.toolTip()
    assert page.role_note.isHidden()


def test_dialogs_close_cleanly(qtbot, ui_env, page: ResponsibilitiesPage, tmp_path: Path,  # type: ignore[no-untyped-def]
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancelling the import options imports nothing and leaves no dialog behind."""
    dialog = start_import(qtbot, page, first_file(tmp_path), monkeypatch)
    dialog.reject()
    settle(qtbot, ui_env)
    assert page.active_dialog is None and page.version_combo.count() == 0
    assert not [d for d in page.findChildren(QDialog) if d.isVisible()]
