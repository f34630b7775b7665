"""The CP-SAT model of a week's participants.

One boolean per eligible (officer, action) pair (``prepare`` keeps only the pairs the
per-person rules allow). Hard: §42's certified pair, every required unit, every need,
the hand-fixed people, and at most one action per clique of actions too close for one
person. Soft, in this order of weight: the planned headcount (a shortfall is allowed
only when nobody else may go), fairness, and keeping the people already on an action.

Fairness is the spread of hours, existing load included: the maximum and ``max − min``
over the pool, plus a convex penalty (the sum over officers of their hours above each
2-hour step: a piecewise-linear stand-in for the sum of squares) that spreads the work
below the maximum too.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from desktop.progress import CancelToken, ProgressCallback
from desktop.scheduling.explain import Group
from desktop.scheduling.prepare import UNIT_MINUTES, Instance

STEP_UNITS = 120 // UNIT_MINUTES  # the convex penalty's step: 2 hours
MAX_STEPS = 12
W_SHORT, W_SPREAD, W_MAX, W_PENALTY, W_CHANGE = 1_000_000, 20, 10, 1, 1


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[str, int], cp_model.IntVar]
    groups: dict[Group, cp_model.IntVar] = field(default_factory=dict)
    shortfall: list[tuple[cp_model.IntVar, cp_model.IntVar]] = field(default_factory=list)
    loads: dict[str, cp_model.IntVar] = field(default_factory=dict)
    excess: list[tuple[cp_model.IntVar, str, int]] = field(default_factory=list)
    extremes: tuple[cp_model.IntVar, cp_model.IntVar] | None = None


def _sum(variables: Iterable[cp_model.IntVar]) -> cp_model.LinearExprT:
    """A linear sum that stays a CP-SAT expression when empty (``sum([])`` is 0, and
    ``0 >= 2`` would be a plain False)."""
    return cp_model.LinearExpr.Sum(list(variables))


def _guard(built: Built, constraint: cp_model.Constraint, slot: int, rule: str,
           explain: bool) -> None:
    """In the explaining model, the constraint holds only while its group's literal does."""
    if not explain:
        return
    group = Group(slot, rule)
    if group not in built.groups:
        built.groups[group] = built.model.NewBoolVar(f"{rule}_{slot}")
    constraint.OnlyEnforceIf(built.groups[group])


def _action_rules(built: Built, instance: Instance, explain: bool) -> None:
    model, x, officers = built.model, built.x, instance.officers
    for slot in instance.slots:
        s, action = slot.index, slot.action
        chosen = {o: x[o, s] for o in slot.eligible}
        for officer_id in instance.fixed[action.action_id]:
            var = chosen.get(officer_id)
            if var is None:  # ineligible: the fixed rule can only be explained
                var = model.NewConstant(0)
            _guard(built, model.Add(var == 1), s, "fixed", explain)
        certified = [chosen[o] for o in slot.certified]
        _guard(built, model.Add(_sum(certified) >= action.min_certified), s, "certified", explain)
        for unit in dict.fromkeys(action.required_units):
            members = [v for o, v in chosen.items() if officers[o].unit_id == unit]
            _guard(built, model.Add(_sum(members) >= 1), s, "units", explain)
        for need in action.needs:
            people = {o for o in chosen if need.unit_id is None or officers[o].unit_id == need.unit_id}
            holders = people & slot.certified_for(need.domain or action.domain, officers)
            _guard(built, model.Add(_sum(chosen[o] for o in people) >= need.count), s, "needs",
                   explain)
            if need.certified:
                _guard(built, model.Add(_sum(chosen[o] for o in holders) >= need.certified), s,
                       "needs", explain)
        total = _sum(chosen.values())
        if explain:
            continue
        short = model.NewIntVar(0, slot.headcount, f"short_{s}")
        over = model.NewIntVar(0, max(0, len(chosen) - slot.headcount), f"over_{s}")
        model.Add(total + short - over == slot.headcount)  # over: only when rules force it
        built.shortfall.append((short, over))


def _overlap_rules(built: Built, instance: Instance) -> None:
    by_officer: dict[str, set[int]] = {}
    for officer_id, s in built.x:
        by_officer.setdefault(officer_id, set()).add(s)
    for officer_id, slots in by_officer.items():
        seen: set[tuple[int, ...]] = set()
        for clique in instance.cliques:
            members = tuple(s for s in clique if s in slots)
            if len(members) >= 2 and members not in seen:
                seen.add(members)
                built.model.AddAtMostOne(built.x[officer_id, s] for s in members)


class _Objective:
    """Weighted terms gathered as parallel lists (one WeightedSum beats a long ``+``)."""

    def __init__(self) -> None:
        self.variables: list[cp_model.IntVar] = []
        self.weights: list[int] = []

    def add(self, variable: cp_model.IntVar, weight: int) -> None:
        self.variables.append(variable)
        self.weights.append(weight)

    def expression(self) -> cp_model.LinearExprT:
        return cp_model.LinearExpr.WeightedSum(self.variables, self.weights)


