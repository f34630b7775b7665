"""Helpers of the 执法队伍 page tests: data made through the roster services, the page
opened as the window shows it, dialogs driven like a user, and 花名册 files made to
look like the ones offices send (title rows, merged two-level headers, footers)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.clock import today
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.roster import EnforcementDomain, Force, StaffingType, UnitKind
from desktop.services import roster, units
from tests.ui.conftest import run, settle
from ui.dialogs.roster_import_dialog import RosterImportDialog
from ui.pages.roster_page import RosterPage


def id_number(birth: str = "19850312", sequence: str = "123", region: str = "430102") -> str:
    first17 = region + birth + sequence
    return first17 + gb11643_check_digit(first17)


def add_unit(context, name: str = "区城管执法局",  # type: ignore[no-untyped-def]
             short_name: str = "区城管局") -> units.UnitRow:
    return units.create_unit(context.uow(), actor=context.actor,
                             data=units.UnitInput(name, UnitKind.DEPARTMENT, short_name=short_name))


def add_officer(context, name: str, *, sequence: str = "123", force: Force = Force.STREET,
                **extra) -> roster.OfficerRow:  # type: ignore[no-untyped-def]
    data = roster.OfficerInput(name, id_number(sequence=sequence), force, StaffingType.CIVIL_SERVANT,
                               squad=extra.pop("squad", "一中队"), **extra)
    return roster.create_officer(context.uow(), actor=context.actor, data=data)


def add_certificate(context, officer: roster.OfficerRow, number: str,  # type: ignore[no-untyped-def]
                    domains=(EnforcementDomain.URBAN_MANAGEMENT,), until: date | None = None):
    start = today() - timedelta(days=100)
    return roster.add_certificate(context.uow(), actor=context.actor, officer_id=officer.id,
                                  number=number, issuing_authority="湖南省人民政府",
                                  domains=list(domains), valid_from=start,
                                  valid_until=until or today() + timedelta(days=900))


def open_page(qtbot, ui_env) -> RosterPage:  # type: ignore[no-untyped-def]
    page = RosterPage(ui_env)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    run(qtbot, ui_env, page.reload())
    return page


def open_dialog(qtbot, page: RosterPage, action) -> QDialog:  # type: ignore[no-untyped-def]
    assert action.isEnabled(), f"{action.text()} should be enabled"
    action.trigger()
    errors = page.env.errors  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: errors or (page.active_dialog is not None
                                       and page.active_dialog.isVisible()))
    if errors:
        raise errors[0]
    dialog = page.active_dialog
    assert dialog is not None
    return dialog


def press_ok(qtbot, ui_env, dialog) -> None:  # type: ignore[no-untyped-def]
    """Click OK and wait until the page has reloaded after the dialog closed."""
    finished: list[int] = []
    dialog.finished.connect(finished.append)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert finished, dialog.error_label.text()


def press_ok_refused(qtbot, dialog) -> str:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and dialog.ok_button.isEnabled())
    assert dialog.isVisible(), "a refused form must stay open"
    return dialog.error_label.text()


def cell(page: RosterPage, name: str, title: str) -> str:
    column = next(c for c in range(page.proxy.columnCount())
                  if page.proxy.headerData(c, Qt.Orientation.Horizontal) == title)
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 0).data() == name:
            return str(page.proxy.index(row, column).data())
    raise AssertionError(f"{name} is not in the list")


def names(page: RosterPage) -> list[str]:
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


def count_cell(page: RosterPage, domain: EnforcementDomain, column: int) -> str:
    model = page.counts_tab.view.model
    return model.index(list(EnforcementDomain).index(domain), column).data()


def show_tab(qtbot, page: RosterPage, tab) -> None:  # type: ignore[no-untyped-def]
    page.tabs.setCurrentWidget(tab)
    settle(qtbot, page.env)
    assert getattr(tab, "loaded", True)





HEADER_TOP = ["序号", "姓名", "性别", "公民身份证", "联系电话", "原单位", "力量类型", "编制", "职务",
              "执勤中队", "执法证", None, None, None]
HEADER_BELOW = [None] * 10 + ["证号", "发证机关", "执法领域", "有效期至"]


def write_roster(path: Path, rows: list[list[object]], id_header: str = "公民身份证") -> Path:
    """A 花名册 as offices make them: a merged title, a 填报单位 line, a two-level header
    with 执法证 merged over its four columns, full-width digits, a footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["芙蓉街道综合行政执法人员花名册"])
    sheet.merge_cells("A1:N1")
    sheet.append(["填报单位：芙蓉街道综合行政执法队", None, None, None, None, None, None, None,
                  None, None, "填报日期：2026年11月1日"])
    sheet.append([id_header if text == "公民身份证" else text for text in HEADER_TOP])
    sheet.append(HEADER_BELOW)
    sheet.merge_cells("K3:N3")
    for column in "ABCDEFGHIJ":
        sheet.merge_cells(f"{column}3:{column}4")
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append([])
    sheet.append(["填表人：张三", None, None, None, None, None, None, None, None, "审核人：李四"])
    book.save(path)
    return path


def good_rows() -> list[list[object]]:
    until = today() + timedelta(days=700)
    return [
        [1, "王 小明", "男", id_number("19850312", "123"), "１３８１２３４５６７８", "芙蓉街道综合行政执法队",
         "1", "行政", "执法队员", "一中队", "湘430102260011", "湖南省人民政府", "城市管理、住房城乡建设",
         f"{until.year}年{until.month}月{until.day}日"],
        [2, "刘芳", "女", id_number("19900615", "246"), "13912345678", "芙蓉派出所", "Y", "",
         "社区民警", "配合力量", None, None, None, None],
    ]


def wizard(qtbot, page: RosterPage, monkeypatch, path: Path) -> RosterImportDialog:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(page, "ask_open_path", lambda title, file_filter: str(path))
    assert page.import_button.isEnabled()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, RosterImportDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, RosterImportDialog) and dialog.steps.currentIndex() == 0
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1)
    return dialog


def error_texts(dialog: RosterImportDialog) -> list[str]:
    return [f"{e.row}|{e.column}|{e.message}" for e in dialog.errors_model.rows()]

