"""The closed loop's state machine, permissions, the clock read from a timeline, and
where a demand stands against its deadline. Pure: no database."""

from __future__ import annotations

from collections import deque
from datetime import date, datetime, time

import pytest

from desktop.domain.actor import Role
from desktop.domain.deadlines import DeadlineRule, DeadlineUnit, DemandNature, rule_for
from desktop.domain.demand_clock import ClockFacts, clock_facts, demand_deadline
from desktop.domain.demand_states import (
    ACTION_PERMISSIONS,
    TERMINAL,
    TRANSITIONS,
    DeadlineState,
    DemandAction,
    DemandStatus,
    IllegalTransitionError,
    allowed_actions,
    deadline_state,
    next_status,
)
from desktop.domain.errors import DomainError
from desktop.domain.permissions import Permission, allowed
from desktop.domain.workdays import END_OF_DAY, WorkCalendar

S, A = DemandStatus, DemandAction
CALENDAR = WorkCalendar.build()
COMPLAINT = rule_for(None, None, nature=DemandNature.COMPLAINT)  # 13 working days
PAIRS = [(status, action) for status in DemandStatus for action in DemandAction]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_pair_is_either_in_the_table_or_refused_in_chinese(status: DemandStatus,
                                                                  action: DemandAction) -> None:
    if (status, action) in TRANSITIONS:
        assert next_status(status, action) is TRANSITIONS[(status, action)]
        assert action in allowed_actions(status)
        return
    with pytest.raises(IllegalTransitionError) as refused:
        next_status(status, action)
    assert isinstance(refused.value, DomainError)
    assert refused.value.message.startswith(f"诉求当前为“{status.label}”，不能“{action.label}”。")
    assert action not in allowed_actions(status)


def test_the_message_reads_as_the_brief_says() -> None:
    with pytest.raises(IllegalTransitionError, match=r"^诉求当前为“已结案”，不能“派遣”。"):
        next_status(S.CLOSED, A.DISPATCH)
    with pytest.raises(IllegalTransitionError):
        next_status("closed", "dispatch")  # stored codes work too


def test_the_main_loop_in_order() -> None:
    status = S.ACCEPTED
    for action, expected in ((A.TRIAGE, S.TRIAGED), (A.DISPATCH, S.DISPATCHED),
                             (A.START, S.HANDLING), (A.REPORT, S.REPORTED),
                             (A.VERIFY, S.VERIFIED), (A.CLOSE, S.CLOSED), (A.RATE, S.RATED)):
        status = next_status(status, action)
        assert status is expected


def test_side_roads() -> None:
    assert next_status(S.HANDLING, A.RETURN) is S.RETURNED
    assert next_status(S.RETURNED, A.TRIAGE) is S.TRIAGED  # back to triage
    assert next_status(S.REPORTED, A.REJECT) is S.HANDLING  # failed verification
    assert next_status(S.HANDLING, A.SUSPEND) is S.SUSPENDED
    assert next_status(S.SUSPENDED, A.RESUME) is S.HANDLING
    assert next_status(S.RATED, A.REOPEN) is S.HANDLING
    for status in (S.CLOSED, S.RATED):
        assert next_status(status, A.CALLBACK) is status  # a record, not a move
    for status in (S.DISPATCHED, S.HANDLING):
        assert next_status(status, A.REQUEST_EXTENSION) is status


def test_terminal_statuses_allow_nothing_and_accept_is_never_a_transition() -> None:
    for status in TERMINAL:
        assert allowed_actions(status) == []
    assert not any(action is A.ACCEPT for _status, action in TRANSITIONS)


def test_every_status_is_reachable_from_intake_and_every_open_one_can_end() -> None:
    def reachable(start: DemandStatus) -> set[DemandStatus]:
        seen, queue = {start}, deque([start])
        while queue:
            current = queue.popleft()
            for (status, _action), after in TRANSITIONS.items():
                if status is current and after not in seen:
                    seen.add(after)
                    queue.append(after)
        return seen

    assert reachable(S.ACCEPTED) == set(DemandStatus)
    for status in DemandStatus:
        assert reachable(status) & ({S.RATED} | TERMINAL), status


def test_who_may_do_what() -> None:
    assert ACTION_PERMISSIONS[A.ACCEPT] is Permission.DEMAND_INTAKE
    for action in (A.DECIDE_EXTENSION, A.SEND_BACK, A.REOPEN):
        assert ACTION_PERMISSIONS[action] is Permission.DEMAND_APPROVE
    for action in (A.TRIAGE, A.DISPATCH, A.RETURN, A.REQUEST_EXTENSION, A.RATE):
        assert ACTION_PERMISSIONS[action] is Permission.DEMAND_HANDLE
    assert set(ACTION_PERMISSIONS) == set(DemandAction)
    assert not allowed(Role.OPERATOR, ACTION_PERMISSIONS[A.DECIDE_EXTENSION])
    assert allowed(Role.DIRECTOR, ACTION_PERMISSIONS[A.DECIDE_EXTENSION])


