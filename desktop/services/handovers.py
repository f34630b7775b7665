"""Two-way dispatch use cases (双向派单, seed 002): open a handover for a demand, move it
through its steps (当天报告 → 正式交接 → 回执, or 回告), and list them with their clocks.

The 3-working-day clock of a handover runs from the day the street learned of the item
(the demand's receipt); a district letter's 回告 is due by the demand's own deadline.
Each step checks ``DEMAND_HANDLE``, refuses a stale version, and writes one audit row
in the same transaction. Rules live in ``desktop.domain.handovers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop import clock
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.handovers import (
    FINISHED,
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
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.calendar import calendar_in
from desktop.services.demand_flow import load_demand
from desktop.services.demand_supervision import overdue_workdays
from local_db.models import Demand, Handover
from local_db.unit_of_work import UnitOfWork

ENTITY = "handover"


@dataclass(frozen=True)
class HandoverRow:
    id: str
    version: int
    demand_id: str
    demand_number: str
    demand_title: str
    direction: HandoverDirection
    state: HandoverState
    receiving_unit: str
    found_at: datetime
    reported_at: datetime | None
    due_at: datetime | None
    handed_over_at: datetime | None
    receipt_at: datetime | None
    reported_back_at: datetime | None
    reason: str
    clock_text: str  # "还剩2个工作日" / "已逾期1个工作日" / "期限无法计算…" / "已办结"
    flags: tuple[HandoverFlag, ...]
    due_soon: bool = False  # open, not late, at most one working day left (as demands)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def state_text(self) -> str:
        if self.direction is HandoverDirection.TRANSFER_UP and self.state is HandoverState.FOUND:
            return "待移交"  # a transfer has no same-day report step
        return self.state.label


def _facts(handover: Handover, demand: Demand) -> HandoverFacts:
    return HandoverFacts(
        HandoverDirection(handover.direction), HandoverState(handover.state),
        demand.received_at, handover.reported_at, handover.due_at, handover.handed_over_at,
        handover.reported_back_at)


def _clock_text(facts: HandoverFacts, calendar: WorkCalendar, now: datetime) -> str:
    if facts.state in FINISHED:
        return "已办结"
    if facts.handed_over_at is not None:  # the clock stopped at the formal handover
        late = facts.due_at is not None and facts.handed_over_at > facts.due_at
        return "超期交接" if late else "已按期交接"
    if facts.due_at is None:
        return "期限无法计算（节假日安排未导入）" \
            if facts.direction is not HandoverDirection.FROM_DISTRICT else "无期限"
    if now > facts.due_at:
        late = overdue_workdays(calendar, facts.due_at, now)  # the 督办 list's count
        return f"已逾期{late}个工作日" if late else "已逾期（节假日安排未导入，天数无法计算）"
    left = _workdays_left(facts, calendar, now)
    if left is None:  # a year without calendar data: say so, never guess
        return "期限无法精确计算（节假日安排未导入）"
    return f"还剩{left}个工作日" if left else "今日到期"


def _workdays_left(facts: HandoverFacts, calendar: WorkCalendar, now: datetime) -> int | None:
    if facts.due_at is None or now > facts.due_at:
        return None
    try:
        return calendar.workdays_between(now.date(), facts.due_at.date())
    except CalendarUnknownError:
        return None


def _unit_name(uow: UnitOfWork, unit_id: str | None) -> str:
    if unit_id is None:
        return ""
    unit = uow.roster.unit(unit_id)
    return unit.name if unit is not None else ""


def _row(uow: UnitOfWork, handover: Handover, demand: Demand, calendar: WorkCalendar,
         now: datetime) -> HandoverRow:
    facts = _facts(handover, demand)
    left = None if facts.state in FINISHED or facts.handed_over_at is not None \
        else _workdays_left(facts, calendar, now)
    return HandoverRow(
        handover.id, handover.version, demand.id, demand.number, demand.title,
        facts.direction, facts.state, _unit_name(uow, handover.receiving_unit_id),
        demand.received_at, handover.reported_at, handover.due_at, handover.handed_over_at,
        handover.receipt_at, handover.reported_back_at, handover.reason,
        _clock_text(facts, calendar, now), tuple(flags(facts, now)),
        left is not None and left <= 1)


def open_handover(uow: UnitOfWork, *, actor: Actor, demand_id: str,
                  direction: HandoverDirection, receiving_unit_id: str | None,
                  reason: str = "", at: datetime | None = None) -> HandoverRow:
    """Start a handover for a demand; one open handover per demand at a time."""
    require(actor, Permission.DEMAND_HANDLE)
    at = at or clock.now()
    with uow:
        demand = load_demand(uow, demand_id)
        _check_opening(uow, demand, direction, receiving_unit_id, reason)
        calendar = calendar_in(uow)
        if direction is HandoverDirection.FROM_DISTRICT:
            due_at = demand.deadline_at
        else:
            due_at = handover_due(calendar, demand.received_at).due_at
        handover = Handover(
            id=new_id(), created_at=at, updated_at=at, demand_id=demand.id,
            direction=direction.value, receiving_unit_id=receiving_unit_id, due_at=due_at,
            reason=reason.strip(), state=initial_state(direction).value)
        uow.handovers.add(handover)
        uow.flush()
        audit.record(uow, actor, AuditAction.CREATE, entity_type=ENTITY, entity_id=handover.id,
                     summary=f"{direction.label}：{demand.number} {demand.title}",
                     changes={"接收单位": ("", _unit_name(uow, receiving_unit_id)),
                              "期限": ("", due_at.strftime("%Y-%m-%d") if due_at else "")})
        row = _row(uow, handover, demand, calendar, at)
        uow.commit()
    return row


def _check_opening(uow: UnitOfWork, demand: Demand, direction: HandoverDirection,
                   receiving_unit_id: str | None, reason: str) -> None:
    if any(HandoverState(h.state) not in FINISHED
           for h in uow.handovers.of_demand(demand.id)):
        raise ConflictError(f"诉求 {demand.number} 已有未办结的派单，请先办结或撤销它。")
    if direction is not HandoverDirection.FROM_DISTRICT:
        if receiving_unit_id is None:
            raise ValidationError("接收单位", "移交区级须选择接收的区级执法机构或部门。")
        if uow.roster.unit(receiving_unit_id) is None:
            raise NotFoundError("所选的接收单位不存在，请刷新后重选。")
    if direction is HandoverDirection.TRANSFER_UP and not reason.strip():
        raise ValidationError("移交理由", "街道无法承担而移交区级时，须写明理由。")


def advance_handover(uow: UnitOfWork, *, actor: Actor, handover_id: str,
                     expected_version: int, step: HandoverStep, note: str = "",
                     at: datetime | None = None) -> HandoverRow:
    """One step of a handover, stamped with its time (``at``, default now)."""
    require(actor, Permission.DEMAND_HANDLE)
    at = at or clock.now()
    with uow:
        handover = uow.handovers.get(handover_id)
        if handover is None:
            raise NotFoundError("该派单已不存在，请刷新列表。")
        if handover.version != expected_version:
            raise ConflictError("该派单已被他人更新，请刷新后再操作。")
        demand = load_demand(uow, handover.demand_id)
        direction = HandoverDirection(handover.direction)
        before = HandoverState(handover.state)
        after = next_state(direction, before, step)
        _stamp(handover, step, at, note)
        handover.state, handover.version, handover.updated_at = \
            after.value, handover.version + 1, at
        audit.record(uow, actor, AuditAction.UPDATE, entity_type=ENTITY, entity_id=handover.id,
                     summary=f"{step.label}：{demand.number}",
                     changes={"状态": (before.label, after.label)}
                     | ({"说明": ("", note.strip())} if note.strip() else {}))
        row = _row(uow, handover, demand, calendar_in(uow), at)
        uow.commit()
    return row


def _stamp(handover: Handover, step: HandoverStep, at: datetime, note: str) -> None:
    if step is HandoverStep.REPORT:
        handover.reported_at = at
    elif step is HandoverStep.HAND_OVER:
        handover.reported_at = handover.reported_at or at
        handover.handed_over_at = at
    elif step is HandoverStep.RECEIPT:
        handover.receipt_at = at
    elif step is HandoverStep.REPORT_BACK:
        handover.reported_back_at = at
    if note.strip():
        handover.reason = "\n".join(filter(None, [handover.reason, note.strip()]))


def list_handovers(uow: UnitOfWork, *, direction: HandoverDirection | None = None,
                   open_only: bool = True, now: datetime | None = None,
                   limit: int = 500) -> list[HandoverRow]:
    now = now or clock.now()
    states = None
    if open_only:
        states = [state.value for state in HandoverState if state not in FINISHED]
    with uow:
        calendar = calendar_in(uow)
        pairs = uow.handovers.listed(direction=direction.value if direction else None,
                                     states=states, limit=limit)
        return [_row(uow, handover, demand, calendar, now) for handover, demand in pairs]


def handovers_of(uow: UnitOfWork, demand_id: str, *, now: datetime | None = None
                 ) -> list[HandoverRow]:
    now = now or clock.now()
    with uow:
        demand = load_demand(uow, demand_id)
        calendar = calendar_in(uow)
        return [_row(uow, handover, demand, calendar, now)
                for handover in uow.handovers.of_demand(demand_id)]


def find_demand(uow: UnitOfWork, number: str) -> tuple[str, str]:
    """(id, title) of the demand with 受理编号 ``number``, for the 新建派单 form."""
    with uow:
        demand = uow.demands.by_number(number.strip())
        if demand is None:
            raise ValidationError("受理编号", f"没有受理编号为“{number.strip()}”的诉求，请核对。")
        return demand.id, demand.title
