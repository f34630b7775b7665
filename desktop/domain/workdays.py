"""China's official working calendar and the arithmetic of deadlines on it.

Why a calendar of our own: the ``chinese-calendar`` package knows only the years up to
its release (2004–2026 for v1.11) and raises after. Each year the State Council
publishes the next year's holidays and make-up workdays (调休上班); the district syncs
them down or an administrator imports them. ``WorkCalendar`` merges both: the package's
years, overridden year by year by the database (so the district can correct a year).
A year with no data is *unknown*: asking about it raises ``CalendarUnknownError``;
nothing here ever falls back to "Monday to Friday" silently.

Counting rules (the definitions every deadline in the app uses):

- ``add_workdays(start, n)``, n ≥ 1: the clock starts the working day *after* the day
  of receipt, whatever the hour, and whether the demand came in on a working day or on
  a holiday (then the first working day after it is day 1). The deadline is the n-th
  such working day and runs to the end of that day: "3 个工作日内" received on Monday
  ends on Thursday at 24:00. n = 0 means "the same day": the day of receipt if it is a
  working day, otherwise the first working day after it.
- ``workdays_between(a, b)``: the working days d with a < d ≤ b (negative when b < a),
  so ``workdays_between(d, add_workdays(d, n)) == n`` for n ≥ 1, and the days a demand
  is overdue are ``workdays_between(due, today)``.
- ``add_calendar_days(start, n)``: n natural days after the day of receipt; when the
  last day is not a working day the period ends on the next working day (民法典
  第二百零三条). n = 0 is the day itself.
- ``add_work_hours(start, hours)``: only office time on working days counts (default
  8:30–12:00 and 13:30–17:30, ``OfficeHours``); received out of hours, the clock starts
  when the office next opens.

Times are naive local (Beijing) times. Pure: no database, no Qt.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise

from chinese_calendar import constants as package

from desktop.domain.errors import DomainError, ValidationError
from desktop.domain.labels import LabeledEnum

WEEKDAY_NAMES = "一二三四五六日"
END_OF_DAY = time(23, 59, 59)
NAME_MAX = 40  # calendar_day.name is String(40)
_FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


class CalendarSource(LabeledEnum):
    PACKAGE = ("package", "内置数据")
    DISTRICT = ("district", "区平台同步")
    IMPORT = ("import", "管理员导入")


class CalendarUnknownError(DomainError):
    """A deadline needs a year whose holiday arrangement nobody has given us."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year}年的节假日安排尚未导入，无法按工作日准确计算期限。请系统管理员在"
            f"“设置 › 节假日”中导入{year}年的放假安排（国务院办公厅通知），或等待区平台同步。")
        self.year = year


@dataclass(frozen=True)
class CalendarException:
    """A day that differs from Monday–Friday: a holiday (``is_workday`` False; weekend
    days inside a holiday period may be listed too, for their name) or a make-up
    workday on a weekend (``is_workday`` True)."""

    day: date
    is_workday: bool
    name: str = ""


@dataclass(frozen=True)
class YearInfo:
    year: int
    source: CalendarSource
    published_on: date | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class OfficeHours:
    """When the office works on a working day. Government offices commonly keep
    8:30–12:00 and 13:30–17:30 (7.5 hours); a district with summer hours passes its own."""

    day_start: time = time(8, 30)
    day_end: time = time(17, 30)
    lunch: tuple[time, time] | None = (time(12, 0), time(13, 30))

    def __post_init__(self) -> None:
        points = [self.day_start, *(self.lunch or ()), self.day_end]
        if any(a > b for a, b in pairwise(points)) or self.day_start >= self.day_end:
            raise ValidationError("办公时间", "上班、午休、下班时间的先后顺序不对，请核对。")

    def periods(self) -> tuple[tuple[time, time], ...]:
        if self.lunch is None:
            return ((self.day_start, self.day_end),)
        return ((self.day_start, self.lunch[0]), (self.lunch[1], self.day_end))


OFFICE_HOURS = OfficeHours()


