"""Use cases around sync that need no network: what the status bar and the sync page
show, the connection settings, and the user's answer to a conflict.

Permissions: changing the connection needs SYNC_CONFIGURE (system administrator);
answering conflicts and clearing refused items needs SYNC_RUN (every role today).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from local_db.models.sync import OutboxEntry, SyncConflict, SyncRun
from local_db.sync_repository import synced_tables
from local_db.unit_of_work import UnitOfWork

TABLE_LABELS = {
    "demand": "诉求", "whistle": "吹哨", "whistle_target": "吹哨部门", "handover": "双向派单",
    "grid": "网格", "community": "社区/村", "grid_person": "网格人员",
    "grid_assignment": "网格人员配备", "officer": "执法人员", "certificate": "执法证",
    "leave": "请假", "duty_assignment": "值班", "unit": "部门", "unit_responder": "应哨人",
    "extension_request": "延期申请", "demand_category": "诉求分类",
    "responsibility_list_version": "事项清单版本", "responsibility_item": "清单事项",
    "calendar_year": "节假日安排",
}
STATE_LABELS = {"pending": "待上传", "sent": "已发送待确认", "conflict": "冲突",
                "rejected": "平台拒收", "applied": "已确认"}
OP_LABELS = {"upsert": "新增/修改", "delete": "删除", "command": "状态变更"}


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


@dataclass(frozen=True)
class SyncOverview:
    enrolled: bool
    server_url: str
    street_code: str
    proxy: str
    ca_file: str
    client_id: str
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    waiting: int
    conflicts: int
    rejected: int
    initial_pull_done: bool
    pulled_records: int
    pull_total: int | None
    clock_skew_seconds: int | None


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    table: str
    record_id: str
    op: str
    state: str
    created_at: datetime
    attempts: int
    last_error: str


@dataclass(frozen=True)
class ConflictItem:
    id: int
    table: str
    record_id: str
    reason: str
    local: dict[str, Any]
    server: dict[str, Any]
    resendable: bool
    created_at: datetime


@dataclass(frozen=True)
class RunItem:
    id: int
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    pushed: int
    pulled: int
    conflicts: int
    rejected: int
    result: str
    error: str


def sync_overview(uow: UnitOfWork) -> SyncOverview:
    with uow:
        state = uow.sync.peek_state()
        counts = (uow.sync.waiting_count(), uow.sync.open_conflict_count(),
                  uow.sync.answered_count("rejected"))
        if state is None:
            return SyncOverview(False, "", "", "", "", "", None, None, "", *counts, False, 0,
                                None, None)
        return SyncOverview(
            bool(state.client_id and state.server_url), state.server_url, state.street_code,
            state.proxy, state.ca_file, state.client_id or "", state.last_success_at,
            state.last_attempt_at, state.last_error, *counts, state.initial_pull_done,
            state.pulled_records, state.pull_total, state.clock_skew_seconds)


def list_outbox(uow: UnitOfWork, limit: int = 500) -> list[OutboxItem]:
    with uow:
        return [OutboxItem(row.seq, row.table_name, row.record_id, row.op, row.state,
                           row.created_at, row.attempts, row.last_error)
                for row in uow.sync.recent_outbox(limit)]


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def list_conflicts(uow: UnitOfWork) -> list[ConflictItem]:
    with uow:
        return [ConflictItem(row.id, row.table_name, row.record_id, row.reason,
                             _loads(row.local_json), _loads(row.server_json), row.resendable,
                             row.created_at) for row in uow.sync.open_conflicts()]


def list_runs(uow: UnitOfWork, limit: int = 50) -> list[RunItem]:
    with uow:
        return [_run_item(row) for row in uow.sync.recent_runs(limit)]


def _run_item(row: SyncRun) -> RunItem:
    return RunItem(row.id, row.trigger, row.started_at, row.finished_at, row.pushed, row.pulled,
                   row.conflicts, row.rejected, row.result, row.error)


# --- settings --------------------------------------------------------------------------


def check_server_url(url: str) -> str:
    """https for any real server; plain http only for this machine (the demo server)."""
    url = url.strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValidationError("平台地址", "应为 https://开头的网址，例如 https://district.example.gov.cn。")
    if parsed.scheme == "http" and parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValidationError("平台地址", "必须使用 https（加密连接）；只有本机演示平台可以用 http。")
    return url


def configure_sync(uow: UnitOfWork, *, actor: Actor, server_url: str, proxy: str = "",
                   ca_file: str = "") -> SyncOverview:
    """Save the connection settings (the next run uses them; no network here)."""
    require(actor, Permission.SYNC_CONFIGURE)
    url = check_server_url(server_url)
    with uow:
        state = uow.sync.state()
        before = (state.server_url, state.proxy, state.ca_file)
        state.server_url, state.proxy, state.ca_file = url, proxy.strip(), ca_file.strip()
        audit.record(uow, actor, audit.AuditAction.SYNC, entity_type="sync_state",
                     entity_id="1", summary="修改区级平台连接设置",
                     changes={"平台地址": (before[0], url), "代理": (before[1], state.proxy),
                              "CA 证书文件": (before[2], state.ca_file)})
        uow.commit()
    return sync_overview(uow)


# --- conflicts -------------------------------------------------------------------------


def resolve_conflict(uow: UnitOfWork, *, actor: Actor, conflict_id: int, choice: str) -> None:
    """``district``: take the district's version here; ``mine``: send this install's
    version again over the district's (only where the policy allows it)."""
    require(actor, Permission.SYNC_RUN)
    with uow:
        conflict = uow.sync.conflict(conflict_id)
        if conflict is None or conflict.resolved:
            raise NotFoundError("该冲突已处理或不存在，请刷新“同步”页。")
        if choice == "mine" and not conflict.resendable:
            raise ConflictError("这条数据由区级平台负责，只能采用平台的版本。")
        server = _loads(conflict.server_json)
        if choice == "mine":
            _resend(uow, conflict, server)
        elif server:
            _take_district(uow, conflict.table_name, conflict.record_id, server)
        if conflict.outbox_seq is not None:
            uow.sync.acknowledge([conflict.outbox_seq])
        conflict.resolved, conflict.resolution = True, choice
        conflict.resolved_at, conflict.resolved_by = now(), actor.name
        audit.record(uow, actor, audit.AuditAction.SYNC, entity_type=conflict.table_name,
                     entity_id=conflict.record_id,
                     summary=f"处理同步冲突（{table_label(conflict.table_name)}）："
                             f"{'重新上传本机版本' if choice == 'mine' else '采用区级平台版本'}")
        uow.commit()


