"""The greedy baseline: action by action in time order, each place to the least-loaded
officer who may take it.

It is what a careful person does by hand, and what the CP-SAT proposal must beat on
fairness (docs/performance.md). It also seeds the solver: its plan, when legal, is the
first hint and its maximum load the first bound, so the solver's answer is never less
fair than it. Its weakness is that it cannot look ahead: a scarce certified officer
who happens to be the least loaded fills an ordinary place and is then missing (or
overloaded) where only the certified may go.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.scheduling.prepare import ActionSlot, Instance


def conflicts_by_slot(instance: Instance) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {slot.index: set() for slot in instance.slots}
    for clique in instance.cliques:
        for s in clique:
            found[s].update(other for other in clique if other != s)
    return found


class _Greedy:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.load = dict(instance.existing_units)
        self.taken: dict[str, set[int]] = {}
        self.conflicts = conflicts_by_slot(instance)
        self.rank = {officer_id: n for n, officer_id in enumerate(instance.officers)}

    def fill(self, slot: ActionSlot) -> list[str]:
        officers, action = self.instance.officers, slot.action
        chosen = sorted(self.instance.fixed[action.action_id], key=self.rank.__getitem__)
        for need in action.needs:
            def member(o: str, unit: str | None = need.unit_id) -> bool:
                return unit is None or officers[o].unit_id == unit
            holders = slot.certified_for(need.domain or action.domain, officers)
            self._while(slot, chosen, lambda o, m=member, h=holders: m(o) and o in h,
                        lambda m=member, h=holders, n=need.certified:
                        sum(m(o) and o in h for o in chosen) < n)
            self._while(slot, chosen, member,
                        lambda m=member, n=need.count: sum(m(o) for o in chosen) < n)
        self._while(slot, chosen, lambda o: o in slot.certified,
                    lambda: sum(o in slot.certified for o in chosen) < action.min_certified)
        for unit in dict.fromkeys(action.required_units):
            self._while(slot, chosen, lambda o, u=unit: officers[o].unit_id == u,
                        lambda u=unit: all(officers[o].unit_id != u for o in chosen))
        self._while(slot, chosen, lambda _o: True, lambda: len(chosen) < slot.headcount)
        for officer_id in chosen:
            self.load[officer_id] = self.load.get(officer_id, 0) + slot.units
            self.taken.setdefault(officer_id, set()).add(slot.index)
        return chosen

    def _while(self, slot: ActionSlot, chosen: list[str], wanted: Callable[[str], bool],
               short: Callable[[], bool]) -> None:
        """Add the least-loaded free officer ``wanted`` while ``short()`` holds."""
        while short():
            free = [o for o in slot.eligible if o not in chosen and wanted(o)
                    and not self.taken.get(o, set()) & self.conflicts[slot.index]]
            if not free:
                return
            chosen.append(min(free, key=lambda o: (self.load.get(o, 0), self.rank[o])))


def greedy_assignment(instance: Instance) -> dict[str, list[str]]:
    """Each action's participants, the earliest action first (fixed people stay)."""
    state = _Greedy(instance)
    order = sorted(instance.slots, key=lambda s: (s.action.starts_at, s.index))
    return {slot.action.action_id: state.fill(slot) for slot in order}


def _role(instance: Instance, officer_id: str, slot: ActionSlot) -> tuple[object, ...]:
    """What a person counts for on an action: their unit and, per domain the action
    enforces, whether they are certified. Two people with the same role can replace
    each other without changing any count the rules look at."""
    officer, days = instance.officers[officer_id], slot.action.days
    return (officer.unit_id, *(officer.certified_for(d, days) for d in sorted(slot.action.domains)))


def polish(instance: Instance, plan: dict[str, list[str]]) -> dict[str, list[str]]:
    """Move places from heavier to lighter officers of the same role while that lowers
    the sum of squared loads (a cheap first step the solver then takes further)."""
    plan = {a: list(ids) for a, ids in plan.items()}
    load = dict(instance.existing_units)
    taken: dict[str, set[int]] = {}
    for slot in instance.slots:
        for officer_id in plan[slot.action.action_id]:
            load[officer_id] = load.get(officer_id, 0) + slot.units
            taken.setdefault(officer_id, set()).add(slot.index)
    conflicts = conflicts_by_slot(instance)
    moved = True
    while moved:
        moved = False
        for slot in instance.slots:
            ids, fixed = plan[slot.action.action_id], instance.fixed[slot.action.action_id]
            for place, officer_id in enumerate(ids):
                if officer_id in fixed:
                    continue
                role = _role(instance, officer_id, slot)
                free = [o for o in slot.eligible if o not in ids
                        and load.get(o, 0) + slot.units < load[officer_id]
                        and not taken.get(o, set()) & conflicts[slot.index]
                        and _role(instance, o, slot) == role]
                if not free:
                    continue
                other = min(free, key=lambda o: load.get(o, 0))
                ids[place] = other
                load[officer_id] -= slot.units
                load[other] = load.get(other, 0) + slot.units
                taken[officer_id].discard(slot.index)
                taken.setdefault(other, set()).add(slot.index)
                moved = True
    return plan
