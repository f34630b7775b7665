"""The demo street's joint enforcement actions: the past few days, this week and next.

About fourteen actions across the life: evaluated, results recorded (closing the
demands that triggered it through their own loop), completed and waiting for results,
under way today, notified, approved, submitted, drafts (one with a single certified
officer, so approval is refused in the demo, and one not staffed yet, for the
scheduler) and one cancelled. Participants are chosen greedily from the demo roster
and verified with the same legality rules as approval (desktop/domain/joint_actions.py)
against everyone's leave, certificates and the other actions, so every action past
draft is legal on the day the demo is built.

Non-committing: ``build_demo_street`` calls ``add_demo_actions`` inside its one unit
of work, after the roster, the responsibility list and the demands.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from desktop.domain.action_states import (
    ActionResults,
    ActionState,
    ActionStep,
    ActionTrigger,
    ActionType,
    Evaluation,
    ParticipantRole,
)
from desktop.domain.actor import Actor, Role
from desktop.domain.deadlines import DemandKind
from desktop.domain.demand_states import DemandStatus
from desktop.domain.joint_actions import (
    DEFAULT_REST_HOURS,
    ActionFacts,
    Assignment,
    OfficerFacts,
    check_action,
)
from desktop.domain.roster import EnforcementDomain, Force
from desktop.services import audit
from desktop.services.action_building import (
    ActionPlanInput,
    NeedInput,
    ParticipantInput,
    add_action,
    advance,
    put_participants,
)
from desktop.services.action_results import close_demand, write_results
from desktop.services.action_rows import action_facts, officer_facts, unit_names
from desktop.services.audit import AuditAction
from local_db.unit_of_work import UnitOfWork

E, T, S = EnforcementDomain, ActionType, ActionState
DIRECTOR = Actor("赵国强", Role.DIRECTOR)
OPERATOR = Actor("李晓燕", Role.OPERATOR)
TEAM, CITY = "芙蓉街道综合行政执法队", "区城管执法局"
MARKET, ECOLOGY = "区市场监管局", "长沙市生态环境局芙蓉分局"
LAND, SAFETY = "长沙市自然资源和规划局芙蓉分局", "区应急管理局"
HOUSING, CULTURE = "区住房和城乡建设局", "区文化旅游体育局"
POLICE, TRAFFIC, FIRE = "芙蓉派出所", "区交警大队芙蓉中队", "区消防救援大队"
MARKET_STATION = "区市场监管局芙蓉市场监管所"


@dataclass(frozen=True)
class _Plan:
    day: int  # days from the demo's today (negative: past)
    hours: tuple[float, float]
    title: str
    kind: ActionType
    domain: EnforcementDomain
    lead: str
    cooperating: tuple[str, ...]
    state: ActionState
    places: str
    needs: tuple[tuple[str, EnforcementDomain, int], ...] = ()  # (unit, domain, certified)
    item_code: str = ""
    demands: int = 0
    staffing: str = "legal"  # legal | single (one certified officer) | none


def _plans(next_monday: int) -> tuple[_Plan, ...]:
    m = next_monday
    return (
        _Plan(-3, (9, 11.5), "芙蓉中路沿街门店“门前三包”联合检查", T.INSPECTION, E.URBAN_MANAGEMENT,
              CITY, (TEAM,), S.EVALUATED, "芙蓉中路二段（解放西路至人民西路）沿街门店",
              item_code="CG-002"),
        _Plan(-2, (19, 22), "黄兴中路夜市占道经营专项整治", T.CAMPAIGN, E.URBAN_MANAGEMENT, CITY,
              (TEAM, POLICE), S.RESULTS_RECORDED, "黄兴中路步行街南口至司门口夜市",
              item_code="CG-001", demands=2),
        _Plan(-1, (14, 17), "校园周边食品安全联合检查", T.INSPECTION, E.MARKET_REGULATION, MARKET,
              (MARKET_STATION, POLICE), S.COMPLETED, "育英小学、明德中学周边 200 米内食品店"),
        _Plan(0, (8.5, 17.5), "建筑工地扬尘污染专项检查", T.CAMPAIGN, E.ECOLOGY, ECOLOGY, (HOUSING,),
              S.UNDER_WAY, "辖区在建工地 6 处", needs=((HOUSING, E.HOUSING, 1),)),
        _Plan(0, (19.5, 22), "老旧小区燃气安全夜查", T.INSPECTION, E.HOUSING, HOUSING, (TEAM, FIRE),
              S.NOTIFIED, "识字岭社区、韭菜园社区老旧小区"),
        _Plan(1, (9, 12), "违法建设联合巡查", T.INSPECTION, E.URBAN_MANAGEMENT, CITY, (LAND,),
              S.APPROVED, "马王堆路以东城中村片区", needs=((LAND, E.NATURAL_RESOURCES, 1),)),
        _Plan(2, (14, 17), "文化市场（网吧、KTV）联合检查", T.INSPECTION, E.CULTURE_TOURISM, CULTURE,
              (TEAM, POLICE), S.APPROVED, "五一大道沿线网吧、KTV 共 9 家"),
        _Plan(3, (9, 11.5), "“九小场所”消防安全联合检查", T.INSPECTION, E.EMERGENCY, SAFETY, (FIRE,),
              S.SUBMITTED, "东湖社区小餐馆、小旅馆、小网吧", needs=((FIRE, E.FIRE, 1),)),
        _Plan(4, (20, 23), "夜间施工噪声扰民专项整治", T.NIGHT_PATROL, E.ECOLOGY, ECOLOGY, (POLICE,),
              S.SUBMITTED, "人民东路地铁施工段"),
        _Plan(5, (9, 11), "户外广告招牌安全隐患排查", T.INSPECTION, E.URBAN_MANAGEMENT, CITY, (TEAM,),
              S.CANCELLED, "解放西路沿街商铺"),
        _Plan(m, (9, 12), "农贸市场周边占道经营集中清理", T.CLEARANCE, E.URBAN_MANAGEMENT, CITY,
              (TEAM,), S.APPROVED, "东湖农贸市场及周边道路"),
        _Plan(m + 1, (14, 17), "餐饮油烟专项整治", T.CAMPAIGN, E.ECOLOGY, ECOLOGY, (MARKET,),
              S.SUBMITTED, "五一大道美食街", needs=((MARKET, E.MARKET_REGULATION, 1),)),
        _Plan(m + 2, (9, 11.5), "住宅小区电梯安全联合检查", T.INSPECTION, E.MARKET_REGULATION,
              MARKET, (HOUSING,), S.DRAFT, "辖区 2000 年前建成的电梯住宅小区",
              needs=((HOUSING, E.HOUSING, 1),)),
        _Plan(m + 3, (19, 21.5), "共享单车乱停放集中整治", T.CLEARANCE, E.URBAN_MANAGEMENT, TEAM,
              (TRAFFIC,), S.DRAFT, "地铁 2 号线五一广场站各出入口", staffing="single"),
        _Plan(m + 4, (9, 12), "建筑垃圾违规倾倒联合执法", T.CAMPAIGN, E.URBAN_MANAGEMENT, CITY,
              (HOUSING,), S.DRAFT, "浏阳河风光带沿线", needs=((HOUSING, E.HOUSING, 1),),
              staffing="none"),
    )


_PATH = (ActionStep.SUBMIT, ActionStep.APPROVE, ActionStep.NOTIFY, ActionStep.START,
         ActionStep.COMPLETE, ActionStep.RECORD_RESULTS, ActionStep.EVALUATE)
_REACHED = {S.DRAFT: 0, S.SUBMITTED: 1, S.APPROVED: 2, S.NOTIFIED: 3, S.UNDER_WAY: 4,
            S.COMPLETED: 5, S.RESULTS_RECORDED: 6, S.EVALUATED: 7}


class _Staffer:
    """Greedy, rule-checked staffing: each person added must break no rule."""

    def __init__(self, people: Sequence[OfficerFacts], rng: random.Random) -> None:
        self.people = list(people)
        rng.shuffle(self.people)
        self.assignments: list[Assignment] = []

    def _fits(self, facts: ActionFacts, chosen: list[OfficerFacts], person: OfficerFacts) -> bool:
        if person in chosen:
            return False
        found = check_action(facts, [*chosen, person], others=self.assignments,
                             rest_hours=DEFAULT_REST_HOURS)
        return not any(v.officer_id == person.officer_id for v in found)

    def _take(self, facts: ActionFacts, chosen: list[OfficerFacts], count: int, *,
              unit: str | None = None, domain: EnforcementDomain | None = None) -> None:
        days = facts.days
        for person in self.people:
            if count <= 0:
                return
            if unit is not None and person.unit_id != unit:
                continue
            if domain is not None and not person.certified_for(domain, days):
                continue
            if self._fits(facts, chosen, person):
                chosen.append(person)
                count -= 1

    def staff(self, facts: ActionFacts, plan: _Plan, units: dict[str, str]) -> list[OfficerFacts]:
        chosen: list[OfficerFacts] = []
        if plan.staffing == "none":
            return chosen
        if plan.staffing == "single":
            self._take(facts, chosen, 1, unit=units[plan.lead], domain=facts.domain)
            helpers = [p for p in self.people if p.force is Force.COOPERATING]
            self._take(facts, chosen, 1, unit=helpers[0].unit_id if helpers else None)
            for name in plan.cooperating:
                self._take(facts, chosen, 1, unit=units[name])
        else:
            self._take(facts, chosen, 2, unit=units[plan.lead], domain=facts.domain)
            for need in facts.needs:
                self._take(facts, chosen, need.certified, unit=need.unit_id, domain=need.domain)
            for name in plan.cooperating:
                if not any(p.unit_id == units[name] for p in chosen):
                    self._take(facts, chosen, 1, unit=units[name])
            missing = facts.min_certified - sum(1 for p in chosen
                                                if p.certified_for(facts.domain, facts.days))
            self._take(facts, chosen, missing, domain=facts.domain)
        self.assignments += [Assignment(p.officer_id, facts.action_id, facts.starts_at,
                                        facts.ends_at, facts.title) for p in chosen]
        return chosen


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time()) + timedelta(hours=hour)


def _input(uow: UnitOfWork, plan: _Plan, on: date, units: dict[str, str],
           demand_ids: tuple[str, ...]) -> ActionPlanInput:
    day = on + timedelta(days=plan.day)
    item_id = None
    version = uow.responsibilities.current_version()
    if plan.item_code and version is not None:
        item_id = next((i.id for i in uow.responsibilities.items(version.id)
                        if i.code == plan.item_code), None)
    return ActionPlanInput(
        title=plan.title, action_type=plan.kind, domain=plan.domain,
        starts_at=_at(day, plan.hours[0]), ends_at=_at(day, plan.hours[1]),
        trigger=ActionTrigger.DEMANDS if demand_ids else ActionTrigger.PLAN,
        demand_ids=demand_ids, responsibility_item_id=item_id, lead_unit_id=units[plan.lead],
        cooperating_unit_ids=tuple(units[name] for name in plan.cooperating),
        content=f"依据属地管理事项清单，{plan.lead}牵头，开展{plan.title}，发现问题当场督促整改，"
                "违法行为依法立案查处。",
        deadline=day + timedelta(days=7), places=plan.places,
        equipment="执法车 2 辆、执法记录仪 4 台" if plan.hours[0] >= 18 else "执法车 1 辆、执法记录仪 2 台",
        needs=tuple(NeedInput(units[name], domain, certified, certified)
                    for name, domain, certified in plan.needs))


def _results(rng: random.Random, plan: _Plan) -> ActionResults:
    inspected = rng.randint(8, 30)
    problems = rng.randint(3, max(4, inspected // 2))
    cases = rng.randint(0, min(3, problems))
    return ActionResults(
        units_inspected=inspected, problems_found=problems, cases_filed=cases,
        rectified=problems - rng.randint(0, 2), fines_fen=cases * rng.choice((50000, 100000, 200000)),
        minutes=f"{plan.title}：共检查 {inspected} 家（处），发现问题 {problems} 个，当场整改为主，"
                f"立案 {cases} 件；现场照片及执法记录仪视频已归档。")


def _step_times(start: datetime, end: datetime) -> dict[ActionStep, datetime]:
    return {ActionStep.SUBMIT: start - timedelta(days=3), ActionStep.APPROVE: start - timedelta(days=2),
            ActionStep.NOTIFY: start - timedelta(days=1), ActionStep.START: start,
            ActionStep.COMPLETE: end, ActionStep.RECORD_RESULTS: end + timedelta(hours=12),
            ActionStep.EVALUATE: end + timedelta(days=1)}


def _close_demands(uow: UnitOfWork, action, actor: Actor,  # type: ignore[no-untyped-def]
                   at: datetime) -> None:
    """Through each demand's own loop, never before its last step (a consistent timeline)."""
    for link in action.demands:
        demand = uow.demands.get(link.demand_id)
        if demand is None:
            continue
        last = max((step.occurred_at for step in demand.steps), default=at)
        close_demand(uow, demand, action, actor=actor, at=max(at, last + timedelta(minutes=30)))


