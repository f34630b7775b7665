"""设置 › 节假日 driven as a user would, on a real migrated SQLite file: the missing
year is announced, a file is imported and the year becomes known, the month view
colours holidays, the trial shows a deadline or the flag."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor

from desktop.domain.actor import Actor, Role
from desktop.domain.deadlines import DeadlineUnit
from desktop.domain.errors import ImportRejectedError
from desktop.services.calendar import load_calendar
from tests.ui.conftest import run, screenshot, settle
from ui.env import UiEnv
from ui.pages.settings_calendar import HOLIDAY_BG, MAKEUP_BG, CalendarTab

FLAG = "2027年节假日安排未导入，期限无法准确计算"


def write_2027(path: Path, *, bad: bool = False) -> Path:
    """A small but plausible 2027 arrangement (元旦 and a make-up Saturday)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "节假日安排"
    sheet.append(["日期", "类型", "名称"])
    sheet.append([date(2027, 1, 1), "放假", "元旦"])
    sheet.append([date(2027, 2, 8), "放假", "春节"])
    sheet.append([date(2027, 2, 20), "上班", "春节"])
    if bad:
        sheet.append([date(2027, 3, 3), "上班", "春节"])  # a Wednesday: already a workday
    book.save(path)
    return path


@pytest.fixture
def tab(qtbot, ui_env) -> CalendarTab:  # type: ignore[no-untyped-def]
    tab = CalendarTab(ui_env)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    run(qtbot, ui_env, tab.reload())
    return tab


def shown_years(tab: CalendarTab) -> list[str]:
    return [tab.model.index(row, 0).data() for row in range(tab.model.rowCount())]


def test_the_missing_year_is_announced_and_flagged(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    assert shown_years(tab)[:2] == ["2026", "2025"] and shown_years(tab)[-1] == "2004"
    assert tab.model.index(0, 1).data() == "内置数据"
    assert tab.banner.isVisible()
    assert "尚未导入2027年的节假日安排" in tab.banner.text()
    assert tab.import_year_box.value() == 2027
    tab.set_trial(datetime(2026, 12, 28, 10, 0), 5, DeadlineUnit.WORKDAYS)
    assert tab.trial_result.text() == FLAG
    tab.set_trial(datetime(2026, 9, 30, 10, 0), 1, DeadlineUnit.WORKDAYS)
    assert tab.trial_result.text().startswith("2026年10月8日 星期四")
    assert "国庆节" in tab.trial_result.text()
    row_2025 = tab.view.visualRect(tab.model.index(1, 0)).center()
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=row_2025)
    assert tab.month.yearShown() == 2025


def test_importing_a_file_makes_the_year_known(qtbot, ui_env, tab, tmp_path,  # type: ignore[no-untyped-def]
                                               monkeypatch) -> None:
    source = write_2027(tmp_path / "2027年放假安排.xlsx")
    monkeypatch.setattr(tab, "ask_open_path", lambda _title, _filter: str(source))
    tab.set_trial(datetime(2026, 12, 28, 10, 0), 5, DeadlineUnit.WORKDAYS)
    qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert tab.last_error is None
    assert shown_years(tab)[0] == "2027"
    assert tab.model.index(0, 1).data() == "管理员导入"
    assert not tab.banner.isVisible()
    assert load_calendar(ui_env.context.uow()).knows(2027)
    # 12-29, 12-30, 12-31, (元旦 off) 1-4, 1-5
    assert tab.trial_result.text().startswith("2027年1月5日 星期二")
    assert tab.last_notice is not None and "工作日放假 2 天" in tab.last_notice[1]
    # the month view went to 2027 and colours its days
    assert tab.month.yearShown() == 2027
    holiday = tab.month.dateTextFormat(QDate(2027, 2, 8)).background().color()
    makeup = tab.month.dateTextFormat(QDate(2027, 2, 20)).background().color()
    assert (holiday, makeup) == (QColor(HOLIDAY_BG), QColor(MAKEUP_BG))


def test_a_bad_file_is_refused_and_nothing_changes(qtbot, ui_env, tab, tmp_path,  # type: ignore[no-untyped-def]
                                                   monkeypatch) -> None:
    source = write_2027(tmp_path / "错误.xlsx", bad=True)
    monkeypatch.setattr(tab, "ask_open_path", lambda _title, _filter: str(source))
    qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert isinstance(tab.last_error, ImportRejectedError)
    assert [(e.row, e.column) for e in tab.last_error.errors] == [(5, "日期")]
    assert shown_years(tab)[0] == "2026"
    assert tab.banner.isVisible()


def test_the_month_view_colours_the_national_day_week(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    tab.month.setSelectedDate(QDate(2026, 10, 1))
    assert tab.month.dateTextFormat(QDate(2026, 10, 5)).background().color() == QColor(HOLIDAY_BG)
    assert tab.month.dateTextFormat(QDate(2026, 10, 10)).background().color() == QColor(MAKEUP_BG)
    assert tab.day_label.text() == "2026年10月1日 星期四 · 国庆节放假"
    tab.month.setSelectedDate(QDate(2026, 10, 10))
    assert tab.day_label.text() == "2026年10月10日 星期六 · 国庆节调休上班"
    tab.show_year(2027)
    assert "2027年节假日安排未导入" in tab.day_label.text()
    screenshot(tab, "page-settings-calendar-2027-unknown")


def test_the_template_is_saved(qtbot, ui_env, tab, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(tab, "ask_save_path", lambda _title, _name: str(target))
    qtbot.mouseClick(tab.template_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert target.is_file() and tab.last_notice is not None
    assert tab.last_notice[0] == "模板已保存"


def test_an_operator_sees_the_calendar_but_cannot_import(qtbot, context, qloop) -> None:  # type: ignore[no-untyped-def]
    from ui.tasks import TaskRunner

    context.actor = Actor("坐席甲", Role.OPERATOR)
    env = UiEnv(context=context, tasks=TaskRunner())
    env.errors = []  # type: ignore[attr-defined]
    env.tasks.on_error = env.errors.append  # type: ignore[attr-defined]
    try:
        tab = CalendarTab(env)
        qtbot.addWidget(tab)
        run(qtbot, env, tab.reload())
        assert not tab.import_button.isEnabled()
        assert tab.template_button.isEnabled()
        assert tab.model.rowCount() >= 23
    finally:
        env.tasks.shutdown()


def test_screenshot(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    tab.month.setSelectedDate(QDate(2026, 10, 1))
    tab.set_trial(datetime(2026, 9, 30, 16, 0), 3, DeadlineUnit.WORKDAYS)
    qtbot.wait(50)
    path = screenshot(tab, "page-settings-calendar")
    assert path.stat().st_size > 10_000
