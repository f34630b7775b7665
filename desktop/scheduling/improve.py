"""Fairness by neighbourhoods: re-solve one day at a time with CP-SAT, the rest fixed.

A week's model (60 actions × 300 officers) is too big for CP-SAT to improve a good plan
within a couple of seconds on an office PC: presolve alone takes about one. But the
rules that tie actions together (overlap, rest) hardly reach across days, and the
fairness that does is only a sum of loads. So each day is a small model (its actions,
the people free for them, everyone's hours from the other days as existing load) that
CP-SAT solves to optimality in a few tens of milliseconds; the day's answer is kept
when the whole week's fairness does not get worse. Rounds over the days repeat until
nothing changes or the time is up.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from ortools.sat.python import cp_model

from desktop.domain.joint_actions import Assignment
from desktop.progress import CancelToken, ProgressCallback
from desktop.scheduling import cpsat
from desktop.scheduling.prepare import UNIT_MINUTES, Instance, build_instance

Plan = dict[str, list[str]]
MIN_BLOCK_SECONDS = 0.05
BLOCK_WORKERS = 2  # presolve is off: a day's model starts from the hint at once


def score(instance: Instance, plan: Mapping[str, Sequence[str]]) -> tuple[int, int, int]:
    """(max − min, sum of squares, max) of the pool's loads in model units: smaller is fairer."""
    loads = {o: instance.existing_units.get(o, 0) for o in instance.pool}
    for slot in instance.slots:
        for officer_id in plan.get(slot.action.action_id, ()):
            loads[officer_id] = loads.get(officer_id, 0) + slot.units
    values = list(loads.values()) or [0]
    return max(values) - min(values), sum(v * v for v in values), max(values)


def _blocks(instance: Instance) -> list[list[int]]:
    days: dict[date, list[int]] = defaultdict(list)
    for slot in instance.slots:
        days[slot.action.starts_at.date()].append(slot.index)
    return [days[day] for day in sorted(days)]


def _sub_instance(instance: Instance, plan: Plan, block: list[int]) -> Instance:
    """The block's actions; everything else in the plan becomes occupied time and load."""
    inside = {instance.slots[s].action.action_id for s in block}
    occupied = list(instance.occupied)
    extra: dict[str, float] = defaultdict(float)
    for slot in instance.slots:
        if slot.action.action_id in inside:
            continue
        for officer_id in plan[slot.action.action_id]:
            occupied.append(Assignment(officer_id, slot.action.action_id,
                                       slot.action.starts_at, slot.action.ends_at))
            extra[officer_id] += slot.units * UNIT_MINUTES / 60
    existing = {o: u * UNIT_MINUTES / 60 + extra.get(o, 0.0)
                for o, u in instance.existing_units.items()}
    return build_instance([instance.slots[s].action for s in block], instance.officers,
                          fixed=instance.fixed, current=instance.current,
                          existing_load=existing, rest_hours=instance.rest_hours,
                          occupied=occupied)


def _solve_block(sub: Instance, plan: Plan, limit_s: float, cancel: CancelToken) -> Plan | None:
    hint = {slot.action.action_id: plan[slot.action.action_id] for slot in sub.slots}
    loads = score(sub, hint)[2]
    built = cpsat.build(sub, bound=loads, hint=hint)
    solver, status, _count = cpsat.solve(built, time_limit_s=limit_s, cancel=cancel,
                                         progress=lambda *_: None, workers=BLOCK_WORKERS,
                                         presolve=False)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {slot.action.action_id: [o for o in slot.eligible
                                    if solver.BooleanValue(built.x[o, slot.index])]
            for slot in sub.slots}


def improve(instance: Instance, plan: Plan, *, deadline: float, cancel: CancelToken,
            progress: ProgressCallback, total_s: float) -> tuple[Plan, int]:
    """Better-balanced ``plan`` (never less fair) and how many day solves helped."""
    plan = {a: list(ids) for a, ids in plan.items()}
    best, helped, blocks = score(instance, plan), 0, _blocks(instance)
    changed = True
    while changed and not cancel.cancelled:
        changed = False
        for done, block in enumerate(blocks):
            left = deadline - time.perf_counter()
            if left < MIN_BLOCK_SECONDS or cancel.cancelled:
                return plan, helped
            progress(int((total_s - left) * 1000), int(total_s * 1000),
                     f"正在逐日均衡工作量（{instance.slots[block[0]].action.starts_at:%m月%d日}）……")
            answer = _solve_block(_sub_instance(instance, plan, block), plan,
                                  max(MIN_BLOCK_SECONDS, left / (len(blocks) - done)), cancel)
            if answer is None:
                continue
            trial = plan | answer
            new = score(instance, trial)
            if new < best:
                plan, best, helped, changed = trial, new, helped + 1, True
    return plan, helped
