"""From the stored actions to a proposal and back: what the 联合行动 page runs.

``scheduling_input`` (desktop/services/action_checks.py) reads the problem on the
database thread; ``propose_for`` is pure CPU work for the worker pool; ``apply_proposal``
writes the accepted participants through ``set_participants_of_many`` (permission, version
check and audit there) in one transaction, refusing the lot when any action
changed since the proposal was made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from desktop.domain.action_states import ParticipantRole
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError
from desktop.domain.roster import Force
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.scheduling.greedy import greedy_assignment
from desktop.scheduling.prepare import build_instance
from desktop.scheduling.propose import propose
from desktop.scheduling.types import Fairness, Proposal, fairness_of
from desktop.services.action_checks import SchedulingInput
from desktop.services.joint_actions import (
    ParticipantInput,
    get_action,
    set_participants_of_many,
)
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ScheduleOutcome:
    """A proposal with the greedy baseline's fairness beside it, for the page."""

    proposal: Proposal
    baseline: Fairness | None  # None: the greedy plan breaks a rule
    names: dict[str, str]  # officer id → name
    titles: dict[str, str]  # action id → title


def existing_hours(data: SchedulingInput) -> dict[str, float]:
    """Hours each officer already works on the other actions around the request."""
    hours: dict[str, float] = defaultdict(float)
    for row in data.fixed:
        hours[row.officer_id] += (row.ends_at - row.starts_at).total_seconds() / 3600
    return dict(hours)


def _baseline(data: SchedulingInput, load: dict[str, float]) -> Fairness | None:
    instance = build_instance(data.actions, data.officers, fixed=data.fixed_by_hand,
                              current=data.current, existing_load=load,
                              rest_hours=data.rest_hours, occupied=data.fixed)
    plan = greedy_assignment(instance)
    hours = dict(load)
    for action in data.actions:
        span = (action.ends_at - action.starts_at).total_seconds() / 3600
        for officer_id in plan[action.action_id]:
            hours[officer_id] = hours.get(officer_id, 0.0) + span
    return fairness_of(hours, instance.pool)


def propose_for(data: SchedulingInput, *, time_limit_s: float = 3.0,
                progress: ProgressCallback = no_progress,
                cancel: CancelToken = NEVER_CANCELLED) -> ScheduleOutcome:
    """The proposal for the stored actions in ``data`` (run it on the cpu pool)."""
    load = existing_hours(data)
    proposal = propose(data.actions, data.officers, fixed=data.fixed_by_hand,
                       current=data.current, existing_load=load, rest_hours=data.rest_hours,
                       occupied=data.fixed, time_limit_s=time_limit_s, progress=progress,
                       cancel=cancel)
    return ScheduleOutcome(proposal, _baseline(data, load),
                           {o: facts.name for o, facts in data.officers.items()},
                           {a.action_id: a.title for a in data.actions})


def _participants(data: SchedulingInput, action_id: str, chosen: tuple[str, ...],
                  kept: dict[str, ParticipantInput]) -> list[ParticipantInput]:
    found = []
    for officer_id in chosen:
        if officer_id in kept:
            found.append(kept[officer_id])
            continue
        support = data.officers[officer_id].force is Force.COOPERATING
        found.append(ParticipantInput(officer_id, ParticipantRole.SUPPORT if support
                                      else ParticipantRole.ENFORCER, fixed_by_hand=False))
    return found


def apply_proposal(new_uow: Callable[[], UnitOfWork], *, actor: Actor, data: SchedulingInput,
                   proposal: Proposal) -> int:
    """Write the proposal's participants of every changed action in ONE transaction;
    returns how many actions changed. Refused (nothing written) when one changed since
    the proposal (checked up front for a clear message, and again inside the write)."""
    changed = [c.action_id for c in proposal.changes]
    details = {a: get_action(new_uow(), a) for a in changed}
    stale = [d.row.title for a, d in details.items() if d.version != data.versions[a]]
    if stale:
        raise ConflictError(f"行动“{'、'.join(stale)}”在排班后已被修改，方案未采用。"
                            f"请重新运行智能排班。")
    line_ups = {}
    for action_id, detail in details.items():
        kept = {p.officer_id: ParticipantInput(p.officer_id, p.role, p.fixed_by_hand)
                for p in detail.participants}
        line_ups[action_id] = (detail.version, _participants(
            data, action_id, proposal.assignment[action_id], kept))
    set_participants_of_many(new_uow(), actor=actor, line_ups=line_ups)
    return len(changed)
