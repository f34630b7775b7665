"""Which local changes of a dispatched work order (派单) travel as commands.

A work order's district status is the district's (district/PROTOCOL.md "Commands"): the
street never sends it as a field; it sends the step it took, and the district's state
machine accepts or refuses it (a refusal comes back as a conflict the user sees). The
local closed loop runs as usual; the outbox hook asks ``work_order_commands`` after each
change of a ``demand`` or ``extension_request`` row and queues these after the row:

- the first step after receipt (受理 → 研判/派遣/处置…) → ``accept`` (签收);
- 退回区级 (``sent_back``) → ``request_return`` with the step's note as the reason;
- 处置反馈 (``reported``) → ``submit_completion`` with the step's note as the summary;
- a new 延期 request on a work order → ``request_extension`` (workdays, reason).

Nothing is queued for an order the pull already shows as recalled (撤回): the district
would only answer each command with a ``recalled`` conflict for the user to dismiss.
The street's own loop on it goes on and still travels as upserts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.demand_states import DemandStatus
from desktop.domain.work_orders import DistrictStatus
from local_db.models import Demand, DemandStep, ExtensionRequest

DISPATCH_SOURCE = "district_dispatch"
RECALLED = DistrictStatus.RECALLED.value
S = DemandStatus
Command = tuple[str, str, str, dict[str, Any]]  # table, record id, command, args


def _commands_wanted(demand: Demand) -> bool:
    """A district work order the district has not recalled (as far as the pull knows)."""
    return demand.source == DISPATCH_SOURCE and demand.district_status != RECALLED


def _latest_note(session: Session, demand_id: str) -> str:
    with session.no_autoflush:
        note = session.scalar(select(DemandStep.note).where(DemandStep.demand_id == demand_id)
                              .order_by(DemandStep.id.desc()).limit(1))
    return note or ""


def _demand_commands(session: Session, demand: Demand,
                     changes: dict[str, tuple[Any, Any]]) -> list[Command]:
    if not _commands_wanted(demand) or "status" not in changes:
        return []
    before, after = changes["status"]
    commands: list[Command] = []
    if before == S.ACCEPTED.value and after not in (S.SENT_BACK.value, S.MERGED.value):
        commands.append(("demand", demand.id, "accept", {}))
    if after == S.SENT_BACK.value:
        commands.append(("demand", demand.id, "request_return",
                         {"reason": _latest_note(session, demand.id)}))
    elif after == S.REPORTED.value:
        commands.append(("demand", demand.id, "submit_completion",
                         {"summary": _latest_note(session, demand.id)}))
    return commands


def _extension_commands(session: Session, request: ExtensionRequest,
                        created: bool) -> list[Command]:
    if not created:
        return []
    with session.no_autoflush:
        demand = session.get(Demand, request.demand_id)
    if demand is None or not _commands_wanted(demand):
        return []
    return [("demand", demand.id, "request_extension",
             {"workdays": int(request.workdays), "reason": request.reason})]


def work_order_commands(session: Session, instance: object, created: bool,
                        changes: dict[str, tuple[Any, Any]]) -> list[Command]:
    """The CommandRule given to ``local_db.outbox_events.install_outbox``."""
    if isinstance(instance, Demand) and not created:
        return _demand_commands(session, instance, changes)
    if isinstance(instance, ExtensionRequest):
        return _extension_commands(session, instance, created)
    return []
