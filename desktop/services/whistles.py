"""Whistle use cases (吹哨, seed 004): call a whistle to departments, record each unit's
报到, its answer and (攻坚哨) its 总应哨人's solution, the street's evaluation of the
unit, and closing. The reading side (list, detail, proposal, negative list) is in
``whistle_queries`` and re-exported here.

Every change checks ``WHISTLE_CALL``, refuses a stale ``expected_version`` (the
whistle's: any change to one of its units bumps it, so two people recording on the
same whistle never overwrite each other), writes one audit row in the same
transaction, and returns the whistle's fresh detail. The deadlines come from the
domain's ``WhistleRules`` on the official calendar; an unknown calendar year leaves a
deadline empty (shown as not computable), never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from desktop import clock
from desktop.domain.actor import Actor
from desktop.domain.demand_states import DemandStatus
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.domain.whistles import (
    DEFAULT_WHISTLE_RULES,
    WhistleEvaluation,
    WhistleKind,
    WhistleStatus,
    arrival_deadline,
    solution_deadline,
    whistle_status,
)
from desktop.services import audit, numbering
from desktop.services.audit import AuditAction
from desktop.services.calendar import calendar_in
from desktop.services.whistle_queries import (
    NegativeEntry,
    NegativeList,
    ProposedTarget,
    WhistleChoices,
    WhistleProposal,
    default_responder,
    detail_in,
    list_whistles,
    negative_list,
    propose_targets,
    whistle_choices,
    whistle_detail,
    whistle_workload,
)
from desktop.services.whistle_rows import (
    Lookup,
    TargetRow,
    WhistleDetail,
    WhistlePage,
    WhistleRow,
    moment_text,
    target_facts,
)
from local_db.models import Demand, Whistle, WhistleTarget
from local_db.unit_of_work import UnitOfWork

__all__ = [
    "NegativeEntry", "NegativeList", "ProposedTarget", "TargetInput", "TargetRow",
    "WhistleChoices", "WhistleDetail", "WhistleInput", "WhistlePage", "WhistleProposal",
    "WhistleRow", "add_whistle", "call_whistle", "close_whistle", "evaluate_target",
    "list_whistles", "negative_list", "propose_targets", "record_arrival", "record_response",
    "record_solution", "whistle_choices", "whistle_detail", "whistle_workload",
]

MAX_PER_DAY = 999
_FINISHED_DEMANDS = frozenset({DemandStatus.CLOSED, DemandStatus.RATED, DemandStatus.MERGED,
                               DemandStatus.SENT_BACK})
_EARLY_TOLERANCE = timedelta(minutes=5)  # a PC clock a little behind the one that recorded


@dataclass(frozen=True)
class TargetInput:
    unit_id: str
    responder: str = ""  # blank: the unit's 应哨人 for the community (总应哨人 for 攻坚哨)


@dataclass(frozen=True)
class WhistleInput:
    kind: WhistleKind
    title: str
    content: str
    targets: tuple[TargetInput, ...] = field(default=())
    demand_id: str | None = None
    community_id: str | None = None
    responsibility_item_id: str | None = None


# --- calling ---------------------------------------------------------------------------------


def next_number(uow: UnitOfWork, at: datetime) -> str:
    """哨-YYYYMMDD-NNN (哨-YYYYMMDD-k-NNN on install k ≥ 2: two PCs of a street never
    share one, desktop/services/numbering.py), without gaps, read under the write lock."""
    uow.whistles.take_write_lock()
    prefix = numbering.own_prefix(f"哨-{at:%Y%m%d}-", numbering.install_number(uow))
    number = numbering.last_sequence(uow, Whistle.number, prefix, 3) + 1
    if number > MAX_PER_DAY:
        raise ConflictError(f"{at:%Y年%m月%d日}已吹哨 {MAX_PER_DAY} 次，哨号已用完。")
    return f"{prefix}{number:03d}"


def _checked_text(data: WhistleInput, demand: Demand | None) -> tuple[str, str]:
    title = data.title.strip() or (demand.title if demand else "")
    content = data.content.strip() or (demand.content if demand else "")
    if not title:
        raise ValidationError("事由", "请填写吹哨事由（或选择关联的诉求）。")
    if len(title) > 200:
        raise ValidationError("事由", f"不能超过 200 字（现为 {len(title)} 字）。")
    if not content:
        raise ValidationError("情况说明", "请简要说明需要部门解决的问题。")
    return title, content


def _demand(uow: UnitOfWork, demand_id: str | None) -> Demand | None:
    if demand_id is None:
        return None
    demand = uow.demands.get(demand_id)
    if demand is None:
        raise NotFoundError("找不到所选诉求，可能已被删除，请刷新后重新选择。")
    status = DemandStatus(demand.status)
    if status in _FINISHED_DEMANDS:
        raise ConflictError(f"诉求 {demand.number} 已“{status.label}”，不能再为它吹哨。"
                            "如问题仍未解决，请先重新办理该诉求，或不关联诉求直接吹哨。")
    return demand


def _community_of(uow: UnitOfWork, data: WhistleInput, demand: Demand | None) -> str | None:
    if data.community_id is not None:
        if uow.grids.community(data.community_id) is None:
            raise ValidationError("社区/村", "所选社区/村不存在，请刷新后重新选择。")
        return data.community_id
    grid = uow.grids.get(demand.grid_id) if demand and demand.grid_id else None
    return grid.community_id if grid else None


def _check_targets(uow: UnitOfWork, targets: tuple[TargetInput, ...]) -> None:
    if not targets:
        raise ValidationError("应哨单位", "请至少选择一个应哨单位。")
    seen: set[str] = set()
    for target in targets:
        unit = uow.roster.unit(target.unit_id)
        if unit is None:
            raise ValidationError("应哨单位", "所选单位不在单位名录中，请刷新后重新选择。")
        if unit.retired:
            raise ValidationError("应哨单位", f"“{unit.name}”已从单位名录停用，请选择其他单位。")
        if unit.id in seen:
            raise ValidationError("应哨单位", f"“{unit.name}”选了两次，请删去重复的一行。")
        if len(target.responder.strip()) > 40:
            raise ValidationError("应哨人", "姓名不能超过 40 字。")
        seen.add(unit.id)


def add_whistle(uow: UnitOfWork, *, actor: Actor, data: WhistleInput, at: datetime) -> Whistle:
    """Store a called whistle inside an open unit of work (no permission, audit or
    commit: the use case and the demo add those). Validates everything."""
    kind = WhistleKind(data.kind)
    demand = _demand(uow, data.demand_id)
    title, content = _checked_text(data, demand)
    item_id = data.responsibility_item_id
    if item_id is not None and uow.responsibilities.item(item_id) is None:
        raise ValidationError("清单事项", "所选清单事项不存在，可能清单已更新，请重新选择。")
    community_id = _community_of(uow, data, demand)
    _check_targets(uow, data.targets)
    calendar = calendar_in(uow)
    arrival = arrival_deadline(kind, at, calendar, DEFAULT_WHISTLE_RULES)
    solution = solution_deadline(kind, at, calendar, DEFAULT_WHISTLE_RULES)
    whistle = Whistle(
        id=new_id(), version=1, created_at=at, updated_at=at, number=next_number(uow, at),
        kind=kind.value, demand_id=demand.id if demand else None, community_id=community_id,
        responsibility_item_id=item_id, title=title, content=content, called_by=actor.name,
        called_at=at, status=WhistleStatus.CALLED.value, closed_at=None, targets=[])
    for index, target in enumerate(data.targets):
        unit = uow.roster.unit(target.unit_id)
        assert unit is not None  # checked above
        made = at + timedelta(microseconds=index)  # keeps the order the caller gave
        whistle.targets.append(WhistleTarget(
            id=new_id(), version=1, created_at=made, updated_at=made, unit_id=unit.id,
            responder=target.responder.strip() or default_responder(unit, community_id, kind),
            arrival_due_at=arrival.due_at, solution_due_at=solution.due_at if solution else None,
            response="", outcome="", evaluation=None, evaluation_note=""))
    uow.whistles.add(whistle)
    uow.flush()
    return whistle


def call_whistle(uow: UnitOfWork, *, actor: Actor, data: WhistleInput) -> WhistleDetail:
    """吹哨: number it, compute each unit's 报到 (and 攻坚哨 solution) deadline, audit."""
    require(actor, Permission.WHISTLE_CALL)
    with uow:
        whistle = add_whistle(uow, actor=actor, data=data, at=clock.now())
        lookup = Lookup(uow)
        units = "、".join(lookup.unit_name(t.unit_id) for t in whistle.targets)
        kind = WhistleKind(whistle.kind)
        due = whistle.targets[0].arrival_due_at
        audit.record(uow, actor, AuditAction.CREATE, entity_type="whistle",
                     entity_id=whistle.number,
                     summary=f"{kind.label} {whistle.number}「{whistle.title}」吹向：{units}",
                     changes={"类型": (None, kind.label), "事由": (None, whistle.title),
                              "清单事项": (None, lookup.item_label(whistle.responsibility_item_id)
                                           or "未选择"),
                              "应哨单位": (None, units),
                              "报到时限": (None, moment_text(due, "无法准确计算"))})
        uow.commit()
        return detail_in(uow, whistle.id, clock.now())


