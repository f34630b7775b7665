"""District work orders (区级派单) and the commands a street sends about them.

A work order is a ``demand`` record owned by the district. Its ``district_status``
(district-owned) moves ``dispatched → accepted → completion_submitted``,
``dispatched|accepted → return_requested`` and, by the district, to ``recalled``. The
street's own loop (``status``) is checked with the client's state machine
(desktop.domain.demand_states), so the server refuses what the client would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.domain.demand_states import (
    DemandAction,
    DemandStatus,
    IllegalTransitionError,
    next_status,
)

COMMANDS = ("accept", "request_extension", "request_return", "submit_completion")
_COMPLETED_LOCALLY = frozenset({DemandStatus.REPORTED, DemandStatus.VERIFIED,
                                DemandStatus.CLOSED, DemandStatus.RATED})
_DISTRICT_LABELS = {"dispatched": "已派单", "accepted": "已签收", "return_requested": "已申请退回",
                    "completion_submitted": "已办结反馈", "recalled": "已撤回"}


@dataclass(frozen=True)
class CommandOutcome:
    fields: dict[str, Any] | None  # None → nothing changes
    conflict: str | None = None
    message: str = ""


class CommandRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def is_work_order(owner: str, fields: dict[str, Any]) -> bool:
    return owner == "district" and "district_status" in fields


def apply_command(fields: dict[str, Any], command: str, args: dict[str, Any],
                  now: datetime) -> CommandOutcome:
    """The work order's fields after ``command``, or the conflict that refuses it."""
    if command not in COMMANDS:
        raise CommandRejected("unknown_command", f"未知的派单操作“{command}”，请升级客户端。")
    state = str(fields.get("district_status", ""))
    if state == "recalled":
        return CommandOutcome(None, "recalled", "区级平台已撤回该派单，无需继续办理。")
    try:
        local = DemandStatus(str(fields.get("status", DemandStatus.ACCEPTED.value)))
    except ValueError:
        local = DemandStatus.ACCEPTED
    handler = {"accept": _accept, "request_extension": _extension,
               "request_return": _return, "submit_completion": _completion}[command]
    return handler(dict(fields), state, local, args, now.isoformat(timespec="seconds"))


def _refused(state: str, what: str) -> CommandOutcome:
    label = _DISTRICT_LABELS.get(state, state)
    return CommandOutcome(None, "illegal_transition", f"该派单在区级平台为“{label}”，不能{what}。")


def _accept(fields: dict[str, Any], state: str, _local: DemandStatus, _args: dict[str, Any],
            now: str) -> CommandOutcome:
    if state == "accepted":
        return CommandOutcome(None)  # a second install of the street accepted too
    if state != "dispatched":
        return _refused(state, "签收")
    return CommandOutcome(fields | {"district_status": "accepted", "accepted_at": now})


def _extension(fields: dict[str, Any], state: str, local: DemandStatus, args: dict[str, Any],
               now: str) -> CommandOutcome:
    if state != "accepted":
        return _refused(state, "申请延期")
    try:
        next_status(local, DemandAction.REQUEST_EXTENSION)
    except IllegalTransitionError as exc:
        return CommandOutcome(None, "illegal_transition", exc.message)
    workdays = args.get("workdays")
    if not isinstance(workdays, int) or isinstance(workdays, bool) or not 1 <= workdays <= 60:
        raise CommandRejected("invalid_value", "延期天数应为 1 至 60 个工作日。")
    request = {"workdays": workdays, "reason": str(args.get("reason", "")), "requested_at": now}
    return CommandOutcome(fields | {"extension_request": request})


def _return(fields: dict[str, Any], state: str, local: DemandStatus, args: dict[str, Any],
            now: str) -> CommandOutcome:
    if state not in ("dispatched", "accepted"):
        return _refused(state, "申请退回")
    try:
        next_status(local, DemandAction.SEND_BACK)
    except IllegalTransitionError as exc:
        return CommandOutcome(None, "illegal_transition", exc.message)
    request = {"reason": str(args.get("reason", "")), "requested_at": now}
    return CommandOutcome(fields | {"district_status": "return_requested",
                                    "return_request": request})


def _completion(fields: dict[str, Any], state: str, local: DemandStatus,
                args: dict[str, Any], now: str) -> CommandOutcome:
    if state != "accepted":
        return _refused(state, "办结反馈")
    if local not in _COMPLETED_LOCALLY:
        return CommandOutcome(None, "illegal_transition",
                              f"诉求当前为“{local.label}”，处置反馈之后才能向区级平台办结反馈。")
    completion = {"summary": str(args.get("summary", "")), "submitted_at": now}
    return CommandOutcome(fields | {"district_status": "completion_submitted",
                                    "completion": completion})


def new_work_order_fields(*, number: str, title: str, content: str, kind: str, nature: str,
                          urgent: bool, address: str, reporter_name: str, reporter_phone: str,
                          received_at: datetime, deadline_at: datetime | None,
                          deadline_note: str) -> dict[str, Any]:
    """The columns of the client's ``demand`` table for a freshly dispatched order."""
    return {
        "number": number, "external_number": number, "kind": kind, "nature": nature,
        "source": "district_dispatch", "category_id": None, "urgent": urgent, "title": title,
        "content": content, "reporter_name": reporter_name, "reporter_phone": reporter_phone,
        "address": address, "longitude": None, "latitude": None, "grid_id": None,
        "responsibility_item_id": None, "lead_unit_id": None, "handling_level": "street",
        "status": DemandStatus.ACCEPTED.value,
        "received_at": received_at.isoformat(timespec="seconds"),
        "deadline_at": deadline_at.isoformat(timespec="seconds") if deadline_at else None,
        "deadline_note": deadline_note, "closed_at": None, "rating": None,
        "duplicate_of_id": None, "returned_count": 0,
        "created_at": received_at.isoformat(timespec="seconds"),
        "updated_at": received_at.isoformat(timespec="seconds"),
        "district_status": "dispatched", "district_note": "",
    }
