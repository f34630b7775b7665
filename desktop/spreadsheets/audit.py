"""The audit trail out to Excel, and the audit row every export writes about itself.

An export is itself audited (who took which data out, how many rows, where to): the
row is written in its own small transaction AFTER the file is saved, so a cancelled
or failed export records nothing, and the export's read never holds the write lock.

Threading: blocking work for a worker thread; ``progress`` and ``cancel`` link back.
"""

from __future__ import annotations

from pathlib import Path

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.permissions import Permission, require
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.audit_queries import AuditFilter, AuditRow, iter_audit
from desktop.spreadsheets.common import Column
from desktop.spreadsheets.writing import write_export
from local_db.unit_of_work import UnitOfWork

AUDIT_SHEET = "审计日志"
AUDIT_COLUMNS: tuple[Column, ...] = (
    Column("序号", 8),
    Column("时间", 20),
    Column("用户", 12),
    Column("角色", 12),
    Column("操作", 12),
    Column("对象", 24, text_format=True),
    Column("对象编号", 38, text_format=True),
    Column("摘要", 60),
    Column("变更内容（修改前 → 修改后）", 60),
)


def record_export(uow: UnitOfWork, actor: Actor, *, entity_type: str, what: str, path: Path,
                  count: int, detail: str = "") -> None:
    """Write the audit row of a finished export in its own transaction."""
    path = Path(path)
    changes: dict[str, tuple[object, object]] = {
        "文件": (None, path.name), "保存位置": (None, str(path.parent)), "行数": (None, count)}
    if detail:
        changes["范围"] = (None, detail)
    with uow:
        audit.record(uow, actor, AuditAction.EXPORT, entity_type=entity_type,
                     summary=f"导出{what}到 {path.name}：{count} 行", changes=changes)
        uow.commit()


def export_audit(
    uow: UnitOfWork,
    path: Path,
    *,
    actor: Actor,
    query: AuditFilter | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> int:
    """The audit trail (or the rows matching ``query``), oldest first, to an xlsx file.
    Needs ``AUDIT_VIEW``. The note row says whether the chain verified at export time,
    so a printed copy carries that too. Returns the number of records written."""
    require(actor, Permission.AUDIT_VIEW)
    path = Path(path)
    progress(0, 0, "正在校验审计日志……")
    report = audit.verify(uow)
    cancel.raise_if_cancelled()
    with uow:
        sub_center = uow.sub_center.get()
        centre = sub_center.center_name if sub_center else ""
        rows = [_export_row(row) for row in iter_audit(uow, query)]
    scope = query.describe() if query else "全部记录"
    checked = "哈希链校验通过" if report.ok else "哈希链校验未通过（详见“设置 › 审计日志 › 校验完整性”）"
    note = (f"{centre}审计日志（导出于 {now():%Y-%m-%d %H:%M}，{scope}，共 {len(rows)} 条；"
            f"导出时{checked}）。")
    count = write_export(path, sheet_title=AUDIT_SHEET, columns=AUDIT_COLUMNS, note=note,
                         rows=rows, total=len(rows), what="审计记录", progress=progress,
                         cancel=cancel)
    record_export(uow, actor, entity_type="audit", what="审计日志", path=path, count=count,
                  detail=scope)
    return count


def _export_row(row: AuditRow) -> tuple[object, ...]:
    changes = "；".join(f"{c.field}：{c.before or '（空）'} → {c.after or '（空）'}"
                       for c in row.changes)
    return (row.id, f"{row.occurred_at:%Y-%m-%d %H:%M:%S}", row.actor_name, row.role,
            row.action_label, row.entity_label, row.entity_id or None, row.summary, changes or None)