@dataclass(frozen=True)
class DeadlineResult:
    """A deadline, or the flag that it cannot be computed (``due`` None).

    ``due_at`` is the last moment: 23:59:59 of the due day for day-based deadlines, the
    exact time for hour-based ones. ``text`` is what the UI shows either way."""

    due: date | None
    unknown_years: tuple[int, ...]
    text: str
    due_at: datetime | None = None
    holidays_skipped: tuple[str, ...] = field(default=())

    @property
    def known(self) -> bool:
        return self.due is not None

    def is_overdue(self, moment: datetime) -> bool | None:
        """None when the deadline is unknown: "overdue" cannot be claimed either way."""
        return None if self.due_at is None else moment > self.due_at


def flagged(years: Iterable[int]) -> DeadlineResult:
    unknown = tuple(sorted(set(years)))
    listed = "、".join(str(year) for year in unknown)
    return DeadlineResult(None, unknown, f"{listed}年节假日安排未导入，期限无法准确计算")


def format_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAY_NAMES[day.weekday()]}"


def format_moment(moment: datetime) -> str:
    return f"{format_day(moment.date())} {moment:%H:%M}"


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _as_datetime(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min)


@lru_cache(maxsize=1)
def package_data() -> tuple[dict[int, YearInfo], tuple[CalendarException, ...]]:
    """The chinese-calendar package's years and exception days, names in Chinese."""
    chinese = {holiday.value: _FULL_NAMES.get(holiday.chinese, holiday.chinese)
               for holiday in package.Holiday}
    days = [CalendarException(day, False, chinese.get(name, name))
            for day, name in package.holidays.items()]
    days += [CalendarException(day, True, chinese.get(name, name))
             for day, name in package.workdays.items()]
    first, last = min(package.holidays).year, max(package.holidays).year
    years = {year: YearInfo(year, CalendarSource.PACKAGE) for year in range(first, last + 1)}
    return years, tuple(days)