# --- recording on a target -----------------------------------------------------------------

Change = Callable[[Whistle, WhistleTarget, datetime], tuple[str, dict[str, tuple[object, object]]]]


def _touch(record: Whistle | WhistleTarget, at: datetime) -> None:
    record.version += 1
    record.updated_at = at


def _change(uow: UnitOfWork, *, actor: Actor, whistle_id: str, target_id: str | None,
            expected_version: int, change: Change, allow_closed: bool = False) -> WhistleDetail:
    """Load, check the version and the status, apply ``change`` to the target (or the
    whistle's first target when ``target_id`` is None and only the whistle changes),
    refresh the status, audit and commit."""
    require(actor, Permission.WHISTLE_CALL)
    with uow:
        whistle = uow.whistles.get(whistle_id)
        if whistle is None:
            raise NotFoundError("找不到该吹哨记录，可能已被删除，请刷新后重试。")
        if whistle.version != expected_version:
            raise ConflictError(f"吹哨 {whistle.number} 已被他人更新（现为“"
                                f"{WhistleStatus(whistle.status).label}”），请刷新后再操作。")
        if whistle.status == WhistleStatus.CLOSED and not allow_closed:
            raise ConflictError(f"吹哨 {whistle.number} 已于{moment_text(whistle.closed_at)}结案，"
                                "不能再记录报到、答复或结案；如需评价部门仍可评价。")
        target = _target(whistle, target_id)
        at = clock.now()
        summary, changes = change(whistle, target, at)
        if target_id is not None:
            _touch(target, at)
        lookup = Lookup(uow)
        if whistle.status != WhistleStatus.CLOSED:
            whistle.status = whistle_status(
                (target_facts(t, lookup) for t in whistle.targets), closed=False).value
        _touch(whistle, at)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="whistle",
                     entity_id=whistle.number,
                     summary=f"吹哨 {whistle.number}「{whistle.title}」{summary}",
                     changes=changes)
        uow.commit()
        return detail_in(uow, whistle.id, at)


