"""Which side owns which table and field group (PROTOCOL.md "Tables and ownership").

The server decides; client clocks never do. A policy answers, for one push against the
record as the server keeps it: apply it, or refuse it as a conflict (with the fields
that are the district's), or reject it for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Policy(StrEnum):
    PULL_ONLY = "pull_only"  # district tables: the street never writes them
    MIXED = "mixed"  # per record: district records pull-only, street records street-owned
    WORK_ORDER = "work_order"  # demand: district work orders have a district field group
    WHISTLE_TARGET = "whistle_target"  # response fields are the department's once set
    JOINT_ACTION = "joint_action"  # approved → an edit needs the current version
    STREET = "street"  # street-owned; the district may override


TABLES: dict[str, Policy] = {
    "responsibility_list_version": Policy.PULL_ONLY,
    "responsibility_item": Policy.PULL_ONLY,
    "calendar_year": Policy.PULL_ONLY,
    "unit": Policy.MIXED,
    "demand": Policy.WORK_ORDER,
    "whistle_target": Policy.WHISTLE_TARGET,
    **{name: Policy.STREET for name in (
        "community", "grid", "grid_person", "grid_assignment", "unit_responder", "officer",
        "certificate", "leave", "duty_assignment", "demand_category", "demand_step",
        "extension_request", "whistle", "handover", "document", "document_series",
        "document_number")},
}
JOINT_ACTION_PREFIXES = ("joint_action", "action_")

WORK_ORDER_FIELDS = frozenset({
    "number", "external_number", "kind", "nature", "source", "urgent", "title", "content",
    "reporter_name", "reporter_phone", "address", "received_at", "deadline_at",
    "deadline_note", "district_status", "district_note", "extension_request",
    "return_request", "completion", "accepted_at"})
# Changed only by commands and district edits; a street's copy lags behind its own
# commands until the next pull, so what an upsert carries here is ignored, not judged.
WORK_ORDER_STATUS_FIELDS = frozenset({
    "district_status", "district_note", "extension_request", "return_request", "completion",
    "accepted_at"})
RESPONSE_FIELDS = frozenset({"responder", "arrived_at", "response", "solution_at", "outcome"})
APPROVED_STATES = frozenset({"approved", "in_progress", "executing", "done", "completed",
                             "closed", "finished", "archived"})


def policy_of(table: str) -> Policy | None:
    if table in TABLES:
        return TABLES[table]
    if table.startswith(JOINT_ACTION_PREFIXES):
        return Policy.JOINT_ACTION
    return None


@dataclass(frozen=True)
class Verdict:
    """``conflict`` set → a conflict with that code; ``fields`` = what to store."""

    fields: dict[str, Any]
    conflict: str | None = None
    message: str = ""


def same_value(a: Any, b: Any) -> bool:
    """Equal as the district sees it: datetimes compared as datetimes, empty as empty."""
    if a == b:
        return True
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, str) and isinstance(b, str):
        try:
            return datetime.fromisoformat(a) == datetime.fromisoformat(b)
        except ValueError:
            return False
    return False


def changed_keys(current: dict[str, Any], incoming: dict[str, Any],
                 keys: frozenset[str]) -> list[str]:
    """Keys of ``keys`` the push sends with a value other than the server's."""
    return sorted(k for k in keys & incoming.keys() if not same_value(current.get(k), incoming[k]))


def judge_update(policy: Policy, *, owner: str, current: dict[str, Any],
                 incoming: dict[str, Any], base_version: int, version: int,
                 district_version: int, own_chain: bool = False) -> Verdict:
    """The verdict on an upsert of an existing record.

    A district-owned value that differs in a push based on a version OLDER than the
    district's last edit is stale, not an edit: the district value stands silently.
    Only a push that saw the district's value and still changed it is a conflict.

    ``own_chain``: the record's current version is this client's own previous edit of
    it (a client numbers a run of edits from the district's last version, so a later
    edit's ``base_version`` is older than the version its earlier edit made)."""
    district_wrote_since = district_version > base_version
    if owner == "district" and policy in (Policy.PULL_ONLY, Policy.MIXED):
        if changed_keys(current, incoming, frozenset(incoming)):
            return Verdict(current, "district_owned", "该记录由区级平台维护，本机的修改未被采纳，已保留区级平台的内容。")
        return Verdict(current)
    if policy is Policy.WORK_ORDER and owner == "district":
        incoming = {k: v for k, v in incoming.items() if k not in WORK_ORDER_STATUS_FIELDS}
        return _guarded(current, incoming, WORK_ORDER_FIELDS, district_wrote_since,
                        "区级派单的以下内容由区级平台维护，本机修改未被采纳：{names}；本机的其他修改已保存。")
    if policy is Policy.WHISTLE_TARGET:
        answered = frozenset(k for k in RESPONSE_FIELDS if current.get(k) not in (None, ""))
        return _guarded(current, incoming, answered, district_wrote_since,
                        "应哨部门已在区级平台填写：{names}，以部门填写为准；本机的其他修改已保存。")
    if policy is Policy.JOINT_ACTION and str(current.get("status", "")) in APPROVED_STATES \
            and base_version != version and not own_chain:
        return Verdict(current, "stale_version",
                       "该联合执法行动已审批，本机修改所依据的版本已过时；请查看最新内容后重新修改。")
    if district_wrote_since and base_version < version:
        return Verdict(current, "district_override",
                       "区级平台在本机修改之后更改了该记录，本机的修改未被采纳；如需保留本机内容，可在冲突列表中选择“以本机为准”重新提交。")
    return Verdict({**current, **incoming})


def _guarded(current: dict[str, Any], incoming: dict[str, Any], guarded: frozenset[str],
             stale: bool, template: str) -> Verdict:
    """Street fields merged in; guarded fields keep the server's value."""
    merged = {**current, **{k: v for k, v in incoming.items() if k not in guarded}}
    touched = [] if stale else changed_keys(current, incoming, guarded)
    if touched:
        return Verdict(merged, "district_owned", template.format(names="、".join(touched)))
    return Verdict(merged)


def district_owned_new(policy: Policy) -> bool:
    """A street may not create records in a pull-only table."""
    return policy is Policy.PULL_ONLY