class WorkCalendar:
    """Immutable, so one instance can be shared by every thread of the process."""

    def __init__(self, years: Mapping[int, YearInfo], days: Iterable[CalendarException]) -> None:
        self._years = dict(sorted(years.items()))
        self._days = {d.day: d for d in days if d.day.year in self._years}
        ordinals: list[int] = []
        for year in self._years:
            day = date(year, 1, 1)
            while day.year == year:
                if self._is_workday_known(day):
                    ordinals.append(day.toordinal())
                day += timedelta(days=1)
        self._workdays = ordinals  # sorted: years ascending, days ascending
        self._sorted = sorted(self._days.values(), key=lambda d: d.day)
        self._exception_ordinals = [d.day.toordinal() for d in self._sorted]

    @classmethod
    def build(cls, db_years: Mapping[int, YearInfo] | None = None,
              db_days: Iterable[CalendarException] = (), *,
              with_package: bool = True) -> WorkCalendar:
        """The package's years, each replaced wholesale by the database's when it has
        that year (a correction replaces the whole notice, never single days)."""
        db_years = dict(db_years or {})
        years: dict[int, YearInfo] = {}
        days: list[CalendarException] = []
        if with_package:
            package_years, package_days = package_data()
            years.update({y: info for y, info in package_years.items() if y not in db_years})
            days += [d for d in package_days if d.day.year not in db_years]
        years.update(db_years)
        days += [d for d in db_days if d.day.year in db_years]
        return cls(years, days)

    # --- what is known ---------------------------------------------------------------
    def knows(self, year: int) -> bool:
        return year in self._years

    def years(self) -> list[YearInfo]:
        return list(self._years.values())

    def year_info(self, year: int) -> YearInfo | None:
        return self._years.get(year)

    def exceptions_of(self, year: int) -> list[CalendarException]:
        return [d for d in self._sorted if d.day.year == year]

    def exception(self, day: date) -> CalendarException | None:
        return self._days.get(day)

    def _require(self, year: int) -> None:
        if year not in self._years:
            raise CalendarUnknownError(year)

    def _require_span(self, first: date, last: date) -> None:
        for year in range(first.year, last.year + 1):
            self._require(year)

    def _first_unknown_from(self, year: int) -> int:
        while year in self._years:
            year += 1
        return year

    # --- single days -----------------------------------------------------------------
    def _is_workday_known(self, day: date) -> bool:
        special = self._days.get(day)
        return special.is_workday if special is not None else day.weekday() < 5

    def is_workday(self, day: date | datetime) -> bool:
        day = _as_date(day)
        self._require(day.year)
        return self._is_workday_known(day)

    def describe(self, day: date) -> str:
        """One line for a day: date, weekday and what it is (for the month view)."""
        if not self.knows(day.year):
            return f"{format_day(day)} · {day.year}年节假日安排未导入"
        special = self._days.get(day)
        if special is not None and special.is_workday:
            what = f"{special.name}调休上班" if special.name else "调休上班"
        elif special is not None:
            what = f"{special.name}放假" if special.name else "放假"
        else:
            what = "工作日" if day.weekday() < 5 else "周末休息"
        return f"{format_day(day)} · {what}"

    def holidays_between(self, start: date | datetime, end: date | datetime) -> tuple[str, ...]:
        """Names of the holidays that fall on weekdays in (start, end], in date order:
        what pushed a deadline later than the weekends alone would."""
        low = bisect_right(self._exception_ordinals, _as_date(start).toordinal())
        high = bisect_right(self._exception_ordinals, _as_date(end).toordinal())
        names: dict[str, None] = {}
        for special in self._sorted[low:high]:
            if not special.is_workday and special.day.weekday() < 5:
                names.setdefault(special.name or "节假日")
        return tuple(names)

    # --- counting ----------------------------------------------------------------------
    def add_workdays(self, start: date | datetime, n: int) -> date:
        """The n-th working day after the day of ``start`` (see the module docstring)."""
        if n < 0:
            raise ValueError("n must not be negative")
        origin = _as_date(start)
        if n == 0:
            if self.is_workday(origin):
                return origin
            n = 1
        index = bisect_right(self._workdays, origin.toordinal()) + n - 1
        after = origin + timedelta(days=1)
        if index >= len(self._workdays):
            raise CalendarUnknownError(self._first_unknown_from(after.year))
        due = date.fromordinal(self._workdays[index])
        self._require_span(after, due)
        return due

    def workdays_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days d with a < d ≤ b; negative when b is before a."""
        first, last = _as_date(a), _as_date(b)
        if last < first:
            return -self.workdays_between(last, first)
        if last == first:
            return 0
        self._require_span(first + timedelta(days=1), last)
        return (bisect_right(self._workdays, last.toordinal())
                - bisect_right(self._workdays, first.toordinal()))

    def add_calendar_days(self, start: date | datetime, n: int) -> date:
        """n natural days after ``start``; a period ending on a day off runs on to the
        next working day (民法典 §203). n = 0: the day itself, no roll."""
        if n < 0:
            raise ValueError("n must not be negative")
        due = _as_date(start) + timedelta(days=n)
        while n > 0 and not self.is_workday(due):
            due += timedelta(days=1)
        return due

    def add_work_hours(self, start: date | datetime, hours: float, *,
                       office: OfficeHours = OFFICE_HOURS) -> datetime:
        """The moment ``hours`` of office time on working days have passed since
        ``start``. Used up exactly at the end of a period → that end (12:00, not 13:30)."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        remaining = timedelta(hours=hours)
        cursor = _as_datetime(start)
        if not remaining:
            return cursor
        day = cursor.date()
        while True:
            if self.is_workday(day):
                for opens, closes in office.periods():
                    begin = max(cursor, datetime.combine(day, opens))
                    end = datetime.combine(day, closes)
                    if begin < end:
                        if remaining <= end - begin:
                            return begin + remaining
                        remaining -= end - begin
            day += timedelta(days=1)
            cursor = datetime.combine(day, time.min)

    def work_hours_between(self, a: date | datetime, b: date | datetime, *,
                           office: OfficeHours = OFFICE_HOURS) -> float:
        """Office hours on working days between two moments (negative when b < a)."""
        first, last = _as_datetime(a), _as_datetime(b)
        if last < first:
            return -self.work_hours_between(last, first, office=office)
        total = timedelta()
        day = first.date()
        while day <= last.date():
            if self.is_workday(day):
                for opens, closes in office.periods():
                    begin = max(first, datetime.combine(day, opens))
                    end = min(last, datetime.combine(day, closes))
                    if begin < end:
                        total += end - begin
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    # --- the UI's non-raising form -------------------------------------------------------
    def deadline_or_flag(self, start: date | datetime, n: int) -> DeadlineResult:
        """``add_workdays`` as a result the UI can always show: the date, or the flag
        "2027年节假日安排未导入，期限无法准确计算" — never a weekends-only guess."""
        try:
            due = self.add_workdays(start, n)
        except CalendarUnknownError as error:
            return flagged((error.year,))
        return day_result(self, start, due)


