"""The building blocks of joint-action planning: the planning form's inputs, numbering,
writing a plan, staffing, one life step, and the detail with current checks. They
work inside an already open unit of work and never commit, check permissions or
audit: the use cases (joint_actions, action_results) and the demo do, once per
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from desktop import clock
from desktop.domain.action_states import (
    ActionState,
    ActionStep,
    ActionTrigger,
    ActionType,
    ParticipantRole,
    UnitRole,
    next_state,
)
from desktop.domain.actor import Actor
from desktop.domain.errors import ValidationError
from desktop.domain.ids import new_id
from desktop.domain.joint_actions import (
    DEFAULT_REST_HOURS,
    MIN_CERTIFIED,
)
from desktop.domain.roster import EnforcementDomain
from desktop.services import numbering
from desktop.services.action_checks import checks_in
from desktop.services.action_rows import (
    ActionDetail,
    action_detail,
    unit_names,
)
from desktop.services.responsibilities import RoutingProposal, proposal_in
from local_db.models.actions import (
    ActionDemand,
    ActionGrid,
    ActionNeed,
    ActionParticipant,
    ActionUnit,
    JointAction,
)
from local_db.outbox_events import raise_version
from local_db.unit_of_work import UnitOfWork

MAX_ACTION_HOURS = 24 * 14  # a campaign may run for two weeks; longer is a typo



@dataclass(frozen=True)
class NeedInput:
    unit_id: str | None
    domain: EnforcementDomain | None
    count: int
    certified: int = 0


@dataclass(frozen=True)
class ParticipantInput:
    officer_id: str
    role: ParticipantRole = ParticipantRole.ENFORCER
    fixed_by_hand: bool = True


@dataclass(frozen=True)
class ActionPlanInput:
    """The planning form. Without a lead unit, the responsibility item proposes the
    lead and cooperating units (清单之外无协同)."""

    title: str
    action_type: ActionType
    domain: EnforcementDomain
    starts_at: datetime
    ends_at: datetime
    trigger: ActionTrigger = ActionTrigger.PLAN
    demand_ids: tuple[str, ...] = ()
    whistle_id: str | None = None
    responsibility_item_id: str | None = None
    lead_unit_id: str | None = None
    cooperating_unit_ids: tuple[str, ...] = ()
    content: str = ""
    deadline: date | None = None
    places: str = ""
    grid_ids: tuple[str, ...] = ()
    equipment: str = ""
    needs: tuple[NeedInput, ...] = ()
    min_certified: int = MIN_CERTIFIED

    def validated(self) -> ActionPlanInput:
        title = self.title.strip()
        if not title:
            raise ValidationError("行动名称", "不能为空，请填写。")
        if len(title) > 200:
            raise ValidationError("行动名称", f"过长（{len(title)} 个字），请控制在 200 字以内。")
        if self.ends_at <= self.starts_at:
            raise ValidationError("结束时间", f"{self.ends_at:%Y-%m-%d %H:%M} 不晚于开始时间 "
                                          f"{self.starts_at:%Y-%m-%d %H:%M}，请核对。")
        if (self.ends_at - self.starts_at).total_seconds() > MAX_ACTION_HOURS * 3600:
            raise ValidationError("结束时间", "行动持续超过 14 天，请核对，或拆分为几次行动。")
        if self.deadline and self.deadline < self.starts_at.date():
            raise ValidationError("完成时限", f"{self.deadline} 早于行动开始日期，请核对。")
        if self.min_certified < MIN_CERTIFIED:
            raise ValidationError("持证人数", f"依行政处罚法第四十二条不得少于 {MIN_CERTIFIED} 人。")
        if self.trigger is ActionTrigger.DEMANDS and not self.demand_ids:
            raise ValidationError("触发诉求", "由诉求触发的行动须选择至少一件诉求。")
        if self.trigger is ActionTrigger.WHISTLE and not self.whistle_id:
            raise ValidationError("吹哨", "由吹哨触发的行动须选择该次吹哨。")
        for need in self.needs:
            if need.count < 1 or need.certified < 0 or need.certified > need.count:
                raise ValidationError("力量需求", f"人数 {need.count}、持证人数 {need.certified} "
                                              f"不合理：人数至少 1，持证人数不超过人数。")
        return replace(self, title=title, content=self.content.strip(),
                       places=self.places.strip(), equipment=self.equipment.strip())


def propose_units(uow: UnitOfWork, *, responsibility_item_id: str) -> RoutingProposal:
    """The lead and cooperating units the responsibility list gives for an item (the
    planning form's starting values; unmatched names are listed to pick by hand)."""
    with uow:
        return proposal_in(uow, responsibility_item_id)


# --- building blocks (open unit of work, no commit, no permission, no audit) -----------


def next_number(uow: UnitOfWork, year: int) -> str:
    """行动编号 LX2026-0001 (LX2026-k-0001 on install k ≥ 2, desktop/services/numbering.py),
    without gaps per install (read under the write lock)."""
    uow.actions.take_write_lock()
    prefix = numbering.own_prefix(f"LX{year}-", numbering.install_number(uow))
    return f"{prefix}{numbering.last_sequence(uow, JointAction.number, prefix, 4) + 1:04d}"


def check_references(uow: UnitOfWork, data: ActionPlanInput) -> None:
    for unit_id in filter(None, (data.lead_unit_id, *data.cooperating_unit_ids,
                                 *(n.unit_id for n in data.needs))):
        if uow.roster.unit(unit_id) is None:
            raise ValidationError("责任单位", "所选单位不在单位名录中，请刷新后重新选择。")
    for demand_id in data.demand_ids:
        if uow.demands.get(demand_id) is None:
            raise ValidationError("触发诉求", "所选诉求不存在，可能已被删除，请重新选择。")
    for grid_id in data.grid_ids:
        if uow.grids.get(grid_id) is None:
            raise ValidationError("行动网格", "所选网格不存在，请重新选择。")


def routed(uow: UnitOfWork, data: ActionPlanInput) -> ActionPlanInput:
    if data.lead_unit_id or not data.responsibility_item_id:
        return data
    proposal = proposal_in(uow, data.responsibility_item_id)
    cooperating = data.cooperating_unit_ids or proposal.cooperating_unit_ids
    return replace(data, lead_unit_id=proposal.lead_unit_id, cooperating_unit_ids=cooperating)


def write_plan(uow: UnitOfWork, action: JointAction, data: ActionPlanInput) -> None:
    action.title, action.action_type = data.title, data.action_type.value
    action.trigger, action.whistle_id = data.trigger.value, data.whistle_id
    action.domain, action.lead_unit_id = data.domain.value, data.lead_unit_id
    action.responsibility_item_id, action.content = data.responsibility_item_id, data.content
    action.starts_at, action.ends_at, action.deadline = data.starts_at, data.ends_at, data.deadline
    action.places, action.equipment = data.places, data.equipment
    action.min_certified = data.min_certified
    units = [ActionUnit(unit_id=data.lead_unit_id, role=UnitRole.LEAD.value)] \
        if data.lead_unit_id else []
    units += [ActionUnit(unit_id=u, role=UnitRole.COOPERATING.value)
              for u in dict.fromkeys(data.cooperating_unit_ids) if u != data.lead_unit_id]
    uow.actions.replace_units(action, units)
    uow.actions.replace_needs(action, [
        ActionNeed(unit_id=n.unit_id, domain=n.domain.value if n.domain else None,
                   count=n.count, certified=n.certified) for n in data.needs])
    uow.actions.replace_grids(action, [ActionGrid(grid_id=g) for g in dict.fromkeys(data.grid_ids)])
    uow.actions.replace_demands(action, [ActionDemand(demand_id=d)
                                         for d in dict.fromkeys(data.demand_ids)])


def add_action(uow: UnitOfWork, *, actor: Actor, data: ActionPlanInput,
               at: datetime | None = None) -> JointAction:
    """A new draft action inside an open unit of work."""
    data = routed(uow, data.validated())
    check_references(uow, data)
    stamp = at or clock.now()
    action = JointAction(id=new_id(), version=1, created_at=stamp, updated_at=stamp,
                         number=next_number(uow, data.starts_at.year),
                         state=ActionState.DRAFT.value, created_by=actor.name,
                         units_inspected=0, problems_found=0, cases_filed=0, rectified=0,
                         fines_fen=0, minutes="", evaluation_note="", note="",
                         units=[], needs=[], participants=[], grids=[], demands=[])
    uow.actions.add(action)
    write_plan(uow, action, data)
    return action


def put_participants(uow: UnitOfWork, action: JointAction,
                     participants: Sequence[ParticipantInput]) -> None:
    """Replace the participants inside an open unit of work (each person once)."""
    seen: set[str] = set()
    rows: list[ActionParticipant] = []
    for item in participants:
        if item.officer_id in seen:
            continue
        if uow.roster.officer(item.officer_id) is None:
            raise ValidationError("参加人员", "所选人员不在执法队伍名册中，请刷新后重新选择。")
        seen.add(item.officer_id)
        rows.append(ActionParticipant(officer_id=item.officer_id, role=item.role.value,
                                      fixed_by_hand=item.fixed_by_hand))
    uow.actions.replace_participants(action, rows)


def touch(action: JointAction, at: datetime | None = None) -> None:
    """One new version per transaction, however often it is touched (raise_version)."""
    raise_version(action)
    action.updated_at = at or clock.now()


def advance(action: JointAction, step: ActionStep, *, actor: Actor, at: datetime) -> ActionState:
    """Move ``action`` one step (the state machine decides) and stamp who and when."""
    before = ActionState(action.state)
    after = next_state(before, step)
    action.state = after.value
    if step is ActionStep.SUBMIT:
        action.submitted_at = at
    elif step is ActionStep.APPROVE:
        action.approved_by, action.approved_at = actor.name, at
    elif step is ActionStep.NOTIFY:
        action.notified_at = at
    elif step is ActionStep.START:
        action.started_at = at
    elif step is ActionStep.COMPLETE:
        action.completed_at = at
    elif step is ActionStep.REOPEN:
        action.approved_by = action.approved_at = action.notified_at = None
    touch(action, at)
    return after


def detail_in(uow: UnitOfWork, action: JointAction, *,
              rest_hours: float = DEFAULT_REST_HOURS) -> ActionDetail:
    uow.flush()
    names = unit_names(uow)
    return action_detail(uow, action, names, checks_in(uow, action, rest_hours=rest_hours,
                                                       names=names))


def input_of(action: JointAction) -> ActionPlanInput:
    return ActionPlanInput(
        title=action.title, action_type=ActionType(action.action_type),
        domain=EnforcementDomain(action.domain), starts_at=action.starts_at,
        ends_at=action.ends_at, trigger=ActionTrigger(action.trigger),
        demand_ids=tuple(d.demand_id for d in action.demands), whistle_id=action.whistle_id,
        responsibility_item_id=action.responsibility_item_id, lead_unit_id=action.lead_unit_id,
        deadline=action.deadline, min_certified=action.min_certified)
