"""Joint enforcement action use cases (联合执法行动): plan, staff, move, and take an action
through its life (desktop/domain/action_states.py).

Every committing use case checks the permission of its step (ACTION_PLAN, or
ACTION_APPROVE for approval and evaluation), refuses a stale ``expected_version``,
writes one audit row in the same transaction, and returns the action as it is now
with its violations computed from current data (action_checks). Approval is refused
while a hard rule is broken, the Chinese message listing the reasons. Results and
evaluation are in ``action_results``; the building blocks (inputs, ``add_action``,
``put_participants``: open unit of work, no commit) in ``action_building``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from desktop import clock
from desktop.domain.action_states import (
    STEP_PERMISSIONS,
    ActionState,
    ActionStep,
    ActionType,
    next_state,
    require_editable,
)
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, ValidationError
from desktop.domain.joint_actions import (
    DEFAULT_REST_HOURS,
    Violation,
    describe_window,
    hard,
    refusal_message,
)
from desktop.domain.permissions import Permission, require
from desktop.domain.roster import EnforcementDomain
from desktop.services import audit
from desktop.services.action_building import (
    ActionPlanInput,
    NeedInput,
    ParticipantInput,
    add_action,
    advance,
    check_references,
    detail_in,
    input_of,
    propose_units,
    put_participants,
    routed,
    touch,
    write_plan,
)
from desktop.services.action_checks import checks_in
from desktop.services.action_rows import (
    ActionDetail,
    ActionRow,
    action_row,
    check_version,
    load_action,
    unit_names,
)
from desktop.services.audit import AuditAction
from local_db.models.actions import JointAction
from local_db.unit_of_work import UnitOfWork

__all__ = [
    "ActionDetail", "ActionPlanInput", "ActionRefusedError", "ActionRow", "NeedInput",
    "ParticipantInput", "approve_action", "cancel_action", "complete_action",
    "create_action", "get_action", "list_actions", "move_action", "notify_action",
    "propose_units", "reopen_action", "set_participants", "start_action", "submit_action",
    "update_action",
]


# --- reading -------------------------------------------------------------------------------


def get_action(uow: UnitOfWork, action_id: str, *,
               rest_hours: float = DEFAULT_REST_HOURS) -> ActionDetail:
    """The action with its violations computed from the roster as it is now."""
    with uow:
        return detail_in(uow, load_action(uow, action_id), rest_hours=rest_hours)


def list_actions(uow: UnitOfWork, *, start: datetime, end: datetime,
                 states: Sequence[ActionState] | None = None) -> list[ActionRow]:
    """Actions touching ``[start, end)`` in time order (no checks: see period_plan)."""
    with uow:
        names = unit_names(uow)
        wanted = [s.value for s in states] if states is not None else None
        return [action_row(a, names) for a in uow.actions.between(start, end, states=wanted)]


# --- planning use cases ---------------------------------------------------------------------


def _plan_changes(action: JointAction, names: Mapping[str, str]) -> dict[str, tuple[object, object]]:
    return {"名称": (None, action.title), "类型": (None, ActionType(action.action_type).label),
            "执法领域": (None, EnforcementDomain(action.domain).label),
            "时间": (None, describe_window(action.starts_at, action.ends_at)),
            "主责单位": (None, names.get(action.lead_unit_id or "", "") or None)}


def create_action(uow: UnitOfWork, *, actor: Actor, data: ActionPlanInput) -> ActionDetail:
    """Plan a new action (草稿)."""
    require(actor, Permission.ACTION_PLAN)
    with uow:
        action = add_action(uow, actor=actor, data=data)
        uow.flush()
        audit.record(uow, actor, AuditAction.CREATE, entity_type="joint_action",
                     entity_id=action.number, summary=f"计划联合执法行动 {action.number}「{action.title}」",
                     changes=_plan_changes(action, unit_names(uow)))
        detail = detail_in(uow, action)
        uow.commit()
        return detail


def update_action(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
                  data: ActionPlanInput) -> ActionDetail:
    """Change the plan of a draft or submitted action (participants are kept)."""
    require(actor, Permission.ACTION_PLAN)
    with uow:
        action = load_action(uow, action_id)
        check_version(action, expected_version)
        require_editable(ActionState(action.state))
        names = unit_names(uow)
        before = _plan_changes(action, names)
        data = routed(uow, data.validated())
        check_references(uow, data)
        write_plan(uow, action, data)
        touch(action)
        uow.flush()
        after = _plan_changes(action, names)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="joint_action",
                     entity_id=action.number, summary=f"修改联合执法行动 {action.number}「{action.title}」",
                     changes={k: (before[k][1], after[k][1]) for k in after
                              if before[k][1] != after[k][1]})
        detail = detail_in(uow, action)
        uow.commit()
        return detail


def set_participants(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
                     participants: Sequence[ParticipantInput]) -> ActionDetail:
    """Staff the action; the returned detail carries the checks of the new line-up."""
    require(actor, Permission.ACTION_PLAN)
    with uow:
        detail = _staff(uow, actor, action_id, expected_version, participants)
        uow.commit()
        return detail


def set_participants_of_many(uow: UnitOfWork, *, actor: Actor,
                             line_ups: Mapping[str, tuple[int, Sequence[ParticipantInput]]]
                             ) -> list[ActionDetail]:
    """Staff several actions in ONE transaction (智能排班 applies a whole proposal):
    all of them or, when one changed meanwhile or is no longer editable, none."""
    require(actor, Permission.ACTION_PLAN)
    with uow:
        details = [_staff(uow, actor, action_id, expected_version, participants)
                   for action_id, (expected_version, participants) in line_ups.items()]
        uow.commit()
        return details


def _staff(uow: UnitOfWork, actor: Actor, action_id: str, expected_version: int,
           participants: Sequence[ParticipantInput]) -> ActionDetail:
    action = load_action(uow, action_id)
    check_version(action, expected_version)
    require_editable(ActionState(action.state))
    before = _names(uow, action)
    put_participants(uow, action, participants)
    touch(action)
    uow.flush()
    after = _names(uow, action)
    audit.record(uow, actor, AuditAction.UPDATE, entity_type="joint_action",
                 entity_id=action.number,
                 summary=f"安排行动 {action.number}「{action.title}」参加人员 {len(after)} 人",
                 changes={"参加人员": ("、".join(before) or None, "、".join(after) or None)})
    return detail_in(uow, action)


def _names(uow: UnitOfWork, action: JointAction) -> list[str]:
    officers = (uow.roster.officer(p.officer_id) for p in action.participants)
    return [officer.name for officer in officers if officer is not None]


def move_action(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
                starts_at: datetime, ends_at: datetime,
                rest_hours: float = DEFAULT_REST_HOURS) -> ActionDetail:
    """Drag-and-drop on the calendar: a new window, the checks recomputed (returned in
    the detail; a move that breaks a rule is allowed while planning and shown)."""
    require(actor, Permission.ACTION_PLAN)
    with uow:
        action = load_action(uow, action_id)
        check_version(action, expected_version)
        require_editable(ActionState(action.state))
        old = describe_window(action.starts_at, action.ends_at)
        data = replace(input_of(action), starts_at=starts_at, ends_at=ends_at).validated()
        action.starts_at, action.ends_at = data.starts_at, data.ends_at
        touch(action)
        new = describe_window(starts_at, ends_at)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="joint_action",
                     entity_id=action.number,
                     summary=f"调整行动 {action.number}「{action.title}」时间：{old} → {new}",
                     changes={"时间": (old, new)})
        detail = detail_in(uow, action, rest_hours=rest_hours)
        uow.commit()
        return detail


# --- the life -------------------------------------------------------------------------------


def _step(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
          step: ActionStep, note: str = "", rest_hours: float = DEFAULT_REST_HOURS,
          guard: bool = False) -> ActionDetail:
    require(actor, STEP_PERMISSIONS[step])
    with uow:
        action = load_action(uow, action_id)
        check_version(action, expected_version)
        next_state(ActionState(action.state), step)  # refuse an illegal step first
        if guard:
            broken = hard(checks_in(uow, action, rest_hours=rest_hours))
            if broken:
                raise ActionRefusedError(action.title, broken)
        before = ActionState(action.state)
        after = advance(action, step, actor=actor, at=clock.now())
        if note.strip():
            action.note = note.strip()
        audit.record(uow, actor, AuditAction.APPROVE if step is ActionStep.APPROVE
                     else AuditAction.UPDATE, entity_type="joint_action", entity_id=action.number,
                     summary=f"联合执法行动 {action.number}「{action.title}」{step.label}"
                             + (f"：{note.strip()}" if note.strip() else ""),
                     changes={"状态": (before.label, after.label)})
        detail = detail_in(uow, action, rest_hours=rest_hours)
        uow.commit()
        return detail


class ActionRefusedError(ConflictError):
    """Approval (or submission) refused: ``violations`` are the broken hard rules."""

    def __init__(self, title: str, violations: Sequence[Violation]) -> None:
        super().__init__(refusal_message(title, violations))
        self.violations = tuple(violations)


def submit_action(uow: UnitOfWork, *, actor: Actor, action_id: str,
                  expected_version: int) -> ActionDetail:
    """提交审批. Allowed with violations (the director sees them); approval is not."""
    return _step(uow, actor=actor, action_id=action_id, expected_version=expected_version,
                 step=ActionStep.SUBMIT)


def approve_action(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
                   rest_hours: float = DEFAULT_REST_HOURS) -> ActionDetail:
    """批准 (director): refused with the reasons while a hard rule is broken."""
    return _step(uow, actor=actor, action_id=action_id, expected_version=expected_version,
                 step=ActionStep.APPROVE, rest_hours=rest_hours, guard=True)


def reopen_action(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
                  reason: str) -> ActionDetail:
    """退回修改: back to draft (the approval, if any, lapses)."""
    if not reason.strip():
        raise ValidationError("退回理由", "不能为空，请填写需要修改的内容。")
    return _step(uow, actor=actor, action_id=action_id, expected_version=expected_version,
                 step=ActionStep.REOPEN, note=reason)


def notify_action(uow: UnitOfWork, *, actor: Actor, action_id: str,
                  expected_version: int) -> ActionDetail:
    """The 联合执法行动通知 went out to the units."""
    return _step(uow, actor=actor, action_id=action_id, expected_version=expected_version,
                 step=ActionStep.NOTIFY)


def start_action(uow: UnitOfWork, *, actor: Actor, action_id: str,
                 expected_version: int) -> ActionDetail:
    return _step(uow, actor=actor, action_id=action_id, expected_version=expected_version,
                 step=ActionStep.START)


def complete_action(uow: UnitOfWork, *, actor: Actor, action_id: str,
                    expected_version: int) -> ActionDetail:
    return _step(uow, actor=actor, action_id=action_id, expected_version=expected_version,
                 step=ActionStep.COMPLETE)


def cancel_action(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
                  reason: str) -> ActionDetail:
    if not reason.strip():
        raise ValidationError("取消理由", "不能为空，请填写取消的原因。")
    return _step(uow, actor=actor, action_id=action_id, expected_version=expected_version,
                 step=ActionStep.CANCEL, note=reason)
