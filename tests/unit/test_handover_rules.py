"""Two-way dispatch rules: legal steps per direction, the 3-working-day clock over a
holiday, and the flags computed from the timestamps."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop.domain.errors import DomainError
from desktop.domain.handovers import (
    STEPS,
    HandoverDirection,
    HandoverFacts,
    HandoverFlag,
    HandoverState,
    HandoverStep,
    flags,
    handover_due,
    initial_state,
    next_state,
)
from desktop.domain.workdays import WorkCalendar

D, S, P = HandoverDirection, HandoverState, HandoverStep
CALENDAR = WorkCalendar.build()


def test_every_step_not_in_the_table_is_refused() -> None:
    for direction in D:
        for state in S:
            for step in P:
                if (direction, state, step) in STEPS:
                    assert next_state(direction, state, step) is STEPS[direction, state, step]
                else:
                    with pytest.raises(DomainError, match="不能"):
                        next_state(direction, state, step)


def test_the_happy_paths() -> None:
    state = initial_state(D.TO_DISTRICT)
    for step in (P.REPORT, P.HAND_OVER, P.RECEIPT):
        state = next_state(D.TO_DISTRICT, state, step)
    assert state is S.RECEIVED
    assert next_state(D.FROM_DISTRICT, initial_state(D.FROM_DISTRICT), P.REPORT_BACK) \
        is S.REPORTED_BACK
    with pytest.raises(DomainError, match="已办结"):
        next_state(D.TO_DISTRICT, S.RECEIVED, P.CANCEL)


def test_three_working_days_skip_the_national_day_holiday() -> None:
    # Found on Wednesday 30 September 2026: 1–7 October are holidays, so the 3 working
    # days are 8, 9 and 10 October (10 October 2026 is a make-up Saturday).
    due = handover_due(CALENDAR, datetime(2026, 9, 30, 10, 0))
    assert due.known and due.due is not None
    assert due.due.isoformat() == "2026-10-10"
    assert due.due_at == datetime(2026, 10, 10, 23, 59, 59)
    assert "国庆" in due.text


def test_a_handover_found_in_a_year_without_calendar_data_is_flagged() -> None:
    due = handover_due(CALENDAR, datetime(2027, 12, 29, 9, 0))
    assert not due.known and due.due_at is None
    assert "2027" in due.text or "2028" in due.text


def _facts(**overrides: object) -> HandoverFacts:
    values: dict[str, object] = dict(
        direction=D.TO_DISTRICT, state=S.FOUND, found_at=datetime(2026, 11, 16, 9, 0),
        reported_at=None, due_at=datetime(2026, 11, 19, 23, 59, 59), handed_over_at=None,
        reported_back_at=None) | overrides
    return HandoverFacts(**values)  # type: ignore[arg-type]


def test_flags_from_timestamps() -> None:
    same_day = datetime(2026, 11, 16, 17, 0)
    assert flags(_facts(reported_at=same_day, state=S.REPORTED), same_day) == []
    assert flags(_facts(), datetime(2026, 11, 17, 9, 0)) == [HandoverFlag.NOT_REPORTED_SAME_DAY]
    overdue = flags(_facts(reported_at=same_day, state=S.REPORTED), datetime(2026, 11, 20, 9))
    assert overdue == [HandoverFlag.HANDOVER_OVERDUE]
    late = flags(_facts(reported_at=same_day, handed_over_at=datetime(2026, 11, 20, 9),
                        state=S.HANDED_OVER), datetime(2026, 11, 21))
    assert late == [HandoverFlag.HANDED_OVER_LATE]
    back = _facts(direction=D.FROM_DISTRICT, state=S.ASSIGNED)
    assert flags(back, datetime(2026, 11, 19, 12)) == []
    assert flags(back, datetime(2026, 11, 20, 9)) == [HandoverFlag.REPORT_BACK_OVERDUE]
