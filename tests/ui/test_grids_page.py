"""The 网格 page driven as a user would: typing into its dialogs, clicking OK, choosing
files, clicking the map. Everything runs on a real migrated SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from desktop.domain.grids import CommunityKind, GridCategory, GridKind, GridStatus
from desktop.services import grid_staff, grids
from tests.ui.conftest import run, screenshot, settle, type_text
from ui.dialogs.grid_dialog import GridDialog
from ui.dialogs.import_report import ImportReportDialog
from ui.pages.grids_page import GridsPage

GRID_HEADERS = ["社区/村", "社区类型", "社区代码", "网格编码", "网格名称", "网格类型", "专属类型",
                "网格类别", "户数", "人口", "面积(平方公里)", "备注"]


# --- helpers ------------------------------------------------------------------------


@pytest.fixture
def page(qtbot, ui_env, street) -> GridsPage:  # type: ignore[no-untyped-def]
    page = GridsPage(ui_env)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    run(qtbot, ui_env, page.reload())
    return page


def open_dialog(qtbot, page: GridsPage, action: str) -> QDialog:  # type: ignore[no-untyped-def]
    assert page.grid_actions[action].isEnabled(), f"{action} should be enabled"
    page.grid_actions[action].trigger()
    errors = page.env.errors  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: errors or (page.active_dialog is not None
                                       and page.active_dialog.isVisible()))
    if errors:
        raise errors[0]
    dialog = page.active_dialog
    assert dialog is not None
    return dialog


def press_ok(qtbot, ui_env, dialog) -> None:  # type: ignore[no-untyped-def]
    """Click the dialog's OK and wait until the page has reloaded after it closed."""
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)


def press_ok_refused(qtbot, dialog) -> str:  # type: ignore[no-untyped-def]
    """Click OK on a form the service will refuse; return the inline message."""
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and dialog.ok_button.isEnabled())
    assert dialog.isVisible(), "a refused form must stay open"
    return dialog.error_label.text()


def type_number(qtbot, box, value: int) -> None:  # type: ignore[no-untyped-def]
    box.selectAll()
    qtbot.keyClicks(box, str(value))


def names(page: GridsPage) -> list[str]:
    return [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]


def add_grid(context, community_name: str = "东风社区", grid_name: str = "东风一网格",
             boundary: str | None = None, population: int = 300) -> grids.GridRow:
    uow, actor = context.uow, context.actor
    existing = {c.name: c for c in grids.list_communities(uow())}
    community = existing.get(community_name) or grids.create_community(
        uow(), actor=actor, name=community_name, kind=CommunityKind.COMMUNITY)
    fields = grids.GridFields(grid_name, GridKind.BASE, GridCategory.URBAN_COMMUNITY,
                              households=100, population=population)
    return grids.create_grid(uow(), actor=actor, community_id=community.id, fields=fields,
                             boundary_geojson=boundary)