def _advance(uow: UnitOfWork, action, plan: _Plan,  # type: ignore[no-untyped-def]
             rng: random.Random) -> None:
    times = _step_times(action.starts_at, action.ends_at)
    if plan.state is S.CANCELLED:
        advance(action, ActionStep.CANCEL, actor=OPERATOR, at=times[ActionStep.NOTIFY])
        action.note = "气象台发布大风橙色预警，行动取消，另行安排。"
        return
    for step in _PATH[:_REACHED[plan.state]]:
        actor = DIRECTOR if step in (ActionStep.APPROVE, ActionStep.EVALUATE) else OPERATOR
        at = times[step]
        if step is ActionStep.RECORD_RESULTS:
            write_results(action, _results(rng, plan), actor, at)
        advance(action, step, actor=actor, at=at)
        if step is ActionStep.RECORD_RESULTS:
            _close_demands(uow, action, actor, at)
        if step is ActionStep.EVALUATE:
            action.evaluation = Evaluation.GOOD.value
            action.evaluation_note = "组织有序，各部门按时报到，问题当场整改率高。"
            action.evaluated_by, action.evaluated_at = actor.name, at


def add_demo_actions(uow: UnitOfWork, *, actor: Actor, rng_seed: int, on: date) -> int:
    """Build the demo's joint actions into the open unit of work (no commit)."""
    rng = random.Random(f"{rng_seed}:actions")
    names = unit_names(uow)
    units = {name: unit_id for unit_id, name in names.items()}
    staffer = _Staffer([officer_facts(o) for o in uow.roster.officers()], rng)
    next_monday = 7 - on.weekday()
    added = 0
    for plan in _plans(next_monday):
        if plan.lead not in units or not all(name in units for name in plan.cooperating):
            continue  # a roster without that unit: leave the action out
        demand_ids = _demands(uow, plan, units)
        data = _input(uow, plan, on, units, demand_ids)
        action = add_action(uow, actor=OPERATOR, data=data, at=data.starts_at - timedelta(days=5))
        uow.flush()
        people = staffer.staff(action_facts(action, names), plan, units)
        put_participants(uow, action, [ParticipantInput(
            p.officer_id, ParticipantRole.LEADER if i == 0 else
            ParticipantRole.SUPPORT if p.force is Force.COOPERATING else ParticipantRole.ENFORCER,
            fixed_by_hand=False) for i, p in enumerate(people)])
        _advance(uow, action, plan, rng)
        added += 1
    uow.flush()
    audit.record(uow, actor, AuditAction.CREATE, entity_type="joint_action", entity_id="demo",
                 summary=f"载入演示数据：联合执法行动 {added} 项")
    return added


def _demands(uow: UnitOfWork, plan: _Plan, units: dict[str, str]) -> tuple[str, ...]:
    if not plan.demands:
        return ()
    statuses = [DemandStatus.DISPATCHED.value, DemandStatus.HANDLING.value]
    found = uow.actions.demands_to_act_on(kind=DemandKind.ENFORCEMENT.value, statuses=statuses,
                                          lead_unit_id=units[plan.lead], limit=plan.demands)
    if len(found) < plan.demands:
        found = uow.actions.demands_to_act_on(kind=DemandKind.ENFORCEMENT.value,
                                              statuses=statuses, lead_unit_id=None,
                                              limit=plan.demands)
    return tuple(d.id for d in found)

