"""Boundaries for the demo street: a mosaic of communities cut into grids, in lon/lat.

Everything is drawn in metres on a local plane (x east, y north, origin at the street's
north-west corner) and only turned into longitude/latitude at the end, with one affine
map, so a vertex shared by two polygons stays exactly shared.

Why the polygons tile without gaps or overlaps:
- communities are unions of cells of one jittered lattice, and every cell edge is a
  polyline computed once and reused by both neighbours (bent a little so the street's
  roads do not look ruled);
- a community's grids are the community intersected with cells of its own jittered
  lattice, and a fragment a cell leaves behind is merged into the neighbour it borders
  most; where a grid line meets a community border, ``share_vertices`` puts the new
  vertex into the neighbouring community's grid too, so borders match vertex for vertex;
- a dedicated grid is cut out of its base grid (``carve``): the base grid keeps a hole
  whose ring is exactly the dedicated grid's outline.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from shapely import STRtree, affinity, snap
from shapely.geometry import MultiPoint, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from desktop.demo_data import COLUMN_WIDTHS, DEDICATED, ROW_HEIGHTS, CommunitySpec, DedicatedSpec
from desktop.domain.grids import positional_order

ORIGIN_LON = 112.985  # the street's north-west corner, east of 长沙's 五一广场
ORIGIN_LAT = 28.205
METRES_PER_DEG_LAT = 110_574.0
METRES_PER_DEG_LON = 111_320.0 * math.cos(math.radians(ORIGIN_LAT))

Point = tuple[float, float]
G = TypeVar("G", bound=BaseGeometry)


def to_lonlat(geometry: G) -> G:
    """Metres on the local plane → lon/lat (equirectangular; exact enough for a street)."""
    return affinity.affine_transform(
        geometry,
        [1 / METRES_PER_DEG_LON, 0, 0, 1 / METRES_PER_DEG_LAT, ORIGIN_LON, ORIGIN_LAT],
    )


def to_metres(geometry: G) -> G:
    """The inverse of ``to_lonlat`` (used by checks and tests)."""
    return affinity.affine_transform(
        geometry,
        [METRES_PER_DEG_LON, 0, 0, METRES_PER_DEG_LAT,
         -ORIGIN_LON * METRES_PER_DEG_LON, -ORIGIN_LAT * METRES_PER_DEG_LAT],
    )


def geojson(polygon: Polygon) -> str:
    """RFC 7946 GeoJSON (outer ring counter-clockwise), coordinates to 1e-9 degree.

    Rounding is per value, so a vertex shared by two grids rounds the same in both.
    """
    oriented = orient(polygon, 1.0)
    rings = [oriented.exterior, *oriented.interiors]
    coordinates = [[[round(x, 9), round(y, 9)] for x, y in ring.coords] for ring in rings]
    return json.dumps({"type": "Polygon", "coordinates": coordinates}, separators=(",", ":"))


# --- the community mosaic ----------------------------------------------------------


def _lattice(xs: Sequence[float], ys: Sequence[float], jitter: float, rng: random.Random,
             *, keep_border: bool) -> dict[tuple[int, int], Point]:
    """Lattice points (column i, row j), each moved at random by up to ``jitter``.

    With ``keep_border`` the outermost lines stay straight (a cutting lattice must still
    cover what it cuts).
    """
    points: dict[tuple[int, int], Point] = {}
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            on_border = i in (0, len(xs) - 1) or j in (0, len(ys) - 1)
            if keep_border and on_border:
                points[i, j] = (x, y)
            else:
                points[i, j] = (x + rng.uniform(-jitter, jitter), y + rng.uniform(-jitter, jitter))
    return points


class _BentEdges:
    """Each lattice edge as a polyline with a few sideways bends, made once per edge so
    both cells beside it use the very same points."""

    def __init__(self, points: dict[tuple[int, int], Point], bend: float,
                 rng: random.Random) -> None:
        self._points = points
        self._bend = bend
        self._rng = rng
        self._cache: dict[tuple[tuple[int, int], tuple[int, int]], list[Point]] = {}

    def path(self, start: tuple[int, int], end: tuple[int, int]) -> list[Point]:
        """Points from ``start`` to ``end``, excluding ``end``."""
        key = (min(start, end), max(start, end))
        if key not in self._cache:
            (x0, y0), (x1, y1) = self._points[key[0]], self._points[key[1]]
            length = math.hypot(x1 - x0, y1 - y0)
            nx, ny = (y0 - y1) / length, (x1 - x0) / length  # unit normal
            inner = []
            for t in (0.3, 0.55, 0.8):
                offset = self._rng.uniform(-self._bend, self._bend)
                inner.append((x0 + t * (x1 - x0) + offset * nx, y0 + t * (y1 - y0) + offset * ny))
            self._cache[key] = [self._points[key[0]], *inner]
        forward = self._cache[key]
        if start == key[0]:
            return forward
        return [self._points[start], *reversed(forward[1:])]

    def cell(self, i: int, j: int) -> Polygon:
        corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
        ring: list[Point] = []
        for start, end in zip(corners, corners[1:] + corners[:1], strict=True):
            ring.extend(self.path(start, end))
        return Polygon(ring)


def community_mosaic(column_widths: Sequence[float], row_heights: Sequence[float],
                     cells: Sequence[Sequence[tuple[int, int]]],
                     rng: random.Random) -> list[Polygon]:
    """One polygon (metres) per community, each the union of its cells of the mosaic."""
    xs = [sum(column_widths[:i]) for i in range(len(column_widths) + 1)]
    ys = [-sum(row_heights[:j]) for j in range(len(row_heights) + 1)]
    smallest = min(*column_widths, *row_heights)
    edges = _BentEdges(_lattice(xs, ys, 0.12 * smallest, rng, keep_border=False),
                       0.04 * smallest, rng)
    polygons = []
    for community_cells in cells:
        union = unary_union([edges.cell(i, j) for i, j in community_cells])
        if not isinstance(union, Polygon):
            raise ValueError("a community's cells must be contiguous")
        polygons.append(union)
    return polygons


# --- cutting a community into grids --------------------------------------------------


def cut_into_grids(community: Polygon, columns: int, rows: int,
                   rng: random.Random) -> list[Polygon]:
    """Cut a community into about ``columns`` × ``rows`` grids that tile it exactly."""
    minx, miny, maxx, maxy = community.bounds
    margin = 10.0
    xs = [minx - margin + (maxx - minx + 2 * margin) * i / columns for i in range(columns + 1)]
    ys = [maxy + margin - (maxy - miny + 2 * margin) * j / rows for j in range(rows + 1)]
    jitter = 0.1 * min((maxx - minx) / columns, (maxy - miny) / rows)
    points = _lattice(xs, ys, jitter, rng, keep_border=True)
    pieces: list[BaseGeometry] = []
    for j in range(rows):
        for i in range(columns):
            cell = Polygon([points[i, j], points[i + 1, j], points[i + 1, j + 1],
                            points[i, j + 1]])
            pieces.append(community.intersection(cell))
    return _absorb_fragments(pieces, minimum=0.25 * community.area / (columns * rows))


def _parts(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    return [part for part in getattr(geometry, "geoms", []) if isinstance(part, Polygon)]


def _absorb_fragments(pieces: Sequence[BaseGeometry], minimum: float) -> list[Polygon]:
    """Keep each piece's largest part when big enough; merge every other bit into the
    kept grid it shares the longest border with, so nothing is lost or left apart."""
    kept: list[Polygon] = []
    fragments: list[Polygon] = []
    for piece in pieces:
        parts = sorted(_parts(piece), key=lambda part: part.area, reverse=True)
        if parts and parts[0].area >= minimum:
            kept.append(parts[0])
            parts = parts[1:]
        fragments.extend(parts)
    for fragment in fragments:
        shared = [fragment.boundary.intersection(grid.boundary).length for grid in kept]
        best = max(range(len(kept)), key=shared.__getitem__)
        merged = unary_union([kept[best], fragment])
        if isinstance(merged, Polygon):
            kept[best] = merged
    return kept


# --- dedicated grids -----------------------------------------------------------------


def carve(host: Polygon, width: float, height: float,
          rng: random.Random) -> tuple[Polygon, Polygon]:
    """Cut a dedicated grid of about ``width`` × ``height`` metres out of ``host``,
    off-centre and slightly turned; returns (what is left of the host, the carved part).

    The carved part keeps 15 m inside the host so the host stays one piece (with a hole).
    """
    inside = host.buffer(-15.0)
    minx, miny, maxx, maxy = host.bounds
    centre = host.representative_point()
    for shift in (0.25, 0.12, 0.0):
        cx = centre.x + rng.choice((-1, 1)) * shift * (maxx - minx) / 2
        cy = centre.y + rng.choice((-1, 1)) * shift * (maxy - miny) / 2
        candidate = affinity.rotate(
            box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2),
            rng.uniform(-12.0, 12.0),
        )
        parts = sorted(_parts(candidate.intersection(inside)), key=lambda p: p.area, reverse=True)
        if parts and parts[0].area >= 0.5 * candidate.area:
            carved = parts[0]
            rest = host.difference(carved)
            if isinstance(rest, Polygon):
                return rest, carved
    raise ValueError("the base grid is too small for the dedicated grid")


# --- the whole street ------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedGrid:
    """A grid before it is stored: its boundary, its area and what it is."""

    boundary: Polygon  # lon/lat
    area_km2: float
    dedicated: DedicatedSpec | None

    @property
    def boundary_geojson(self) -> str:
        return geojson(self.boundary)


def plan_street(communities: Sequence[CommunitySpec],
                rng: random.Random) -> list[list[PlannedGrid]]:
    """Every community's grids in numbering order (sequence = position + 1)."""
    outlines = community_mosaic(COLUMN_WIDTHS, ROW_HEIGHTS, [c.cells for c in communities], rng)
    cut = [_cut_community(spec, outline, rng) for spec, outline in zip(communities, outlines,
                                                                        strict=True)]
    shared = share_vertices([polygon for grids in cut for polygon, _ in grids])
    plans = []
    for spec, outline, grids in zip(communities, outlines, cut, strict=True):
        planned = [PlannedGrid(to_lonlat(shared.pop(0)), round(polygon.area / 1e6, 3), extra)
                   for polygon, extra in grids]
        plans.append(_in_numbering_order(spec, planned, outline))
    return plans


