"""Grid lifecycle: retire, merge and split. Nothing referenced is ever hard-deleted:
old grids stay on file with their status (已撤销/已合并/已拆分), their staff
assignments end on the day, and ``GridLineage`` keeps which grid became which.

Each use case needs ``GRID_EDIT`` and writes ONE audit row for the whole operation
(a merge of five grids is one decision), in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from desktop.clock import now, today
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, ValidationError
from desktop.domain.grids import GridStatus
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.grids import (
    GridFields,
    GridRow,
    active_grid,
    add_grid,
    created_changes,
    grid_event,
    grid_row,
)
from local_db.models import Grid, GridLineage
from local_db.unit_of_work import UnitOfWork


def retire_grid(
    uow: UnitOfWork, *, actor: Actor, grid_id: str, reason: str, on: date | None = None
) -> GridRow:
    """Retire a grid: it stays on file (it may be referenced) and leaves the active list.
    Its current staff assignments end on the same day."""
    require(actor, Permission.GRID_EDIT)
    reason = reason.strip()
    if not reason:
        raise ValidationError("撤销原因", "不能为空。")
    day = on or today()
    with uow:
        grid = active_grid(uow, grid_id)
        ended = _close(uow, grid, GridStatus.RETIRED, day)
        grid_event(uow, grid, "retired", actor, f"撤销网格：{reason}")
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="grid", entity_id=grid.code,
                     summary=f"撤销网格 {grid.code} {grid.name}：{reason}",
                     changes={"状态": (GridStatus.ACTIVE.label, GridStatus.RETIRED.label),
                              "撤销日期": (None, day.isoformat()), "撤销原因": (None, reason),
                              "结束的任职": (None, ended)})
        uow.commit()
        return grid_row(grid)


def _close(uow: UnitOfWork, grid: Grid, status: GridStatus, on: date) -> int:
    """Close a grid and end its current assignments; returns how many ended."""
    grid.status = status.value
    grid.retired_on = on
    grid.version += 1
    grid.updated_at = now()
    assignments = uow.grids.current_assignments(grid.id)
    for assignment in assignments:
        assignment.ended_on = on
        assignment.version += 1
        assignment.updated_at = now()
    return len(assignments)


@dataclass(frozen=True)
class SplitPart:
    fields: GridFields
    boundary_geojson: str | None = None


def merge_grids(
    uow: UnitOfWork,
    *,
    actor: Actor,
    grid_ids: Sequence[str],
    fields: GridFields,
    on: date | None = None,
) -> GridRow:
    """Merge two or more grids of one community into a new grid; the old ones are kept
    as 已合并 with lineage links. The new boundary is the union when all have one."""
    require(actor, Permission.GRID_EDIT)
    if len(set(grid_ids)) < 2:
        raise ValidationError("合并网格", "至少选择两个网格。")
    day = on or today()
    with uow:
        sources = [active_grid(uow, grid_id) for grid_id in dict.fromkeys(grid_ids)]
        communities = {g.community_id for g in sources}
        if len(communities) != 1:
            raise ConflictError("只能合并同一社区/村的网格。")
        boundary = _union_boundary([g.boundary_geojson for g in sources])
        names = "、".join(g.name for g in sources)
        merged = add_grid(uow, actor=actor, community_id=sources[0].community_id, fields=fields,
                          boundary_geojson=boundary, summary=f"由{names}合并")
        for source in sources:
            _close(uow, source, GridStatus.MERGED, day)
            uow.grids.add_lineage(GridLineage(predecessor_id=source.id, successor_id=merged.id,
                                              event="merge", occurred_on=day))
            grid_event(uow, source, "merged", actor, f"并入 {merged.code} {merged.name}")
        changes: dict[str, tuple[object, object]] = {
            f"网格 {g.code} {g.name}": (GridStatus.ACTIVE.label, GridStatus.MERGED.label)
            for g in sources}
        changes.update({f"新网格{label}": value for label, value in created_changes(merged).items()})
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="grid", entity_id=merged.code,
                     summary=f"合并网格 {names} 为 {merged.code} {merged.name}", changes=changes)
        uow.commit()
        return grid_row(merged)


def split_grid(
    uow: UnitOfWork,
    *,
    actor: Actor,
    grid_id: str,
    parts: Sequence[SplitPart],
    on: date | None = None,
) -> list[GridRow]:
    """Split a grid into two or more new grids of the same community."""
    require(actor, Permission.GRID_EDIT)
    if len(parts) < 2:
        raise ValidationError("拆分网格", "至少拆分为两个网格。")
    day = on or today()
    with uow:
        source = active_grid(uow, grid_id)
        created = [
            add_grid(uow, actor=actor, community_id=source.community_id, fields=part.fields,
                     boundary_geojson=part.boundary_geojson, summary=f"由{source.name}拆分")
            for part in parts
        ]
        _close(uow, source, GridStatus.SPLIT, day)
        for grid in created:
            uow.grids.add_lineage(GridLineage(predecessor_id=source.id, successor_id=grid.id,
                                              event="split", occurred_on=day))
        into = "、".join(f"{g.code} {g.name}" for g in created)
        grid_event(uow, source, "split", actor, f"拆分为 {into}")
        changes: dict[str, tuple[object, object]] = {
            f"网格 {source.code} {source.name}": (GridStatus.ACTIVE.label, GridStatus.SPLIT.label)}
        changes.update({f"新网格 {g.code}": (None, g.name) for g in created})
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="grid", entity_id=source.code,
                     summary=f"拆分网格 {source.code} {source.name} 为 {into}", changes=changes)
        uow.commit()
        return [grid_row(g) for g in created]


def _union_boundary(boundaries: Sequence[str | None]) -> str | None:
    if not boundaries or any(b is None for b in boundaries):
        return None
    from shapely.geometry import mapping, shape  # imported lazily: only merges need it
    from shapely.ops import unary_union

    union = unary_union([shape(json.loads(b)) for b in boundaries if b])
    return json.dumps(mapping(union), ensure_ascii=False)
