"""Grids in and out of Excel: the import template, the all-or-nothing import and the
export (which re-imports cleanly into an empty street).

The import reads and checks every row first (``grid_rows``, then ``grid_plan`` across
rows and against the database) and reports every problem with file, row and column;
only a clean file is written, in ONE unit of work through ``add_grid`` so the coding
rule lives in one place. Grid staff are in ``grid_staff`` and re-exported here so
callers find all grid spreadsheets in one module.

Permissions and audit: an import needs ``GRID_IMPORT`` and writes ONE audit row (file,
counts) in its transaction; an export needs ``DATA_EXPORT`` and is audited after the
file is written (``desktop.spreadsheets.audit.record_export``).

Threading: blocking work for a worker thread; ``progress`` and ``cancel`` link back.
"""

from __future__ import annotations

from pathlib import Path

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, DomainError, ValidationError
from desktop.domain.grids import CommunityKind, DedicatedType, GridCategory, GridKind, GridStatus
from desktop.domain.permissions import Permission, require
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.services.grids import add_grid
from desktop.spreadsheets.audit import record_export
from desktop.spreadsheets.common import (
    Errors,
    ImportSummary,
    Table,
    bare,
    read_table,
    rejected,
    tick,
)
from desktop.spreadsheets.grid_plan import (
    CommunityPlan,
    create_communities,
    plan_communities,
    plan_grids,
)
from desktop.spreadsheets.grid_rows import (
    C_CODE,
    C_NAME,
    EXPORT_COLUMNS,
    FIELD_COLUMNS,
    GRID_COLUMNS,
    GRID_SHEET,
    GridDraft,
    is_skipped,
    parse_row,
)
from desktop.spreadsheets.grid_staff import export_staff, import_staff, write_staff_template
from desktop.spreadsheets.writing import write_export, write_template
from local_db.models import Grid
from local_db.unit_of_work import UnitOfWork

__all__ = [
    "ImportSummary", "export_grids", "export_staff", "import_grids", "import_staff",
    "write_grid_template", "write_staff_template",
]

_NOTES = (
    "标“必填”的列每行都要填写；「社区类型」在新建社区/村时必填。",
    "网格编码可不填，系统按“街道代码 9 位 + 社区代码 3 位 + 序号 3 位”自动编号；如填写，须为本街道的 15 位编码。",
    "编码、代码列请保持文本格式，以免 Excel 去掉开头的 0。",
    "导入是“全部或全不”：只要有一处错误，系统会列出所有出错的行和列，不导入任何数据。",
    "表头上方可以有标题行，但表头须在前 10 行内。",
)
_EXAMPLES = (
    ("幸福社区", "社区", "001", "", "幸福社区第一网格", "基础网格", "", "城市社区", 320, 860, 0.35, ""),
    ("幸福社区", "社区", "001", "", "幸福小学专属网格", "专属网格", "学校", "城市社区", 0, 1200, 0.05,
     "师生计入人口"),
    ("石桥村", "村", "", "", "石桥村第一网格", "基础网格", "", "一般村", 150, 420, 2.6, ""),
)


def write_grid_template(path: Path) -> None:
    """The grid import template users download and fill in."""
    write_template(Path(path), sheet_title=GRID_SHEET, columns=GRID_COLUMNS, notes=_NOTES,
                   examples=_EXAMPLES)


# --- import ----------------------------------------------------------------------------


