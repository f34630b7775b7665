"""Demand use cases (诉求): intake, every step of the closed loop, the detail page and
its timeline, and revealing the reporter's phone.

Each committing use case checks the permission the state machine names for its
action (desktop/domain/demand_states.py ``ACTION_PERMISSIONS``), refuses a stale
``expected_version`` (someone else acted since the page was read), applies the step
through ``demand_flow.apply_action`` and writes one audit row in the same transaction.
Extensions are in ``demand_extensions``, attachments in ``attachments``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from desktop import clock
from desktop.config import DataPaths
from desktop.domain.actor import Actor
from desktop.domain.demand_states import (
    ACTION_PERMISSIONS,
    DemandAction,
    DemandStatus,
    Rating,
)
from desktop.domain.errors import ValidationError
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_phone
from desktop.services import audit
from desktop.services.attachments import link_attachment, put_file
from desktop.services.audit import AuditAction
from desktop.services.calendar import calendar_in
from desktop.services.demand_flow import (
    ActionInput,
    Routing,
    add_demand,
    apply_action,
    check_version,
    load_demand,
)
from desktop.services.demand_intake import IntakeInput
from desktop.services.demand_rows import (
    DemandDetail,
    DemandRow,
    Names,
    StepRow,
    demand_row,
    detail_of,
    step_row,
)
from local_db.models import Demand, DemandStep
from local_db.unit_of_work import UnitOfWork

__all__ = [
    "ActionInput",
    "DemandDetail",
    "DemandRow",
    "IntakeInput",
    "Routing",
    "StepRow",
    "callback",
    "close",
    "dispatch",
    "get_demand",
    "intake_demand",
    "merge_duplicate",
    "rate",
    "reopen",
    "report_result",
    "resume",
    "return_demand",
    "reveal_reporter_phone",
    "send_back",
    "start_handling",
    "supervise",
    "suspend",
    "timeline",
    "triage",
    "verify",
]

A = DemandAction
_APPROVALS = frozenset({A.SEND_BACK, A.REOPEN})


# --- intake -------------------------------------------------------------------------------


def _intake_changes(demand: Demand, names: Names) -> dict[str, tuple[object, object]]:
    row = demand_row(demand, names)
    values = {"标题": row.title, "诉求类型": row.kind.label, "诉求来源": row.source.label,
              "诉求性质": row.nature.label, "紧急": "是" if row.urgent else None,
              "分类": row.category_path, "诉求人": row.reporter_name,
              "联系电话": mask_phone(demand.reporter_phone), "地址": row.address,
              "所属网格": row.grid_name, "区级工单号": row.external_number,
              "办理期限": row.deadline_text}
    return {label: (None, value) for label, value in values.items() if value}


def intake_demand(uow: UnitOfWork, *, actor: Actor, data: IntakeInput) -> DemandRow:
    """受理: store a new demand with its 受理编号 (YYYYMMDD-NNNN, no gaps) and deadline."""
    require(actor, Permission.DEMAND_INTAKE)
    with uow:
        demand = add_demand(uow, actor=actor, data=data, at=clock.now(),
                            calendar=calendar_in(uow))
        names = Names(uow)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="demand",
                     entity_id=demand.number,
                     summary=f"受理诉求 {demand.number}「{demand.title}」",
                     changes=_intake_changes(demand, names))
        uow.commit()
        return demand_row(demand, names)


# --- the loop ------------------------------------------------------------------------------


def _audit_step(uow: UnitOfWork, actor: Actor, demand: Demand, step: DemandStep) -> None:
    action = DemandAction(step.action)
    before, after = DemandStatus(step.from_status), DemandStatus(step.to_status)
    changes: dict[str, tuple[object, object]] = {}
    if before is not after:
        changes["状态"] = (before.label, after.label)
    if step.note:
        changes["办理记录"] = (None, step.note)
    audit.record(uow, actor, AuditAction.APPROVE if action in _APPROVALS else AuditAction.UPDATE,
                 entity_type="demand", entity_id=demand.number,
                 summary=f"诉求 {demand.number}「{demand.title}」{action.label}"
                         + (f"：{step.note}" if step.note else ""),
                 changes=changes)


def _perform(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
             action: DemandAction, data: ActionInput,
             files: Sequence[Path] = (), paths: DataPaths | None = None) -> DemandRow:
    require(actor, ACTION_PERMISSIONS[action])
    if files and paths is None:
        raise ValueError("attachments need the data folder's paths")
    stored = [put_file(paths, path) for path in files] if paths else []
    with uow:
        demand = load_demand(uow, demand_id)
        check_version(demand, expected_version)
        at = clock.now()
        if stored:
            for item in stored:
                link_attachment(uow, demand, item, actor=actor, at=at)
            listed = "、".join(item.file_name for item in stored)
            data = replace(data, note=f"{data.note.strip()}（附件：{listed}）")
        step = apply_action(uow, demand, action, actor=actor, at=at, calendar=calendar_in(uow),
                            data=data)
        _audit_step(uow, actor, demand, step)
        uow.commit()
        return demand_row(demand, Names(uow))


def triage(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
           routing: Routing, note: str = "") -> DemandRow:
    """研判: handling level, category, list item, lead and cooperating units."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.TRIAGE, data=ActionInput(note=note, routing=routing))