# --- the clock ------------------------------------------------------------------------------


def at(day: int, month: int = 9, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0)


def test_clock_facts_restart_after_return_then_at_the_redispatch() -> None:
    steps = [("accept", at(11)), ("triage", at(11, hour=11)), ("dispatch", at(11, hour=12)),
             ("return", at(15))]
    assert clock_facts(steps).reset_at == at(15)  # waiting for a new unit
    steps.append(("dispatch", at(16)))
    assert clock_facts(steps).reset_at == at(16)  # the new unit gets the whole period
    steps.append(("dispatch", at(17)))  # not after a return: no new restart
    assert clock_facts(steps).reset_at == at(16)


def test_clock_facts_pauses_and_an_open_suspension() -> None:
    steps = [("start", at(11)), ("suspend", at(14)), ("resume", at(16)), ("suspend", at(21))]
    facts = clock_facts(steps)
    assert facts.pauses == ((at(14), at(16)),)
    assert facts.suspended_since == at(21)
    assert demand_deadline(COMPLAINT, at(11), CALENDAR, facts) is None  # no deadline while paused


def test_a_deadline_across_national_day_and_a_make_up_saturday() -> None:
    received = at(11)  # Friday 2026-09-11; 9-20 (Sunday) is a make-up workday
    plain = demand_deadline(COMPLAINT, received, CALENDAR, ClockFacts())
    assert plain is not None and plain.due == date(2026, 9, 30)
    extended = demand_deadline(COMPLAINT, received, CALENDAR, ClockFacts(), extension_workdays=3)
    # 10-1..10-7 off, 10-8 and 10-9 working, 10-10 a make-up Saturday
    assert extended is not None and extended.due == date(2026, 10, 10)
    assert extended.due_at == datetime.combine(date(2026, 10, 10), END_OF_DAY)
    assert "国庆节" in extended.text


def test_an_extension_of_an_hour_rule_moves_it_by_working_days() -> None:
    urgent = DeadlineRule(None, None, DeadlineUnit.WORK_HOURS, 4, urgent=True)
    base = demand_deadline(urgent, at(30), CALENDAR, ClockFacts())
    longer = demand_deadline(urgent, at(30), CALENDAR, ClockFacts(), extension_workdays=1)
    assert base is not None and base.due_at == datetime(2026, 9, 30, 15, 30)
    assert longer is not None and longer.due_at == datetime(2026, 10, 8, 15, 30)


def test_a_deadline_into_a_year_without_calendar_is_flagged() -> None:
    result = demand_deadline(COMPLAINT, datetime(2026, 12, 20, 9), CALENDAR, ClockFacts())
    assert result is not None and not result.known
    assert result.text == "2027年节假日安排未导入，期限无法准确计算"


# --- where a demand stands ------------------------------------------------------------------


def due(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY)


@pytest.mark.parametrize(("moment", "deadline", "expected"), [
    (datetime(2026, 11, 20, 9), date(2026, 11, 23), DeadlineState.DUE_SOON),  # Fri → Mon
    (datetime(2026, 11, 19, 9), date(2026, 11, 23), DeadlineState.ON_TIME),  # two days left
    (datetime(2026, 11, 23, 9), date(2026, 11, 23), DeadlineState.DUE_SOON),  # due today
    (datetime(2026, 9, 30, 9), date(2026, 10, 8), DeadlineState.DUE_SOON),  # across the holiday
    (datetime(2026, 11, 24, 0, 0, 1), date(2026, 11, 23), DeadlineState.OVERDUE),
])
def test_on_time_due_soon_overdue(moment: datetime, deadline: date,
                                  expected: DeadlineState) -> None:
    assert deadline_state(S.HANDLING, due(deadline), moment, CALENDAR) is expected


def test_states_of_finished_paused_and_unknown_deadlines() -> None:
    deadline, moment = due(date(2026, 11, 23)), datetime(2026, 11, 30, 9)
    late, early = datetime.combine(date(2026, 11, 24), time(10)), datetime(2026, 11, 20, 10)
    assert deadline_state(S.CLOSED, deadline, moment, CALENDAR, closed_at=late) \
        is DeadlineState.CLOSED_LATE
    assert deadline_state(S.RATED, deadline, moment, CALENDAR, closed_at=early) \
        is DeadlineState.CLOSED_ON_TIME
    assert deadline_state(S.SUSPENDED, None, moment, CALENDAR) is DeadlineState.PAUSED
    assert deadline_state(S.HANDLING, None, moment, CALENDAR) is DeadlineState.UNKNOWN
    assert deadline_state(S.MERGED, deadline, moment, CALENDAR) is DeadlineState.NONE
