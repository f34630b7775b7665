"""The closed loop of a demand (诉求闭环, seeds 000 and 003) as a state machine.

受理 → 研判 → 分流/派遣 → 处置 → 反馈 → 核查 → 结案 → 评价, with the side roads the
seeds name: 退单 (the handling unit sends the demand back with a reason; the
sub-center triages it again), 退回区级 (a demand the district dispatched that is not
the street's business goes back up, approved by the director), 挂起/恢复 (handling
cannot go on for a while: the clock stops), duplicate merge (terminal: the duplicate
lives on in the demand it was merged into), reopening a closed demand, and three
records that do not move the status: 延期 (an extension request and its decision
change the deadline), 回访 (callback) and 督办 (supervision).

``TRANSITIONS`` is the whole policy in one table: ``(status, action) → status``. Every
pair not in it is illegal and ``next_status`` refuses it in Chinese. Suspension is
allowed while handling only (before dispatch there is nothing to pause; triage
decides), so resuming always returns to 处置中 and the table needs no memory.

Who may do what is decided here too (``ACTION_PERMISSIONS``): the sub-center's staff
take in and handle demands; the director approves what changes the street's record
(extensions, sending a demand back to the district, reopening a closed one).

Pure: no database, no Qt.
"""

from __future__ import annotations

from datetime import datetime

from desktop.domain.errors import DomainError
from desktop.domain.labels import LabeledEnum
from desktop.domain.permissions import Permission
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar


class DemandStatus(LabeledEnum):
    ACCEPTED = ("accepted", "已受理")
    TRIAGED = ("triaged", "已研判")
    DISPATCHED = ("dispatched", "已派遣")
    HANDLING = ("handling", "处置中")
    REPORTED = ("reported", "已反馈")  # 处置反馈, waiting for 核查
    VERIFIED = ("verified", "已核查")  # waiting for 结案
    CLOSED = ("closed", "已结案")
    RATED = ("rated", "已评价")
    RETURNED = ("returned", "已退单")  # waiting to be triaged again
    SUSPENDED = ("suspended", "已挂起")
    MERGED = ("merged", "已合并")  # a duplicate, merged into another demand
    SENT_BACK = ("sent_back", "已退回区级")


class DemandAction(LabeledEnum):
    ACCEPT = ("accept", "受理")
    TRIAGE = ("triage", "研判")
    DISPATCH = ("dispatch", "派遣")
    START = ("start", "签收处置")
    REPORT = ("report", "处置反馈")
    VERIFY = ("verify", "核查通过")
    REJECT = ("reject", "核查不通过")
    CLOSE = ("close", "结案")
    RATE = ("rate", "评价")
    RETURN = ("return", "退单")
    SEND_BACK = ("send_back", "退回区级")
    SUSPEND = ("suspend", "挂起")
    RESUME = ("resume", "恢复处置")
    MERGE = ("merge", "合并重复件")
    REOPEN = ("reopen", "重新办理")
    REQUEST_EXTENSION = ("request_extension", "申请延期")
    DECIDE_EXTENSION = ("decide_extension", "审批延期")
    CALLBACK = ("callback", "回访")
    SUPERVISE = ("supervise", "督办")


class HandlingLevel(LabeledEnum):
    """Where a demand is solved (seed 003): in the community, in the street, or by the
    district's departments."""

    COMMUNITY = ("community", "社区微循环")
    STREET = ("street", "街道小循环")
    DISTRICT = ("district", "区级大循环")


class Rating(LabeledEnum):
    SATISFIED = ("satisfied", "满意")
    FAIRLY_SATISFIED = ("fairly_satisfied", "基本满意")
    DISSATISFIED = ("dissatisfied", "不满意")


class Urgency(LabeledEnum):
    NORMAL = ("normal", "一般")
    URGENT = ("urgent", "紧急")

    @classmethod
    def of(cls, urgent: bool) -> Urgency:
        return cls.URGENT if urgent else cls.NORMAL


class ExtensionState(LabeledEnum):
    PENDING = ("pending", "待审批")
    APPROVED = ("approved", "已批准")
    REFUSED = ("refused", "未批准")
    WITHDRAWN = ("withdrawn", "已撤销")  # the demand left handling before a decision


S, A = DemandStatus, DemandAction
_MERGEABLE = (S.ACCEPTED, S.TRIAGED, S.DISPATCHED, S.RETURNED)
_EXTENSION_ASKED = (S.DISPATCHED, S.HANDLING)
_EXTENSION_DECIDED = (S.DISPATCHED, S.HANDLING, S.SUSPENDED, S.REPORTED)
_SUPERVISED = (S.TRIAGED, S.DISPATCHED, S.HANDLING, S.SUSPENDED, S.REPORTED, S.RETURNED)

