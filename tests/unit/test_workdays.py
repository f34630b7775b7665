"""The working-day engine on China's official calendar: the package's years, a year the
district corrects, and a year nobody has given us (flagged, never weekends-only)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.errors import DomainError, ValidationError
from desktop.domain.workdays import (
    CalendarException,
    CalendarSource,
    CalendarUnknownError,
    OfficeHours,
    WorkCalendar,
    YearInfo,
    check_year,
)

PACKAGE = WorkCalendar.build()

# A plausible 2027 table as the district would send it: 元旦 on Friday 1 January, and a
# made-up make-up Saturday so the test shows the table (not the weekday rule) is used.
TABLE_2027 = [
    CalendarException(date(2027, 1, 1), False, "元旦"),
    CalendarException(date(2027, 1, 4), False, "元旦"),
    CalendarException(date(2027, 1, 9), True, "元旦"),
]


def with_2027(days: list[CalendarException] = TABLE_2027) -> WorkCalendar:
    return WorkCalendar.build({2027: YearInfo(2027, CalendarSource.DISTRICT)}, days)


# --- the package's data -----------------------------------------------------------------


def test_the_calendar_agrees_with_the_package_on_every_day_it_knows() -> None:
    day = date(2004, 1, 1)
    while day.year <= 2026:
        assert PACKAGE.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert [y.year for y in PACKAGE.years()] == list(range(2004, 2027))


def test_national_day_week_2026_as_the_package_has_it() -> None:
    """2026: 10-01..10-07 off; make-up workdays Sunday 9-20 and Saturday 10-10."""
    off = [date(2026, 10, d) for d in range(1, 8)]
    assert [PACKAGE.is_workday(d) for d in off] == [False] * 7
    assert PACKAGE.is_workday(date(2026, 10, 8)) and PACKAGE.is_workday(date(2026, 10, 9))
    assert PACKAGE.is_workday(date(2026, 9, 20))  # a Sunday
    assert PACKAGE.is_workday(date(2026, 10, 10))  # a Saturday
    # received the day before the holiday: day 1 is the first day after it
    assert PACKAGE.add_workdays(datetime(2026, 9, 30, 9, 0), 1) == date(2026, 10, 8)
    assert PACKAGE.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)
    # weekends alone would have given Friday 2 October
    assert PACKAGE.workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2


def test_a_make_up_saturday_counts_as_a_workday() -> None:
    # received Friday 9 October: day 1 is Saturday 10 October (调休上班), not Monday
    assert PACKAGE.add_workdays(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert PACKAGE.add_workdays(date(2026, 10, 9), 2) == date(2026, 10, 12)
    result = PACKAGE.deadline_or_flag(date(2026, 9, 28), 5)
    assert result.due == date(2026, 10, 10)
    assert result.text == "2026年10月10日 星期六（遇国庆节放假顺延）"
    assert result.holidays_skipped == ("国庆节",)


def test_where_the_clock_starts() -> None:
    monday = datetime(2026, 11, 23, 14, 0)
    assert PACKAGE.add_workdays(monday, 3) == date(2026, 11, 26)  # Tue, Wed, Thu
    assert PACKAGE.add_workdays(datetime(2026, 11, 23, 23, 59), 3) == date(2026, 11, 26)
    assert PACKAGE.add_workdays(date(2026, 11, 21), 3) == date(2026, 11, 25)  # Sat → Mon is day 1
    assert PACKAGE.add_workdays(date(2026, 10, 3), 1) == date(2026, 10, 8)  # in a holiday
    assert PACKAGE.add_workdays(monday, 0) == date(2026, 11, 23)  # same day
    assert PACKAGE.add_workdays(date(2026, 11, 21), 0) == date(2026, 11, 23)
    result = PACKAGE.deadline_or_flag(monday, 3)
    assert result.due_at == datetime(2026, 11, 26, 23, 59, 59)
    assert result.is_overdue(datetime(2026, 11, 26, 23, 0)) is False
    assert result.is_overdue(datetime(2026, 11, 27, 0, 0)) is True
    with pytest.raises(ValueError):
        PACKAGE.add_workdays(monday, -1)


def test_overdue_working_days() -> None:
    due = date(2026, 9, 29)
    assert PACKAGE.workdays_between(due, date(2026, 10, 8)) == 2  # 9-30 and 10-08
    assert PACKAGE.workdays_between(date(2026, 10, 8), due) == -2
    assert PACKAGE.workdays_between(due, due) == 0


def test_holiday_names_are_the_packages_in_chinese() -> None:
    assert PACKAGE.describe(date(2026, 10, 1)) == "2026年10月1日 星期四 · 国庆节放假"
    assert PACKAGE.describe(date(2026, 10, 10)) == "2026年10月10日 星期六 · 国庆节调休上班"
    assert PACKAGE.describe(date(2026, 9, 25)) == "2026年9月25日 星期五 · 中秋节放假"
    assert PACKAGE.describe(date(2026, 11, 21)) == "2026年11月21日 星期六 · 周末休息"
    assert PACKAGE.describe(date(2027, 1, 4)).endswith("2027年节假日安排未导入")
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 1)) == (True, "National Day")


# --- a year without data ------------------------------------------------------------------


def test_a_year_without_data_is_refused_not_guessed() -> None:
    with pytest.raises(CalendarUnknownError) as caught:
        PACKAGE.is_workday(date(2027, 1, 4))  # a Monday: weekends alone would say yes
    assert caught.value.year == 2027 and isinstance(caught.value, DomainError)
    assert "2027年的节假日安排尚未导入" in caught.value.message
    assert not PACKAGE.knows(2027)


def test_a_deadline_across_new_year_into_an_unknown_year_is_flagged() -> None:
    assert PACKAGE.add_workdays(date(2026, 12, 28), 3) == date(2026, 12, 31)  # no 2027 needed
    with pytest.raises(CalendarUnknownError):
        PACKAGE.add_workdays(date(2026, 12, 28), 4)
    result = PACKAGE.deadline_or_flag(datetime(2026, 12, 28, 10, 0), 5)
    assert (result.due, result.due_at, result.known) == (None, None, False)
    assert result.unknown_years == (2027,)
    assert result.text == "2027年节假日安排未导入，期限无法准确计算"
    assert result.is_overdue(datetime(2027, 3, 1)) is None
    with pytest.raises(CalendarUnknownError):
        PACKAGE.workdays_between(date(2026, 12, 30), date(2027, 1, 5))
    with pytest.raises(CalendarUnknownError):
        PACKAGE.add_work_hours(datetime(2026, 12, 31, 17, 0), 2)


def test_the_same_deadline_after_the_2027_table_is_imported() -> None:
    calendar = with_2027()
    result = calendar.deadline_or_flag(datetime(2026, 12, 28, 10, 0), 5)
    # 12-29, 12-30, 12-31, (1-1 and 1-4 off, 1-2/1-3 weekend) 1-5, 1-6
    assert result.due == date(2027, 1, 6)
    assert result.holidays_skipped == ("元旦",)
    assert calendar.add_workdays(date(2027, 1, 8), 1) == date(2027, 1, 9)  # the make-up Saturday
    assert calendar.workdays_between(date(2026, 12, 28), date(2027, 1, 6)) == 5


def test_a_gap_year_is_still_unknown_when_a_later_year_is_known() -> None:
    calendar = WorkCalendar.build({2028: YearInfo(2028, CalendarSource.IMPORT)},
                                  [CalendarException(date(2028, 1, 3), False, "元旦")])
    with pytest.raises(CalendarUnknownError) as caught:
        calendar.add_workdays(date(2026, 12, 30), 10)
    assert caught.value.year == 2027


def test_the_database_wins_for_a_year_it_has() -> None:
    """The district's 2026 table replaces the package's 2026 wholesale."""
    corrected = [CalendarException(date(2026, 10, d), False, "国庆节") for d in range(1, 9)]
    calendar = WorkCalendar.build({2026: YearInfo(2026, CalendarSource.DISTRICT)}, corrected)
    assert not calendar.is_workday(date(2026, 10, 8))
    assert not calendar.is_workday(date(2026, 10, 10))  # the package's make-up day is gone
    assert calendar.is_workday(date(2026, 2, 16))  # and so is its spring festival
    assert calendar.year_info(2026).source is CalendarSource.DISTRICT  # type: ignore[union-attr]
    assert calendar.is_workday(date(2025, 10, 1)) is False  # other years: still the package
    assert calendar.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 9)


# --- working hours ------------------------------------------------------------------------


def test_work_hours_skip_lunch_evening_and_weekend() -> None:
    monday = date(2026, 11, 23)
    at = lambda day, h, m=0: datetime.combine(day, time(h, m))  # noqa: E731
    assert PACKAGE.add_work_hours(at(monday, 11), 2) == at(monday, 14, 30)  # lunch 12–13:30
    assert PACKAGE.add_work_hours(at(monday, 11), 1) == at(monday, 12)  # ends at the break
    assert PACKAGE.add_work_hours(at(monday, 12, 30), 1) == at(monday, 14, 30)  # received at lunch
    assert PACKAGE.add_work_hours(at(monday, 16, 30), 2) == at(date(2026, 11, 24), 9, 30)
    assert PACKAGE.add_work_hours(at(monday, 20), 1) == at(date(2026, 11, 24), 9, 30)
    friday = date(2026, 11, 20)
    assert PACKAGE.add_work_hours(at(friday, 16), 2) == at(monday, 9)  # over the weekend
    assert PACKAGE.add_work_hours(at(date(2026, 9, 30), 17), 1) == at(date(2026, 10, 8), 9)
    assert PACKAGE.add_work_hours(at(monday, 8, 30), 7.5) == at(monday, 17, 30)  # a whole day
    assert PACKAGE.work_hours_between(at(friday, 16), at(monday, 9)) == 2.0
    assert PACKAGE.work_hours_between(at(monday, 9), at(friday, 16)) == -2.0


def test_office_hours_are_parameters() -> None:
    summer = OfficeHours(time(8, 0), time(18, 0), (time(12, 0), time(14, 30)))
    monday = datetime(2026, 11, 23, 11, 0)
    assert PACKAGE.add_work_hours(monday, 2, office=summer) == datetime(2026, 11, 23, 15, 30)
    straight = OfficeHours(time(9, 0), time(17, 0), None)
    assert PACKAGE.add_work_hours(monday, 2, office=straight) == datetime(2026, 11, 23, 13, 0)
    with pytest.raises(ValidationError):
        OfficeHours(time(9, 0), time(8, 0))
    with pytest.raises(ValidationError):
        OfficeHours(time(9, 0), time(17, 0), (time(13, 0), time(12, 0)))


# --- checking a year before it is stored -----------------------------------------------------


def test_check_year_rules() -> None:
    days = [
        CalendarException(date(2027, 10, 1), False, "国庆节"),
        CalendarException(date(2028, 1, 3), False, "元旦"),  # not in 2027
        CalendarException(date(2027, 10, 1), False, "国庆节"),  # twice
        CalendarException(date(2027, 10, 11), True, "国庆节"),  # a Monday marked 上班
        CalendarException(date(2027, 10, 2), False, "国庆节"),  # a Saturday: pointless, allowed
        CalendarException(date(2027, 10, 9), True, "国" * 41),  # name too long
    ]
    check = check_year(2027, days)
    assert [(index, field) for index, field, _message in check.errors] == [
        (1, "日期"), (2, "日期"), (3, "日期"), (5, "名称")]
    assert "不在 2027 年内" in check.errors[0][2]
    assert "星期一，本来就是工作日" in check.errors[2][2]
    assert len(check.warnings) == 1 and "1 个周六、周日" in check.warnings[0]
    only_weekends = check_year(2027, [CalendarException(date(2027, 10, 2), False, "国庆节")])
    assert not only_weekends.errors and "没有任何工作日放假" in only_weekends.warnings[-1]


# --- properties ---------------------------------------------------------------------------

known_days = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 31))


@settings(max_examples=300, deadline=None, database=None)
@given(start=known_days, n=st.integers(min_value=1, max_value=30))
def test_add_workdays_lands_on_a_workday_n_workdays_later(start: date, n: int) -> None:
    due = PACKAGE.add_workdays(start, n)
    assert PACKAGE.is_workday(due)
    assert PACKAGE.workdays_between(start, due) == n
    assert PACKAGE.add_workdays(start, n + 1) > due
    assert chinese_calendar.is_workday(due)
    assert len(chinese_calendar.get_workdays(start + timedelta(days=1), due)) == n


@settings(max_examples=200, deadline=None, database=None)
@given(start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 10, 31)),
       quarters=st.integers(min_value=1, max_value=200))
def test_work_hours_land_in_office_time_and_measure_back(start: datetime, quarters: int) -> None:
    hours = quarters / 4
    due = PACKAGE.add_work_hours(start, hours)
    assert PACKAGE.is_workday(due.date())
    assert time(8, 30) < due.time() <= time(12, 0) or time(13, 30) < due.time() <= time(17, 30)
    assert PACKAGE.work_hours_between(start, due) == pytest.approx(hours)
