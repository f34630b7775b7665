"""Grid boundaries: checking and importing a boundary file, and the data for the map.

The grid administrator draws boundaries in a GIS desktop (or gets them from the
district) and imports them as GeoJSON or Shapefile. The import is all-or-nothing: every
problem of the file (an unknown grid, a bow-tie polygon, two features for one grid) is
reported at once and nothing is stored until the file is clean. Overlaps between grids
and gaps inside a community are *warnings*: real boundaries drawn by hand are rarely
perfect, and the user decides whether they matter.

Areas are computed in a local equirectangular plane (``desktop.domain.geometry``),
accurate to well under 1 % at street scale. Reading files lives in ``boundary_files``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from shapely import STRtree, make_valid
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.errors import ImportRejectedError, RowError
from desktop.domain.geometry import LocalProjection, area_m2, explain_invalid, where
from desktop.domain.grids import GridCategory, GridKind
from desktop.domain.permissions import Permission, require
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.services.boundary_files import BoundaryFeature, read_boundary_file
from local_db.models import Grid, GridEvent
from local_db.unit_of_work import UnitOfWork

__all__ = [
    "BoundaryFeature", "BoundaryGrid", "BoundaryReport", "BoundaryWarning", "MapData",
    "MapGrid", "import_boundaries", "map_data", "read_boundary_file", "validate_boundaries",
]

CODE_KEYS = ("网格编码", "code", "grid_code")
NAME_KEYS = ("网格名称", "name")
MIN_OVERLAP_M2 = 1.0
MIN_GAP_M2 = 100.0
SNAP_M = 0.5  # neighbours closer than this are treated as touching
GEOMETRY_COLUMN = "边界"


@dataclass(frozen=True)
class BoundaryGrid:
    """What matching needs to know about an active grid (and its current boundary)."""

    id: str
    code: str
    name: str
    community_id: str
    boundary_geojson: str | None = None


class CommunityLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class BoundaryWarning:
    """An overlap between two grids or a gap inside a community, with its area."""

    kind: str  # "overlap" | "gap"
    text: str
    area_m2: float
    grid_ids: tuple[str, ...] = ()
    community_id: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class BoundaryReport:
    file: str
    feature_count: int
    errors: tuple[RowError, ...]
    warnings: tuple[BoundaryWarning, ...]
    matched: Mapping[str, str] = field(default_factory=dict)  # grid id → GeoJSON geometry


# --- validation ----------------------------------------------------------------------


def validate_boundaries(
    features: Sequence[BoundaryFeature],
    grids: Sequence[BoundaryGrid],
    communities: Sequence[CommunityLike],
    *,
    file: str = "",
) -> BoundaryReport:
    """Match features to active grids, check every geometry, and look for overlaps and
    gaps against the boundaries the grids will have after the import."""
    matcher = _Matcher(grids)
    errors: list[RowError] = []
    new_shapes: dict[str, Polygon | MultiPolygon] = {}
    first_feature: dict[str, int] = {}
    for feature in features:
        grid, problems = matcher.match(feature)
        if grid is not None and grid.id in first_feature:
            problems.append(("", f"与第 {first_feature[grid.id]} 个要素同为网格“{grid.name}”"
                                 f"（{grid.code}）的边界；每个网格只能有一个边界，请删除或合并其中一个。"))
        elif grid is not None:
            first_feature[grid.id] = feature.number
        problems.extend((GEOMETRY_COLUMN, text) for text in _geometry_problems(feature))
        errors.extend(RowError(file, feature.number, column, text) for column, text in problems)
        if not problems and grid is not None and feature.geometry is not None:
            new_shapes[grid.id] = feature.geometry
    by_id = {grid.id: grid for grid in grids}
    final = dict(_existing_shapes(grid for grid in grids if grid.id not in first_feature))
    final.update(new_shapes)
    warnings = [*_overlaps(final, set(new_shapes), by_id), *_gaps(final, set(new_shapes), by_id, communities)]
    matched = {grid_id: json.dumps(mapping(geom), ensure_ascii=False) for grid_id, geom in new_shapes.items()}
    return BoundaryReport(file, len(features), tuple(errors), tuple(warnings), matched)


class _Matcher:
    """Finds the grid a feature belongs to, by code (preferred) or by name."""

    def __init__(self, grids: Sequence[BoundaryGrid]) -> None:
        self.by_code = {grid.code: grid for grid in grids}
        self.by_name: dict[str, list[BoundaryGrid]] = {}
        for grid in grids:
            self.by_name.setdefault(grid.name, []).append(grid)

    def match(self, feature: BoundaryFeature) -> tuple[BoundaryGrid | None, list[tuple[str, str]]]:
        key, code = _property(feature.properties, CODE_KEYS)
        if code:
            grid = self.by_code.get(code)
            if grid is None:
                return None, [(key, f"网格编码“{code}”不是本街道在用的网格，请核对编码"
                                    "（已撤销、合并或拆分的网格不能导入边界）。")]
            return grid, []
        key, name = _property(feature.properties, NAME_KEYS)
        if not name:
            return None, [("", "没有网格编码或网格名称属性（属性名应为“网格编码”“code”"
                               "“网格名称”或“name”），无法对应到网格，请在属性表中补上。")]
        candidates = self.by_name.get(name, [])
        if not candidates:
            return None, [(key, f"找不到名为“{name}”的在用网格，请核对名称，或在属性表中改用“网格编码”。")]
        if len(candidates) > 1:
            codes = "、".join(grid.code for grid in candidates)
            return None, [(key, f"有 {len(candidates)} 个在用网格名为“{name}”（{codes}），"
                                "无法区分，请在属性表中改用“网格编码”。")]
        return candidates[0], []


def _property(properties: Mapping[str, Any], keys: Iterable[str]) -> tuple[str, str]:
    """(the property name as written in the file, its value as text) or ("", "")."""
    lowered = {str(name).strip().lower(): name for name in properties}
    for key in keys:
        name = lowered.get(key.lower())
        if name is not None:
            value = properties[name]
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a code in a numeric .dbf column
            text = "" if value is None else str(value).strip()
            if text:
                return str(name), text
    return "", ""


def _geometry_problems(feature: BoundaryFeature) -> list[str]:
    if feature.defects:
        return [f"{defect}，请在 GIS 软件中修正后重新导出。" for defect in feature.defects]
    if feature.geometry_type in ("", "Null"):
        return ["没有边界几何（图形为空），请在 GIS 软件中补画边界。"]
    if feature.geometry is None:
        return [f"几何类型是“{feature.type_label}”，网格边界应为面（Polygon 或 MultiPolygon）。"]
    if feature.geometry.is_empty:
        return ["边界几何为空（没有坐标），请在 GIS 软件中补画边界。"]
    reason = explain_invalid(feature.geometry)
    if reason:
        return [f"边界无效：{reason}。请在 GIS 软件中修正（如“修复几何”）后重新导出。"]
    return []


def _existing_shapes(grids: Iterable[BoundaryGrid]) -> Iterable[tuple[str, BaseGeometry]]:
    """Stored boundaries of grids the file does not touch; unreadable ones are skipped
    (they cannot overlap anything we can draw)."""
    for grid in grids:
        geometry = _parse(grid.boundary_geojson)
        if geometry is not None:
            yield grid.id, geometry


def _parse(geojson: str | None) -> BaseGeometry | None:
    if not geojson:
        return None
    try:
        geometry = shape(json.loads(geojson))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if geometry.is_empty:
        return None
    return geometry if geometry.is_valid else make_valid(geometry)


def _label(grid: BoundaryGrid, is_new: bool) -> str:
    return f"“{grid.name}”（{grid.code}{'' if is_new else '，已有边界'}）"


def _overlaps(
    shapes: Mapping[str, BaseGeometry], new: set[str], grids: Mapping[str, BoundaryGrid]
) -> list[BoundaryWarning]:
    ids = list(shapes)
    tree = STRtree([shapes[grid_id] for grid_id in ids])
    warnings: list[BoundaryWarning] = []
    for i, grid_id in enumerate(ids):
        for j in sorted(int(j) for j in tree.query(shapes[grid_id], predicate="intersects")):
            other = ids[j]
            if j <= i or (grid_id not in new and other not in new):
                continue
            area = area_m2(shapes[grid_id].intersection(shapes[other]))
            if area <= MIN_OVERLAP_M2:
                continue
            a, b = grids[grid_id], grids[other]
            text = (f"网格{_label(a, grid_id in new)}与{_label(b, other in new)}的边界重叠约 "
                    f"{area:,.0f} 平方米，请核对两者的分界线。")
            warnings.append(BoundaryWarning("overlap", text, area, (grid_id, other)))
    return warnings


def _gaps(
    shapes: Mapping[str, BaseGeometry],
    new: set[str],
    grids: Mapping[str, BoundaryGrid],
    communities: Sequence[CommunityLike],
) -> list[BoundaryWarning]:
    """Holes in the union of a community's grids that no grid (of any community) covers.

    Worked in metres: hand-drawn neighbours rarely share vertices exactly, so the union
    is closed by ``SNAP_M`` first; otherwise centimetre slivers would break a ring of
    grids apart and hide the very hole we look for.
    """
    if not new:
        return []
    names = {community.id: community.name for community in communities}
    projection = LocalProjection.around(unary_union(list(shapes.values())))
    plane = {grid_id: projection.project(geometry) for grid_id, geometry in shapes.items()}
    everything = unary_union(list(plane.values()))
    warnings: list[BoundaryWarning] = []
    for community_id in sorted({grids[grid_id].community_id for grid_id in new}):
        union = unary_union([geometry for grid_id, geometry in plane.items()
                             if grids[grid_id].community_id == community_id])
        closed = union.buffer(SNAP_M, join_style="mitre").buffer(-SNAP_M, join_style="mitre")
        for polygon in getattr(closed, "geoms", [closed]):
            for ring in getattr(polygon, "interiors", []):
                gap = Polygon(ring).difference(everything)
                if gap.area <= MIN_GAP_M2:
                    continue
                point = gap.representative_point()
                place = where(Point(*projection.lonlat(point.x, point.y)))
                text = (f"{names.get(community_id, '该社区')}的网格之间有一处约 {gap.area:,.0f} "
                        f"平方米的空隙未划入任何网格（约在{place}），请核对是否漏划。")
                warnings.append(BoundaryWarning("gap", text, gap.area, community_id=community_id))
    return warnings


# --- import --------------------------------------------------------------------------


def import_boundaries(
    uow: UnitOfWork,
    *,
    actor: Actor,
    path: Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> BoundaryReport:
    """Import a boundary file in one transaction, or refuse it whole.

    Raises ``ImportRejectedError`` listing every problem when the file has errors, and
    ``DomainError`` when the file itself cannot be read; in both cases nothing changes.
    Returns the report, whose warnings (overlaps, gaps) the UI shows afterwards.
    Runs on a worker thread: it touches no widget and reports through ``progress``.
    Needs ``GRID_IMPORT``; writes one audit row for the file (not one per grid).
    """
    require(actor, Permission.GRID_IMPORT)
    progress(0, 3, f"正在读取 {path.name}……")
    features = read_boundary_file(path)
    cancel.raise_if_cancelled()
    with uow:
        rows = uow.grids.all()
        grids = [BoundaryGrid(g.id, g.code, g.name, g.community_id, g.boundary_geojson) for g in rows]
        progress(1, 3, f"正在检查 {len(features)} 个边界……")
        report = validate_boundaries(features, grids, uow.grids.communities(), file=path.name)
        if report.errors:
            raise ImportRejectedError(path.name, list(report.errors))
        cancel.raise_if_cancelled()
        by_id = {grid.id: grid for grid in rows}
        changed = 0
        for done, (grid_id, geojson) in enumerate(report.matched.items(), start=1):
            changed += _store(uow, by_id[grid_id], geojson, actor=actor, file=path.name)
            progress(2, 3, f"已写入 {done}/{len(report.matched)} 个网格边界")
        cancel.raise_if_cancelled()
        _audit_import(uow, actor, report, changed)
        uow.commit()
    progress(3, 3, f"已导入 {len(report.matched)} 个网格边界")
    return report


def _audit_import(uow: UnitOfWork, actor: Actor, report: BoundaryReport, changed: int) -> None:
    """One audit row for the whole file (not one per grid)."""
    audit.record(uow, actor, audit.AuditAction.IMPORT, entity_type="grid_boundary",
                 summary=f"从 {report.file} 导入网格边界：{len(report.matched)} 个网格，"
                         f"其中 {changed} 个边界有变化",
                 changes={"文件": (None, report.file), "要素数": (None, report.feature_count),
                          "边界有变化的网格": (None, changed),
                          "重叠或空隙提醒": (None, len(report.warnings))})


def _store(uow: UnitOfWork, grid: Grid, geojson: str, *, actor: Actor, file: str) -> bool:
    """Like ``grids.set_boundary`` (version, time, a 'boundary' event), inside the import's
    transaction; an area left at 0 is taken from the boundary. False if unchanged."""
    old, new = _parse(grid.boundary_geojson), shape(json.loads(geojson))
    if old is not None and old.equals_exact(new, 1e-9):  # 1e-9° ≈ 0.1 mm
        return False  # importing the same boundary again changes nothing
    summary = f"从 {file} 导入边界"
    if not grid.area_km2:
        grid.area_km2 = round(area_m2(new) / 1_000_000, 4)
        summary += f"，面积按边界计为 {grid.area_km2} 平方公里"
    stamp = now()
    grid.boundary_geojson = geojson
    grid.version += 1
    grid.updated_at = stamp
    uow.grids.add_event(GridEvent(grid_id=grid.id, kind="boundary", occurred_at=stamp,
                                  actor=actor.name, summary=summary))
    return True


# --- map -----------------------------------------------------------------------------

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class MapGrid:
    """One grid as the map draws it: rings in metres east/north of ``MapData.origin``."""

    id: str
    code: str
    name: str
    community_name: str
    category: GridCategory
    kind: GridKind
    population: int
    rings: tuple[Ring, ...]  # outer rings and holes; draw with the odd-even rule
    label_point: tuple[float, float]
    area_m2: float


@dataclass(frozen=True)
class MapData:
    grids: tuple[MapGrid, ...] = ()
    bounds: tuple[float, float, float, float] | None = None  # min x, min y, max x, max y
    origin: tuple[float, float] | None = None  # lon/lat of the plane's (0, 0)
    unreadable: tuple[str, ...] = ()  # names of grids whose stored boundary is broken


def map_data(uow: UnitOfWork) -> MapData:
    """Every active grid with a boundary, projected to one plane for the street."""
    with uow:
        rows = [(g, _parse(g.boundary_geojson)) for g in uow.grids.all() if g.boundary_geojson]
        unreadable = tuple(g.name for g, geometry in rows if geometry is None)
        rows = [(g, geometry) for g, geometry in rows if geometry is not None]
        if not rows:
            return MapData(unreadable=unreadable)
        projection = LocalProjection.around(unary_union([geometry for _g, geometry in rows]).envelope)
        drawn = [_map_grid(g, projection.project(geometry)) for g, geometry in rows]
    grids = tuple(grid for grid in drawn if grid is not None)
    if not grids:
        return MapData(unreadable=unreadable)
    bounds = (
        min(x for g in grids for ring in g.rings for x, _y in ring),
        min(y for g in grids for ring in g.rings for _x, y in ring),
        max(x for g in grids for ring in g.rings for x, _y in ring),
        max(y for g in grids for ring in g.rings for _x, y in ring),
    )
    return MapData(grids, bounds, (projection.lon0, projection.lat0), unreadable)


def _map_grid(grid: Grid, plane: BaseGeometry) -> MapGrid | None:
    """``grid`` is the ORM row, read here inside the unit of work and not kept."""
    polygons = [p for p in getattr(plane, "geoms", [plane]) if isinstance(p, Polygon) and not p.is_empty]
    if not polygons:
        return None
    rings: list[Ring] = []
    for polygon in polygons:
        rings.append(tuple((x, y) for x, y, *_ in polygon.exterior.coords))
        rings.extend(tuple((x, y) for x, y, *_ in hole.coords) for hole in polygon.interiors)
    largest = max(polygons, key=lambda p: p.area)
    label = largest.representative_point()
    return MapGrid(
        id=grid.id, code=grid.code, name=grid.name, community_name=grid.community.name,
        category=GridCategory(grid.category), kind=GridKind(grid.kind),
        population=grid.population, rings=tuple(rings), label_point=(label.x, label.y),
        area_m2=float(plane.area),
    )