TRANSITIONS: dict[tuple[DemandStatus, DemandAction], DemandStatus] = {
    (S.ACCEPTED, A.TRIAGE): S.TRIAGED,
    (S.ACCEPTED, A.SEND_BACK): S.SENT_BACK,
    (S.TRIAGED, A.TRIAGE): S.TRIAGED,  # corrected before dispatch
    (S.TRIAGED, A.DISPATCH): S.DISPATCHED,
    (S.TRIAGED, A.SEND_BACK): S.SENT_BACK,
    (S.DISPATCHED, A.START): S.HANDLING,
    (S.DISPATCHED, A.RETURN): S.RETURNED,
    (S.HANDLING, A.REPORT): S.REPORTED,
    (S.HANDLING, A.RETURN): S.RETURNED,
    (S.HANDLING, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): S.HANDLING,
    (S.REPORTED, A.VERIFY): S.VERIFIED,
    (S.REPORTED, A.REJECT): S.HANDLING,
    (S.VERIFIED, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.RATE): S.RATED,
    (S.CLOSED, A.REOPEN): S.HANDLING,
    (S.RATED, A.REOPEN): S.HANDLING,
    (S.RETURNED, A.TRIAGE): S.TRIAGED,
    (S.RETURNED, A.DISPATCH): S.DISPATCHED,  # straight to another unit
    (S.RETURNED, A.SEND_BACK): S.SENT_BACK,
    **{(status, A.MERGE): S.MERGED for status in _MERGEABLE},
    # records that keep the status
    **{(status, A.REQUEST_EXTENSION): status for status in _EXTENSION_ASKED},
    **{(status, A.DECIDE_EXTENSION): status for status in _EXTENSION_DECIDED},
    **{(status, A.SUPERVISE): status for status in _SUPERVISED},
    (S.CLOSED, A.CALLBACK): S.CLOSED,
    (S.RATED, A.CALLBACK): S.RATED,
}

TERMINAL = frozenset({S.MERGED, S.SENT_BACK})
FINISHED = frozenset({S.CLOSED, S.RATED, S.MERGED, S.SENT_BACK})  # the clock has stopped
NEEDS_NOTE = frozenset({A.RETURN, A.SEND_BACK, A.SUSPEND, A.REOPEN, A.REPORT, A.REJECT,
                        A.SUPERVISE, A.CALLBACK})
_NOTE_NAMES = {A.RETURN: "退单理由", A.SEND_BACK: "退回理由", A.SUSPEND: "挂起理由",
               A.REOPEN: "重新办理的理由", A.REPORT: "处置结果", A.REJECT: "核查意见",
               A.SUPERVISE: "督办意见", A.CALLBACK: "回访情况"}

ACTION_PERMISSIONS: dict[DemandAction, Permission] = {
    action: Permission.DEMAND_HANDLE for action in DemandAction
} | {
    A.ACCEPT: Permission.DEMAND_INTAKE,
    A.DECIDE_EXTENSION: Permission.DEMAND_APPROVE,
    A.SEND_BACK: Permission.DEMAND_APPROVE,
    A.REOPEN: Permission.DEMAND_APPROVE,
}


class IllegalTransitionError(DomainError):
    def __init__(self, status: DemandStatus, action: DemandAction) -> None:
        hint = _HINTS.get(status, "请刷新后查看该诉求当前可办理的操作。")
        super().__init__(f"诉求当前为“{status.label}”，不能“{action.label}”。{hint}")
        self.status, self.action = status, action


_HINTS = {
    S.MERGED: "该诉求已作为重复件合并，请到合并后的诉求中办理。",
    S.SENT_BACK: "该诉求已退回区级平台，不再由本街道办理。",
    S.SUSPENDED: "请先“恢复处置”。",
    S.CLOSED: "如需继续办理，请由执法办主任“重新办理”。",
    S.RATED: "如需继续办理，请由执法办主任“重新办理”。",
}


def next_status(status: DemandStatus | str, action: DemandAction | str) -> DemandStatus:
    """The status after ``action``; IllegalTransitionError for every pair not in the table."""
    status, action = DemandStatus(status), DemandAction(action)
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransitionError(status, action) from None


def allowed_actions(status: DemandStatus | str) -> list[DemandAction]:
    """The actions the detail page offers for a status, in the loop's order."""
    status = DemandStatus(status)
    return [action for action in DemandAction if (status, action) in TRANSITIONS]


def note_name(action: DemandAction) -> str:
    """What the note of an action is called on the form ("退单理由"), for messages."""
    return _NOTE_NAMES.get(action, "说明")


# --- where a demand stands against its deadline -------------------------------------------


class DeadlineState(LabeledEnum):
    ON_TIME = ("on_time", "正常")
    DUE_SOON = ("due_soon", "即将到期")  # due today or on the next working day
    OVERDUE = ("overdue", "已超期")
    UNKNOWN = ("unknown", "期限无法计算")  # the calendar lacks a year
    PAUSED = ("paused", "挂起暂停计时")
    CLOSED_ON_TIME = ("closed_on_time", "按期办结")
    CLOSED_LATE = ("closed_late", "超期办结")
    NONE = ("none", "不计时")  # merged or sent back


def deadline_state(status: DemandStatus | str, deadline_at: datetime | None,
                   moment: datetime, calendar: WorkCalendar, *,
                   closed_at: datetime | None = None) -> DeadlineState:
    """On time, due soon (within one working day), overdue, or how it ended.

    "Due soon" counts working days, so a deadline on Monday is due soon on the Friday
    before: the weekend does not give the unit two more days of grace."""
    status = DemandStatus(status)
    if status in TERMINAL:
        return DeadlineState.NONE
    if status is S.SUSPENDED:
        return DeadlineState.PAUSED
    if deadline_at is None:
        return DeadlineState.UNKNOWN
    if status in (S.CLOSED, S.RATED):
        late = closed_at is not None and closed_at > deadline_at
        return DeadlineState.CLOSED_LATE if late else DeadlineState.CLOSED_ON_TIME
    if moment > deadline_at:
        return DeadlineState.OVERDUE
    try:
        left = calendar.workdays_between(moment.date(), deadline_at.date())
    except CalendarUnknownError:
        return DeadlineState.ON_TIME  # a deadline in a known year, today in an unknown one
    return DeadlineState.DUE_SOON if left <= 1 else DeadlineState.ON_TIME