def square(x: float, y: float, size: float = 0.005) -> str:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "网格"
    sheet.append(GRID_HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


# --- creating and editing ------------------------------------------------------------


def test_create_community_and_grid_by_typing(qtbot, ui_env, page):
    assert not page.grid_actions["new"].isEnabled()  # no community yet
    dialog = open_dialog(qtbot, page, "community")
    type_text(qtbot, dialog.name, "东风社区")
    press_ok(qtbot, ui_env, dialog)
    assert page.tree.community_item(page.communities[0].id).text(0) == "东风社区"

    dialog = open_dialog(qtbot, page, "new")
    message = press_ok_refused(qtbot, dialog)
    assert "网格名称" in message and "不能为空" in message
    assert page.active_dialog is dialog
    type_text(qtbot, dialog.form.name, "东风一网格")
    type_number(qtbot, dialog.form.households, 120)
    type_number(qtbot, dialog.form.population, 360)
    press_ok(qtbot, ui_env, dialog)

    assert page.active_dialog is None
    assert names(page) == ["东风一网格"]
    created = page.current_grid()
    assert created is not None and created.population == 360 and created.households == 120
    assert len(created.code) == 15 and created.code == "430102007" + "001" + "001"
    assert page.detail.title.text() == "东风一网格"
    community = page.tree.community_item(created.community_id)
    assert community.text(1) == "1"
    assert community.child(0).text(0) == "东风一网格"
    assert "1 个在用网格" in page.summary_label.text()


def test_edit_population_shows_in_list_and_history(qtbot, ui_env, page):
    grid = add_grid(ui_env.context)
    run(qtbot, ui_env, page.reload())
    assert page.select_grid(grid.id)
    dialog = open_dialog(qtbot, page, "edit")
    assert dialog.form.name.text() == "东风一网格"
    assert not dialog.community.isEnabled()  # the code depends on it
    type_number(qtbot, dialog.form.population, 450)
    press_ok(qtbot, ui_env, dialog)

    assert page.proxy.index(0, 6).data() == "450"
    history = [page.detail.history_model.row_at(r).summary
               for r in range(page.detail.history_model.rowCount())]
    assert history[0] == "人口：300 → 450"  # newest first
    assert page.detail.values["人口"].text() == "450 人"


def test_households_above_population_is_refused_inline(qtbot, ui_env, page):
    grid = add_grid(ui_env.context)
    run(qtbot, ui_env, page.reload())
    page.select_grid(grid.id)
    dialog = open_dialog(qtbot, page, "edit")
    type_number(qtbot, dialog.form.households, 900)
    message = press_ok_refused(qtbot, dialog)
    assert "900 户多于人口 300 人" in message
    assert dialog.form.households.hasFocus()
    dialog.reject()
    settle(qtbot, ui_env)
    assert grids.get_grid(ui_env.context.uow(), grid.id).households == 100


def test_dedicated_type_only_for_dedicated_grids(qtbot, ui_env, page):
    add_grid(ui_env.context)
    run(qtbot, ui_env, page.reload())
    dialog = open_dialog(qtbot, page, "new")
    assert not dialog.form.dedicated_type.isEnabled()
    dialog.form.kind.set_value(GridKind.DEDICATED)
    assert dialog.form.dedicated_type.isEnabled()
    dialog.reject()
    settle(qtbot, ui_env)


# --- staff -----------------------------------------------------------------------------


def test_assign_member_record_presence_and_end(qtbot, ui_env, page):
    grid = add_grid(ui_env.context)
    run(qtbot, ui_env, page.reload())
    page.select_grid(grid.id)
    settle(qtbot, ui_env)
    assert not page.grid_actions["presence"].isEnabled()  # no 网格员 yet

    dialog = open_dialog(qtbot, page, "assign")
    type_text(qtbot, dialog.name, "张晓明")
    type_text(qtbot, dialog.phone, "13812345678")
    type_text(qtbot, dialog.unit, "街道城管办")
    press_ok(qtbot, ui_env, dialog)

    staff = page.detail.staff_model
    assert staff.rowCount() == 1
    assert [staff.index(0, c).data() for c in range(3)] == ["张晓明", "网格员", "138****5678"]
    assert staff.index(0, 4).data() == "未填报"
    assert "low_presence" not in {w.kind.value for w in page.detail.warnings_model.rows()}

    dialog = open_dialog(qtbot, page, "presence")
    type_number(qtbot, dialog.days, 10)
    press_ok(qtbot, ui_env, dialog)
    assert staff.index(0, 4).data() == "10 天"
    texts = [w.text for w in page.detail.warnings_model.rows()]
    assert any("张晓明" in text and "10 天" in text for text in texts)
    assert "在格天数不足" in page.proxy.index(0, 10).data(Qt.ItemDataRole.ToolTipRole) or any(
        "少于 15 天" in text for text in texts)

    assert not page.grid_actions["end"].isEnabled()
    page.detail.staff_view.selectRow(0)
    dialog = open_dialog(qtbot, page, "end")
    press_ok(qtbot, ui_env, dialog)
    assert staff.rowCount() == 0
    assert grid_staff.list_staff(ui_env.context.uow(), grid_id=grid.id) == []


def test_bad_phone_is_refused_inline(qtbot, ui_env, page):
    grid = add_grid(ui_env.context)
    run(qtbot, ui_env, page.reload())
    page.select_grid(grid.id)
    dialog = open_dialog(qtbot, page, "assign")
    type_text(qtbot, dialog.name, "李四")
    type_text(qtbot, dialog.phone, "12345")
    assert "不是有效的手机号" in press_ok_refused(qtbot, dialog)
    assert dialog.phone.hasFocus()
    dialog.reject()
    settle(qtbot, ui_env)


# --- files -----------------------------------------------------------------------------


def test_import_bad_then_good_grid_file(qtbot, ui_env, page, tmp_path, monkeypatch):
    def open_reports() -> list[ImportReportDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, ImportReportDialog) and w.isVisible()]

    bad = write_xlsx(tmp_path / "坏网格.xlsx", [
        ["东风社区", "社区", "", "", "东风一网格", "超级网格", "", "城市社区", 100, 300, 0.2, ""],
        ["东风社区", "社区", "", "", "", "基础网格", "", "城市社区", "很多", 300, 0.2, ""],
    ])
    monkeypatch.setattr(page, "ask_open_path", lambda title, file_filter: str(bad))
    page.files.import_menu.actions()[0].trigger()
    settle(qtbot, ui_env)
    qtbot.waitUntil(lambda: bool(open_reports()))

    reports = open_reports()
    assert len(reports) == 1
    table = reports[0].table
    problems = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    assert ("2", "网格类型") in problems
    assert ("3", "网格名称") in problems and ("3", "户数") in problems
    assert grids.list_grids(ui_env.context.uow()) == []
    assert page.model.rowCount() == 0

    good = write_xlsx(tmp_path / "网格.xlsx", [
        ["东风社区", "社区", "", "", "东风一网格", "基础网格", "", "城市社区", 100, 300, 0.2, ""],
        ["东风社区", "社区", "", "", "东风二网格", "基础网格", "", "城市社区", 80, 200, 0.1, ""],
    ])
    monkeypatch.setattr(page, "ask_open_path", lambda title, file_filter: str(good))
    page.files.import_menu.actions()[0].trigger()
    reports[0].close()
    settle(qtbot, ui_env)
    assert open_reports() == []  # the good file raised no report
    assert sorted(names(page)) == ["东风一网格", "东风二网格"]
    assert page.last_notice is not None and "导入 2 个网格" in page.last_notice[1]
    page.notice_box.accept()