def dispatch(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
             unit_id: str | None = None, note: str = "") -> DemandRow:
    """分流/派遣 to ``unit_id`` (default: the lead unit chosen at triage)."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.DISPATCH, data=ActionInput(note=note, unit_id=unit_id))


def start_handling(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
                   note: str = "") -> DemandRow:
    """签收: the unit has taken the demand on (处置中)."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.START, data=ActionInput(note=note))


def report_result(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
                  note: str, attachments: Sequence[Path] = (),
                  paths: DataPaths | None = None) -> DemandRow:
    """处置反馈 with the result and its evidence (photos, documents: stored by content
    under ``paths``, attached in the same transaction as the step)."""
    if not note.strip():  # before any file is copied
        raise ValidationError("处置结果", "不能为空，请填写后再提交。")
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.REPORT, data=ActionInput(note=note), files=attachments, paths=paths)


def verify(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
           passed: bool, note: str = "") -> DemandRow:
    """核查: passed → 已核查 (ready to close); failed → back to the unit (处置中)."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.VERIFY if passed else A.REJECT, data=ActionInput(note=note))


def close(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
          note: str = "") -> DemandRow:
    """结案."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.CLOSE, data=ActionInput(note=note))


def rate(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
         rating: Rating, note: str = "") -> DemandRow:
    """评价: the reporter's 满意 / 基本满意 / 不满意."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.RATE, data=ActionInput(note=note, rating=rating))


def return_demand(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
                  reason: str, unit_id: str | None = None) -> DemandRow:
    """退单 by the handling unit (default: the lead unit), with its reason; the demand
    goes back to the sub-center for triage, and the clock restarts if the rule says so."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.RETURN, data=ActionInput(note=reason, unit_id=unit_id))


def send_back(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
              reason: str) -> DemandRow:
    """退回区级: a dispatched demand outside the street's duties goes back up (director)."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.SEND_BACK, data=ActionInput(note=reason))


def suspend(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
            reason: str) -> DemandRow:
    """挂起: handling cannot go on for now; the clock stops until ``resume``."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.SUSPEND, data=ActionInput(note=reason))


def resume(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
           note: str = "") -> DemandRow:
    """恢复处置: the clock runs again, the suspended time not counted."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.RESUME, data=ActionInput(note=note))


def merge_duplicate(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
                    into_id: str, note: str = "") -> DemandRow:
    """合并重复件: ``demand_id`` ends here, its timeline naming the demand it joined."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.MERGE, data=ActionInput(note=note, into_id=into_id))


def callback(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
             note: str, satisfied: bool | None = None) -> DemandRow:
    """回访 of a closed demand: recorded on the timeline, the status unchanged."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.CALLBACK, data=ActionInput(note=note, satisfied=satisfied))


def reopen(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
           reason: str) -> DemandRow:
    """重新办理 a closed (or rated) demand: back to the unit, rating cleared (director)."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.REOPEN, data=ActionInput(note=reason))


def supervise(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
              note: str) -> DemandRow:
    """督办: a reminder to the unit on the timeline (the 督办单 is a document)."""
    return _perform(uow, actor=actor, demand_id=demand_id, expected_version=expected_version,
                    action=A.SUPERVISE, data=ActionInput(note=note))


# --- reading -------------------------------------------------------------------------------


def get_demand(uow: UnitOfWork, demand_id: str, *, moment: datetime | None = None) -> DemandDetail:
    """The detail page: the demand (phone masked), units, extensions, attachments,
    timeline, what may be done next, and where it stands against its deadline."""
    with uow:
        demand = load_demand(uow, demand_id)
        return detail_of(uow, demand, calendar_in(uow), moment or clock.now())


def timeline(uow: UnitOfWork, demand_id: str) -> list[StepRow]:
    with uow:
        demand = load_demand(uow, demand_id)
        names = Names(uow)
        return [step_row(step, names) for step in uow.demands.steps(demand.id)]


def reveal_reporter_phone(uow: UnitOfWork, *, actor: Actor, demand_id: str) -> str:
    """The reporter's full phone, audited (the trail keeps it masked); "" when none."""
    require(actor, Permission.PERSONAL_DATA_REVEAL)
    with uow:
        demand = load_demand(uow, demand_id)
        phone = demand.reporter_phone
        if not phone:
            return ""
        who = demand.reporter_name or "诉求人"
        audit.record(uow, actor, AuditAction.REVEAL, entity_type="demand",
                     entity_id=demand.number,
                     summary=f"查看了诉求 {demand.number} {who}的完整联系电话（{mask_phone(phone)}）",
                     changes={"联系电话": (mask_phone(phone), "已显示完整号码")})
        uow.commit()
        return phone
