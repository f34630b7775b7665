"""The whistle rules on hand-made cases: the deadlines per kind on the official
calendar (the 攻坚哨's 5 working days across the National Day holiday, a year without
calendar data), each negative-list flag and the cases that must NOT raise it, the
statuses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from desktop.domain.whistles import (
    DemandFacts,
    FlagKind,
    Period,
    TargetFacts,
    TargetState,
    WhistleEvaluation,
    WhistleFacts,
    WhistleKind,
    WhistleStatus,
    arrival_deadline,
    solution_deadline,
    target_flags,
    target_state,
    unblown_flag,
    whistle_flags,
    whistle_status,
)
from desktop.domain.workdays import CalendarException, WorkCalendar, YearInfo
from desktop.domain.workdays import CalendarSource as Source

CALLED = datetime(2025, 11, 24, 10, 0)  # Monday
DUE = CALLED + timedelta(hours=2)
CITY = TargetFacts("city", "区城管执法局", arrival_due_at=DUE)
OFFICE = TargetFacts("office", "街道综合执法队", is_street_office=True, arrival_due_at=DUE)


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar.build()


def whistle(*targets: TargetFacts, kind: WhistleKind = WhistleKind.EMERGENCY,
            listed: frozenset[str] | None = frozenset({"city"}),
            closed_at: datetime | None = None) -> WhistleFacts:
    return WhistleFacts("哨-20251124-001", "占道经营", kind, CALLED, closed_at, listed, targets)


def kinds(flags: tuple) -> list[FlagKind]:
    return [flag.kind for flag in flags]


# --- deadlines --------------------------------------------------------------------------------


def test_an_emergency_whistle_gives_two_hours_on_the_clock_even_on_a_holiday(calendar) -> None:
    night = datetime(2025, 10, 1, 22, 30)  # National Day, at night
    result = arrival_deadline(WhistleKind.EMERGENCY, night, calendar)
    assert result.due_at == datetime(2025, 10, 2, 0, 30)


def test_a_daily_whistle_gives_one_working_day(calendar) -> None:
    friday = datetime(2025, 11, 28, 16, 0)
    assert arrival_deadline(WhistleKind.DAILY, friday, calendar).due_at == \
        datetime(2025, 12, 1, 23, 59, 59)  # the Monday after
    assert arrival_deadline(WhistleKind.HARD, friday, calendar).due_at == \
        datetime(2025, 12, 1, 23, 59, 59)


def test_a_hard_whistle_solution_is_due_in_five_working_days_across_a_holiday(calendar) -> None:
    # 2025: 10-1..10-8 off, Saturday 10-11 a make-up working day
    result = solution_deadline(WhistleKind.HARD, datetime(2025, 9, 29, 9, 0), calendar)
    assert result is not None
    assert result.due_at == datetime(2025, 10, 13, 23, 59, 59)  # 9-30, 10-9, 10-10, 10-11, 10-13
    assert "国庆节" in result.text
    assert solution_deadline(WhistleKind.EMERGENCY, CALLED, calendar) is None


def test_a_deadline_in_a_year_without_calendar_data_is_flagged_not_guessed() -> None:
    only_2025 = WorkCalendar.build({2025: YearInfo(2025, Source.IMPORT)},
                                   [CalendarException(date(2025, 1, 1), False, "元旦")],
                                   with_package=False)
    result = solution_deadline(WhistleKind.HARD, datetime(2025, 12, 29, 9, 0), only_2025)
    assert result is not None and result.due_at is None and not result.known
    assert "2026年节假日安排未导入" in result.text
    unknown = TargetFacts("city", "区城管执法局", arrival_due_at=None, solution_due_at=None)
    assert target_flags(whistle(unknown, kind=WhistleKind.HARD), unknown,
                        datetime(2026, 3, 1)) == ()  # no deadline: no flag


# --- 不报到 and 推诿 --------------------------------------------------------------------------------


def test_no_arrival_by_the_deadline_is_no_show() -> None:
    assert target_flags(whistle(CITY), CITY, DUE) == ()  # still in time
    [flag] = target_flags(whistle(CITY), CITY, DUE + timedelta(hours=3))
    assert flag.kind is FlagKind.NO_SHOW and flag.label == "不报到"
    assert flag.reason == ("区城管执法局应于2025年11月24日 星期一 12:00前报到，至今仍未报到"
                           "（已超过 3 小时）")


def test_a_late_arrival_is_no_show_and_an_arrival_in_time_is_not() -> None:
    on_time = replace(CITY, arrived_at=DUE)
    assert target_flags(whistle(on_time), on_time, DUE + timedelta(days=3)) == ()
    late = replace(CITY, arrived_at=DUE + timedelta(minutes=40))
    [flag] = target_flags(whistle(late), late, DUE + timedelta(days=3))
    assert flag.kind is FlagKind.NO_SHOW and "迟到 40 分钟" in flag.reason


def test_a_whistle_closed_before_the_deadline_owes_no_arrival() -> None:
    closed = whistle(CITY, closed_at=CALLED + timedelta(hours=1))
    assert target_flags(closed, CITY, DUE + timedelta(days=30)) == ()
    late_close = whistle(CITY, closed_at=DUE + timedelta(hours=1))
    [flag] = target_flags(late_close, CITY, DUE + timedelta(days=30))
    assert "至结案时仍未报到（已超过 1 小时）" in flag.reason


def test_answering_instead_of_arriving_is_shirking() -> None:
    answered = replace(CITY, responded=True)
    assert target_flags(whistle(answered), answered, DUE - timedelta(minutes=1)) == ()
    [flag] = target_flags(whistle(answered), answered, DUE + timedelta(hours=1))
    assert flag.kind is FlagKind.SHIRKING and flag.label == "推诿"
    assert "未到场报到，仅作书面或电话答复" in flag.reason
    came = replace(answered, arrived_at=DUE)
    assert target_flags(whistle(came), came, DUE + timedelta(days=1)) == ()


# --- 乱吹哨 ---------------------------------------------------------------------------------------


def test_a_unit_the_item_does_not_name_is_a_wrong_call_and_owes_no_arrival() -> None:
    stranger = TargetFacts("culture", "区文旅局", arrival_due_at=DUE)
    flags = target_flags(whistle(CITY, stranger), stranger, DUE + timedelta(days=2))
    assert kinds(flags) == [FlagKind.WRONG_CALL]
    assert flags[0].reason == "区文旅局不是该清单事项的主体责任单位或配合责任单位"
    assert flags[0].unit_name == "区文旅局"


def test_without_an_item_every_department_is_a_wrong_call() -> None:
    flags = target_flags(whistle(CITY, listed=None), CITY, CALLED)
    assert kinds(flags) == [FlagKind.WRONG_CALL] and "清单之外无协同" in flags[0].reason


def test_a_daily_whistle_to_the_streets_own_office_needs_no_item() -> None:
    daily = whistle(OFFICE, kind=WhistleKind.DAILY, listed=None)
    assert target_flags(daily, OFFICE, CALLED) == ()
    emergency = whistle(OFFICE, kind=WhistleKind.EMERGENCY, listed=None)
    assert kinds(target_flags(emergency, OFFICE, CALLED)) == [FlagKind.WRONG_CALL]


# --- 报到不作为 (攻坚哨) -----------------------------------------------------------------------------


def test_a_hard_whistle_without_a_solution_in_time_is_inaction() -> None:
    due = datetime(2025, 10, 13, 23, 59, 59)
    hard = replace(CITY, arrived_at=CALLED, arrival_due_at=DUE, solution_due_at=due)
    facts = whistle(hard, kind=WhistleKind.HARD)
    assert target_flags(facts, hard, due) == ()
    [flag] = target_flags(facts, hard, due + timedelta(seconds=1))
    assert flag.kind is FlagKind.INACTION and "5 个工作日内（2025年10月13日 星期一 24:00前）" in flag.reason
    solved = replace(hard, solution_at=due - timedelta(days=1))
    assert target_flags(whistle(solved, kind=WhistleKind.HARD), solved, due + timedelta(days=9)) == ()
    late = replace(hard, solution_at=due + timedelta(days=1))
    assert kinds(target_flags(whistle(late, kind=WhistleKind.HARD), late, due)) == [FlagKind.INACTION]


def test_a_whistle_collects_the_flags_of_its_targets() -> None:
    stranger = TargetFacts("culture", "区文旅局", arrival_due_at=DUE)
    flags = whistle_flags(whistle(CITY, stranger), DUE + timedelta(hours=1))
    assert kinds(flags) == [FlagKind.NO_SHOW, FlagKind.WRONG_CALL]
    assert all(flag.subject == "哨-20251124-001" for flag in flags)


# --- 有哨不吹 -------------------------------------------------------------------------------------


DEMAND = DemandFacts("20251101-0007", "小区违建", datetime(2025, 11, 20, 23, 59, 59), None,
                     needs_departments=True, whistled=False)


def test_an_overdue_demand_needing_departments_without_a_whistle_is_unblown() -> None:
    now = datetime(2025, 11, 24, 12, 0)
    flag = unblown_flag(DEMAND, now)
    assert flag is not None and flag.kind is FlagKind.UNBLOWN and flag.label == "有哨不吹"
    assert flag.subject == "20251101-0007" and "至今已逾期 3.5 天，未向部门吹哨" in flag.reason
    closed_late = replace(DEMAND, closed_at=datetime(2025, 11, 22, 10, 0))
    assert "结案时已逾期" in unblown_flag(closed_late, now).reason  # type: ignore[union-attr]


@pytest.mark.parametrize("change", [
    {"whistled": True}, {"needs_departments": False}, {"deadline_at": None},
    {"closed_at": datetime(2025, 11, 19, 9, 0)}, {"finished": True},
])
def test_what_is_not_unblown(change: dict) -> None:
    assert unblown_flag(replace(DEMAND, **change), datetime(2025, 11, 24, 12, 0)) is None
    assert unblown_flag(DEMAND, datetime(2025, 11, 20, 12, 0)) is None  # not due yet


# --- states --------------------------------------------------------------------------------------


def test_target_states() -> None:
    assert target_state(CITY, CALLED) is TargetState.WAITING
    assert target_state(CITY, DUE + timedelta(minutes=1)) is TargetState.LATE
    arrived = replace(CITY, arrived_at=CALLED)
    assert target_state(arrived, DUE) is TargetState.ARRIVED
    assert target_state(replace(arrived, responded=True), DUE) is TargetState.RESPONDED
    assert target_state(replace(arrived, solution_at=DUE), DUE) is TargetState.SOLVED
    assert target_state(replace(arrived, evaluation=WhistleEvaluation.FAIR), DUE) is \
        TargetState.EVALUATED


def test_the_whistle_status_follows_its_targets() -> None:
    arrived = replace(CITY, arrived_at=CALLED)
    assert whistle_status([CITY, arrived], closed=False) is WhistleStatus.CALLED
    assert whistle_status([arrived, arrived], closed=False) is WhistleStatus.ARRIVED
    assert whistle_status([arrived, replace(arrived, responded=True)], closed=False) is \
        WhistleStatus.RESPONDING
    assert whistle_status([CITY], closed=True) is WhistleStatus.CLOSED
    assert [s.value for s in WhistleStatus] == ["called", "arrived", "responding", "closed"]
    assert [k.value for k in WhistleKind] == ["daily", "emergency", "hard"]  # the scale data's
    assert [e.value for e in WhistleEvaluation] == ["good", "fair", "poor"]


def test_periods() -> None:
    november = Period.month(2025, 11)
    assert (november.start, november.end, november.label) == (date(2025, 11, 1), date(2025, 11, 30),
                                                              "2025年11月")
    assert datetime(2025, 11, 30, 23, 59) in november and datetime(2025, 12, 1) not in november
    assert Period.month(2025, 12).end == date(2025, 12, 31)
    assert Period(date(2025, 11, 3), date(2025, 11, 9)).label == "2025-11-03 至 2025-11-09"