def _fairness_terms(built: Built, instance: Instance, bound: int | None,
                    objective: _Objective) -> None:
    model = built.model
    per_officer: dict[str, list[tuple[int, cp_model.IntVar]]] = {}
    for (officer_id, s), var in built.x.items():
        per_officer.setdefault(officer_id, []).append((instance.slots[s].units, var))
    tops = {o: instance.existing_units.get(o, 0) + sum(u for u, _ in per_officer.get(o, []))
            for o in instance.pool}
    ceiling = max(tops.values(), default=0)
    if bound is not None:
        bases = (instance.existing_units.get(o, 0) for o in instance.pool)
        ceiling = max(min(ceiling, bound), max(bases, default=0))
    high, low = model.NewIntVar(0, ceiling, "max_load"), model.NewIntVar(0, ceiling, "min_load")
    for officer_id in instance.pool:
        base = instance.existing_units.get(officer_id, 0)
        items = per_officer.get(officer_id, [])
        top = max(base, min(tops[officer_id], ceiling))
        load = model.NewIntVar(base, top, f"load_{officer_id}")
        built.loads[officer_id] = load
        model.Add(load == base + cp_model.LinearExpr.WeightedSum(
            [v for _, v in items], [u for u, _ in items]))
        model.Add(high >= load)
        model.Add(low <= load)
        below = base // STEP_UNITS  # steps already passed: a linear term
        if below:
            objective.add(load, below * W_PENALTY)
        step = below + 1
        while step * STEP_UNITS < top and step - below <= MAX_STEPS:
            excess = model.NewIntVar(0, top - step * STEP_UNITS, "")
            model.Add(excess >= load - step * STEP_UNITS)
            built.excess.append((excess, officer_id, step * STEP_UNITS))
            objective.add(excess, W_PENALTY)
            step += 1
    built.extremes = (high, low)
    objective.add(high, W_MAX + W_SPREAD)
    objective.add(low, -W_SPREAD)


def build(instance: Instance, *, explain: bool = False, bound: int | None = None,
          hint: Mapping[str, Sequence[str]] | None = None) -> Built:
    model = cp_model.CpModel()
    x = {(o, s): model.NewBoolVar(f"x_{o}_{s}") for o, s in instance.eligible_pairs()}
    built = Built(model, x)
    _action_rules(built, instance, explain)
    _overlap_rules(built, instance)
    if explain:
        model.AddAssumptions(list(built.groups.values()))
        return built
    objective = _Objective()
    _fairness_terms(built, instance, bound, objective)
    for short, over in built.shortfall:
        objective.add(short, W_SHORT)
        objective.add(over, W_SHORT)
    for slot in instance.slots:  # keeping a current participant is a tie-break
        for officer_id in instance.current[slot.action.action_id]:
            if (officer_id, slot.index) in x:
                objective.add(x[officer_id, slot.index], -W_CHANGE)
    model.Minimize(objective.expression())
    if hint is not None:
        _hint(built, instance, hint)
    return built


def _hint(built: Built, instance: Instance, plan: Mapping[str, Sequence[str]]) -> None:
    """Hint every variable (a complete, feasible hint is the solver's first solution)."""
    model = built.model
    loads = {o: instance.existing_units.get(o, 0) for o in built.loads}
    for slot, (short, over) in zip(instance.slots, built.shortfall, strict=True):
        chosen = set(plan.get(slot.action.action_id, ()))
        for officer_id in slot.eligible:
            model.AddHint(built.x[officer_id, slot.index], officer_id in chosen)
            if officer_id in chosen:
                loads[officer_id] += slot.units
        count = len(chosen & set(slot.eligible))
        model.AddHint(short, max(0, slot.headcount - count))
        model.AddHint(over, max(0, count - slot.headcount))
    for officer_id, var in built.loads.items():
        model.AddHint(var, loads[officer_id])
    for var, officer_id, threshold in built.excess:
        model.AddHint(var, max(0, loads[officer_id] - threshold))
    if built.extremes is not None and loads:
        model.AddHint(built.extremes[0], max(loads.values()))
        model.AddHint(built.extremes[1], min(loads.values()))


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Counts solutions; reports progress on each; stops the search on cancel."""

    def __init__(self, cancel: CancelToken, progress: ProgressCallback, limit_s: float) -> None:
        super().__init__()
        self.cancel, self.progress, self.limit_s = cancel, progress, limit_s
        self.solutions = 0
        self.started = time.perf_counter()

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.report(f"已找到 {self.solutions} 个可行方案，正在优化工作量均衡……")
        if self.cancel.cancelled:
            self.StopSearch()

    def report(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started
        self.progress(min(int(elapsed * 1000), int(self.limit_s * 1000)),
                      int(self.limit_s * 1000), text)


def solve(built: Built, *, time_limit_s: float, cancel: CancelToken,
          progress: ProgressCallback, workers: int | None = None,
          presolve: bool = True) -> tuple[cp_model.CpSolver, int, int]:
    """Solve, polling ``cancel`` from a helper thread (a search that has not found a
    solution yet never calls the callback). Returns (solver, status, solutions)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers or min(8, max(4, os.cpu_count() or 1))
    solver.parameters.cp_model_presolve = presolve  # off for small models with a hint
    watcher = _Watcher(cancel, progress, time_limit_s)
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.1):
            if cancel.cancelled:
                solver.StopSearch()
                return
            watcher.report("正在计算排班方案……" if not watcher.solutions else
                           f"已找到 {watcher.solutions} 个可行方案，正在优化工作量均衡……")

    thread = threading.Thread(target=poll, name="cp-sat-watch", daemon=True)
    thread.start()
    try:
        status = solver.Solve(built.model, watcher)
    finally:
        done.set()
        thread.join()
    return solver, status, watcher.solutions