def _cut_community(spec: CommunitySpec, outline: Polygon,
                   rng: random.Random) -> list[tuple[Polygon, DedicatedSpec | None]]:
    """Cut one community (metres) into base grids and carve its dedicated grids."""
    pieces = cut_into_grids(outline, *spec.split, rng)
    dedicated: list[tuple[Polygon, DedicatedSpec | None]] = []
    for extra in (d for d in DEDICATED if d.community_code == spec.code):
        host, rest, carved = _carve_somewhere(pieces, extra, rng)
        pieces[host] = rest
        dedicated.append((carved, extra))
    return [(piece, None) for piece in pieces] + dedicated


def _carve_somewhere(pieces: Sequence[Polygon], extra: DedicatedSpec,
                     rng: random.Random) -> tuple[int, Polygon, Polygon]:
    """Carve ``extra`` out of one of the larger base grids, picked at random."""
    by_size = sorted(range(len(pieces)), key=lambda i: pieces[i].area, reverse=True)
    hosts = by_size[: max(1, len(pieces) // 2)]
    rng.shuffle(hosts)
    for host in hosts + by_size[len(hosts):]:
        try:
            rest, carved = carve(pieces[host], extra.width, extra.height, rng)
        except ValueError:
            continue
        return host, rest, carved
    raise ValueError(f"no base grid of {extra.community_code} can hold {extra.name}")


def share_vertices(polygons: Sequence[Polygon], tolerance: float = 1e-6) -> list[Polygon]:
    """Give neighbours identical borders: a vertex of one polygon lying on another's edge
    (where a grid line meets a community border) is inserted into that edge too.

    Without this the border has a "T-junction": the point is on the edge only to
    floating precision, and after the lon/lat conversion and rounding, hairline gaps
    and overlaps open along community borders.
    """
    tree = STRtree(polygons)
    shared = []
    for index, polygon in enumerate(polygons):
        neighbours = [polygons[i] for i in tree.query(polygon.buffer(10 * tolerance))
                      if i != index]
        corners = [point for other in neighbours
                   for ring in (other.exterior, *other.interiors) for point in ring.coords]
        snapped = snap(polygon, MultiPoint(corners), tolerance) if corners else polygon
        shared.append(snapped if isinstance(snapped, Polygon) and snapped.is_valid else polygon)
    return shared


def _in_numbering_order(spec: CommunitySpec, planned: list[PlannedGrid],
                        outline: Polygon) -> list[PlannedGrid]:
    """West→east, north→south (the product rule) on centroids; ``outline`` is the
    community in metres.

    A grid's row is the nearest of the community's nominal base-grid rows. We band
    the rows here, then let ``positional_order`` sort (row, x): it bands from the
    northernmost centroid in steps of ``row_height``, which puts the band edges right
    on the next rows' centroids, so a few metres of jitter would flip a grid into the
    row above. Whole-number rows with ``row_height=1`` sort the same either way.
    """
    _minx, miny, _maxx, maxy = outline.bounds
    row_height = (maxy - miny) / spec.split[1]
    first_row = maxy - row_height / 2
    centroids: dict[str, tuple[float, float]] = {}
    for index, grid in enumerate(planned):
        centroid = grid.boundary.centroid
        row = round((first_row - to_metres(centroid).y) / row_height)
        centroids[str(index)] = (centroid.x, -float(row))
    return [planned[int(key)] for key in positional_order(centroids, 1.0)]
