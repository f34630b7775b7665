"""The 导入花名册 wizard on real, messy xlsx files: the header found below a title, an
unknown header pointed at its field with the combo box, the preview, the import and
the mapping remembered; a bad file listing its errors with 导入 disabled; a file
refused at the last moment showing the row-level report, nothing stored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services import roster
from tests.ui.conftest import settle
from tests.ui.roster_helpers import (
    add_officer,
    error_texts,
    good_rows,
    id_number,
    names,
    open_page,
    wizard,
    write_roster,
)
from ui.dialogs.import_report import ImportReportDialog
from ui.pages.roster_page import RosterPage


@pytest.fixture
def page(qtbot, ui_env, street) -> RosterPage:  # type: ignore[no-untyped-def]
    return open_page(qtbot, ui_env)


def test_import_wizard_maps_an_unknown_header_then_imports(qtbot, ui_env, page, tmp_path,
                                                          monkeypatch):
    path = write_roster(tmp_path / "花名册.xlsx", good_rows())
    dialog = wizard(qtbot, page, monkeypatch, path)
    assert not dialog.import_button.isEnabled()
    assert any("身份证号码" in text for text in error_texts(dialog))
    assert "表头在第 3 行" in dialog.preview_status.text()
    unknown = dialog.field_combo("公民身份证")
    assert unknown.currentText() == "— 不导入 —"

    unknown.setCurrentIndex(unknown.findText("身份证号码"))
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.ok)
    assert dialog.import_button.isEnabled()
    assert dialog.rows_model.rowCount() == 2
    assert dialog.rows_model.index(0, 1).data() == "王小明"  # padded names are closed up
    assert "*" in dialog.rows_model.index(0, 3).data()  # masked in the preview too
    assert "新建" in dialog.notes.text()  # the two units are not in the directory yet

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert page.active_dialog is None
    assert sorted(names(page)) == sorted(["王小明", "刘芳"])
    assert page.last_notice is not None and "导入 2 名" in page.last_notice[1]
    page.notice_box.accept()
    wang = next(r for r in page.model.rows() if r.name.startswith("王"))
    assert wang.phone_masked == "138****5678" and wang.certificates[0].number == "湘430102260011"

    again = write_roster(tmp_path / "第二批.xlsx", [])
    second = wizard(qtbot, page, monkeypatch, again)  # the mapping is remembered
    assert second.field_combo("公民身份证").currentText() == "身份证号码"
    assert second.mapping_table.item(3, 3).text() == "已记住"
    second.reject()
    settle(qtbot, ui_env)


def test_a_bad_file_lists_its_errors_and_cannot_be_imported(qtbot, ui_env, page, tmp_path,
                                                           monkeypatch):
    rows = good_rows()
    rows[0][3] = 4.30102198503121e17  # Excel made the ID a number: digits lost
    rows[1][3] = id_number("19900615", "246")[:-1] + "0"  # wrong check digit
    path = write_roster(tmp_path / "坏花名册.xlsx", rows, id_header="身份证号码")

    dialog = wizard(qtbot, page, monkeypatch, path)
    errors = error_texts(dialog)
    assert any(text.startswith("5|身份证号码|") and "被 Excel 转成了数字" in text for text in errors)
    assert any(text.startswith("6|身份证号码|") and "校验位" in text for text in errors)
    assert not dialog.import_button.isEnabled()
    assert f"发现 {len(errors)} 处问题" in dialog.preview_status.text()
    dialog.reject()
    settle(qtbot, ui_env)
    assert page.model.rowCount() == 0


def test_an_import_refused_at_the_last_moment_shows_the_row_report(qtbot, ui_env, page,
                                                                  tmp_path, monkeypatch):
    path = write_roster(tmp_path / "花名册.xlsx", good_rows(), id_header="身份证号码")
    dialog = wizard(qtbot, page, monkeypatch, path)
    assert dialog.import_button.isEnabled()
    add_officer(ui_env.context, "王小明", sequence="123")  # someone else entered him meanwhile

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(w, ImportReportDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    qtbot.waitUntil(lambda: dialog.preview is not None and not dialog.preview.ok)
    report = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, ImportReportDialog) and w.isVisible())
    assert report.table.item(0, 0).text() == "5" and "已登记" in report.table.item(0, 2).text()
    assert dialog.isVisible() and not dialog.import_button.isEnabled()  # checked again: 1 error
    report.close()
    dialog.reject()
    settle(qtbot, ui_env)
    assert [r.name for r in roster.list_officers(ui_env.context.uow())] == ["王小明"]
