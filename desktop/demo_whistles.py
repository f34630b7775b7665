"""The demo street's whistles (吹哨, seed 004): sixteen over the last weeks, of the three
kinds, on demo demands still being handled (and two of the communities' own), so the
吹哨 tab, the workbench and the negative list have something true to show.

The mix: 应急哨 answered in time and closed with a 满意; one arriving late and one never
(不报到); one answered in writing instead of arriving (推诿); one called to a unit the
list does not name (乱吹哨); 日常哨 to the street's own team, one still waiting for
today; a closed 攻坚哨 whose departments proposed their solutions within 5 working days,
one still inside its 5 days, one whose 总应哨人 let the 5 days pass (报到不作为); the
street's evaluations (满意/基本满意/不满意 with its reason).

Each whistle is stored with ``whistles.add_whistle`` (numbers, deadlines, validation,
the proposal's units and 应哨人 as the dialog would offer them); what happened next is
written on the records at the times it happened. Runs inside the demo's single unit
of work after the demands, no commit, one audit row. Deterministic for a seed and day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from desktop.domain.actor import Actor, Role
from desktop.domain.demand_states import DemandStatus
from desktop.domain.roster import UnitKind
from desktop.domain.whistles import (
    TargetFacts,
    WhistleEvaluation,
    WhistleKind,
    whistle_status,
)
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.calendar import calendar_in
from desktop.services.whistle_queries import propose_targets
from desktop.services.whistles import TargetInput, WhistleInput, add_whistle
from local_db.models import Demand, Whistle, WhistleTarget
from local_db.unit_of_work import JoinedUnitOfWork, UnitOfWork

CALLER = Actor("李晓燕", Role.OPERATOR)  # the demo 坐席
K, E = WhistleKind, WhistleEvaluation
_OPEN = (DemandStatus.DISPATCHED.value, DemandStatus.HANDLING.value, DemandStatus.REPORTED.value)


@dataclass(frozen=True)
class _Spec:
    """One whistle: its kind, how many working days ago, and its story (a fate per
    target: "ok", "late", "absent", "wrote", "pending" or "solved", "slow", "no_plan"
    for a 攻坚哨), the evaluations given, and whether it is closed."""

    kind: WhistleKind
    age: int  # working days before ``on``
    fates: tuple[str, ...]
    evaluations: tuple[WhistleEvaluation | None, ...] = ()
    closed: bool = False
    off_list: bool = False  # call one unit the list does not name (乱吹哨)
    free: tuple[str, str] | None = None  # a community's own whistle: title, content


_SPECS = (
    _Spec(K.EMERGENCY, 18, ("ok", "ok"), (E.GOOD, E.GOOD), closed=True),
    _Spec(K.EMERGENCY, 15, ("late",), (E.FAIR,), closed=True),
    _Spec(K.EMERGENCY, 12, ("ok",), (E.POOR,), closed=True),
    _Spec(K.EMERGENCY, 9, ("absent",)),
    _Spec(K.EMERGENCY, 7, ("wrote",)),
    _Spec(K.EMERGENCY, 6, ("ok", "ok"), (E.GOOD, E.FAIR), closed=True, off_list=True),
    _Spec(K.EMERGENCY, 2, ("ok",)),
    _Spec(K.DAILY, 14, ("ok",), (E.GOOD,), closed=True),
    _Spec(K.DAILY, 5, ("ok",)),
    _Spec(K.DAILY, 1, ("pending",)),
    _Spec(K.DAILY, 8, ("ok",), (E.GOOD,), closed=True,
          free=("朝阳新村独居老人家中水管爆裂", "社区网格员上门发现独居老人家中水管爆裂、楼下住户渗水，"
                "物业无人处理，需街道协调维修和临时安置。")),
    _Spec(K.DAILY, 3, ("ok",), free=("韭菜园小区消防通道被杂物堵塞", "小区消防通道堆放大量废旧家具，"
                                     "社区劝导无效，需街道执法队协助清理。")),
    _Spec(K.HARD, 20, ("solved", "solved"), (E.GOOD, E.FAIR), closed=True),
    _Spec(K.HARD, 12, ("no_plan", "solved")),
    _Spec(K.HARD, 3, ("arrived", "arrived")),
    _Spec(K.EMERGENCY, 4, ("late", "ok")),
)
_RESPONSES = ("已安排执法人员到场核实，当日制定处置方案。", "已到现场，与社区共同约谈当事人，限期整改。",
              "已到场查看，部门将在 3 个工作日内完成处置并反馈。", "已会同社区现场处置，问题已基本解决。")
_OUTCOMES = ("现场已整改完毕，社区复查无反弹。", "当事人已按要求整改，纳入日常巡查。",
             "已完成处置，居民表示认可。")
_SOLUTIONS = ("由本部门牵头制定专项整治方案：两周内完成集中整治，建立联合巡查和长效管理机制。",
              "本部门负责审批手续和技术指导，配合街道分步实施，每周通报进度。")
_POOR_NOTE = "到场后未提出具体措施，问题反复，群众不满意。"


class _Story:
    def __init__(self, uow: UnitOfWork, rng: random.Random, calendar: WorkCalendar,
                 end: datetime) -> None:
        self.uow, self.rng, self.calendar, self.end = uow, rng, calendar, end

    def hours_after(self, start: datetime, hours: float) -> datetime:
        try:
            moment = self.calendar.add_work_hours(start, hours)
        except CalendarUnknownError:
            moment = start + timedelta(hours=hours)
        return min(moment.replace(microsecond=0), self.end - timedelta(minutes=5))

    def apply(self, whistle: Whistle, spec: _Spec) -> None:
        """Write what happened to each target, then the status, closing and versions."""
        rng, called = self.rng, whistle.called_at
        for index, target in enumerate(whistle.targets):
            fate = spec.fates[index] if index < len(spec.fates) else "ok"
            due = target.arrival_due_at or called + timedelta(hours=2)
            if fate in ("ok", "arrived", "solved", "slow", "no_plan"):
                target.arrived_at = called + (due - called) * rng.uniform(0.2, 0.7) \
                    if spec.kind is K.EMERGENCY else self.hours_after(called, rng.uniform(0.5, 3))
            elif fate == "late":
                target.arrived_at = due + timedelta(minutes=rng.randrange(40, 180))
            if fate == "wrote":
                target.response = "经研究，该事项由属地街道先行处置，我局将根据需要提供指导。"
            elif target.arrived_at is not None and fate != "arrived":
                target.response = rng.choice(_RESPONSES)
            if fate in ("solved", "slow") and target.solution_due_at is not None:
                target.solution_at = self.hours_after(called, rng.uniform(12, 30))
                target.outcome = _SOLUTIONS[index % len(_SOLUTIONS)]
            elif spec.closed and target.arrived_at is not None:
                target.outcome = rng.choice(_OUTCOMES)
            if target.arrived_at is not None:  # the demo ends at 8:00 today
                target.arrived_at = min(target.arrived_at, self.end - timedelta(minutes=5))
            self._evaluate(target, spec, index)
            target.version = 2 if target.arrived_at or target.response else 1
        if spec.closed:
            whistle.closed_at = self.hours_after(called, self.rng.uniform(30, 45))
        whistle.status = whistle_status(
            (TargetFacts(t.unit_id, "", False, t.arrival_due_at, t.arrived_at, t.solution_due_at,
                         t.solution_at, bool(t.response)) for t in whistle.targets),
            closed=spec.closed).value
        whistle.version = 1 + sum(t.version - 1 for t in whistle.targets) + spec.closed
        whistle.updated_at = whistle.closed_at or max(
            (m for t in whistle.targets for m in (t.arrived_at, t.solution_at) if m), default=called)

    def _evaluate(self, target: WhistleTarget, spec: _Spec, index: int) -> None:
        evaluation = spec.evaluations[index] if index < len(spec.evaluations) else None
        if evaluation is not None:
            target.evaluation = evaluation.value
            target.evaluation_note = _POOR_NOTE if evaluation is E.POOR else ""


def _called_at(calendar: WorkCalendar, on: date, age: int, rng: random.Random) -> datetime:
    day = on
    while age > 0:
        day -= timedelta(days=1)
        if not calendar.knows(day.year) or calendar.is_workday(day):
            age -= 1
    return datetime.combine(day, time(rng.choice((9, 10, 14, 15, 16)), rng.randrange(60)))


# The demo topics' 小类 → the demo list's item an operator would pick when calling.
_ITEM_OF_CATEGORY = {"占道经营": "CG-001", "流动摊贩": "CG-001", "违章搭建": "CG-006",
                     "油烟扰民": "ST-001", "噪音扰民": "ST-002", "施工扬尘": "JS-002",
                     "井盖缺失": "CG-009", "物业纠纷": "JS-001", "停车难": "GA-001",
                     "食品安全": "SC-002", "消防隐患": "XF-002", "项目审批": "ZY-002",
                     "电梯故障": "SC-004", "邻里纠纷": "SF-001"}


def _items(uow: UnitOfWork) -> dict[str, str]:
    """小类 id → the current list item for it (demands routed without an item)."""
    version = uow.responsibilities.current_version()
    if version is None:
        return {}
    by_code = {item.code: item.id for item in uow.responsibilities.items(version.id)}
    return {c.id: by_code[_ITEM_OF_CATEGORY[c.name]] for c in uow.demands.categories()
            if c.parent_id and _ITEM_OF_CATEGORY.get(c.name) in by_code}


def _demand_for(demands: list[Demand], called: datetime, used: set[str], spec: _Spec,
                own: frozenset[str], items: dict[str, str]) -> tuple[Demand, str] | None:
    """The newest open demand received before the call whose lead unit fits the kind
    (the street's own team for a 日常哨, a department otherwise), with its list item."""
    for demand in sorted(demands, key=lambda d: d.received_at, reverse=True):
        lead = demand.lead_unit_id
        if demand.id in used or lead is None or demand.received_at >= called - timedelta(hours=1):
            continue
        if (lead in own) != (spec.kind is K.DAILY):
            continue
        item = demand.responsibility_item_id or items.get(demand.category_id or "")
        if item is not None:
            return demand, item
    return None


def _targets(uow: UnitOfWork, spec: _Spec, demand: Demand | None, item_id: str | None,
             community_id: str | None) -> tuple[TargetInput, ...]:
    proposal = propose_targets(JoinedUnitOfWork(uow), kind=spec.kind, responsibility_item_id=item_id,
                               demand_id=demand.id if demand else None, community_id=community_id)
    chosen = [TargetInput(t.unit_id, t.responder) for t in proposal.targets][:len(spec.fates)]
    units = list(uow.roster.units())
    if spec.off_list and chosen:
        named = {t.unit_id for t in proposal.targets}
        stranger = next((u for u in units if u.id not in named
                         and u.kind == UnitKind.DEPARTMENT.value), None)
        if stranger is not None:
            chosen[-1] = TargetInput(stranger.id)
    if not chosen and spec.kind is K.DAILY:
        chosen = [TargetInput(u.id) for u in units if u.kind == UnitKind.STREET_OFFICE.value][:1]
    return tuple(chosen)


def add_demo_whistles(uow: UnitOfWork, *, actor: Actor, rng_seed: int, on: date) -> int:
    """Build the demo whistles into the demo's open unit of work (no commit); returns
    how many were called (0 without a unit directory)."""
    if not uow.roster.units():
        return 0
    rng = random.Random(f"{rng_seed}:whistles")
    calendar = calendar_in(uow)
    end = datetime.combine(on, time(8, 0))
    story = _Story(uow, rng, calendar, end)
    demands = list(uow.whistles.recent_demands(_OPEN, 400))
    communities = list(uow.grids.communities())
    own = frozenset(u.id for u in uow.roster.units() if u.kind == UnitKind.STREET_OFFICE.value)
    items = _items(uow)
    used: set[str] = set()
    made: list[Whistle] = []
    for spec in sorted(_SPECS, key=lambda s: -s.age):  # numbered in calling order
        called = _called_at(calendar, on, spec.age, rng)
        picked = None if spec.free else _demand_for(demands, called, used, spec, own, items)
        if picked is None and spec.free is None:
            continue
        demand, item_id = picked if picked else (None, None)
        community = rng.choice(communities).id if spec.free and communities else None
        targets = _targets(uow, spec, demand, item_id, community)
        if not targets:
            continue
        title, content = spec.free or ("", "")
        whistle = add_whistle(uow, actor=CALLER, at=called, data=WhistleInput(
            spec.kind, title, content, targets, demand_id=demand.id if demand else None,
            community_id=community, responsibility_item_id=item_id))
        if demand is not None:
            used.add(demand.id)
        story.apply(whistle, spec)
        made.append(whistle)
    uow.flush()
    audit.record(uow, actor, AuditAction.CREATE, entity_type="whistle", entity_id="demo",
                 summary=f"载入演示数据：吹哨 {len(made)} 次")
    return len(made)
