"""Why a scheduling request cannot be met, in words the director can act on.

Most impossible requests are impossible for one action alone ("two certified officers
needed, one available"), which plain counting finds and can explain with names. What
counting cannot see (two actions competing for the same few people, the rest rule in
between) the CP-SAT model finds with assumptions: each action's rule groups get a
literal, and the solver's sufficient set of assumptions names the actions and rules
that cannot hold together.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.joint_actions import ActionFacts, Rule, check_plan
from desktop.scheduling.prepare import ActionSlot, Instance

_PERSONAL_RULES = frozenset({Rule.CERTIFICATE_DOMAIN, Rule.CERTIFICATE_VALID, Rule.OVERLAP,
                             Rule.UNAVAILABLE, Rule.REST})
_SHOWN_NAMES = 6


@dataclass(frozen=True)
class Group:
    """One rule of one action that the explaining model may switch off."""

    slot: int
    rule: str  # certified | units | needs | fixed

    def describe(self, instance: Instance) -> str:
        action = instance.slots[self.slot].action
        rule = {"certified": Rule.TWO_CERTIFIED.label, "units": Rule.UNIT_MISSING.label,
                "needs": Rule.NEEDS_UNMET.label, "fixed": "手工指定的人员须保留"}[self.rule]
        return f"{head(action)}：{rule}"


def head(action: ActionFacts) -> str:
    return f"行动“{action.title}”（{action.when}）"


def _names(instance: Instance, ids: list[str]) -> str:
    names = [instance.officers[o].name for o in ids[:_SHOWN_NAMES]]
    more = f"等 {len(ids)} 人" if len(ids) > _SHOWN_NAMES else ""
    return "、".join(names) + more


def _fixed_reasons(instance: Instance) -> list[str]:
    """Officers fixed by hand who may not be there (leave, certificate, collision)."""
    actions = [slot.action for slot in instance.slots]
    assignment = {a: sorted(ids) for a, ids in instance.fixed.items() if ids}
    if not assignment:
        return []
    found = check_plan(actions, assignment, instance.officers, instance.rest_hours,
                       fixed=instance.occupied)
    return [f"手工指定的人员不能安排：{v.message}" for v in found if v.rule in _PERSONAL_RULES]


def _unavailable_holders(slot: ActionSlot, instance: Instance) -> str:
    """Certified people who exist but are not free, each with the reason."""
    action, days = slot.action, slot.action.days
    eligible = set(slot.eligible)
    away = [o for o, facts in instance.officers.items()
            if o not in eligible and facts.certified_for(action.domain, days)]
    if not away:
        return ""
    shown = "、".join(f"{instance.officers[o].name}（{_why_away(instance, o, action)}）"
                     for o in away[:_SHOWN_NAMES])
    more = f"等 {len(away)} 人" if len(away) > _SHOWN_NAMES else ""
    return f"；另有持证人员不能参加：{shown}{more}"


def _why_away(instance: Instance, officer_id: str, action: ActionFacts) -> str:
    for period in instance.officers[officer_id].unavailable:
        if period.start < action.ends_at and action.starts_at < period.end:
            return period.reason
    return "同一时段另有行动"


def _certified_reason(slot: ActionSlot, instance: Instance) -> list[str]:
    action = slot.action
    if len(slot.certified) >= action.min_certified:
        return []
    holders = sorted(slot.certified, key=slot.eligible.index)
    available = f"只有 {len(holders)} 人可用：{_names(instance, holders)}" if holders \
        else "没有可用人员"
    return [f"{head(action)}需要 {action.min_certified} 名持有当日有效{action.domain.label}"
            f"执法证的人员，当时{available}{_unavailable_holders(slot, instance)}。"]


def unit_name(instance: Instance, action: ActionFacts, unit_id: str | None) -> str:
    """The action's name for a unit, else the roster's, else a neutral word."""
    if unit_id and (action.unit_names or {}).get(unit_id):
        return action.unit_name(unit_id)
    for officer in instance.officers.values():
        if officer.unit_id == unit_id and officer.unit_name:
            return officer.unit_name
    return action.unit_name(unit_id)


def _unit_reasons(slot: ActionSlot, instance: Instance) -> list[str]:
    action = slot.action
    present = {instance.officers[o].unit_id for o in slot.eligible}
    return [f"{head(action)}须由“{unit_name(instance, action, unit)}”派员参加，但该单位当时无人可用。"
            for unit in dict.fromkeys(action.required_units) if unit not in present]


def _need_reasons(slot: ActionSlot, instance: Instance) -> list[str]:
    action, found = slot.action, []
    for need in action.needs:
        people = [o for o in slot.eligible
                  if need.unit_id is None or instance.officers[o].unit_id == need.unit_id]
        source = (need.unit_name or unit_name(instance, action, need.unit_id)) \
            if need.unit_id else "各单位"
        domain = need.domain or action.domain
        certified = slot.certified_for(domain, instance.officers) & set(people)
        if len(people) < need.count:
            found.append(f"{head(action)}计划{source}出动 {need.count} 人，当时只有 "
                         f"{len(people)} 人可用。")
        if len(certified) < need.certified:
            found.append(f"{head(action)}计划{source}持{domain.label}执法证人员 "
                         f"{need.certified} 人，当时只有 {len(certified)} 人可用"
                         f"{'：' + _names(instance, sorted(certified)) if certified else ''}。")
    return found


def precheck(instance: Instance) -> list[str]:
    """Reasons visible action by action (empty: the model has to decide)."""
    reasons = _fixed_reasons(instance)
    for slot in instance.slots:
        reasons += _certified_reason(slot, instance)
        reasons += _unit_reasons(slot, instance)
        reasons += _need_reasons(slot, instance)
    return reasons


def core_reasons(instance: Instance, groups: list[Group]) -> list[str]:
    """The sentence for a set of rule groups that cannot hold together."""
    rest = f"或两次行动间隔不足 {instance.rest_hours:g} 小时" if instance.rest_hours else ""
    lines = [group.describe(instance) for group in groups]
    if len({group.slot for group in groups}) > 1:
        lead = (f"以下 {len({g.slot for g in groups})} 个行动的要求不能同时满足"
                f"（可用人员在这些行动之间时间重叠{rest}）：")
    else:
        lead = "以下要求无法满足（可用人员不足或时间冲突）："
    return [lead, *lines]
