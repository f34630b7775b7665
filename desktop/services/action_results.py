"""After a joint action: its results (行动结果), photos and evaluation, the demands it
closes, and the figures it gives the indicators.

Recording the results closes the demands that triggered the action through the
demands' own closed loop (``demand_flow.apply_action``: 签收处置 → 处置反馈 → 核查 →
结案, from wherever each demand stands), with the demand permissions and one audit row
per demand, in the same transaction as the results. A demand not yet dispatched,
returned, or already finished is left as it is and named in the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from desktop import clock
from desktop.config import DataPaths
from desktop.domain.action_states import (
    STEP_PERMISSIONS,
    ActionResults,
    ActionState,
    ActionStep,
    Evaluation,
    yuan,
)
from desktop.domain.actor import Actor
from desktop.domain.demand_states import ACTION_PERMISSIONS, DemandAction, DemandStatus
from desktop.domain.errors import ValidationError
from desktop.domain.permissions import require
from desktop.services import audit
from desktop.services.action_building import advance, detail_in
from desktop.services.action_rows import ActionDetail, check_version, load_action, results_of
from desktop.services.attachments import StoredFile, put_file
from desktop.services.audit import AuditAction
from desktop.services.calendar import calendar_in
from desktop.services.demand_flow import ActionInput, apply_action
from local_db.models import Attachment, Demand
from local_db.models.actions import ActionAttachment, JointAction
from local_db.unit_of_work import UnitOfWork

A, D = DemandAction, DemandStatus
# From where a demand stands to 结案, one legal step at a time.
_TO_CLOSED: dict[DemandStatus, tuple[DemandAction, ...]] = {
    D.DISPATCHED: (A.START, A.REPORT, A.VERIFY, A.CLOSE),
    D.HANDLING: (A.REPORT, A.VERIFY, A.CLOSE),
    D.SUSPENDED: (A.RESUME, A.REPORT, A.VERIFY, A.CLOSE),
    D.REPORTED: (A.VERIFY, A.CLOSE),
    D.VERIFIED: (A.CLOSE,),
}
_WHY_LEFT = {D.ACCEPTED: "尚未研判派遣", D.TRIAGED: "尚未派遣", D.RETURNED: "已退单待重新派遣",
             D.CLOSED: "此前已结案", D.RATED: "此前已结案", D.MERGED: "已合并到其他诉求",
             D.SENT_BACK: "已退回区级"}
_DONE = (ActionState.RESULTS_RECORDED.value, ActionState.EVALUATED.value)


@dataclass(frozen=True)
class ResultsOutcome:
    detail: ActionDetail
    closed: tuple[str, ...]  # 受理编号 of the demands closed now
    left: tuple[str, ...]  # "20261120-0003 尚未派遣": demands left as they were, and why

    @property
    def message(self) -> str:
        text = f"已登记行动 {self.detail.row.number} 的结果。"
        if self.closed:
            text += f"已结案诉求 {len(self.closed)} 件：{'、'.join(self.closed)}。"
        if self.left:
            text += f"未结案：{'；'.join(self.left)}，请到诉求页面办理。"
        return text


def _summary_note(action: JointAction) -> str:
    return (f"联合执法行动 {action.number}「{action.title}」处置：检查 {action.units_inspected} 家，"
            f"发现问题 {action.problems_found} 个，立案 {action.cases_filed} 件，"
            f"整改 {action.rectified} 处" + (f"，罚没 {yuan(action.fines_fen)} 元"
                                             if action.fines_fen else ""))


def close_demand(uow: UnitOfWork, demand: Demand, action: JointAction, *, actor: Actor,
                 at: datetime) -> str | None:
    """Close one triggering demand through its loop; the reason when it is left.
    Inside an open unit of work (no commit); writes the demand's audit row."""
    status = DemandStatus(demand.status)
    path = _TO_CLOSED.get(status)
    if path is None:
        return f"{demand.number} {_WHY_LEFT.get(status, status.label)}"
    for step in path:
        require(actor, ACTION_PERMISSIONS[step])
    calendar = calendar_in(uow)
    note = _summary_note(action)
    for step in path:
        apply_action(uow, demand, step, actor=actor, at=at, calendar=calendar,
                     data=ActionInput(note=note if step is A.REPORT else "",
                                      unit_id=action.lead_unit_id if step is A.REPORT else None))
    audit.record(uow, actor, AuditAction.UPDATE, entity_type="demand", entity_id=demand.number,
                 summary=f"诉求 {demand.number}「{demand.title}」经联合执法行动 {action.number}"
                         f"办结：{note}", changes={"状态": (status.label, D.CLOSED.label)})
    return None


def link_photo(uow: UnitOfWork, action: JointAction, stored: StoredFile, *, actor: Actor,
               at: datetime) -> bool:
    """Attach a stored file to the action (once); True when it was new to the action."""
    if uow.demands.attachment(stored.sha256) is None:
        uow.demands.add_attachment(Attachment(sha256=stored.sha256, size=stored.size,
                                              media_type=stored.media_type, stored_at=at))
    if any(link.sha256 == stored.sha256 for link in action.attachments):
        return False
    action.attachments.append(ActionAttachment(sha256=stored.sha256, file_name=stored.file_name,
                                               added_at=at, added_by=actor.name))
    return True


