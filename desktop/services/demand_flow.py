"""The building blocks of the closed loop, shared by the use cases and the demo: they
work inside an already open unit of work, never commit, never check permissions and
never audit (the callers do, once per transaction).

- ``add_demand``: a validated demand with its 受理编号, deadline and 受理 step.
- ``apply_action``: one step of the loop: the state machine's next status, the
  action's effect (routing, rating, merge…), the timeline step, the new version, and
  the deadline recomputed when the clock changed. 延期 has its own building blocks in
  ``demand_extensions`` (it changes the deadline, not the status).
- ``refresh_deadline``: the deadline from the rule, the timeline and the approved
  extensions (desktop/domain/demand_clock.py); ``refresh_flagged_deadlines`` computes
  those that waited for a calendar year once it is there.

Steps are appended to ``demand.steps`` so the clock reads the timeline from memory:
moving a demand through the loop costs no query per step (the demo builds ~2,000).
Times are passed in (``at``) so the demo can write a consistent past; the use cases
pass ``clock.now()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from desktop.domain.actor import Actor
from desktop.domain.deadlines import DEFAULT_RULES, DeadlineRule, DemandSource, rule_for
from desktop.domain.demand_clock import PAUSED_NOTE, clock_facts, demand_deadline
from desktop.domain.demand_states import (
    FINISHED,
    NEEDS_NOTE,
    DemandAction,
    DemandStatus,
    ExtensionState,
    HandlingLevel,
    Rating,
    next_status,
    note_name,
)
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.grids import GridStatus
from desktop.domain.ids import new_id
from desktop.domain.workdays import WorkCalendar
from desktop.services import numbering
from desktop.services.demand_categories import category_path, leaf_category
from desktop.services.demand_intake import IntakeInput
from local_db.models import Demand, DemandStep, DemandUnit, ExtensionRequest, Unit
from local_db.outbox_events import raise_version
from local_db.unit_of_work import UnitOfWork

A = DemandAction
MAX_PER_DAY = 9999
_CLOCK_ACTIONS = frozenset({A.DISPATCH, A.RETURN, A.SUSPEND, A.RESUME, A.REOPEN})
_SENDABLE_BACK = (DemandSource.HOTLINE, DemandSource.DISTRICT_DISPATCH,
                  DemandSource.DEPARTMENT_TRANSFER)


def rules_in(uow: UnitOfWork) -> tuple[DeadlineRule, ...]:
    """The deadline rules in force. One seam: when the rules become a stored setting
    (or the district syncs them), they are read here."""
    return DEFAULT_RULES


def load_demand(uow: UnitOfWork, demand_id: str) -> Demand:
    demand = uow.demands.get(demand_id)
    if demand is None:
        raise NotFoundError("找不到该诉求，可能已被删除，请刷新列表后重试。")
    return demand


def check_version(demand: Demand, expected_version: int) -> None:
    """Optimistic concurrency: refuse when someone acted on the demand since it was read."""
    if demand.version != expected_version:
        raise ConflictError(
            f"诉求 {demand.number} 已被他人办理（现为“{DemandStatus(demand.status).label}”），"
            "请刷新后查看最新情况再操作。")


# --- intake ----------------------------------------------------------------------------


def next_number(uow: UnitOfWork, day: date) -> str:
    """The next 受理编号 of ``day`` (YYYYMMDD-NNNN; YYYYMMDD-k-NNNN on install k ≥ 2,
    see desktop/services/numbering.py), without gaps: read under the write lock, so two
    intakes (even from two processes) never take the same number."""
    uow.demands.take_write_lock()
    prefix = numbering.own_prefix(f"{day:%Y%m%d}-", numbering.install_number(uow))
    number = numbering.last_sequence(uow, Demand.number, prefix, 4) + 1
    if number > MAX_PER_DAY:
        raise ConflictError(f"{day:%Y年%m月%d日}已受理 {MAX_PER_DAY} 件诉求，受理编号已用完。")
    return f"{prefix}{number:04d}"


def _check_references(uow: UnitOfWork, data: IntakeInput) -> None:
    if data.grid_id is not None:
        grid = uow.grids.get(data.grid_id)
        if grid is None:
            raise ValidationError("所属网格", "所选网格不存在，可能已被删除，请重新选择。")
        if grid.status != GridStatus.ACTIVE:
            raise ValidationError("所属网格", f"“{grid.name}”已撤销或合并，请选择现在的网格。")
    if data.category_id is not None:
        leaf_category(uow, data.category_id)


def add_demand(uow: UnitOfWork, *, actor: Actor, data: IntakeInput, at: datetime,
               calendar: WorkCalendar) -> Demand:
    """Take in a demand (受理) inside an open unit of work; ``data`` is validated here."""
    values = data.validated(now=at)
    _check_references(uow, values)
    received = values.received_at or at
    demand = Demand(
        id=new_id(), version=1, created_at=at, updated_at=at,
        number=next_number(uow, received.date()), external_number=values.external_number,
        kind=values.kind.value, nature=values.nature.value, source=values.source.value,
        category_id=values.category_id, urgent=values.urgent, title=values.title,
        content=values.content, reporter_name=values.reporter_name,
        reporter_phone=values.reporter_phone, address=values.address,
        longitude=values.longitude, latitude=values.latitude, grid_id=values.grid_id,
        handling_level=HandlingLevel.STREET.value, status=DemandStatus.ACCEPTED.value,
        received_at=received, deadline_note="", returned_count=0, steps=[],
        cooperating_units=[],
    )
    uow.demands.add(demand)
    what = f"{values.source.label}，{values.kind.label}（{values.nature.label}）"
    if values.urgent:
        what += "，紧急"
    add_step(uow, demand, A.ACCEPT, None, DemandStatus.ACCEPTED, actor, received, None,
             "；".join(filter(None, (what, values.note))))
    refresh_deadline(uow, demand, calendar)
    return demand


# --- one step of the loop --------------------------------------------------------------


@dataclass(frozen=True)
class Routing:
    """The triage decision (研判): where the demand is handled, by whom, under what."""

    handling_level: HandlingLevel
    lead_unit_id: str | None = None
    cooperating_unit_ids: tuple[str, ...] = ()
    category_id: str | None = None
    responsibility_item_id: str | None = None


@dataclass(frozen=True)
class ActionInput:
    """What an action needs besides the demand; each action reads its own fields."""

    note: str = ""
    unit_id: str | None = None  # DISPATCH: the receiving unit; others: the unit acting
    routing: Routing | None = None  # TRIAGE
    rating: Rating | None = None  # RATE
    satisfied: bool | None = None  # CALLBACK
    into_id: str | None = None  # MERGE: the demand the duplicate joins


def add_step(uow: UnitOfWork, demand: Demand, action: DemandAction,
              before: DemandStatus | None, after: DemandStatus, actor: Actor, at: datetime,
              unit_id: str | None, note: str) -> DemandStep:
    step = DemandStep(demand_id=demand.id, action=action.value,
                      from_status=before.value if before else None, to_status=after.value,
                      occurred_at=at, actor=actor.name, unit_id=unit_id, note=note)
    demand.steps.append(step)  # in memory too: the clock reads the timeline without a query
    return step


def apply_action(uow: UnitOfWork, demand: Demand, action: DemandAction, *, actor: Actor,
                 at: datetime, calendar: WorkCalendar,
                 data: ActionInput | None = None) -> DemandStep:
    """One step of the loop on ``demand`` (see the module docstring). Extension
    requests and decisions have their own functions below."""
    if action in (A.ACCEPT, A.REQUEST_EXTENSION, A.DECIDE_EXTENSION):
        raise ValueError(f"{action} has its own building block")
    data = data or ActionInput()
    before = DemandStatus(demand.status)
    after = next_status(before, action)
    note = data.note.strip()
    if action in NEEDS_NOTE and not note:
        raise ValidationError(note_name(action), "不能为空，请填写后再提交。")
    text, unit_id = _EFFECTS[action](uow, demand, data, at)
    step = add_step(uow, demand, action, before, after, actor, at, unit_id,
                     "；".join(filter(None, (text, note))))
    demand.status = after.value
    touch(demand, at)
    if action in _CLOCK_ACTIONS:
        refresh_deadline(uow, demand, calendar)
    return step


def touch(record: Demand | ExtensionRequest, at: datetime) -> None:
    """A changed record gets a new version (optimistic concurrency, the sync): exactly
    one per transaction, however many steps touch it (see raise_version)."""
    raise_version(record)
    record.updated_at = at


def _active_unit(uow: UnitOfWork, unit_id: str, field: str) -> Unit:
    unit = uow.roster.unit(unit_id)
    if unit is None:
        raise ValidationError(field, "所选单位不在单位名录中，请刷新后重新选择。")
    if unit.retired:
        raise ValidationError(field, f"“{unit.name}”已从单位名录撤销，请选择其他单位。")
    return unit


def _triage(uow: UnitOfWork, demand: Demand, data: ActionInput,
            at: datetime) -> tuple[str, str | None]:
    routing = data.routing
    if routing is None:
        raise ValidationError("研判", "请选择处置层级和承办单位。")
    level = HandlingLevel(routing.handling_level)
    if routing.lead_unit_id is None and level is not HandlingLevel.COMMUNITY:
        raise ValidationError("主责单位", f"{level.label}须指定主责单位。")
    lead = _active_unit(uow, routing.lead_unit_id, "主责单位") if routing.lead_unit_id else None
    helpers = [_active_unit(uow, unit_id, "配合单位")
               for unit_id in dict.fromkeys(routing.cooperating_unit_ids)
               if lead is None or unit_id != lead.id]
    if routing.category_id is not None:
        leaf_category(uow, routing.category_id)
        demand.category_id = routing.category_id
    if routing.responsibility_item_id is not None:
        if uow.responsibilities.item(routing.responsibility_item_id) is None:
            raise ValidationError("清单事项", "所选清单事项不存在，清单可能已更新，请重新选择。")
        demand.responsibility_item_id = routing.responsibility_item_id
    demand.handling_level = level.value
    demand.lead_unit_id = lead.id if lead else None
    set_cooperating_units(uow, demand, [u.id for u in helpers])
    parts = [level.label, f"主责单位 {lead.name}" if lead else "由社区（网格）处置"]
    if helpers:
        parts.append(f"配合单位 {'、'.join(u.name for u in helpers)}")
    if demand.category_id:
        parts.append(f"分类 {category_path(uow, demand.category_id)}")
    return "，".join(parts), lead.id if lead else None


def set_cooperating_units(uow: UnitOfWork, demand: Demand, unit_ids: Sequence[str]) -> None:
    """Replace the 配合单位, touching only the links that change."""
    wanted = list(dict.fromkeys(unit_ids))
    for link in list(demand.cooperating_units):
        if link.unit_id not in wanted:
            uow.demands.remove_cooperating_unit(link)
            demand.cooperating_units.remove(link)
    present = {link.unit_id for link in demand.cooperating_units}
    demand.cooperating_units.extend(DemandUnit(unit_id=unit_id) for unit_id in wanted
                                    if unit_id not in present)


def _dispatch(uow: UnitOfWork, demand: Demand, data: ActionInput,
              at: datetime) -> tuple[str, str | None]:
    unit_id = data.unit_id or demand.lead_unit_id
    if unit_id is None:
        if demand.handling_level != HandlingLevel.COMMUNITY:
            raise ValidationError("承办单位", "请选择派遣的承办单位（或先研判指定主责单位）。")
        grid = uow.grids.get(demand.grid_id) if demand.grid_id else None
        where = grid.name if grid else "所在社区"
        return f"派遣至{where}处置（社区微循环）", None
    unit = _active_unit(uow, unit_id, "承办单位")
    if unit.id != demand.lead_unit_id:
        demand.lead_unit_id = unit.id
        set_cooperating_units(uow, demand, [link.unit_id for link in demand.cooperating_units
                                            if link.unit_id != unit.id])
    return f"承办单位 {unit.name}", unit.id


def _acting_unit(uow: UnitOfWork, demand: Demand, data: ActionInput,
                 at: datetime) -> tuple[str, str | None]:
    return "", data.unit_id or demand.lead_unit_id


def _by_center(uow: UnitOfWork, demand: Demand, data: ActionInput,
               at: datetime) -> tuple[str, str | None]:
    return "", data.unit_id


def _close(uow: UnitOfWork, demand: Demand, data: ActionInput,
           at: datetime) -> tuple[str, str | None]:
    demand.closed_at = at
    withdraw_pending(uow, demand, at, "诉求已结案")
    return "", data.unit_id


def _rate(uow: UnitOfWork, demand: Demand, data: ActionInput,
          at: datetime) -> tuple[str, str | None]:
    if data.rating is None:
        raise ValidationError("评价", "请选择满意、基本满意或不满意。")
    rating = Rating(data.rating)
    demand.rating = rating.value
    return rating.label, None


def _return(uow: UnitOfWork, demand: Demand, data: ActionInput,
            at: datetime) -> tuple[str, str | None]:
    demand.returned_count += 1
    withdraw_pending(uow, demand, at, "诉求已退单")
    return f"第 {demand.returned_count} 次", data.unit_id or demand.lead_unit_id


def _send_back(uow: UnitOfWork, demand: Demand, data: ActionInput,
               at: datetime) -> tuple[str, str | None]:
    source = DemandSource(demand.source)
    if source not in _SENDABLE_BACK:
        raise ConflictError(
            f"该诉求来源为“{source.label}”，没有可退回的上级派单单位。不属于本街道职责的事项，"
            "请按“区级事项移交”办理。")
    withdraw_pending(uow, demand, at, "诉求已退回区级")
    return "退回区级平台", None


def _merge(uow: UnitOfWork, demand: Demand, data: ActionInput,
           at: datetime) -> tuple[str, str | None]:
    into = uow.demands.get(data.into_id) if data.into_id else None
    if into is None:
        raise NotFoundError("找不到要并入的诉求，请确认受理编号后重试。")
    if into.id == demand.id:
        raise ValidationError("并入诉求", "不能把诉求并入它自己。")
    if DemandStatus(into.status) in (DemandStatus.MERGED, DemandStatus.SENT_BACK):
        raise ConflictError(f"诉求 {into.number} 当前为“{DemandStatus(into.status).label}”，"
                            "不能再接收重复件，请并入仍在办理的诉求。")
    demand.duplicate_of_id = into.id
    withdraw_pending(uow, demand, at, "诉求已作为重复件合并")
    return f"作为重复件并入诉求 {into.number}（{into.title}）", None


def _reopen(uow: UnitOfWork, demand: Demand, data: ActionInput,
            at: datetime) -> tuple[str, str | None]:
    text = f"原评价：{Rating(demand.rating).label}" if demand.rating else ""
    demand.closed_at = None
    demand.rating = None
    return text, demand.lead_unit_id


def _callback(uow: UnitOfWork, demand: Demand, data: ActionInput,
              at: datetime) -> tuple[str, str | None]:
    if data.satisfied is None:
        return "", None
    return ("群众满意" if data.satisfied else "群众不满意"), None


_EFFECTS = {
    A.TRIAGE: _triage, A.DISPATCH: _dispatch, A.START: _acting_unit, A.REPORT: _acting_unit,
    A.VERIFY: _by_center, A.REJECT: _by_center, A.CLOSE: _close, A.RATE: _rate,
    A.RETURN: _return, A.SEND_BACK: _send_back, A.SUSPEND: _acting_unit,
    A.RESUME: _acting_unit, A.MERGE: _merge, A.REOPEN: _reopen, A.CALLBACK: _callback,
    A.SUPERVISE: _acting_unit,
}


# --- extensions (延期) -------------------------------------------------------------------


def extensions_of(uow: UnitOfWork, demand: Demand) -> list[ExtensionRequest]:
    """The demand's extension requests. Read without an autoflush (the loop would flush
    at every step otherwise): the extension building blocks flush what they change."""
    with uow.session.no_autoflush:
        return list(uow.demands.extensions(demand.id))


def withdraw_pending(uow: UnitOfWork, demand: Demand, at: datetime, why: str) -> None:
    for request in extensions_of(uow, demand):
        if request.state == ExtensionState.PENDING:
            request.state = ExtensionState.WITHDRAWN.value
            request.decided_at, request.decision_note = at, f"{why}，延期申请自动撤销"
            touch(request, at)


# --- the deadline ------------------------------------------------------------------------


def refresh_deadline(uow: UnitOfWork, demand: Demand, calendar: WorkCalendar,
                     rules: Sequence[DeadlineRule] | None = None) -> None:
    """Recompute ``deadline_at`` (None and a note when it cannot be known)."""
    rule = rule_for(demand.kind, demand.source, demand.urgent, nature=demand.nature,
                    rules=rules or rules_in(uow))
    facts = clock_facts((s.action, s.occurred_at) for s in demand.steps)
    extension = sum(r.workdays for r in extensions_of(uow, demand)
                    if r.state == ExtensionState.APPROVED)
    result = demand_deadline(rule, demand.received_at, calendar, facts,
                             extension_workdays=extension)
    if result is None:
        demand.deadline_at, demand.deadline_note = None, PAUSED_NOTE
    else:
        demand.deadline_at = result.due_at
        demand.deadline_note = "" if result.known else result.text


def refresh_flagged_deadlines(uow: UnitOfWork, calendar: WorkCalendar) -> int:
    """Compute the deadlines that waited for a calendar year (call after a year is
    stored, in the same transaction); returns how many are now known."""
    waiting = [s.value for s in DemandStatus
               if s not in FINISHED and s is not DemandStatus.SUSPENDED]
    known = 0
    for demand in uow.demands.open_without_deadline(waiting):
        refresh_deadline(uow, demand, calendar)
        known += demand.deadline_at is not None  # derived: the version does not change
    return known
