"""Grid use cases: the community tree, creating and editing grids, and their history
(merge, split, retire). Staff and presence are in ``grid_staff``.

Every function takes a fresh unit of work and keyword arguments, commits explicitly,
and returns frozen rows, never ORM objects. Each committing use case checks the
actor's permission first and writes its audit row in the same transaction as the
change (a refused or failed change leaves no audit row); the non-committing building
blocks (``add_grid``, ``add_community``) leave both to their callers.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.grids import (
    CommunityKind,
    DedicatedType,
    GridCategory,
    GridKind,
    GridStatus,
    grid_code,
    next_free_seq,
    validate_community_code,
)
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.audit import AuditAction
from local_db.models import Community, Grid, GridEvent
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CommunityRow:
    id: str
    code: str
    name: str
    kind: CommunityKind


@dataclass(frozen=True)
class GridRow:
    id: str
    code: str
    name: str
    community_id: str
    community_name: str
    kind: GridKind
    dedicated_type: DedicatedType | None
    category: GridCategory
    households: int
    population: int
    area_km2: float
    has_boundary: bool
    status: GridStatus
    version: int
    note: str = ""


@dataclass(frozen=True)
class GridEventRow:
    kind: str
    occurred_at: str
    actor: str
    summary: str


@dataclass(frozen=True)
class GridFields:
    """What a user edits on a grid. ``dedicated_type`` only for dedicated grids."""

    name: str
    kind: GridKind
    category: GridCategory
    _: KW_ONLY
    dedicated_type: DedicatedType | None = None
    households: int = 0
    population: int = 0
    area_km2: float = 0.0
    note: str = ""

    def validated(self) -> GridFields:
        name = self.name.strip()
        if not name:
            raise ValidationError("网格名称", "不能为空。")
        if len(name) > 80:
            raise ValidationError("网格名称", "不能超过 80 个字。")
        if self.kind is GridKind.DEDICATED and self.dedicated_type is None:
            raise ValidationError("专属网格类型", "专属网格须选择类型（学校、医院、商圈市场等）。")
        for label, value in (("户数", self.households), ("人口", self.population)):
            if value < 0:
                raise ValidationError(label, f"不能为负数（现为 {value}）。")
        if self.area_km2 < 0:
            raise ValidationError("面积", f"不能为负数（现为 {self.area_km2}）。")
        if self.households > self.population > 0:
            raise ValidationError("户数", f"{self.households} 户多于人口 {self.population} 人，请核对。")
        dedicated = self.dedicated_type if self.kind is GridKind.DEDICATED else None
        return GridFields(name, self.kind, self.category, dedicated_type=dedicated,
                          households=self.households, population=self.population,
                          area_km2=self.area_km2, note=self.note.strip())


def grid_row(grid: Grid) -> GridRow:
    return GridRow(
        id=grid.id,
        code=grid.code,
        name=grid.name,
        community_id=grid.community_id,
        community_name=grid.community.name,
        kind=GridKind(grid.kind),
        dedicated_type=DedicatedType(grid.dedicated_type) if grid.dedicated_type else None,
        category=GridCategory(grid.category),
        households=grid.households,
        population=grid.population,
        area_km2=grid.area_km2,
        has_boundary=bool(grid.boundary_geojson),
        status=GridStatus(grid.status),
        version=grid.version,
        note=grid.note,
    )


def _community_row(community: Community) -> CommunityRow:
    return CommunityRow(community.id, community.code, community.name, CommunityKind(community.kind))


def _division_code(uow: UnitOfWork) -> str:
    sub_center = uow.sub_center.get()
    if sub_center is None:
        raise ConflictError("尚未设置本分中心（街道名称与区划代码），请先完成首次设置。")
    return sub_center.division_code


def grid_event(uow: UnitOfWork, grid: Grid, kind: str, actor: Actor, summary: str) -> None:
    uow.grids.add_event(
        GridEvent(grid_id=grid.id, kind=kind, occurred_at=now(), actor=actor.name, summary=summary)
    )


def active_grid(uow: UnitOfWork, grid_id: str) -> Grid:
    grid = uow.grids.get(grid_id)
    if grid is None:
        raise NotFoundError("找不到该网格，可能已被其他用户删除，请刷新列表。")
    if grid.status != GridStatus.ACTIVE:
        raise ConflictError(f"网格“{grid.name}”已{GridStatus(grid.status).label}，不能再修改。")
    return grid


# --- communities ---------------------------------------------------------------------


def list_communities(uow: UnitOfWork) -> list[CommunityRow]:
    with uow:
        return [_community_row(c) for c in uow.grids.communities() if not c.retired]


def add_community(
    uow: UnitOfWork, *, name: str, kind: CommunityKind, code: str | None = None
) -> Community:
    """Insert a community inside an open unit of work (no commit); shared by
    ``create_community``, the spreadsheet import and the demo generator."""
    name = name.strip()
    if not name:
        raise ValidationError("社区/村名称", "不能为空。")
    if uow.grids.community_by_name(name):
        raise ConflictError(f"已有名为“{name}”的社区/村。")
    used = {int(c.code) for c in uow.grids.communities()}
    chosen = validate_community_code(code) if code else f"{next_free_seq(used):03d}"
    if uow.grids.community_by_code(chosen):
        raise ConflictError(f"社区代码 {chosen} 已被使用。")
    stamp = now()
    community = Community(id=new_id(), code=chosen, name=name, kind=kind.value,
                          retired=False, created_at=stamp, updated_at=stamp)
    uow.grids.add_community(community)
    uow.flush()
    return community


def create_community(
    uow: UnitOfWork, *, actor: Actor, name: str, kind: CommunityKind, code: str | None = None
) -> CommunityRow:
    require(actor, Permission.GRID_EDIT)
    with uow:
        community = add_community(uow, name=name, kind=kind, code=code)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="community",
                     entity_id=community.code,
                     summary=f"新建{kind.label}：{community.name}（代码 {community.code}）",
                     changes={"名称": (None, community.name), "类型": (None, kind.label),
                              "代码": (None, community.code)})
        uow.commit()
        return _community_row(community)


# --- grids ---------------------------------------------------------------------------


def list_grids(
    uow: UnitOfWork, *, include_retired: bool = False, community_id: str | None = None
) -> list[GridRow]:
    with uow:
        rows = [grid_row(g) for g in uow.grids.all(include_retired=include_retired)]
    if community_id is not None:
        rows = [row for row in rows if row.community_id == community_id]
    return rows


def get_grid(uow: UnitOfWork, grid_id: str) -> GridRow:
    with uow:
        grid = uow.grids.get(grid_id)
        if grid is None:
            raise NotFoundError("找不到该网格，请刷新列表。")
        return grid_row(grid)


def grid_history(uow: UnitOfWork, grid_id: str) -> list[GridEventRow]:
    with uow:
        return [
            GridEventRow(e.kind, e.occurred_at.strftime("%Y-%m-%d %H:%M"), e.actor, e.summary)
            for e in uow.grids.events(grid_id)
        ]


def add_grid(
    uow: UnitOfWork,
    *,
    actor: Actor,
    community_id: str,
    fields: GridFields,
    seq: int | None = None,
    boundary_geojson: str | None = None,
    summary: str = "新建网格",
) -> Grid:
    """Insert a grid inside an open unit of work (no commit): shared by create, import,
    merge and split so the code rule lives in one place."""
    values = fields.validated()
    community = uow.grids.community(community_id)
    if community is None:
        raise NotFoundError("找不到所选社区/村，请刷新后重试。")
    used = uow.grids.used_seqs(community_id)
    if seq is None:
        seq = next_free_seq(used)
    elif seq in used:
        raise ConflictError(f"{community.name}的网格序号 {seq:03d} 已被使用。")
    code = grid_code(_division_code(uow), community.code, seq)
    if uow.grids.by_code(code):
        raise ConflictError(f"网格编码 {code} 已存在。")
    stamp = now()
    grid = Grid(
        id=new_id(), community_id=community_id, community=community, code=code, seq=seq,
        name=values.name, kind=values.kind.value,
        dedicated_type=values.dedicated_type.value if values.dedicated_type else None,
        category=values.category.value, households=values.households,
        population=values.population, area_km2=values.area_km2,
        boundary_geojson=boundary_geojson, status=GridStatus.ACTIVE.value, note=values.note,
        created_at=stamp, updated_at=stamp,
    )
    uow.grids.add(grid)
    uow.flush()
    grid_event(uow, grid, "created", actor, f"{summary}：{code} {values.name}")
    return grid


def create_grid(
    uow: UnitOfWork,
    *,
    actor: Actor,
    community_id: str,
    fields: GridFields,
    seq: int | None = None,
    boundary_geojson: str | None = None,
) -> GridRow:
    require(actor, Permission.GRID_EDIT)
    with uow:
        grid = add_grid(uow, actor=actor, community_id=community_id, fields=fields, seq=seq,
                        boundary_geojson=boundary_geojson)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="grid", entity_id=grid.code,
                     summary=f"新建网格 {grid.code} {grid.name}（{grid.community.name}）",
                     changes=created_changes(grid))
        uow.commit()
        return grid_row(grid)


_FIELD_LABELS = {
    "name": "名称", "kind": "类型", "category": "类别", "dedicated_type": "专属类型",
    "households": "户数", "population": "人口", "area_km2": "面积", "note": "备注",
}
_ENUM_FIELDS: dict[str, type[GridKind] | type[GridCategory] | type[DedicatedType]] = {
    "kind": GridKind, "category": GridCategory, "dedicated_type": DedicatedType,
}


def field_text(key: str, value: object) -> object:
    """A stored grid value as people read it: enum codes become their Chinese labels
    (history and audit show 基础网格 → 专属网格, not base → dedicated)."""
    enum = _ENUM_FIELDS.get(key)
    if enum is not None and value is not None:
        return enum(value).label
    return value


def created_changes(grid: Grid) -> dict[str, tuple[object, object]]:
    """The audit changes of a new grid: every field from nothing to its value."""
    changes: dict[str, tuple[object, object]] = {"编码": (None, grid.code)}
    for key, label in _FIELD_LABELS.items():
        value = field_text(key, getattr(grid, key))
        if value not in (None, ""):
            changes[label] = (None, value)
    changes["边界"] = (None, "有" if grid.boundary_geojson else "无")
    return changes


def update_grid(
    uow: UnitOfWork, *, actor: Actor, grid_id: str, expected_version: int, fields: GridFields
) -> GridRow:
    """Edit a grid. ``expected_version`` guards against overwriting someone else's edit.
    Saving without a change writes nothing (no history, no audit row)."""
    require(actor, Permission.GRID_EDIT)
    values = fields.validated()
    with uow:
        grid = active_grid(uow, grid_id)
        if grid.version != expected_version:
            raise ConflictError(f"网格“{grid.name}”已被他人修改，请刷新后重新编辑。")
        new_values = {
            "name": values.name, "kind": values.kind.value, "category": values.category.value,
            "dedicated_type": values.dedicated_type.value if values.dedicated_type else None,
            "households": values.households, "population": values.population,
            "area_km2": values.area_km2, "note": values.note,
        }
        changes = {
            _FIELD_LABELS[key]: (field_text(key, getattr(grid, key)), field_text(key, value))
            for key, value in new_values.items()
            if getattr(grid, key) != value
        }
        if not changes:
            return grid_row(grid)
        for key, value in new_values.items():
            setattr(grid, key, value)
        grid.version += 1
        grid.updated_at = now()
        text = "；".join(f"{label}：{_shown(old)} → {_shown(new)}"
                        for label, (old, new) in changes.items())
        grid_event(uow, grid, "updated", actor, text)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="grid", entity_id=grid.code,
                     summary=f"修改网格 {grid.code} {grid.name}：{text}", changes=changes)
        uow.commit()
        return grid_row(grid)


def _shown(value: object) -> str:
    return "（空）" if value in (None, "") else str(value)


def set_boundary(uow: UnitOfWork, *, actor: Actor, grid_id: str, geojson: str | None) -> GridRow:
    """Replace or clear a grid's boundary. The audit row says that it changed, not the
    coordinates (the grid keeps those; the trail stays readable)."""
    require(actor, Permission.GRID_EDIT)
    with uow:
        grid = active_grid(uow, grid_id)
        before = "有" if grid.boundary_geojson else "无"
        grid.boundary_geojson = geojson
        grid.version += 1
        grid.updated_at = now()
        what = "更新边界" if geojson else "清除边界"
        grid_event(uow, grid, "boundary", actor, what)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type="grid", entity_id=grid.code,
                     summary=f"{what}：网格 {grid.code} {grid.name}",
                     changes={"边界": (before, "已更新" if geojson else "无")})
        uow.commit()
        return grid_row(grid)


@dataclass(frozen=True)
class GridTree:
    """The 街道 › 社区/村 › 网格 tree for the navigation panel."""

    street_name: str
    communities: list[CommunityRow]
    grids_by_community: dict[str, list[GridRow]] = field(default_factory=dict)


def grid_tree(uow: UnitOfWork, *, include_retired: bool = False) -> GridTree:
    with uow:
        sub_center = uow.sub_center.get()
        street = sub_center.street_name if sub_center else "（未设置街道）"
        communities = [_community_row(c) for c in uow.grids.communities() if not c.retired]
        by_community: dict[str, list[GridRow]] = {c.id: [] for c in communities}
        for grid in uow.grids.all(include_retired=include_retired):
            by_community.setdefault(grid.community_id, []).append(grid_row(grid))
    return GridTree(street, communities, by_community)
