"""The official calendar as the app uses it: loading it (package + database, cached),
what is known and what is missing, and storing a year from the district or a file.

Cache: building a ``WorkCalendar`` takes a few milliseconds, yet a demand list may ask
for thousands of deadlines, so one instance per database is kept for the process. Its
key is the database URL plus a fingerprint of the ``calendar_year`` rows (year, source,
published_on, updated_at): reading those few rows is cheap, and a year stored by this
process *or another one* (the command line, the sync) changes the fingerprint, so a
stale calendar is never served. Storing a year also clears the cache at once.
Threading: the cache is guarded by a lock; ``WorkCalendar`` is immutable.

Permissions and audit: storing a year needs SETTINGS_EDIT and writes one audit row in
the same transaction (the sync must call ``set_year`` with an actor that holds it).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop import clock
from desktop.domain.actor import Actor
from desktop.domain.errors import DomainError, ImportRejectedError, RowError, ValidationError
from desktop.domain.permissions import Permission, require
from desktop.domain.workdays import (
    CalendarException,
    CalendarSource,
    WorkCalendar,
    YearInfo,
    check_year,
)
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.spreadsheets.calendar_days import read_day_lines, write_day_template
from local_db.models import CalendarDay, CalendarYear
from local_db.unit_of_work import UnitOfWork

FIRST_YEAR, LAST_YEAR = 2000, 2100

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], WorkCalendar]] = {}


@dataclass(frozen=True)
class YearStatus:
    year: int
    source: CalendarSource
    published_on: date | None
    updated_at: datetime | None
    holidays: int  # weekdays off
    makeup_workdays: int  # weekends worked


@dataclass(frozen=True)
class CalendarStatus:
    years: tuple[YearStatus, ...]  # newest first
    today: date
    missing: tuple[int, ...]  # this year and/or next year, when unknown
    warning: str  # "" when nothing is missing

    @property
    def last_year(self) -> int | None:
        return self.years[0].year if self.years else None

    @property
    def first_year(self) -> int | None:
        return self.years[-1].year if self.years else None


@dataclass(frozen=True)
class CalendarImportSummary:
    year: int
    holidays: int
    makeup_workdays: int
    warnings: tuple[str, ...]
    message: str


# --- loading ------------------------------------------------------------------------------


def invalidate_cache() -> None:
    with _lock:
        _cache.clear()


def load_calendar(uow: UnitOfWork) -> WorkCalendar:
    """The calendar of this database (opens the unit of work)."""
    with uow:
        return calendar_in(uow)


def calendar_in(uow: UnitOfWork) -> WorkCalendar:
    """The calendar, read inside a unit of work that is already open (a demand's intake
    computes its deadline in the same transaction that stores it)."""
    years = _db_years(uow)
    key = str(uow.session.get_bind().url)
    fingerprint = tuple(sorted((y.year, y.source.value, y.published_on, y.updated_at)
                               for y in years.values()))
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    days = [CalendarException(d.day, d.is_workday, d.name)
            for year in years for d in uow.calendar.days_of_year(year)]
    calendar = WorkCalendar.build(years, days)
    with _lock:
        _cache[key] = (fingerprint, calendar)
    return calendar


def _db_years(uow: UnitOfWork) -> dict[int, YearInfo]:
    years: dict[int, YearInfo] = {}
    for year in uow.calendar.known_years():
        row = uow.session.get(CalendarYear, year)
        if row is not None:
            years[year] = YearInfo(year, CalendarSource(row.source), row.published_on,
                                   row.updated_at)
    return years


def calendar_status(uow: UnitOfWork, *, today: date | None = None) -> CalendarStatus:
    """Which years are known and from where; a plain warning when this year or next
    year is not (today 2026-11-23 → 2027 is missing until someone imports it)."""
    today = today or clock.today()
    calendar = load_calendar(uow)
    years = tuple(_year_status(calendar, info) for info in reversed(calendar.years()))
    missing = tuple(y for y in (today.year, today.year + 1) if not calendar.knows(y))
    return CalendarStatus(years, today, missing, _warning(today, missing))


def _year_status(calendar: WorkCalendar, info: YearInfo) -> YearStatus:
    return YearStatus(info.year, info.source, info.published_on, info.updated_at,
                      *_counts(calendar.exceptions_of(info.year)))


def _warning(today: date, missing: tuple[int, ...]) -> str:
    if today.year in missing:
        return (f"尚未导入今年（{today.year}年）的节假日安排：按工作日计算的期限目前都无法准确计算，"
                "诉求的期限将显示为“期限无法准确计算”。请尽快导入国务院办公厅公布的放假安排，或等待区平台同步。")
    if missing:
        year = missing[0]
        return (f"尚未导入{year}年的节假日安排。跨入{year}年的期限无法准确计算，系统会标注"
                f"“{year}年节假日安排未导入，期限无法准确计算”，不会按普通周末估算。"
                f"国务院办公厅公布{year}年放假安排后，请在此导入（或等待区平台同步）。")
    return ""


# --- storing a year -------------------------------------------------------------------------


def _check_year_number(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError("年份", f"应在 {FIRST_YEAR}–{LAST_YEAR} 之间（现为 {year}）。")


def set_year(uow: UnitOfWork, *, actor: Actor, year: int, days: Sequence[CalendarException],
             source: CalendarSource, published_on: date | None = None) -> YearStatus:
    """Replace a year's arrangement (the district's sync calls this); refuses a list
    that breaks the rules of a State Council notice, storing nothing."""
    require(actor, Permission.SETTINGS_EDIT)
    _check_year_number(year)
    if source is CalendarSource.PACKAGE:
        raise ValidationError("来源", "内置数据随程序提供，不能写入数据库；请选择区平台同步或管理员导入。")
    if not days:
        raise ValidationError("节假日安排", f"{year}年没有任何日期，未保存。")
    check = check_year(year, days)
    if check.errors:
        problems = "\n".join(message for _index, _field, message in check.errors[:20])
        raise DomainError(f"{year}年的节假日安排有 {len(check.errors)} 处错误，未保存：\n{problems}")
    action = AuditAction.SYNC if source is CalendarSource.DISTRICT else AuditAction.UPDATE
    with uow:
        stamp = _store(uow, actor, year, days, source, published_on, action)
        uow.commit()
    invalidate_cache()
    return YearStatus(year, source, published_on, stamp, *_counts(days))


def _store(uow: UnitOfWork, actor: Actor, year: int, days: Sequence[CalendarException],
           source: CalendarSource, published_on: date | None, action: AuditAction) -> datetime:
    before = calendar_in(uow)
    info = before.year_info(year)
    old = _year_status(before, info) if info is not None else None
    stamp = clock.now()
    uow.calendar.replace_year(
        year, [CalendarDay(day=d.day, is_workday=d.is_workday, name=d.name) for d in days],
        source.value, published_on, stamp)
    holidays, makeup = _counts(days)
    audit.record(
        uow, actor, action, entity_type="calendar_year", entity_id=str(year),
        summary=f"{source.label}{year}年节假日安排：工作日放假 {holidays} 天，调休上班 {makeup} 天",
        changes={
            "来源": (old.source.label if old else "无", source.label),
            "工作日放假天数": (old.holidays if old else None, holidays),
            "调休上班天数": (old.makeup_workdays if old else None, makeup),
            "发布日期": (old.published_on if old else None, published_on),
        })
    # Deadlines that waited for this year are computed now, in the same transaction.
    from desktop.services.demand_flow import refresh_flagged_deadlines  # it reads calendars too

    uow.flush()
    refresh_flagged_deadlines(uow, calendar_in(uow))
    return stamp


def _counts(days: Sequence[CalendarException]) -> tuple[int, int]:
    """(weekdays off, weekends worked): what a year's arrangement changes."""
    return (sum(1 for d in days if not d.is_workday and d.day.weekday() < 5),
            sum(1 for d in days if d.is_workday))


