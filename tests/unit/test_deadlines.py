"""Deadline rules: which rule a demand gets, and the deadline it gives on the official
calendar with extensions (pauses), returns (resets) and the flag for unknown years."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.deadlines import (
    DEFAULT_RULES,
    DeadlineRule,
    DeadlineUnit,
    DemandKind,
    DemandNature,
    DemandSource,
    ProcessStep,
    compute_deadline,
    process_rule,
    rule_for,
    rule_from_record,
    rule_record,
)
from desktop.domain.errors import ValidationError
from desktop.domain.workdays import CalendarException, CalendarSource, WorkCalendar, YearInfo

CALENDAR = WorkCalendar.build()
THREE_DAYS = DeadlineRule(None, None, DeadlineUnit.WORKDAYS, 3)
MONDAY = datetime(2026, 11, 2, 9, 0)


# --- choosing the rule ----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "source", "urgent", "nature", "expected"), [
    (DemandKind.LIVELIHOOD, DemandSource.HOTLINE, True, None, (DeadlineUnit.WORK_HOURS, 4)),
    (DemandKind.LIVELIHOOD, DemandSource.PETITION, True, None, (DeadlineUnit.WORK_HOURS, 4)),
    (DemandKind.LIVELIHOOD, DemandSource.PETITION, False, DemandNature.COMPLAINT,
     (DeadlineUnit.CALENDAR_DAYS, 60)),
    (DemandKind.LIVELIHOOD, DemandSource.HOTLINE, False, DemandNature.CONSULTATION,
     (DeadlineUnit.WORKDAYS, 3)),
    (DemandKind.ENFORCEMENT, DemandSource.HOTLINE, False, DemandNature.COMPLAINT,
     (DeadlineUnit.WORKDAYS, 13)),
    (DemandKind.ENFORCEMENT, DemandSource.GRID_REPORT, False, None, (DeadlineUnit.WORKDAYS, 5)),
    (DemandKind.DEVELOPMENT, DemandSource.DEPUTIES, False, None, (DeadlineUnit.WORKDAYS, 15)),
    (DemandKind.ENFORCEMENT, DemandSource.WALK_IN, False, None, (DeadlineUnit.WORKDAYS, 13)),
    (DemandKind.LIVELIHOOD, DemandSource.WALK_IN, False, None, (DeadlineUnit.WORKDAYS, 10)),
    (None, None, False, None, (DeadlineUnit.WORKDAYS, 10)),
])
def test_rule_for_takes_the_first_matching_rule(kind, source, urgent, nature,  # type: ignore[no-untyped-def]
                                                expected) -> None:
    rule = rule_for(kind, source, urgent, nature=nature)
    assert (rule.unit, rule.amount) == expected


def test_rules_accept_codes_and_short_labels() -> None:
    assert rule_for("enforcement", "hotline_12345", nature="complaint").amount == 13
    assert DemandKind.from_label("执法") is DemandKind.ENFORCEMENT
    assert DemandKind.from_label("民生诉求") is DemandKind.LIVELIHOOD
    assert DemandSource.from_label("12345热线") is DemandSource.HOTLINE
    assert DeadlineRule(None, None, "hours", 2).unit is DeadlineUnit.WORK_HOURS  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        rule_for("enforcement", "walk_in", rules=DEFAULT_RULES[:1])  # only the urgent rule


def test_rule_validation_and_text() -> None:
    with pytest.raises(ValidationError):
        DeadlineRule(None, None, DeadlineUnit.WORKDAYS, 2.5)
    with pytest.raises(ValidationError):
        DeadlineRule(None, None, DeadlineUnit.WORK_HOURS, -1)
    assert THREE_DAYS.text == "3个工作日"
    assert process_rule(ProcessStep.SAME_DAY_REPORT).text == "当日"


def test_rules_round_trip_through_records() -> None:
    for rule in DEFAULT_RULES:
        assert rule_from_record(rule_record(rule)) == rule
    record = rule_record(DEFAULT_RULES[0]) | {"source": "wechat"}
    with pytest.raises(ValidationError, match="wechat"):
        rule_from_record(record)


# --- computing ------------------------------------------------------------------------------


def test_a_consultation_through_a_holiday_week() -> None:
    rule = rule_for(DemandKind.LIVELIHOOD, DemandSource.HOTLINE, nature=DemandNature.CONSULTATION)
    result = compute_deadline(rule, datetime(2026, 9, 29, 15, 0), CALENDAR)
    assert result.due == date(2026, 10, 9)  # 9-30, 10-08, 10-09
    assert result.due_at == datetime(2026, 10, 9, 23, 59, 59)
    assert result.text == "2026年10月9日 星期五（遇国庆节放假顺延）"


def test_the_handover_and_the_tough_whistle_from_the_seeds() -> None:
    handover = process_rule(ProcessStep.HANDOVER)  # seed 002: 3 working days
    assert compute_deadline(handover, datetime(2026, 9, 30, 10), CALENDAR).due == date(2026, 10, 10)
    whistle = process_rule(ProcessStep.TOUGH_WHISTLE_SOLUTION)  # seed 004: 5 working days
    assert compute_deadline(whistle, MONDAY, CALENDAR).due == date(2026, 11, 9)
    same_day = process_rule(ProcessStep.SAME_DAY_REPORT)
    assert compute_deadline(same_day, datetime(2026, 11, 21, 20), CALENDAR).due == date(2026, 11, 21)


def test_an_extension_pauses_the_clock_when_the_rule_says_so() -> None:
    # day 1 = Tue 11-03 (the pause starts that day), 11-04 and 11-05 paused (resumed
    # on 11-05, counted from the next day), day 2 = Fri 11-06, day 3 = Mon 11-09
    pause = [(datetime(2026, 11, 3, 10), datetime(2026, 11, 5, 10))]
    assert compute_deadline(THREE_DAYS, MONDAY, CALENDAR).due == date(2026, 11, 5)
    assert compute_deadline(THREE_DAYS, MONDAY, CALENDAR, paused=pause).due == date(2026, 11, 9)
    no_pause = DeadlineRule(None, None, DeadlineUnit.WORKDAYS, 3, pause_on_extension=False)
    assert compute_deadline(no_pause, MONDAY, CALENDAR, paused=pause).due == date(2026, 11, 5)
    overlapping = [*pause, (datetime(2026, 11, 4, 8), datetime(2026, 11, 5, 18))]
    assert compute_deadline(THREE_DAYS, MONDAY, CALENDAR, paused=overlapping).due == date(2026, 11, 9)
    assert compute_deadline(THREE_DAYS, MONDAY, CALENDAR, extended_by=2).due == date(2026, 11, 9)


def test_a_pause_after_the_deadline_changes_nothing() -> None:
    late = [(datetime(2026, 11, 10, 9), datetime(2026, 11, 20, 9))]
    assert compute_deadline(THREE_DAYS, MONDAY, CALENDAR, paused=late).due == date(2026, 11, 5)


def test_a_pause_in_work_hours() -> None:
    urgent = rule_for(DemandKind.LIVELIHOOD, DemandSource.HOTLINE, True)
    start = datetime(2026, 11, 23, 9, 0)
    assert compute_deadline(urgent, start, CALENDAR).due_at == datetime(2026, 11, 23, 14, 30)
    pause = [(datetime(2026, 11, 23, 10, 0), datetime(2026, 11, 23, 11, 0))]
    assert compute_deadline(urgent, start, CALENDAR, paused=pause).due_at == \
        datetime(2026, 11, 23, 15, 30)


def test_a_return_resets_the_clock_when_the_rule_says_so() -> None:
    returned = datetime(2026, 11, 4, 15, 0)  # 退单 and re-dispatched on Wednesday
    assert compute_deadline(THREE_DAYS, MONDAY, CALENDAR, reset_at=returned).due == \
        date(2026, 11, 9)
    keeps = DeadlineRule(None, None, DeadlineUnit.WORKDAYS, 3, reset_on_return=False)
    assert compute_deadline(keeps, MONDAY, CALENDAR, reset_at=returned).due == date(2026, 11, 5)


def test_hours_and_clock_hours() -> None:
    urgent = rule_for(None, None, True)
    friday = datetime(2026, 11, 20, 16, 0)
    result = compute_deadline(urgent, friday, CALENDAR)
    assert result.due_at == datetime(2026, 11, 23, 11, 0)  # 1.5 h Friday, 2.5 h Monday
    assert result.text == "2026年11月23日 星期一 11:00"
    arrival = process_rule(ProcessStep.EMERGENCY_WHISTLE_ARRIVAL)
    saturday_night = datetime(2026, 11, 21, 21, 0)
    assert compute_deadline(arrival, saturday_night, CALENDAR).due_at == \
        datetime(2026, 11, 21, 23, 0)


def test_a_petition_period_ending_on_a_holiday_runs_on() -> None:
    petition = rule_for(DemandKind.LIVELIHOOD, DemandSource.PETITION)
    # 2026-08-02 + 60 days = 10-01, in the National Day holiday → 10-08
    assert compute_deadline(petition, datetime(2026, 8, 2, 10), CALENDAR).due == date(2026, 10, 8)
    assert compute_deadline(petition, datetime(2026, 8, 3, 10), CALENDAR).due == date(2026, 10, 8)
    assert compute_deadline(petition, datetime(2026, 8, 12, 10), CALENDAR).due == date(2026, 10, 12)


def test_an_unknown_year_is_flagged_for_every_unit() -> None:
    new_years_eve = datetime(2026, 12, 31, 16, 0)
    for rule in (THREE_DAYS, rule_for(None, None, True), rule_for(None, DemandSource.PETITION),
                 DeadlineRule(None, None, DeadlineUnit.WORKDAYS, 13)):
        result = compute_deadline(rule, new_years_eve, CALENDAR)
        assert result.known is False and result.unknown_years == (2027,), rule
        assert result.text == "2027年节假日安排未导入，期限无法准确计算"
    known = WorkCalendar.build({2027: YearInfo(2027, CalendarSource.IMPORT)},
                               [CalendarException(date(2027, 1, 1), False, "元旦")])
    assert compute_deadline(THREE_DAYS, new_years_eve, known).due == \
        date(2027, 1, 6)


@settings(max_examples=150, deadline=None, database=None)
@given(start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 9, 30)),
       n=st.integers(min_value=1, max_value=20),
       offset=st.integers(min_value=0, max_value=30), length=st.integers(min_value=0, max_value=15))
def test_a_pause_never_brings_a_deadline_forward(start: datetime, n: int, offset: int,
                                                  length: int) -> None:
    rule = DeadlineRule(None, None, DeadlineUnit.WORKDAYS, n)
    begin = start + timedelta(days=offset)
    plain = compute_deadline(rule, start, CALENDAR)
    paused = compute_deadline(rule, start, CALENDAR, paused=[(begin, begin + timedelta(days=length))])
    assert plain.due is not None and paused.due is not None
    assert paused.due >= plain.due
    assert CALENDAR.is_workday(paused.due)