def _target(whistle: Whistle, target_id: str | None) -> WhistleTarget:
    if target_id is None:
        return whistle.targets[0]
    for target in whistle.targets:
        if target.id == target_id:
            return target
    raise NotFoundError("该单位已不在此次吹哨的应哨单位中，请刷新后重试。")


def record_arrival(uow: UnitOfWork, *, actor: Actor, whistle_id: str, target_id: str,
                   expected_version: int, arrived_at: datetime | None = None,
                   arrived_by: str = "") -> WhistleDetail:
    """报到: the unit's responder arrived (now, or the time it happened); ``arrived_by``
    corrects who came when it was not the named 应哨人."""
    def change(whistle: Whistle, target: WhistleTarget, at: datetime) -> tuple[str, dict]:
        if target.arrived_at is not None:
            raise ConflictError(f"该单位已于{moment_text(target.arrived_at)}报到，无需重复记录。")
        moment = (arrived_at or at).replace(microsecond=0)
        if moment < whistle.called_at.replace(second=0):
            raise ValidationError("报到时间", f"不能早于吹哨时间（{moment_text(whistle.called_at)}）。")
        moment = max(moment, whistle.called_at)  # typed to the minute of the call
        if moment > at + _EARLY_TOLERANCE:
            raise ValidationError("报到时间", "不能晚于当前时间。")
        before = target.responder
        target.arrived_at = moment
        if arrived_by.strip():
            target.responder = arrived_by.strip()[:40]
        changes: dict[str, tuple[object, object]] = {"报到时间": (None, moment_text(moment))}
        if target.responder != before:
            changes["报到人"] = (before, target.responder)
        late = target.arrival_due_at is not None and moment > target.arrival_due_at
        return f"记录报到：{target.responder or '应哨人'}{'（逾期）' if late else ''}", changes
    return _change(uow, actor=actor, whistle_id=whistle_id, target_id=target_id,
                   expected_version=expected_version, change=change)


