"""延期: the handling unit asks for more working days before the deadline, the director
decides. An extension is not a status: the request and the decision are steps on the
timeline, and an approval moves the deadline by the requested working days (refusal
keeps it). A demand leaving handling (结案, 退单, merge…) withdraws a pending request.
"""

from __future__ import annotations

from datetime import datetime

from desktop import clock
from desktop.domain.actor import Actor
from desktop.domain.demand_states import DemandAction, DemandStatus, ExtensionState, next_status
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.domain.workdays import WorkCalendar
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.calendar import calendar_in
from desktop.services.demand_flow import (
    add_step,
    check_version,
    extensions_of,
    load_demand,
    refresh_deadline,
    touch,
)
from desktop.services.demand_rows import ExtensionRow, extension_row
from local_db.models import Demand, ExtensionRequest
from local_db.unit_of_work import UnitOfWork

A = DemandAction
MAX_WORKDAYS = 30


def pending_extension(uow: UnitOfWork, demand: Demand) -> ExtensionRequest | None:
    return next((r for r in extensions_of(uow, demand)
                 if r.state == ExtensionState.PENDING), None)


def add_extension_request(uow: UnitOfWork, demand: Demand, *, actor: Actor, at: datetime,
                          workdays: int, reason: str,
                          unit_id: str | None = None) -> ExtensionRequest:
    """延期申请: only before the deadline, one pending at a time, 1–30 working days."""
    status = DemandStatus(demand.status)
    next_status(status, A.REQUEST_EXTENSION)
    reason = reason.strip()
    if not reason:
        raise ValidationError("延期理由", "不能为空，请说明需要延期的原因。")
    if not 1 <= workdays <= MAX_WORKDAYS:
        raise ValidationError("延期天数", f"应为 1–{MAX_WORKDAYS} 个工作日（现为 {workdays}）。")
    if demand.deadline_at is not None and at > demand.deadline_at:
        raise ConflictError(f"诉求 {demand.number} 已超过办理期限，不能再申请延期；"
                            "请尽快办结，或由执法办主任督办。")
    if pending_extension(uow, demand) is not None:
        raise ConflictError(f"诉求 {demand.number} 已有一份待审批的延期申请，请等待审批结果。")
    request = ExtensionRequest(id=new_id(), version=1, created_at=at, updated_at=at,
                               demand_id=demand.id, requested_by=actor.name, requested_at=at,
                               workdays=workdays, reason=reason,
                               state=ExtensionState.PENDING.value, decision_note="")
    uow.demands.add_extension(request)
    uow.flush()  # extensions_of reads without flushing
    add_step(uow, demand, A.REQUEST_EXTENSION, status, status, actor, at,
              unit_id or demand.lead_unit_id, f"{workdays} 个工作日；{reason}")
    touch(demand, at)
    return request


def decide_extension_request(uow: UnitOfWork, demand: Demand, request: ExtensionRequest, *,
                             actor: Actor, at: datetime, approve: bool, note: str,
                             calendar: WorkCalendar) -> None:
    """批准 moves the deadline by the request's working days; 不批准 keeps it."""
    status = DemandStatus(demand.status)
    next_status(status, A.DECIDE_EXTENSION)
    if request.state != ExtensionState.PENDING:
        raise ConflictError(f"该延期申请已{ExtensionState(request.state).label}，不能再次审批。")
    note = note.strip()
    if not approve and not note:
        raise ValidationError("审批意见", "不批准延期时请写明理由。")
    request.state = (ExtensionState.APPROVED if approve else ExtensionState.REFUSED).value
    request.decided_by, request.decided_at, request.decision_note = actor.name, at, note
    touch(request, at)
    uow.flush()  # refresh_deadline reads the extensions without flushing
    before = demand.deadline_at
    if approve:
        refresh_deadline(uow, demand, calendar)
    verdict = f"批准 {request.workdays} 个工作日" if approve else "不批准"
    if approve and demand.deadline_at and before != demand.deadline_at:
        verdict += f"，期限改为 {demand.deadline_at:%Y-%m-%d}"
    add_step(uow, demand, A.DECIDE_EXTENSION, status, status, actor, at, None,
              "；".join(filter(None, (verdict, note))))
    touch(demand, at)


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "无法计算"


def request_extension(uow: UnitOfWork, *, actor: Actor, demand_id: str, expected_version: int,
                      workdays: int, reason: str) -> ExtensionRow:
    """Ask for ``workdays`` more working days (pending until the director decides)."""
    require(actor, Permission.DEMAND_HANDLE)
    with uow:
        demand = load_demand(uow, demand_id)
        check_version(demand, expected_version)
        request = add_extension_request(uow, demand, actor=actor, at=clock.now(),
                                        workdays=workdays, reason=reason)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="demand_extension",
                     entity_id=demand.number,
                     summary=f"诉求 {demand.number} 申请延期 {workdays} 个工作日：{request.reason}",
                     changes={"延期天数": (None, workdays), "延期理由": (None, request.reason)})
        uow.commit()
        return extension_row(request)


def decide_extension(uow: UnitOfWork, *, actor: Actor, request_id: str, expected_version: int,
                     approve: bool, note: str = "") -> ExtensionRow:
    """The director's decision; ``expected_version`` is the demand's (what the detail
    page showed), so a decision on a demand that moved on meanwhile is refused."""
    require(actor, Permission.DEMAND_APPROVE)
    with uow:
        request = uow.demands.extension(request_id)
        if request is None:
            raise NotFoundError("找不到该延期申请，可能已被撤销，请刷新后重试。")
        demand = load_demand(uow, request.demand_id)
        check_version(demand, expected_version)
        before = demand.deadline_at
        decide_extension_request(uow, demand, request, actor=actor, at=clock.now(),
                                 approve=approve, note=note, calendar=calendar_in(uow))
        verdict = "批准" if approve else "不批准"
        audit.record(uow, actor, AuditAction.APPROVE, entity_type="demand_extension",
                     entity_id=demand.number,
                     summary=f"{verdict}诉求 {demand.number} 延期 {request.workdays} 个工作日"
                             + (f"：{request.decision_note}" if request.decision_note else ""),
                     changes={"审批结果": (ExtensionState.PENDING.label,
                                       ExtensionState(request.state).label),
                              "办理期限": (_day(before), _day(demand.deadline_at))})
        uow.commit()
        return extension_row(request)
