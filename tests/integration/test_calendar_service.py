"""The calendar services on a migrated SQLite file: status and its warning, importing a
year (xlsx and csv, row-level errors, all or nothing), the district's correction of a
year, permissions, audit, and a cache that never serves a stale calendar."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop.domain.actor import Actor, Role
from desktop.domain.errors import DomainError, ImportRejectedError, PermissionDeniedError
from desktop.domain.workdays import CalendarException, CalendarSource, WorkCalendar
from desktop.services import calendar as service
from desktop.services.audit import verify

TODAY = date(2026, 11, 23)
OPERATOR = Actor("坐席甲", Role.OPERATOR)
GOOD_2027 = [
    (date(2027, 1, 1), "放假", "元旦"),
    (date(2027, 2, 8), "放假", "春节"),
    (date(2027, 2, 9), "放假", "春节"),
    (date(2027, 2, 20), "上班", "春节"),
    (date(2027, 10, 2), "放假", "国庆节"),  # a Saturday: allowed, pointless → a warning
]


def xlsx(path: Path, rows: list[tuple[object, ...]], *, title_rows: int = 0) -> Path:
    book = Workbook()
    sheet = book.active
    for _ in range(title_rows):
        sheet.append(["2027年部分节假日安排"])
    sheet.append(["日期", "类型", "名称"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def audit_rows(context) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    connection = sqlite3.connect(context.paths.database)
    try:
        return list(connection.execute(
            "SELECT action, entity_id, summary FROM audit_record WHERE entity_type = 'calendar_year'"))
    finally:
        connection.close()


def test_status_of_a_new_install_warns_about_next_year(context) -> None:  # type: ignore[no-untyped-def]
    status = service.calendar_status(context.uow(), today=TODAY)
    assert status.missing == (2027,)
    assert (status.last_year, status.first_year) == (2026, 2004)
    assert {y.source for y in status.years} == {CalendarSource.PACKAGE}
    assert "尚未导入2027年的节假日安排" in status.warning
    assert "跨入2027年的期限无法准确计算" in status.warning
    next_spring = service.calendar_status(context.uow(), today=date(2027, 3, 1))
    assert next_spring.missing == (2027, 2028)
    assert "今年（2027年）" in next_spring.warning
    assert service.calendar_status(context.uow(), today=date(2025, 6, 1)).warning == ""


def test_importing_2027_from_xlsx(context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = service.load_calendar(context.uow())
    assert before.deadline_or_flag(datetime(2026, 12, 28, 10), 5).known is False
    path = xlsx(tmp_path / "2027年放假安排.xlsx", GOOD_2027, title_rows=2)
    summary = service.import_year(context.uow(), actor=context.actor, year=2027, path=path)
    assert (summary.holidays, summary.makeup_workdays) == (3, 1)
    assert "工作日放假 3 天，调休上班 1 天" in summary.message
    assert len(summary.warnings) == 1 and "周六、周日" in summary.warnings[0]
    after = service.load_calendar(context.uow())
    assert after is not before and after.knows(2027)
    assert after.deadline_or_flag(datetime(2026, 12, 28, 10), 5).due == date(2027, 1, 5)
    assert after.is_workday(date(2027, 2, 20)) and not after.is_workday(date(2027, 2, 9))
    status = service.calendar_status(context.uow(), today=TODAY)
    assert status.missing == () and status.warning == ""
    assert status.years[0].source is CalendarSource.IMPORT and status.years[0].updated_at
    assert audit_rows(context) == [
        ("import", "2027", "管理员导入2027年节假日安排：工作日放假 3 天，调休上班 1 天")]
    assert verify(context.uow()).ok


def test_a_gbk_csv_from_excel_is_read(context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "2027.csv"
    path.write_bytes("日期,类型,名称\r\n2027/1/1,放假,元旦\r\n2027年2月20日,调休上班,春节\r\n,,\r\n"
                     .encode("gbk"))
    summary = service.import_year(context.uow(), actor=context.actor, year=2027, path=path)
    assert (summary.holidays, summary.makeup_workdays) == (1, 1)


def test_row_level_errors_refuse_the_whole_file(context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        *GOOD_2027,
        (date(2028, 1, 3), "放假", "元旦"),  # row 7: another year
        (date(2027, 3, 3), "上班", ""),  # row 8: a Wednesday is already a workday
        (date(2027, 1, 1), "放假", "元旦"),  # row 9: twice
        ("2027-13-01", "放假", ""),  # row 10: no such date
        (date(2027, 5, 3), "休班", "劳动节"),  # row 11: unknown type
        (None, "放假", "劳动节"),  # row 12: no date
    ]
    path = xlsx(tmp_path / "错误的安排.xlsx", rows)
    with pytest.raises(ImportRejectedError) as caught:
        service.import_year(context.uow(), actor=context.actor, year=2027, path=path)
    errors = [(e.row, e.column) for e in caught.value.errors]
    assert errors == [(7, "日期"), (8, "日期"), (9, "日期"), (10, "日期"), (11, "类型"), (12, "日期")]
    messages = [e.message for e in caught.value.errors]
    assert "不在 2027 年内" in messages[0]
    assert "星期三，本来就是工作日" in messages[1]
    assert "重复出现" in messages[2]
    assert "应为：放假 或 上班" in messages[4]
    assert "错误的安排.xlsx 第 8 行「日期」列" in caught.value.message
    assert not service.load_calendar(context.uow()).knows(2027)
    assert audit_rows(context) == []


def test_a_bad_file_leaves_the_previous_import_in_place(context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    service.import_year(context.uow(), actor=context.actor, year=2027,
                        path=xlsx(tmp_path / "good.xlsx", GOOD_2027))
    wrong = [(date(2027, 1, 1), "放假", "元旦"), (date(2027, 1, 4), "上班", "元旦")]
    with pytest.raises(ImportRejectedError):
        service.import_year(context.uow(), actor=context.actor, year=2027,
                            path=xlsx(tmp_path / "bad.xlsx", wrong))
    calendar = service.load_calendar(context.uow())
    assert not calendar.is_workday(date(2027, 2, 8))  # the first file's holidays are still there
    assert len(audit_rows(context)) == 1


def test_files_that_cannot_be_used(context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(ImportRejectedError, match="没有任何日期行"):
        service.import_year(context.uow(), actor=context.actor, year=2027, path=empty)
    no_header = tmp_path / "no_header.csv"
    no_header.write_text("day,kind\n2027-01-01,off\n", encoding="utf-8")
    with pytest.raises(ImportRejectedError, match="找不到包含「日期」「类型」两列的表头"):
        service.import_year(context.uow(), actor=context.actor, year=2027, path=no_header)
    with pytest.raises(DomainError, match="年份"):
        service.import_year(context.uow(), actor=context.actor, year=1999, path=empty)


def test_the_district_corrects_a_year_the_package_knows(context) -> None:  # type: ignore[no-untyped-def]
    days = [CalendarException(date(2026, 10, d), False, "国庆节") for d in range(1, 9)]
    row = service.set_year(context.uow(), actor=context.actor, year=2026, days=days,
                           source=CalendarSource.DISTRICT, published_on=date(2025, 11, 4))
    assert (row.holidays, row.makeup_workdays, row.source) == (6, 0, CalendarSource.DISTRICT)
    calendar = service.load_calendar(context.uow())
    assert not calendar.is_workday(date(2026, 10, 8))
    assert calendar.is_workday(date(2026, 2, 16))  # the whole year was replaced
    status = service.calendar_status(context.uow(), today=TODAY)
    assert status.years[0].source is CalendarSource.DISTRICT
    assert audit_rows(context)[0][:2] == ("sync", "2026")
    with pytest.raises(DomainError, match="未保存"):
        service.set_year(context.uow(), actor=context.actor, year=2026,
                         days=[CalendarException(date(2026, 10, 12), True, "国庆节")],
                         source=CalendarSource.DISTRICT)


def test_only_settings_editors_may_change_the_calendar(context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = xlsx(tmp_path / "2027.xlsx", GOOD_2027)
    with pytest.raises(PermissionDeniedError):
        service.import_year(context.uow(), actor=OPERATOR, year=2027, path=path)
    with pytest.raises(PermissionDeniedError):
        service.set_year(context.uow(), actor=OPERATOR, year=2027,
                         days=[CalendarException(date(2027, 1, 1), False, "元旦")],
                         source=CalendarSource.DISTRICT)
    assert not service.load_calendar(context.uow()).knows(2027)
    assert service.calendar_status(context.uow(), today=TODAY).missing == (2027,)  # reading: anyone


def test_the_cache_follows_a_change_made_by_another_process(context) -> None:  # type: ignore[no-untyped-def]
    first = service.load_calendar(context.uow())
    assert service.load_calendar(context.uow()) is first  # cached
    connection = sqlite3.connect(context.paths.database)  # e.g. the command line
    with connection:
        connection.execute("INSERT INTO calendar_day VALUES ('2027-01-01', 0, '元旦')")
        connection.execute("INSERT INTO calendar_year VALUES (2027, 'district', NULL, "
                           "'2026-11-23 08:00:00.000000')")
    connection.close()
    second = service.load_calendar(context.uow())
    assert second is not first and second.knows(2027)
    assert not second.is_workday(date(2027, 1, 1))


def test_the_template_round_trips(context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    blank = tmp_path / "2027模板.xlsx"
    service.write_year_template(blank, 2027)
    book = load_workbook(blank)
    assert book.sheetnames == ["节假日安排", "填写说明"]
    assert [c.value for c in book["节假日安排"][1]] == ["日期", "类型", "名称"]
    assert book["节假日安排"].max_row == 1
    package = WorkCalendar.build()
    filled = tmp_path / "2026模板.xlsx"
    service.write_year_template(filled, 2026, days=package.exceptions_of(2026))
    service.import_year(context.uow(), actor=context.actor, year=2026, path=filled)
    imported = service.load_calendar(context.uow())
    assert imported.year_info(2026).source is CalendarSource.IMPORT  # type: ignore[union-attr]
    assert imported.exceptions_of(2026) == package.exceptions_of(2026)