def day_result(calendar: WorkCalendar, start: date | datetime, due: date) -> DeadlineResult:
    """A known day-based deadline, naming the holidays that pushed it later."""
    skipped = calendar.holidays_between(start, due)
    note = f"（遇{'、'.join(skipped)}放假顺延）" if skipped else ""
    return DeadlineResult(due, (), f"{format_day(due)}{note}",
                          datetime.combine(due, END_OF_DAY), skipped)


def hour_result(calendar: WorkCalendar, start: date | datetime,
                due_at: datetime) -> DeadlineResult:
    skipped = calendar.holidays_between(start, due_at)
    note = f"（遇{'、'.join(skipped)}放假顺延）" if skipped else ""
    return DeadlineResult(due_at.date(), (), f"{format_moment(due_at)}{note}", due_at, skipped)


# --- checking a year's arrangement before it is stored -----------------------------------


@dataclass(frozen=True)
class YearCheck:
    """Problems of a year's list: ``errors`` as (index in the list, field, message), and
    ``warnings`` (stored anyway)."""

    errors: tuple[tuple[int, str, str], ...]
    warnings: tuple[str, ...]


def check_year(year: int, days: Sequence[CalendarException]) -> YearCheck:
    """The rules a State Council notice always satisfies: every date inside the year,
    each date once, make-up workdays only on weekends, and at least one holiday."""
    errors: list[tuple[int, str, str]] = []
    seen: dict[date, int] = {}
    weekend_holidays = 0
    for index, special in enumerate(days):
        day = special.day
        if day.year != year:
            errors.append((index, "日期", f"日期 {day:%Y-%m-%d} 不在 {year} 年内，请核对年份。"))
        if day in seen:
            errors.append((index, "日期", f"日期 {day:%Y-%m-%d} 重复出现（第 {seen[day] + 1} 条已填写），"
                                  "每个日期只能填一次。"))
        seen.setdefault(day, index)
        weekday = f"星期{WEEKDAY_NAMES[day.weekday()]}"
        if special.is_workday and day.weekday() < 5:
            errors.append((index, "日期", f"{day:%Y-%m-%d} 是{weekday}，本来就是工作日，不应标为“上班”。"
                                  "调休上班只会在星期六或星期日，请核对日期。"))
        if not special.is_workday and day.weekday() >= 5:
            weekend_holidays += 1
        if len(special.name) > NAME_MAX:
            errors.append((index, "名称", f"名称不能超过 {NAME_MAX} 个字（现为 {len(special.name)} 个）。"))
    warnings: list[str] = []
    if weekend_holidays:
        warnings.append(f"有 {weekend_holidays} 个周六、周日标为“放假”：周末本来就休息，不影响期限"
                        "计算，已保留以便在日历中显示节日名称。")
    if days and not any(not d.is_workday and d.day.weekday() < 5 for d in days):
        warnings.append(f"{year} 年没有任何工作日放假的日期，与往年放假安排不符，请核对是否漏填。")
    return YearCheck(tuple(errors), tuple(warnings))
