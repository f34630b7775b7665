"""Writing and verifying the hash-chained audit trail.

``record`` is called by every service that changes data (and by login, export,
reveal, print and sync) inside the service's own unit of work, so the audit row
commits or rolls back with the change it describes.

Chain: ``row_hash = sha256(canonical JSON of the row's fields + prev_hash)``, where
``prev_hash`` is the previous row's hash (``GENESIS`` for the first). Editing a row
changes its hash; deleting one breaks the next row's link; deleting rows at the end
disagrees with ``audit_head``. ``verify`` names the first row where the chain breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.labels import LabeledEnum
from local_db.models import AuditRecord
from local_db.unit_of_work import UnitOfWork

GENESIS = "0" * 64


class AuditAction(LabeledEnum):
    CREATE = ("create", "新建")
    UPDATE = ("update", "修改")
    DELETE = ("delete", "删除")
    APPROVE = ("approve", "审批")
    PRINT = ("print", "打印")
    EXPORT = ("export", "导出")
    IMPORT = ("import", "导入")
    REVEAL = ("reveal", "查看个人信息")
    LOGIN = ("login", "登录")
    LOGIN_FAILED = ("login_failed", "登录失败")
    ACCOUNT = ("account", "账号管理")
    BACKUP = ("backup", "备份恢复")
    SYNC = ("sync", "同步")


Changes = Mapping[str, tuple[Any, Any]]  # field label → (before, after)


def row_hash(record: AuditRecord) -> str:
    payload = json.dumps(
        [record.id, record.occurred_at.isoformat(), record.actor_name, record.actor_role,
         record.user_id, record.action, record.entity_type, record.entity_id, record.summary,
         record.changes_json, record.prev_hash],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    *,
    entity_type: str,
    entity_id: str = "",
    summary: str,
    changes: Changes | None = None,
) -> None:
    """Append one audit row inside the caller's open unit of work (no commit).

    Personal data (phones, ID numbers) must be passed masked: the trail is shown to
    auditors who may not see the full values.
    """
    entry = AuditRecord(
        occurred_at=now(), actor_name=actor.name, actor_role=actor.role.value,
        user_id=actor.user_id, action=action.value, entity_type=entity_type,
        entity_id=entity_id, summary=summary,
        changes_json=json.dumps(
            {label: [_plain(old), _plain(new)] for label, (old, new) in (changes or {}).items()},
            ensure_ascii=False,  # insertion order kept: the fields as the form shows them
        ),
        prev_hash="", row_hash="",
    )
    uow.audit.add(entry)
    # Inserting first takes SQLite's write lock, so the head read below is the true
    # newest row even when another process (the CLI) writes to the same file.
    uow.flush()
    head = uow.audit.head()
    entry.prev_hash = head.last_hash if head else GENESIS
    entry.row_hash = row_hash(entry)
    uow.audit.set_head(entry.id, entry.row_hash, (head.count if head else 0) + 1)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(getattr(value, "label", value))


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[str] = field(default_factory=list)
    first_bad_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def message(self) -> str:
        if self.ok:
            return f"审计日志完整：共 {self.checked} 条记录，哈希链校验通过。"
        return "审计日志校验未通过：\n" + "\n".join(self.problems)


def verify(uow: UnitOfWork) -> ChainReport:
    """Walk the chain in id order and name every break (an edited, deleted or inserted
    row), then compare the end of the chain with ``audit_head``."""
    problems: list[str] = []
    first_bad: int | None = None
    expected_prev = GENESIS
    count = 0
    last_id = 0
    with uow:
        for entry in uow.audit.in_order():
            count += 1
            if entry.prev_hash != expected_prev:
                missing = _missing_numbers(last_id, entry.id)
                problems.append(
                    f"第 {missing} 号记录被删除（链接不符）。" if missing else
                    f"第 {entry.id} 号记录之前的记录被插入或篡改（链接不符）。"
                )
                first_bad = first_bad or entry.id
            if row_hash(entry) != entry.row_hash:
                problems.append(f"第 {entry.id} 号记录的内容被修改（哈希不符）：{entry.summary}")
                first_bad = first_bad or entry.id
            expected_prev, last_id = entry.row_hash, entry.id
        head = uow.audit.head()
        if head is None and count:
            problems.append("审计日志的链尾记录（audit_head）丢失。")
        elif head is not None and (head.count != count or head.last_hash != expected_prev):
            problems.append(
                f"审计日志应有 {head.count} 条、最后一条为第 {head.last_id} 号，"
                f"实有 {count} 条、最后一条为第 {last_id} 号：末尾的记录被删除或篡改。"
            )
    return ChainReport(count, problems, first_bad)


def _missing_numbers(previous_id: int, current_id: int) -> str:
    """Ids are sequential, so a gap names the deleted records ("5", "5–7")."""
    if current_id - previous_id <= 1:
        return ""
    first, last = previous_id + 1, current_id - 1
    return str(first) if first == last else f"{first}–{last}"