def write_results(action: JointAction, results: ActionResults, actor: Actor,
                   at: datetime) -> dict[str, tuple[object, object]]:
    before = results_of(action)
    action.units_inspected, action.problems_found = results.units_inspected, results.problems_found
    action.cases_filed, action.rectified = results.cases_filed, results.rectified
    action.fines_fen, action.minutes = results.fines_fen, results.minutes.strip()
    action.results_at, action.results_by = at, actor.name
    labels = {"units_inspected": "检查单位数", "problems_found": "发现问题数", "cases_filed": "立案数",
              "rectified": "整改数", "fines_fen": "罚没金额（分）", "minutes": "行动纪要"}
    return {label: (getattr(before, name), getattr(results, name))
            for name, label in labels.items() if getattr(before, name) != getattr(results, name)}


def record_results(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
                   results: ActionResults, photos: Sequence[Path] = (),
                   paths: DataPaths | None = None) -> ResultsOutcome:
    """登记结果 of a completed action (or correct them); closes its demands."""
    require(actor, STEP_PERMISSIONS[ActionStep.RECORD_RESULTS])
    results.validate()
    if photos and paths is None:
        raise ValueError("photos need the data folder's paths")
    stored = [put_file(paths, photo) for photo in photos] if paths else []
    with uow:
        action = load_action(uow, action_id)
        check_version(action, expected_version)
        at = clock.now()
        before = ActionState(action.state)
        advance(action, ActionStep.RECORD_RESULTS, actor=actor, at=at)
        changes = write_results(action, results, actor, at)
        added = [s.file_name for s in stored if link_photo(uow, action, s, actor=actor, at=at)]
        if added:
            changes["照片"] = (None, "、".join(added))
        changes["状态"] = (before.label, ActionState(action.state).label)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="joint_action",
                     entity_id=action.number, summary=f"登记联合执法行动 {action.number}"
                     f"「{action.title}」结果：{_summary_note(action)}", changes=changes)
        closed, left = [], []
        for link in action.demands:
            demand = uow.demands.get(link.demand_id)
            if demand is None:
                continue
            reason = close_demand(uow, demand, action, actor=actor, at=at)
            (left.append(reason) if reason else closed.append(demand.number))
        detail = detail_in(uow, action)
        uow.commit()
        return ResultsOutcome(detail, tuple(closed), tuple(left))


def evaluate_action(uow: UnitOfWork, *, actor: Actor, action_id: str, expected_version: int,
                    evaluation: Evaluation, note: str = "") -> ActionDetail:
    """评价 (director): how the action went, after the results are in."""
    require(actor, STEP_PERMISSIONS[ActionStep.EVALUATE])
    if evaluation is Evaluation.POOR and not note.strip():
        raise ValidationError("评价说明", "评为“较差”时请写明原因。")
    with uow:
        action = load_action(uow, action_id)
        check_version(action, expected_version)
        at = clock.now()
        advance(action, ActionStep.EVALUATE, actor=actor, at=at)
        action.evaluation, action.evaluation_note = evaluation.value, note.strip()
        action.evaluated_by, action.evaluated_at = actor.name, at
        audit.record(uow, actor, AuditAction.APPROVE, entity_type="joint_action",
                     entity_id=action.number,
                     summary=f"评价联合执法行动 {action.number}「{action.title}」：{evaluation.label}"
                             + (f"（{note.strip()}）" if note.strip() else ""),
                     changes={"评价": (None, evaluation.label)})
        detail = detail_in(uow, action)
        uow.commit()
        return detail


# --- the indicators ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionResultLine:
    action_id: str
    number: str
    title: str
    day: date
    lead_unit_id: str | None
    results: ActionResults
    demands: int
    demands_closed: int


@dataclass(frozen=True)
class ActionResultsSummary:
    """What the actions of a period achieved; every figure drills down to ``lines``."""

    start: date
    end: date
    lines: tuple[ActionResultLine, ...]

    def _sum(self, name: str) -> int:
        return sum(getattr(line.results, name) for line in self.lines)

    @property
    def actions(self) -> int:
        return len(self.lines)

    @property
    def units_inspected(self) -> int:
        return self._sum("units_inspected")

    @property
    def problems_found(self) -> int:
        return self._sum("problems_found")

    @property
    def cases_filed(self) -> int:
        return self._sum("cases_filed")

    @property
    def rectified(self) -> int:
        return self._sum("rectified")

    @property
    def fines_fen(self) -> int:
        return self._sum("fines_fen")

    @property
    def demands(self) -> int:
        return sum(line.demands for line in self.lines)

    @property
    def demands_closed(self) -> int:
        return sum(line.demands_closed for line in self.lines)

    @property
    def rectification_rate(self) -> tuple[int, int]:
        """(numerator, denominator): 整改率 = rectified / problems found."""
        return self.rectified, self.problems_found


def action_results_in(uow: UnitOfWork, start: date, end: date) -> ActionResultsSummary:
    """The results of the actions that began ``start``–``end`` (inclusive) and have
    results recorded, inside an open unit of work."""
    first = datetime.combine(start, time())
    last = datetime.combine(end + timedelta(days=1), time())
    lines = []
    for action in uow.actions.completed_between(first, last, _DONE):
        statuses = [uow.demands.get(link.demand_id) for link in action.demands]
        closed = sum(1 for d in statuses if d is not None
                     and d.status in (D.CLOSED.value, D.RATED.value))
        lines.append(ActionResultLine(action.id, action.number, action.title,
                                      action.starts_at.date(), action.lead_unit_id,
                                      results_of(action), len(statuses), closed))
    return ActionResultsSummary(start, end, tuple(lines))


def action_results_for_period(uow: UnitOfWork, start: date, end: date) -> ActionResultsSummary:
    """``action_results_in`` with its own (read-only) unit of work."""
    with uow:
        return action_results_in(uow, start, end)