def test_export_and_template_write_files(qtbot, ui_env, page, tmp_path, monkeypatch):
    add_grid(ui_env.context)
    target = tmp_path / "导出.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda title, name, file_filter: str(target))
    page.files.export_menu.actions()[0].trigger()
    settle(qtbot, ui_env)
    assert target.is_file() and "已导出 1 个网格" in page.last_notice[1]
    page.notice_box.accept()
    template = tmp_path / "模板.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda title, name, file_filter: str(template))
    page.files.template_menu.actions()[0].trigger()
    settle(qtbot, ui_env)
    assert template.is_file()
    page.notice_box.accept()


def test_cancelled_file_choice_does_nothing(qtbot, ui_env, page, monkeypatch):
    monkeypatch.setattr(page, "ask_open_path", lambda title, file_filter: None)
    page.files.import_menu.actions()[0].trigger()
    settle(qtbot, ui_env)
    assert page.last_notice is None


# --- map -------------------------------------------------------------------------------


def test_clicking_the_map_selects_the_grid(qtbot, ui_env, page, tmp_path, monkeypatch):
    west = add_grid(ui_env.context, grid_name="西网格", population=200)
    east = add_grid(ui_env.context, grid_name="东网格", population=900)
    boundaries = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"网格编码": grid.code},
         "geometry": json.loads(square(112.98 + offset, 28.2))}
        for grid, offset in ((west, 0.0), (east, 0.005))
    ]}
    path = tmp_path / "边界.geojson"
    path.write_text(json.dumps(boundaries, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(page, "ask_open_path", lambda title, file_filter: str(path))
    page.files.import_menu.actions()[-1].trigger()
    settle(qtbot, ui_env)
    assert "导入 2 个网格的边界" in page.last_notice[1]
    page.notice_box.accept()
    assert page.proxy.index(0, 8).data() == "有"

    page.tabs.setCurrentWidget(page.map_tab)
    settle(qtbot, ui_env)
    assert sorted(page.map.grid_ids()) == sorted([west.id, east.id])
    view = page.map
    item = view.grid_item(east.id)
    point = view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    settle(qtbot, ui_env)
    assert page.current_grid().id == east.id
    assert page.detail.title.text() == "东网格"

    page.select_grid(west.id)
    assert view.selected_grid_id == west.id
    page.colour_mode.setCurrentIndex(1)
    assert view.colour_mode == "population"


# --- merge, split, retire, filters ------------------------------------------------------


def test_merge_split_retire_and_the_retired_checkbox(qtbot, ui_env, page):
    a = add_grid(ui_env.context, grid_name="一网格")
    b = add_grid(ui_env.context, grid_name="二网格")
    run(qtbot, ui_env, page.reload())
    page.select_grid(a.id)
    assert not page.grid_actions["merge"].isEnabled()
    page.select_grid(b.id, add=True)
    assert page.grid_actions["merge"].isEnabled() and not page.grid_actions["edit"].isEnabled()

    dialog = open_dialog(qtbot, page, "merge")
    assert dialog.form.population.value() == 600
    type_text(qtbot, dialog.form.name, "合并网格")
    press_ok(qtbot, ui_env, dialog)
    assert names(page) == ["合并网格"]
    merged = page.current_grid()
    assert merged is not None and merged.code.endswith("003")

    dialog = open_dialog(qtbot, page, "split")
    dialog.count.setValue(3)
    for index, (name, _households, _population) in enumerate(dialog.parts):
        name.setText(f"拆分{index + 1}")
    assert "合计 200 户，600 人" in dialog.totals.text()
    press_ok(qtbot, ui_env, dialog)
    assert names(page) == ["拆分1", "拆分2", "拆分3"]
    assert len(page.selected_grids()) == 3

    page.select_grid(page.model.row_at(0).grid.id)
    dialog = open_dialog(qtbot, page, "retire")
    assert "撤销原因" in press_ok_refused(qtbot, dialog)
    type_text(qtbot, dialog.reason, "片区拆迁")
    press_ok(qtbot, ui_env, dialog)
    assert names(page) == ["拆分2", "拆分3"]

    page.show_retired.setChecked(True)
    settle(qtbot, ui_env)
    statuses = {page.model.row_at(r).grid.name: page.model.row_at(r).grid.status
                for r in range(page.model.rowCount())}
    assert statuses["一网格"] is GridStatus.MERGED and statuses["合并网格"] is GridStatus.SPLIT
    assert statuses["拆分1"] is GridStatus.RETIRED
    page.select_grid(a.id)
    assert not page.grid_actions["edit"].isEnabled() and not page.grid_actions["assign"].isEnabled()
    assert page.detail.status.text().strip() == "已合并"


def test_search_and_tree_filter_the_list(qtbot, ui_env, page):
    add_grid(ui_env.context, "东风社区", "东风一网格")
    add_grid(ui_env.context, "东风社区", "东风二网格")
    west = add_grid(ui_env.context, "西湖社区", "西湖一网格")
    run(qtbot, ui_env, page.reload())
    assert page.proxy.rowCount() == 3
    page.tree.select_community(west.community_id)
    assert names(page) == ["西湖一网格"]
    page.tree.select_community("")
    page.focus_search()
    assert page.search.hasFocus()
    type_text(qtbot, page.search, "二")
    assert names(page) == ["东风二网格"]
    page.search.clear()
    type_text(qtbot, page.search, west.code)
    assert names(page) == ["西湖一网格"]
    assert "显示 1 / 共 3 个网格" in page.count_label.text()
    page.tree.select_grid(west.id)
    assert page.current_grid().id == west.id


def test_list_sorts_by_numbers_not_text(qtbot, ui_env, page):
    add_grid(ui_env.context, grid_name="甲", population=900)
    add_grid(ui_env.context, grid_name="乙", population=1200)
    add_grid(ui_env.context, grid_name="丙", population=180)
    run(qtbot, ui_env, page.reload())
    page.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    assert names(page) == ["乙", "甲", "丙"]


def test_keyboard_shortcuts(qtbot, ui_env, page):
    grid = add_grid(ui_env.context)
    run(qtbot, ui_env, page.reload())
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.select_grid(grid.id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, GridDialog))
    assert page.active_dialog.grid.id == grid.id  # Enter edits the selected grid
    page.active_dialog.reject()
    settle(qtbot, ui_env)

    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, GridDialog))
    assert page.active_dialog.grid is None  # Ctrl+N creates
    assert page.active_dialog.community.currentData() == grid.community_id
    page.active_dialog.reject()
    settle(qtbot, ui_env)


# --- screenshots -------------------------------------------------------------------------


def test_screenshots_of_the_demo_street(qtbot, ui_env):
    from tests.demo_street import load_demo_street

    load_demo_street(ui_env.context)
    page = GridsPage(ui_env)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    run(qtbot, ui_env, page.reload(), timeout=30_000)
    assert page.model.rowCount() > 30
    warned = next(r.grid for r in page.model.rows() if r.warnings)
    page.select_grid(warned.id)
    settle(qtbot, ui_env)
    assert page.detail.staff_model.rowCount() > 0
    screenshot(page, "page-grids-list")
    page.tabs.setCurrentWidget(page.map_tab)
    settle(qtbot, ui_env)
    assert page.map.grid_ids()
    screenshot(page, "page-grids-map")
    page.tabs.setCurrentWidget(page.list_tab)
    dialog = open_dialog(qtbot, page, "edit")
    screenshot(dialog, "dialog-grid-edit")
    dialog.reject()
    settle(qtbot, ui_env)
