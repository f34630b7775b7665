"""Assisted scheduling: propose the participants of a set of actions.

``propose`` prepares the instance (only the pairs the per-person rules allow), explains
in Chinese what no plan can satisfy, seeds CP-SAT with the greedy plan, solves within
the time limit, and verifies the answer with ``joint_actions.check_plan`` before
returning it: a proposal that breaks a rule is a bug, never advice. ``greedy`` is the
baseline the proposal is compared with.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence

from ortools.sat.python import cp_model

from desktop.domain.errors import CancelledError, DomainError
from desktop.domain.joint_actions import (
    DEFAULT_REST_HOURS,
    ActionFacts,
    Assignment,
    OfficerFacts,
    check_plan,
)
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.scheduling import cpsat
from desktop.scheduling.explain import Group, core_reasons, precheck
from desktop.scheduling.greedy import greedy_assignment, polish
from desktop.scheduling.improve import improve
from desktop.scheduling.prepare import UNIT_MINUTES, Instance, build_instance
from desktop.scheduling.types import ActionChange, InfeasibleScheduleError, Proposal, fairness_of

Officers = Mapping[str, OfficerFacts] | Iterable[OfficerFacts]
EXPLAIN_LIMIT_S = 5.0
VERIFY_RESERVE_S = 0.15  # check_plan and the diff after the search
WHOLE_MODEL_SHARE = 0.8  # of the time left, when the whole week must be solved at once


def _instance(actions: Sequence[ActionFacts], officers: Officers, *,
              fixed: Mapping[str, Iterable[str]] | None,
              current: Mapping[str, Iterable[str]] | None,
              existing_load: Mapping[str, float] | None, rest_hours: float,
              occupied: Sequence[Assignment]) -> Instance:
    return build_instance(actions, officers, fixed=fixed or {}, current=current or {},
                          existing_load=existing_load or {}, rest_hours=rest_hours,
                          occupied=occupied)


def propose(actions: Sequence[ActionFacts], officers: Officers, *,
            fixed: Mapping[str, Iterable[str]] | None = None,
            current: Mapping[str, Iterable[str]] | None = None,
            existing_load: Mapping[str, float] | None = None,
            rest_hours: float = DEFAULT_REST_HOURS, occupied: Sequence[Assignment] = (),
            time_limit_s: float = 3.0, progress: ProgressCallback = no_progress,
            cancel: CancelToken = NEVER_CANCELLED, workers: int | None = None) -> Proposal:
    """Participants for ``actions`` meeting every hard rule, the workload spread fairly.

    ``fixed``: people put on an action by hand (they stay). ``current``: the participants
    now (kept where fairness allows: the tie-break). ``existing_load``: hours each
    officer already works in the period. ``occupied``: assignments outside the request
    that still take people's time. Raises InfeasibleScheduleError naming the action and
    rule, CancelledError when cancelled.
    """
    started = time.perf_counter()
    deadline = started + max(0.5, time_limit_s - VERIFY_RESERVE_S)
    cancel.raise_if_cancelled()
    progress(0, 0, "正在整理可安排的人员……")
    instance = _instance(actions, officers, fixed=fixed, current=current,
                         existing_load=existing_load, rest_hours=rest_hours, occupied=occupied)
    reasons = precheck(instance)
    if reasons:
        raise InfeasibleScheduleError(reasons)
    plan = greedy_assignment(instance)
    solutions = 1
    if not _violations(instance, plan):
        plan = polish(instance, plan)
    else:  # the greedy plan breaks a rule: only the whole model can find one that holds
        plan, solutions = _solve_whole(instance, deadline, time_limit_s, cancel, progress,
                                       workers)
    plan, helped = improve(instance, plan, deadline=deadline, cancel=cancel, progress=progress,
                           total_s=time_limit_s)
    if cancel.cancelled:
        raise CancelledError("已取消智能排班，未作任何更改。")
    return _proposal(instance, plan, "已按工作量均衡优化" if helped else "已排出合法方案",
                     started, solutions + helped)


def _solve_whole(instance: Instance, deadline: float, time_limit_s: float, cancel: CancelToken,
                 progress: ProgressCallback, workers: int | None) -> tuple[dict[str, list[str]],
                                                                           int]:
    """The week as one CP-SAT model (tight weeks, where the greedy plan fails)."""
    built = cpsat.build(instance)
    cancel.raise_if_cancelled()
    left = max(0.2, (deadline - time.perf_counter()) * WHOLE_MODEL_SHARE)
    solver, status, solutions = cpsat.solve(built, time_limit_s=left, cancel=cancel,
                                            progress=progress, workers=workers)
    if cancel.cancelled:
        raise CancelledError("已取消智能排班，未作任何更改。")
    if status == cp_model.INFEASIBLE:
        raise InfeasibleScheduleError(explain_infeasible(instance))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise DomainError(f"在 {time_limit_s:g} 秒内未能找到满足全部规则的方案，"
                          f"请减少一次排班的行动数或延长计算时间后重试。")
    plan = {slot.action.action_id: [o for o in slot.eligible
                                    if solver.BooleanValue(built.x[o, slot.index])]
            for slot in instance.slots}
    return plan, solutions


def greedy(actions: Sequence[ActionFacts], officers: Officers, *,
           fixed: Mapping[str, Iterable[str]] | None = None,
           current: Mapping[str, Iterable[str]] | None = None,
           existing_load: Mapping[str, float] | None = None,
           rest_hours: float = DEFAULT_REST_HOURS,
           occupied: Sequence[Assignment] = ()) -> Proposal:
    """The baseline: each action in time order, each place to the least-loaded officer
    who may take it. Raises InfeasibleScheduleError when it leaves a rule broken."""
    started = time.perf_counter()
    instance = _instance(actions, officers, fixed=fixed, current=current,
                         existing_load=existing_load, rest_hours=rest_hours, occupied=occupied)
    assignment = greedy_assignment(instance)
    found = _violations(instance, assignment)
    if found:
        raise InfeasibleScheduleError([v.message for v in found])
    return _proposal(instance, assignment, "逐个行动分配（贪心）", started, 1)


def explain_infeasible(instance: Instance, time_limit_s: float = EXPLAIN_LIMIT_S) -> list[str]:
    """The actions and rules that cannot hold together, from CP-SAT's assumptions,
    shrunk one group at a time to a small set."""
    built = cpsat.build(instance, explain=True)
    core = _core(built, list(built.groups), time_limit_s)
    if core is None:
        return ["在计算时限内未能确定冲突原因：请检查这些行动的时间是否过于集中、"
                "持证人员是否足够。"]
    for group in list(core):
        trial = [g for g in core if g != group]
        smaller = _core(built, trial, time_limit_s / 4)
        if smaller is not None:
            core = smaller
    return core_reasons(instance, sorted(core, key=lambda g: (g.slot, g.rule)))


def _core(built: cpsat.Built, groups: list[Group], limit_s: float) -> list[Group] | None:
    """A sufficient set of ``groups`` that is infeasible (None: feasible or unknown)."""
    built.model.ClearAssumptions()
    built.model.AddAssumptions([built.groups[g] for g in groups])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit_s
    solver.parameters.num_workers = 1
    if solver.Solve(built.model) != cp_model.INFEASIBLE:
        return None
    by_index = {built.groups[g].Index(): g for g in groups}
    found = [by_index[i] for i in solver.SufficientAssumptionsForInfeasibility() if i in by_index]
    return found or groups


def _violations(instance: Instance, assignment: Mapping[str, Sequence[str]]) -> list:
    return check_plan([slot.action for slot in instance.slots], assignment, instance.officers,
                      instance.rest_hours, fixed=instance.occupied)


def _units(instance: Instance, assignment: Mapping[str, Sequence[str]]) -> dict[str, int]:
    loads = {o: instance.existing_units.get(o, 0) for o in instance.pool}
    for slot in instance.slots:
        for officer_id in assignment.get(slot.action.action_id, ()):
            loads[officer_id] = loads.get(officer_id, 0) + slot.units
    return loads


def _proposal(instance: Instance, assignment: Mapping[str, Sequence[str]], status: str,
              started: float, solutions: int) -> Proposal:
    found = _violations(instance, assignment)
    if found:  # never hand out an illegal plan
        raise DomainError("排班结果未通过合法性检查，已放弃该方案：\n"
                          + "\n".join(v.message for v in found[:10]))
    rank = {officer_id: n for n, officer_id in enumerate(instance.officers)}
    ordered = {a: tuple(sorted(ids, key=rank.__getitem__)) for a, ids in assignment.items()}
    hours = {o: u * UNIT_MINUTES / 60 for o, u in _units(instance, ordered).items()}
    changes, notes = [], []
    for slot in instance.slots:
        action = slot.action
        new, old = ordered.get(action.action_id, ()), instance.current[action.action_id]
        changes.append(ActionChange(action.action_id, action.title,
                                    tuple(o for o in new if o not in old),
                                    tuple(sorted(old - set(new), key=lambda o: rank.get(o, 0)))))
        if len(new) < slot.headcount:
            notes.append(f"“{action.title}”计划 {slot.headcount} 人，可安排的只有 {len(new)} 人。")
    return Proposal(assignment=ordered, loads=hours, fairness=fairness_of(hours, instance.pool),
                    changes=tuple(c for c in changes if c.added or c.removed), status=status,
                    seconds=round(time.perf_counter() - started, 3), solutions=solutions,
                    notes=tuple(notes))
