"""The life of a joint enforcement action (联合执法行动) and its vocabularies.

草稿 → 已提交 → 已批准 (the director, ACTION_APPROVE) → 已通知 (the 联合执法行动通知 went
out) → 进行中 → 已完成 → 已登记结果 → 已评价, with two side roads: 退回修改 (the director
sends a submitted action back, or the planner takes back an approved one to change
it: everything after approval was checked on the approved plan, so a change needs a
new approval) and 取消 (before the action starts).

``TRANSITIONS`` is the whole policy: ``(state, step) → state``; ``next_state`` refuses
every other pair in Chinese. Only a draft or a submitted action can be edited
(``EDITABLE``). Pure: no database, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.errors import ConflictError, ValidationError
from desktop.domain.labels import LabeledEnum
from desktop.domain.permissions import Permission


class ActionType(LabeledEnum):
    CAMPAIGN = ("campaign", "专项整治")
    INSPECTION = ("inspection", "联合检查")
    EMERGENCY = ("emergency", "应急处置")
    CLEARANCE = ("clearance", "集中清理")
    NIGHT_PATROL = ("night_patrol", "夜间巡查")
    OTHER = ("other", "其他")


class ActionTrigger(LabeledEnum):
    DEMANDS = ("demands", "诉求")
    WHISTLE = ("whistle", "吹哨")
    PLAN = ("plan", "工作计划")


class UnitRole(LabeledEnum):
    LEAD = ("lead", "主责单位")
    COOPERATING = ("cooperating", "配合单位")


class ParticipantRole(LabeledEnum):
    LEADER = ("leader", "带队")
    ENFORCER = ("enforcer", "执法人员")
    SUPPORT = ("support", "协助")


class ActionState(LabeledEnum):
    DRAFT = ("draft", "草稿")
    SUBMITTED = ("submitted", "已提交")
    APPROVED = ("approved", "已批准")
    NOTIFIED = ("notified", "已通知")
    UNDER_WAY = ("under_way", "进行中")
    COMPLETED = ("completed", "已完成")
    RESULTS_RECORDED = ("results_recorded", "已登记结果")
    EVALUATED = ("evaluated", "已评价")
    CANCELLED = ("cancelled", "已取消")


class ActionStep(LabeledEnum):
    SUBMIT = ("submit", "提交审批")
    APPROVE = ("approve", "批准")
    REOPEN = ("reopen", "退回修改")
    NOTIFY = ("notify", "发出通知")
    START = ("start", "开始行动")
    COMPLETE = ("complete", "完成行动")
    RECORD_RESULTS = ("record_results", "登记结果")
    EVALUATE = ("evaluate", "评价")
    CANCEL = ("cancel", "取消")


class Evaluation(LabeledEnum):
    EXCELLENT = ("excellent", "优秀")
    GOOD = ("good", "良好")
    FAIR = ("fair", "一般")
    POOR = ("poor", "较差")


S, A = ActionState, ActionStep
TRANSITIONS: dict[tuple[ActionState, ActionStep], ActionState] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.REOPEN): S.DRAFT,
    (S.SUBMITTED, A.CANCEL): S.CANCELLED,
    (S.APPROVED, A.NOTIFY): S.NOTIFIED,
    (S.APPROVED, A.REOPEN): S.DRAFT,
    (S.APPROVED, A.CANCEL): S.CANCELLED,
    (S.NOTIFIED, A.START): S.UNDER_WAY,
    (S.NOTIFIED, A.REOPEN): S.DRAFT,
    (S.NOTIFIED, A.CANCEL): S.CANCELLED,
    (S.UNDER_WAY, A.COMPLETE): S.COMPLETED,
    (S.COMPLETED, A.RECORD_RESULTS): S.RESULTS_RECORDED,
    (S.RESULTS_RECORDED, A.RECORD_RESULTS): S.RESULTS_RECORDED,  # correcting the figures
    (S.RESULTS_RECORDED, A.EVALUATE): S.EVALUATED,
}
del S, A

STEP_PERMISSIONS: dict[ActionStep, Permission] = {
    step: Permission.ACTION_PLAN for step in ActionStep
} | {ActionStep.APPROVE: Permission.ACTION_APPROVE, ActionStep.EVALUATE: Permission.ACTION_APPROVE}

EDITABLE = frozenset({ActionState.DRAFT, ActionState.SUBMITTED})
# States whose participants occupy people in the checks of other actions: every plan
# but a cancelled one (two drafts sharing a person are a conflict the calendar marks).
OCCUPYING = frozenset(ActionState) - {ActionState.CANCELLED}
FINISHED = frozenset({ActionState.COMPLETED, ActionState.RESULTS_RECORDED,
                      ActionState.EVALUATED})


def next_state(state: ActionState, step: ActionStep) -> ActionState:
    """The state after ``step``, or a ConflictError saying what can be done instead."""
    target = TRANSITIONS.get((state, step))
    if target is not None:
        return target
    possible = "、".join(s.label for (st, s) in TRANSITIONS if st is state)
    hint = f"当前可以：{possible}。" if possible else "该行动已结束，不能再变更。"
    raise ConflictError(f"行动当前为“{state.label}”，不能{step.label}。{hint}")


def steps_from(state: ActionState) -> list[ActionStep]:
    """What the page may offer for an action in ``state`` (in the table's order)."""
    return [step for (st, step) in TRANSITIONS if st is state]


def require_editable(state: ActionState) -> None:
    if state not in EDITABLE:
        raise ConflictError(f"行动当前为“{state.label}”，不能直接修改；"
                            f"如需调整，请先“退回修改”后再编辑并重新提交审批。")


@dataclass(frozen=True)
class ActionResults:
    """What an action achieved (行动结果); fines in 分 so sums stay exact."""

    units_inspected: int = 0
    problems_found: int = 0
    cases_filed: int = 0
    rectified: int = 0
    fines_fen: int = 0
    minutes: str = ""

    def validate(self) -> None:
        for field, value in (("检查单位数", self.units_inspected), ("发现问题数", self.problems_found),
                             ("立案数", self.cases_filed), ("整改数", self.rectified),
                             ("罚没金额", self.fines_fen)):
            if value < 0:
                raise ValidationError(field, f"不能为负数（现为 {value}），请核对。")
        if self.rectified > self.problems_found:
            raise ValidationError("整改数", f"{self.rectified} 大于发现问题数 {self.problems_found}，"
                                          f"请核对。")
        if self.cases_filed > self.problems_found:
            raise ValidationError("立案数", f"{self.cases_filed} 大于发现问题数 "
                                          f"{self.problems_found}，请核对。")


def yuan(fen: int) -> str:
    """``123456`` → ``1234.56``: fines are shown in 元 and stored in 分."""
    return f"{fen // 100}.{fen % 100:02d}"
