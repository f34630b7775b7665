"""Two-way dispatch (双向派单, seed 002) as rules: three directions, each with its steps
and its clock.

- 街道发现，移交区级 (``TO_DISTRICT``): an item in the district's scope that the street
  found on patrol or by a report. The street reports it to the district agency the
  same day (当天报告) and hands it over formally within 3 working days (正式交接, with
  the 案件移送书 and its 送达回证); the agency's receipt closes it.
- 区级转来，街道办理 (``FROM_DISTRICT``): a complaint the district received about a
  street-scope item, sent down by letter. The street handles it (the demand's own
  closed loop) and reports back (回告) by the demand's deadline.
- 街道无法承担，移交区级 (``TRANSFER_UP``): a case too complex for the street, transferred
  to the district agency with the reason; the agency's receipt closes it.

``STEPS`` is the whole policy: (direction, state, step) → next state. Lateness is
computed from the timestamps and the working-day calendar, never typed in.

Pure: no database, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from desktop.domain.errors import DomainError
from desktop.domain.labels import LabeledEnum
from desktop.domain.workdays import DeadlineResult, WorkCalendar

HANDOVER_WORKDAYS = 3  # seed 002: 3个工作日内"正式交接"


class HandoverDirection(LabeledEnum):
    TO_DISTRICT = ("to_district", "街道发现·移交区级")
    FROM_DISTRICT = ("from_district", "区级转来·街道办理")
    TRANSFER_UP = ("transfer_up", "街道无法承担·移交区级")


class HandoverState(LabeledEnum):
    FOUND = ("found", "待报告")
    REPORTED = ("reported", "已当天报告，待正式交接")
    HANDED_OVER = ("handed_over", "已正式交接，待回执")
    RECEIVED = ("received", "区级已签收")  # the end of TO_DISTRICT and TRANSFER_UP
    ASSIGNED = ("assigned", "街道办理中")
    REPORTED_BACK = ("reported_back", "已回告")  # the end of FROM_DISTRICT
    CANCELLED = ("cancelled", "已撤销")


class HandoverStep(LabeledEnum):
    REPORT = ("report", "当天报告")
    HAND_OVER = ("hand_over", "正式交接")
    RECEIPT = ("receipt", "登记回执")
    REPORT_BACK = ("report_back", "回告区级")
    CANCEL = ("cancel", "撤销")


FINISHED = frozenset({HandoverState.RECEIVED, HandoverState.REPORTED_BACK,
                      HandoverState.CANCELLED})

_D, _S, _P = HandoverDirection, HandoverState, HandoverStep
STEPS: dict[tuple[HandoverDirection, HandoverState, HandoverStep], HandoverState] = {
    (_D.TO_DISTRICT, _S.FOUND, _P.REPORT): _S.REPORTED,
    (_D.TO_DISTRICT, _S.FOUND, _P.HAND_OVER): _S.HANDED_OVER,  # reported and handed at once
    (_D.TO_DISTRICT, _S.REPORTED, _P.HAND_OVER): _S.HANDED_OVER,
    (_D.TO_DISTRICT, _S.HANDED_OVER, _P.RECEIPT): _S.RECEIVED,
    (_D.TRANSFER_UP, _S.FOUND, _P.HAND_OVER): _S.HANDED_OVER,
    (_D.TRANSFER_UP, _S.HANDED_OVER, _P.RECEIPT): _S.RECEIVED,
    (_D.FROM_DISTRICT, _S.ASSIGNED, _P.REPORT_BACK): _S.REPORTED_BACK,
    (_D.TO_DISTRICT, _S.FOUND, _P.CANCEL): _S.CANCELLED,
    (_D.TO_DISTRICT, _S.REPORTED, _P.CANCEL): _S.CANCELLED,
    (_D.TRANSFER_UP, _S.FOUND, _P.CANCEL): _S.CANCELLED,
}


def initial_state(direction: HandoverDirection) -> HandoverState:
    return HandoverState.ASSIGNED if direction is HandoverDirection.FROM_DISTRICT \
        else HandoverState.FOUND


def next_state(direction: HandoverDirection, state: HandoverState,
               step: HandoverStep) -> HandoverState:
    """The state after ``step``, or a Chinese refusal naming what can be done instead."""
    target = STEPS.get((direction, state, step))
    if target is not None:
        return target
    possible = [s.label for (d, st, s) in STEPS if d is direction and st is state]
    hint = f"当前可以：{'、'.join(possible)}。" if possible else "该派单已办结，不能再操作。"
    raise DomainError(f"“{direction.label}”的派单处于“{state.label}”状态，不能“{step.label}”。{hint}")


def handover_due(calendar: WorkCalendar, found_at: datetime) -> DeadlineResult:
    """正式交接 is due by the end of the 3rd working day after the day it was found."""
    return calendar.deadline_or_flag(found_at, HANDOVER_WORKDAYS)


@dataclass(frozen=True)
class HandoverFacts:
    direction: HandoverDirection
    state: HandoverState
    found_at: datetime  # the demand's receipt: when the street learned of the item
    reported_at: datetime | None
    due_at: datetime | None  # 正式交接 (TO_DISTRICT) or 回告 (FROM_DISTRICT) deadline
    handed_over_at: datetime | None
    reported_back_at: datetime | None


class HandoverFlag(LabeledEnum):
    NOT_REPORTED_SAME_DAY = ("late_report", "未当天报告")
    HANDOVER_OVERDUE = ("handover_overdue", "逾期未交接")
    HANDED_OVER_LATE = ("handed_over_late", "超期交接")
    REPORT_BACK_OVERDUE = ("report_back_overdue", "逾期未回告")


def flags(facts: HandoverFacts, now: datetime) -> list[HandoverFlag]:
    """What the assessment counts against the street, from the timestamps alone."""
    found: list[HandoverFlag] = []
    if facts.direction is HandoverDirection.TO_DISTRICT:
        reported = facts.reported_at or facts.handed_over_at
        if _day(reported, now) > facts.found_at.date():
            found.append(HandoverFlag.NOT_REPORTED_SAME_DAY)
    if facts.direction in (HandoverDirection.TO_DISTRICT, HandoverDirection.TRANSFER_UP) \
            and facts.due_at is not None and facts.state is not HandoverState.CANCELLED:
        if facts.handed_over_at is None and now > facts.due_at:
            found.append(HandoverFlag.HANDOVER_OVERDUE)
        elif facts.handed_over_at is not None and facts.handed_over_at > facts.due_at:
            found.append(HandoverFlag.HANDED_OVER_LATE)
    if facts.direction is HandoverDirection.FROM_DISTRICT and facts.due_at is not None:
        back = facts.reported_back_at or now
        if back > facts.due_at:
            found.append(HandoverFlag.REPORT_BACK_OVERDUE)
    return found


def _day(moment: datetime | None, now: datetime) -> date:
    return (moment or now).date()
