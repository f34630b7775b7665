"""A demand's clock, read from its timeline: when it restarted, when it stood still.

The deadline is never edited by hand; it is recomputed from the rule, the day of
receipt, the approved extensions and these facts of the timeline, so that it can always
be explained step by step (and recomputed when a missing calendar year arrives):

- 退单 restarts the clock when the rule says ``reset_on_return``: from the return
  itself while the demand waits to be dispatched again, then from the re-dispatch
  (the new unit gets the whole period). 重新办理 (reopening) restarts it likewise.
- 挂起 stops the clock until 恢复处置; while suspended there is no deadline at all.
- an approved 延期 of N working days moves the deadline N working days later.

Pure: no database, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from desktop.domain.deadlines import DeadlineRule, DeadlineUnit, Period, compute_deadline
from desktop.domain.demand_states import DemandAction
from desktop.domain.workdays import (
    CalendarUnknownError,
    DeadlineResult,
    WorkCalendar,
    day_result,
    flagged,
    hour_result,
)

PAUSED_NOTE = "已挂起，暂停计时"


@dataclass(frozen=True)
class ClockFacts:
    reset_at: datetime | None = None
    pauses: tuple[Period, ...] = field(default=())
    suspended_since: datetime | None = None


def clock_facts(steps: Iterable[tuple[str, datetime]]) -> ClockFacts:
    """The facts of a timeline given as (action code, when) in the order they happened."""
    reset_at: datetime | None = None
    awaiting_dispatch = False
    pauses: list[Period] = []
    suspended: datetime | None = None
    for action, at in steps:
        if action == DemandAction.RETURN:
            reset_at, awaiting_dispatch = at, True
        elif ((action == DemandAction.DISPATCH and awaiting_dispatch)
              or action == DemandAction.REOPEN):
            reset_at, awaiting_dispatch = at, False
        elif action == DemandAction.SUSPEND:
            suspended = at
        elif action == DemandAction.RESUME and suspended is not None:
            pauses.append((suspended, at))
            suspended = None
    return ClockFacts(reset_at, tuple(pauses), suspended)


def demand_deadline(rule: DeadlineRule, received_at: datetime, calendar: WorkCalendar,
                    facts: ClockFacts, *, extension_workdays: int = 0) -> DeadlineResult | None:
    """The deadline, flagged when the calendar lacks a year, None while suspended.

    Extensions are asked in working days. For a rule in working days they simply add to
    the amount (pauses then fall right); for the other units the extension moves the
    computed deadline by that many working days, keeping its time of day."""
    if facts.suspended_since is not None:
        return None
    if rule.unit is DeadlineUnit.WORKDAYS:
        return compute_deadline(rule, received_at, calendar, paused=facts.pauses,
                                reset_at=facts.reset_at, extended_by=extension_workdays)
    result = compute_deadline(rule, received_at, calendar, paused=facts.pauses,
                              reset_at=facts.reset_at)
    if not extension_workdays or result.due_at is None:
        return result
    try:
        due = calendar.add_workdays(result.due_at, extension_workdays)
    except CalendarUnknownError as error:
        return flagged((error.year,))
    start = facts.reset_at if rule.reset_on_return and facts.reset_at else received_at
    if rule.unit is DeadlineUnit.CALENDAR_DAYS:
        return day_result(calendar, start, due)
    return hour_result(calendar, start, datetime.combine(due, result.due_at.time()))
