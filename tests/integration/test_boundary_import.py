"""Importing boundary files into a migrated database, and the map's data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import Point, Polygon

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.domain.errors import CancelledError, ImportRejectedError
from desktop.domain.grids import CommunityKind, GridCategory, GridKind
from desktop.progress import CancelToken
from desktop.services.boundaries import import_boundaries, map_data
from desktop.services.grids import (
    GridFields,
    GridRow,
    create_community,
    create_grid,
    get_grid,
    grid_history,
    list_grids,
)
from desktop.services.subcenter import set_up_sub_center

LON, LAT, STEP = 116.40, 39.90, 0.002


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_migrated_context(tmp_path / "data")
    set_up_sub_center(context.uow(), actor=context.actor, street_name="东华门街道",
                      division_code="110101001000", issuing_authority="东华门街道办事处",
                      doc_prefix="东街")
    community = create_community(context.uow(), actor=context.actor, name="东风社区",
                                 kind=CommunityKind.COMMUNITY, code="001")
    create_grid(context.uow(), actor=context.actor, community_id=community.id,
                fields=GridFields("东风一网格", GridKind.BASE, GridCategory.URBAN_COMMUNITY,
                                  population=1200))
    create_grid(context.uow(), actor=context.actor, community_id=community.id,
                fields=GridFields("东风二网格", GridKind.BASE, GridCategory.URBAN_COMMUNITY,
                                  population=800, area_km2=0.5))
    yield context
    context.close()


def square(col: int) -> list[list[list[float]]]:
    x0, x1 = LON + col * STEP, LON + (col + 1) * STEP
    return [[[x0, LAT], [x1, LAT], [x1, LAT + STEP], [x0, LAT + STEP], [x0, LAT]]]


def write(path: Path, coordinates: list[list[list[list[float]]]]) -> Path:
    features = [
        {"type": "Feature", "properties": {"网格编码": f"110101001001{n:03d}"},
         "geometry": {"type": "Polygon", "coordinates": rings}}
        for n, rings in enumerate(coordinates, start=1)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _rows(ctx: AppContext) -> list[GridRow]:
    return list_grids(ctx.uow())


def test_a_clean_file_sets_every_boundary_in_one_go(ctx: AppContext, tmp_path: Path) -> None:
    path = write(tmp_path / "边界.geojson", [square(0), square(1)])
    seen: list[tuple[int, int, str]] = []

    report = import_boundaries(ctx.uow(), actor=ctx.actor, path=path,
                               progress=lambda d, t, s: seen.append((d, t, s)))

    assert report.errors == () and report.warnings == ()
    first, second = _rows(ctx)
    assert first.has_boundary and second.has_boundary
    assert (first.version, second.version) == (2, 2)
    assert first.area_km2 == pytest.approx(0.0379, abs=0.0005)  # was 0: taken from the boundary
    assert second.area_km2 == 0.5  # typed by the user: kept
    assert grid_history(ctx.uow(), first.id)[-1].kind == "boundary"
    assert seen[-1][:2] == (3, 3)


def test_a_bad_file_leaves_the_database_unchanged(ctx: AppContext, tmp_path: Path) -> None:
    bow_tie = [[[LON, LAT], [LON + STEP, LAT + STEP], [LON + STEP, LAT], [LON, LAT + STEP],
                [LON, LAT]]]
    path = write(tmp_path / "坏边界.geojson", [square(0), bow_tie])

    with pytest.raises(ImportRejectedError) as refused:
        import_boundaries(ctx.uow(), actor=ctx.actor, path=path)

    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "边界")]
    assert "坏边界.geojson 第 2 行" in str(refused.value)
    for row in _rows(ctx):
        assert not row.has_boundary and row.version == 1
        assert [event.kind for event in grid_history(ctx.uow(), row.id)] == ["created"]


def test_a_cancelled_import_stores_nothing(ctx: AppContext, tmp_path: Path) -> None:
    path = write(tmp_path / "边界.geojson", [square(0), square(1)])
    token = CancelToken()

    def cancel_while_writing(done: int, _total: int, _text: str) -> None:
        if done == 2:
            token.cancel()

    with pytest.raises(CancelledError):
        import_boundaries(ctx.uow(), actor=ctx.actor, path=path, progress=cancel_while_writing,
                          cancel=token)
    assert not any(row.has_boundary for row in _rows(ctx))


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = write(tmp_path / "边界.geojson", [square(0), square(1)])
    import_boundaries(ctx.uow(), actor=ctx.actor, path=path)
    import_boundaries(ctx.uow(), actor=ctx.actor, path=path)

    assert [row.version for row in _rows(ctx)] == [2, 2]


def test_an_overlap_with_a_stored_boundary_is_a_warning_and_still_imports(
    ctx: AppContext, tmp_path: Path
) -> None:
    import_boundaries(ctx.uow(), actor=ctx.actor, path=write(tmp_path / "a.geojson", [square(0)]))
    shifted = [[[x + STEP / 2, y] for x, y in square(0)[0]]]
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {"name": "东风二网格"},
                                "geometry": {"type": "Polygon", "coordinates": shifted}}), "utf-8")

    report = import_boundaries(ctx.uow(), actor=ctx.actor, path=path)

    [warning] = report.warnings
    assert "东风一网格" in warning.text and "东风二网格" in warning.text
    assert all(row.has_boundary for row in _rows(ctx))


def test_map_data_gives_rings_in_metres_with_north_up(ctx: AppContext, tmp_path: Path) -> None:
    assert map_data(ctx.uow()).grids == ()
    import_boundaries(ctx.uow(), actor=ctx.actor,
                      path=write(tmp_path / "边界.geojson", [square(0), square(1)]))

    data = map_data(ctx.uow())

    assert [grid.name for grid in data.grids] == ["东风一网格", "东风二网格"]
    west, east = data.grids
    assert west.community_name == "东风社区" and west.population == 1200
    assert west.category is GridCategory.URBAN_COMMUNITY
    [ring] = west.rings
    outline = Polygon(ring)
    width = outline.bounds[2] - outline.bounds[0]
    height = outline.bounds[3] - outline.bounds[1]
    assert width == pytest.approx(170.6, rel=0.01)  # 0.002° of longitude at 39.9°N
    assert height == pytest.approx(222.4, rel=0.01)  # 0.002° of latitude
    assert outline.contains(Point(west.label_point))
    assert Polygon(east.rings[0]).centroid.x > outline.centroid.x  # east is +x
    assert data.bounds == pytest.approx((-width, -height / 2, width, height / 2), abs=0.5)
    assert get_grid(ctx.uow(), west.id).has_boundary
