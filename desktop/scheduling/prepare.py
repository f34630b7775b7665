"""The scheduling instance: who may be put on which action, prepared in plain Python.

The CP-SAT model is only as small as this prefilter makes it. An (officer, action) pair
exists only when ``desktop.domain.joint_actions`` would accept that person on that
action on their own: available for the whole window, not colliding (rest included)
with assignments outside the plan, and, for an enforcing officer (force 1/X), holding a
certificate valid on every day of the action for one of its domains. The rules that
concern several people (two certified, units, needs) and several actions (overlap,
rest) are left to the model; the overlap ones are given to it as cliques of an
interval graph, found by one sweep.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from desktop.domain.joint_actions import ActionFacts, Assignment, OfficerFacts
from desktop.domain.roster import EnforcementDomain

UNIT_MINUTES = 5  # loads are counted in 5-minute units inside the model


@dataclass
class ActionSlot:
    """One action and everything the model needs about it."""

    index: int
    action: ActionFacts
    units: int  # duration in model units
    headcount: int  # how many people the plan should have
    eligible: list[str] = field(default_factory=list)  # officer ids, roster order
    certified: set[str] = field(default_factory=set)  # certified for the action's domain

    @property
    def hours(self) -> float:
        return (self.action.ends_at - self.action.starts_at).total_seconds() / 3600

    def certified_for(self, domain: EnforcementDomain, officers: Mapping[str, OfficerFacts]
                      ) -> set[str]:
        if domain is self.action.domain:
            return self.certified
        days = self.action.days
        return {o for o in self.eligible if officers[o].certified_for(domain, days)}


@dataclass
class Instance:
    slots: list[ActionSlot]
    officers: dict[str, OfficerFacts]
    fixed: dict[str, set[str]]
    current: dict[str, set[str]]
    existing_units: dict[str, int]  # existing load in model units
    rest_hours: float
    occupied: list[Assignment]
    cliques: list[list[int]]  # slot indexes that no one may share (overlap or rest)

    @property
    def pool(self) -> list[str]:
        """Officers who could take part in at least one action (fairness is over them)."""
        seen: dict[str, None] = {}
        for slot in self.slots:
            seen.update(dict.fromkeys(slot.eligible))
        for ids in self.fixed.values():
            seen.update(dict.fromkeys(ids))
        return list(seen)

    def eligible_pairs(self) -> list[tuple[str, int]]:
        return [(officer, slot.index) for slot in self.slots for officer in slot.eligible]


def headcount(action: ActionFacts, fixed: int) -> int:
    """People the plan asks for: the needs add up (they describe the turnout unit by
    unit); never fewer than §42's certified pair, one per required unit, the fixed."""
    asked = sum(need.count for need in action.needs)
    return max(asked, action.min_certified, len(set(action.required_units)), fixed)


def _overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def collides(action: ActionFacts, start: datetime, end: datetime, rest: timedelta) -> bool:
    """Whether a person on ``[start, end)`` breaks OVERLAP or REST on ``action``."""
    return _overlaps(start - rest, end + rest, action.starts_at, action.ends_at)


def may_take_part(officer: OfficerFacts, action: ActionFacts,
                  busy: Sequence[Assignment], rest: timedelta) -> bool:
    """The per-person rules of joint_actions.check_action, for one officer alone."""
    for period in officer.unavailable:
        if _overlaps(period.start, period.end, action.starts_at, action.ends_at):
            return False
    if officer.enforces and not officer.domains_on_all(action.days) & action.domains:
        return False
    return not any(collides(action, row.starts_at, row.ends_at, rest) for row in busy
                   if row.action_id != action.action_id)


def conflict_cliques(actions: Sequence[ActionFacts], rest: timedelta) -> list[list[int]]:
    """Maximal sets of actions pairwise too close for one person (interval graph: each
    maximal clique is the set of intervals open at some start point)."""
    order = sorted(range(len(actions)), key=lambda i: actions[i].starts_at)
    cliques: list[list[int]] = []
    previous: frozenset[int] = frozenset()
    for i in order:
        start = actions[i].starts_at
        active = frozenset(j for j in order if actions[j].starts_at <= start
                           and start < actions[j].ends_at + rest)
        if len(active) >= 2 and not active <= previous:
            cliques.append(sorted(active))
        previous = active
    return cliques


def _useful(action: ActionFacts) -> Callable[[OfficerFacts, tuple[date, ...]], bool]:
    """Whether a person can help meet the action's asks. When every need names a unit,
    a person from elsewhere without the action's certificate fills no place the needs,
    the units or §42 ask for, so leaving them out shrinks the model and loses nothing."""
    if not action.needs or any(need.unit_id is None for need in action.needs):
        return lambda _officer, _days: True
    units = {need.unit_id for need in action.needs} | set(action.required_units)
    domains = {need.domain for need in action.needs if need.domain and need.certified}

    def useful(officer: OfficerFacts, days: tuple[date, ...]) -> bool:
        return officer.unit_id in units or any(officer.certified_for(d, days) for d in domains)

    return useful


def _duration_units(action: ActionFacts) -> int:
    minutes = (action.ends_at - action.starts_at).total_seconds() / 60
    return max(1, round(minutes / UNIT_MINUTES))


def build_instance(actions: Sequence[ActionFacts], officers: Mapping[str, OfficerFacts] |
                   Iterable[OfficerFacts], *, fixed: Mapping[str, Iterable[str]],
                   current: Mapping[str, Iterable[str]], existing_load: Mapping[str, float],
                   rest_hours: float, occupied: Sequence[Assignment]) -> Instance:
    roster = dict(officers) if isinstance(officers, Mapping) else {
        o.officer_id: o for o in officers}
    rest = timedelta(hours=rest_hours)
    busy: dict[str, list[Assignment]] = defaultdict(list)
    for row in occupied:
        busy[row.officer_id].append(row)
    fixed_sets = {a.action_id: set(fixed.get(a.action_id, ())) for a in actions}
    slots: list[ActionSlot] = []
    for index, action in enumerate(actions):
        slot = ActionSlot(index, action, _duration_units(action),
                          headcount(action, len(fixed_sets[action.action_id])))
        days, useful = action.days, _useful(action)
        keep = fixed_sets[action.action_id] | set(current.get(action.action_id, ()))
        for officer_id, officer in roster.items():
            if not may_take_part(officer, action, busy.get(officer_id, ()), rest):
                continue
            certified = officer.certified_for(action.domain, days)
            if certified or officer_id in keep or useful(officer, days):
                slot.eligible.append(officer_id)
            if certified:
                slot.certified.add(officer_id)
        slots.append(slot)
    return Instance(
        slots=slots, officers=roster, fixed=fixed_sets,
        current={a.action_id: set(current.get(a.action_id, ())) for a in actions},
        existing_units={o: round(existing_load.get(o, 0.0) * 60 / UNIT_MINUTES) for o in roster},
        rest_hours=rest_hours, occupied=list(occupied),
        cliques=conflict_cliques(actions, rest))