def import_grids(
    uow: UnitOfWork,
    *,
    actor: Actor,
    path: Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ImportSummary:
    """Import grids (and new communities) from an xlsx file, all or nothing.

    Raises ImportRejectedError listing every bad cell (nothing stored), CancelledError
    (nothing stored) or ConflictError when the sub-center is not set up yet."""
    require(actor, Permission.GRID_IMPORT)
    path = Path(path)
    table = read_table(path, EXPORT_COLUMNS, preferred_sheet=GRID_SHEET, progress=progress,
                       cancel=cancel)
    errors = Errors(table.file_name)
    with uow:
        drafts, skipped = _parse_rows(table, errors, _division_code(uow), progress, cancel)
        if not drafts and not errors:
            raise rejected(table.file_name, "表头下没有可导入的网格行，请填写后再导入。")
        plans = plan_communities(uow, drafts, errors)
        plan_grids(uow, drafts, plans, errors)
        errors.raise_if_any()
        communities = _write(uow, actor, drafts, plans, errors, progress, cancel)
        errors.raise_if_any()
        cancel.raise_if_cancelled()
        summary = _summary(table.file_name, communities, len(drafts), skipped)
        audit.record(uow, actor, audit.AuditAction.IMPORT, entity_type="grid",
                     summary=summary.message,
                     changes={"文件": (None, table.file_name), "新建网格": (None, len(drafts)),
                              "新建社区/村": (None, communities), "跳过行数": (None, skipped)})
        uow.commit()
    return summary


def _parse_rows(table: Table, errors: Errors, division: str, progress: ProgressCallback,
                cancel: CancelToken) -> tuple[list[GridDraft], int]:
    """Check every row on its own; returns the good rows and how many were skipped."""
    drafts: list[GridDraft] = []
    skipped = 0
    for index, row in enumerate(table.rows, start=1):
        tick(index, len(table.rows), "正在检查", progress, cancel)
        if is_skipped(row):
            skipped += 1
            continue
        draft = parse_row(row, errors, division)
        if draft is not None:
            drafts.append(draft)
    return drafts, skipped


def _division_code(uow: UnitOfWork) -> str:
    sub_center = uow.sub_center.get()
    if sub_center is None:
        raise ConflictError("尚未设置本分中心（街道名称与区划代码），请先完成首次设置再导入网格。")
    return sub_center.division_code


def _write(uow: UnitOfWork, actor: Actor, drafts: list[GridDraft], plans: dict[str, CommunityPlan],
           errors: Errors, progress: ProgressCallback, cancel: CancelToken) -> int:
    """Write the planned communities and grids; a refusal from ``add_grid`` becomes an
    error of its row (the caller then leaves without commit: nothing is stored)."""
    community_ids = create_communities(uow, plans)
    for index, draft in enumerate(drafts, start=1):
        try:
            add_grid(uow, actor=actor, community_id=community_ids[draft.community],
                     fields=draft.fields, seq=draft.seq, summary="导入网格")
        except ValidationError as error:
            errors.add(draft.row, FIELD_COLUMNS.get(error.field, C_NAME), bare(error))
        except DomainError as error:
            errors.add(draft.row, C_CODE, bare(error))
        tick(index, len(drafts), "正在写入", progress, cancel)
    return sum(1 for plan in plans.values() if plan.existing is None)


def _summary(file_name: str, communities: int, grids: int, skipped: int) -> ImportSummary:
    message = f"已从 {file_name} 导入 {grids} 个网格"
    if communities:
        message += f"，新建社区/村 {communities} 个"
    if skipped:
        message += f"；跳过 {skipped} 行非“在用”状态的网格（撤销、合并或拆分的历史记录不导入）"
    return ImportSummary(communities_created=communities, grids_created=grids,
                         rows_skipped=skipped, message=message + "。")


# --- export ----------------------------------------------------------------------------


def export_grids(
    uow: UnitOfWork,
    path: Path,
    *,
    actor: Actor,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> int:
    """Every grid (retired ones too, with their 状态) in the template's columns, so the
    file re-imports cleanly into an empty street. Returns the number of grids written.
    Needs ``DATA_EXPORT``; audited once the file is written."""
    require(actor, Permission.DATA_EXPORT)
    with uow:
        sub_center = uow.sub_center.get()
        street = sub_center.street_name if sub_center else ""
        rows = [_export_row(grid) for grid in uow.grids.all(include_retired=True)]
    note = (f"{street}网格清单（导出于 {now():%Y-%m-%d %H:%M}，共 {len(rows)} 个网格）。"
            "状态不是“在用”的网格在重新导入时会跳过。")
    count = write_export(Path(path), sheet_title=GRID_SHEET, columns=EXPORT_COLUMNS, note=note,
                         rows=rows, total=len(rows), what="网格", progress=progress, cancel=cancel)
    record_export(uow, actor, entity_type="grid", what="网格表", path=Path(path), count=count)
    return count


def _export_row(grid: Grid) -> tuple[object, ...]:
    community = grid.community
    return (
        community.name, CommunityKind(community.kind).label, community.code, grid.code, grid.name,
        GridKind(grid.kind).label,
        DedicatedType(grid.dedicated_type).label if grid.dedicated_type else None,
        GridCategory(grid.category).label, grid.households, grid.population, grid.area_km2,
        grid.note or None, GridStatus(grid.status).label,
    )