def import_year(uow: UnitOfWork, *, actor: Actor, year: int, path: Path,
                published_on: date | None = None, progress: ProgressCallback = no_progress,
                cancel: CancelToken = NEVER_CANCELLED) -> CalendarImportSummary:
    """A year's arrangement from an xlsx or csv file (日期, 类型 放假/上班, 名称).
    All or nothing: any bad row refuses the whole file with every problem listed."""
    require(actor, Permission.SETTINGS_EDIT)
    _check_year_number(year)
    path = Path(path)
    progress(0, 0, f"正在读取 {path.name}")
    lines, errors = read_day_lines(path, progress=progress, cancel=cancel)
    if not lines and not errors:
        raise ImportRejectedError(path.name, [RowError(
            path.name, 0, "", f"文件中没有任何日期行，请按模板填写{year}年放假和调休上班的日期。")])
    complete = [line for line in lines if line.day is not None and line.is_workday is not None]
    days = [line.exception() for line in complete]
    check = check_year(year, days)
    for index, field, message in check.errors:
        errors.add(complete[index].row, field, message)
    errors.raise_if_any()
    cancel.raise_if_cancelled()
    with uow:
        _store(uow, actor, year, days, CalendarSource.IMPORT, published_on, AuditAction.IMPORT)
        uow.commit()
    invalidate_cache()
    holidays, makeup = _counts(days)
    message = (f"已从 {path.name} 导入{year}年节假日安排：工作日放假 {holidays} 天，调休上班 "
               f"{makeup} 天。今后涉及{year}年的期限按此计算。")
    if check.warnings:
        message += "\n\n请注意：\n" + "\n".join(f"· {w}" for w in check.warnings)
    progress(1, 1, message.splitlines()[0])
    return CalendarImportSummary(year, holidays, makeup, check.warnings, message)


def write_year_template(path: Path, year: int, *,
                        days: Sequence[CalendarException] = ()) -> None:
    """The import template for ``year`` (pre-filled with ``days`` to correct a year)."""
    _check_year_number(year)
    write_day_template(Path(path), year, days)
