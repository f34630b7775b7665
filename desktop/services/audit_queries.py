"""Reading the audit trail: the 审计日志 tab's search, the rows of the audit export, and
the start-up integrity check.

Writing and verifying the chain is ``desktop.services.audit``; this module only reads.
Rows leave as frozen ``AuditRow`` DTOs (never ORM objects), with the stored codes
turned into the Chinese labels people read (role, action, object type).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from desktop.domain.actor import Actor, Role
from desktop.domain.permissions import Permission, require
from desktop.services.audit import AuditAction, verify
from local_db.models import AuditRecord
from local_db.unit_of_work import UnitOfWork

DEFAULT_LIMIT = 5000
MAX_SHOWN_ID = 20  # longer entity ids are internal UUIDs

# What ``entity_type`` codes mean to a reader; unknown codes are shown as stored.
ENTITY_LABELS = {
    "grid": "网格",
    "community": "社区/村",
    "grid_staff": "网格人员",
    "grid_presence": "在格天数",
    "grid_boundary": "网格边界",
    "grid_person": "网格人员信息",
    "audit": "审计日志",
    "user": "用户账号",
    "user_account": "用户账号",
    "database": "数据库",
    "backup_settings": "备份设置",
    "sub_center": "分中心",
    "calendar_year": "节假日安排",
    "officer": "执法人员",
    "certificate": "执法证",
    "roster": "执法人员花名册",
    "unit": "单位名录",
    "unit_responder": "应哨人",
    "leave": "请假",
    "duty": "应急值班",
    "responsibility_list": "属地管理事项清单",
    "demand": "诉求",
    "demand_attachment": "诉求附件",
    "demand_extension": "延期申请",
    "whistle": "吹哨",
    "handover": "双向派单",
    "document": "公文",
    "joint_action": "联合执法行动",
    "indicators": "考评指标",
    "sync_outbox": "同步上传队列",
    "sync_state": "区级平台连接",
}


@dataclass(frozen=True)
class AuditChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    actor_name: str
    role: str  # the role's Chinese label
    action: AuditAction | None  # None for an action code this version does not know
    action_label: str
    entity_type: str
    entity_label: str
    entity_id: str
    summary: str
    changes: tuple[AuditChange, ...] = ()

    @property
    def object_text(self) -> str:
        """The object as a reader names it: 网格 430102007001001. Internal ids (UUIDs)
        mean nothing to a reader and are left to the tooltip and the export."""
        if len(self.entity_id) > MAX_SHOWN_ID:
            return self.entity_label
        return f"{self.entity_label} {self.entity_id}".strip()


@dataclass(frozen=True)
class AuditFilter:
    """A search of the trail. Dates are whole days: ``until`` includes its own day."""

    since: date | None = None
    until: date | None = None
    action: AuditAction | None = None
    actor_name: str | None = None
    text: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.since or self.until or self.action or self.actor_name or self.text)

    def describe(self) -> str:
        parts = []
        if self.since or self.until:
            parts.append(f"日期 {self.since or '最早'} 至 {self.until or '今天'}")
        if self.action:
            parts.append(f"操作“{self.action.label}”")
        if self.actor_name:
            parts.append(f"用户“{self.actor_name}”")
        if self.text:
            parts.append(f"摘要含“{self.text}”")
        return "，".join(parts) or "全部记录"


def _start(day: date | datetime | None) -> datetime | None:
    if day is None or isinstance(day, datetime):
        return day
    return datetime.combine(day, time.min)


def _end(day: date | datetime | None) -> datetime | None:
    """The exclusive upper bound: the day after ``until`` (a date means the whole day)."""
    if day is None or isinstance(day, datetime):
        return day
    return datetime.combine(day + timedelta(days=1), time.min)


def audit_row(record: AuditRecord) -> AuditRow:
    try:
        role = Role(record.actor_role).label
    except ValueError:
        role = record.actor_role
    try:
        action: AuditAction | None = AuditAction(record.action)
        action_label = action.label
    except ValueError:
        action, action_label = None, record.action
    return AuditRow(
        id=record.id, occurred_at=record.occurred_at, actor_name=record.actor_name, role=role,
        action=action, action_label=action_label, entity_type=record.entity_type,
        entity_label=ENTITY_LABELS.get(record.entity_type, record.entity_type),
        entity_id=record.entity_id, summary=record.summary,
        changes=_changes(record.changes_json),
    )


def _changes(text: str) -> tuple[AuditChange, ...]:
    """The stored ``{label: [before, after]}``; a damaged value is shown, not raised."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return (AuditChange("（无法解析）", "", text),)
    if not isinstance(data, dict):
        return (AuditChange("（无法解析）", "", text),)
    changes = []
    for label, pair in data.items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        changes.append(AuditChange(str(label), _text(before), _text(after)))
    return tuple(changes)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def search_audit(
    uow: UnitOfWork,
    *,
    actor: Actor,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    action: AuditAction | None = None,
    actor_name: str | None = None,
    text: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[AuditRow]:
    """Audit rows newest first, at most ``limit``. Needs ``AUDIT_VIEW``.

    ``since``/``until`` as dates cover whole days (``until`` included); ``actor_name``
    matches exactly; ``text`` is searched in the summary."""
    require(actor, Permission.AUDIT_VIEW)
    with uow:
        records = uow.audit.search(
            since=_start(since), until=_end(until), action=action.value if action else None,
            actor_name=(actor_name or "").strip() or None, text=(text or "").strip() or None,
            limit=limit,
        )
        return [audit_row(record) for record in records]


def iter_audit(uow: UnitOfWork, query: AuditFilter | None = None) -> Iterator[AuditRow]:
    """Every matching row, oldest first, for an export. Call inside an open unit of
    work; the whole trail is streamed in batches, a filtered one read at once."""
    if query is None or query.is_empty:
        for record in uow.audit.in_order():
            yield audit_row(record)
        return
    records = uow.audit.search(
        since=_start(query.since), until=_end(query.until),
        action=query.action.value if query.action else None,
        actor_name=query.actor_name or None, text=query.text or None, limit=10**9,
    )
    for record in reversed(records):
        yield audit_row(record)


def audit_actor_names(uow: UnitOfWork, *, actor: Actor) -> list[str]:
    """Names to offer in the tab's 用户 filter: the accounts of this install and the
    names that appear in the newest records (the command line's 本机管理员, say)."""
    require(actor, Permission.AUDIT_VIEW)
    with uow:
        names = {user.display_name for user in uow.users.all()}
        names.update(record.actor_name for record in uow.audit.search(limit=2000))
    return sorted(names)


def startup_integrity_warning(uow: UnitOfWork) -> str | None:
    """None when the audit chain verifies; otherwise the Chinese warning the app shows
    after its first paint. No permission needed: every user must learn of tampering.
    Walks the whole chain (about a second per 100 000 rows): call it off the GUI thread."""
    report = verify(uow)
    if report.ok:
        return None
    shown = "\n".join(report.problems[:5])
    more = f"\n……另有 {len(report.problems) - 5} 处问题" if len(report.problems) > 5 else ""
    return (
        "审计日志完整性校验未通过：审计记录可能被人绕过本程序直接修改或删除。\n"
        f"{shown}{more}\n\n"
        "本程序仍可使用，新的操作会继续记录。请立即告知系统管理员，"
        "由其在“设置 › 审计日志”中核查，并保留数据目录与备份以备调查。"
    )