def record_response(uow: UnitOfWork, *, actor: Actor, whistle_id: str, target_id: str,
                    expected_version: int, response: str, outcome: str = "") -> WhistleDetail:
    """答复: what the unit said it will do (and, when known, what it did: 处置结果)."""
    text, result = response.strip(), outcome.strip()
    if not text:
        raise ValidationError("答复意见", "不能为空，请填写部门的答复。")

    def change(whistle: Whistle, target: WhistleTarget, at: datetime) -> tuple[str, dict]:
        changes: dict[str, tuple[object, object]] = {"答复意见": (target.response or None, text)}
        target.response = text
        if result:
            changes["处置结果"] = (target.outcome or None, result)
            target.outcome = result
        return f"记录答复：{text[:40]}", changes
    return _change(uow, actor=actor, whistle_id=whistle_id, target_id=target_id,
                   expected_version=expected_version, change=change)


def record_solution(uow: UnitOfWork, *, actor: Actor, whistle_id: str, target_id: str,
                    expected_version: int, solution: str,
                    proposed_at: datetime | None = None) -> WhistleDetail:
    """攻坚哨: the 总应哨人's solution (解决措施), due within 5 working days of the call."""
    text = solution.strip()
    if not text:
        raise ValidationError("解决措施", "不能为空，请填写总应哨人提出的解决措施。")

    def change(whistle: Whistle, target: WhistleTarget, at: datetime) -> tuple[str, dict]:
        if whistle.kind != WhistleKind.HARD:
            raise ConflictError("只有攻坚哨需要总应哨人提出解决措施；日常哨、应急哨请记录答复。")
        moment = (proposed_at or at).replace(microsecond=0)
        if moment < whistle.called_at or moment > at + _EARLY_TOLERANCE:
            raise ValidationError("提出时间", "应在吹哨之后、当前时间之前。")
        before = target.outcome or None
        target.solution_at, target.outcome = moment, text
        late = target.solution_due_at is not None and moment > target.solution_due_at
        return (f"记录攻坚方案{'（逾期）' if late else ''}",
                {"解决措施": (before, text), "提出时间": (None, moment_text(moment))})
    return _change(uow, actor=actor, whistle_id=whistle_id, target_id=target_id,
                   expected_version=expected_version, change=change)


def evaluate_target(uow: UnitOfWork, *, actor: Actor, whistle_id: str, target_id: str,
                    expected_version: int, evaluation: WhistleEvaluation,
                    note: str = "") -> WhistleDetail:
    """The street's evaluation of the unit (街道考评部门): 满意/基本满意/不满意 and a
    note (required for 不满意: the department is told why). Allowed after closing too."""
    chosen = WhistleEvaluation(evaluation)
    text = note.strip()
    if chosen is WhistleEvaluation.POOR and not text:
        raise ValidationError("评价说明", "评价为“不满意”时请写明原因。")

    def change(whistle: Whistle, target: WhistleTarget, at: datetime) -> tuple[str, dict]:
        before = WhistleEvaluation(target.evaluation).label if target.evaluation else None
        target.evaluation, target.evaluation_note = chosen.value, text
        changes: dict[str, tuple[object, object]] = {"评价": (before, chosen.label)}
        if text:
            changes["评价说明"] = (None, text)
        return f"评价应哨单位：{chosen.label}", changes
    return _change(uow, actor=actor, whistle_id=whistle_id, target_id=target_id,
                   expected_version=expected_version, change=change, allow_closed=True)


def close_whistle(uow: UnitOfWork, *, actor: Actor, whistle_id: str, expected_version: int,
                  note: str) -> WhistleDetail:
    """结案 with a note of how it ended (kept in the audit trail). Units that never
    arrived stay on the negative list: closing judges them at the closing time."""
    text = note.strip()
    if not text:
        raise ValidationError("结案说明", "请简要说明问题的解决情况。")

    def change(whistle: Whistle, target: WhistleTarget, at: datetime) -> tuple[str, dict]:
        before = WhistleStatus(whistle.status).label
        whistle.status, whistle.closed_at = WhistleStatus.CLOSED.value, at
        return f"结案：{text}", {"状态": (before, WhistleStatus.CLOSED.label), "结案说明": (None, text)}
    return _change(uow, actor=actor, whistle_id=whistle_id, target_id=None,
                   expected_version=expected_version, change=change)