def _take_district(uow: UnitOfWork, table_name: str, record_id: str,
                   server: dict[str, Any]) -> None:
    """Write the district's side of the conflict, unless the install already holds
    that version of the district's record or a newer one (the pull brought it after the
    conflict): an old snapshot must never roll a newer record back, since the pull's
    cursor is past it and would not bring it again. While a later local edit of the
    record still waits, nothing is written: that edit was made after this one and
    the district judges it against the same base (a conflict again, whose answer
    shows the district's record), so the rejected side is never sent as agreed."""
    table = synced_tables().get(table_name)
    if table is None:
        return
    version = int(server.get("_version") or server.get("version") or 1)
    if uow.sync.waiting_keys(table_name, [record_id]):
        return
    held = uow.sync.record_ids(table, [record_id]).get(record_id)
    if held is not None and held >= version:
        return  # no edit waits, so the local version is one the district gave
    uow.sync.force_row(table, record_id, server, version)


def _resend(uow: UnitOfWork, conflict: SyncConflict, server: dict[str, Any]) -> None:
    """Put the user's version back here and queue it over the district's version."""
    table = synced_tables().get(conflict.table_name)
    mine = _loads(conflict.local_json)
    if table is None or not mine:
        raise NotFoundError("无法重新上传：本机没有这条记录的内容。")
    base = int(server.get("_version") or server.get("version") or 0)
    mine["version"] = base + 1
    uow.sync.force_row(table, conflict.record_id, mine, base + 1)
    uow.session.add(OutboxEntry(
        table_name=conflict.table_name, record_id=conflict.record_id, version=base + 1,
        base_version=base, op="upsert", payload=json.dumps(mine, ensure_ascii=False),
        created_at=now(), attempts=0, last_error="", state="pending"))


def dismiss_refused(uow: UnitOfWork, *, actor: Actor) -> int:
    """The user has read the refused items: they leave the list (the district never
    took them; the local data stays as it is)."""
    require(actor, Permission.SYNC_RUN)
    with uow:
        seqs = list(uow.session.scalars(select(OutboxEntry.seq)
                                        .where(OutboxEntry.state == "rejected")).all())
        uow.sync.acknowledge(seqs)
        if seqs:
            audit.record(uow, actor, audit.AuditAction.SYNC, entity_type="sync_outbox",
                         summary=f"确认 {len(seqs)} 条被区级平台拒收的修改")
        uow.commit()
        return len(seqs)

