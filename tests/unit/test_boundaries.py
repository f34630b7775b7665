"""Reading and checking grid boundary files (no database)."""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import shapefile
from shapely.geometry import shape

from desktop.domain.errors import DomainError
from desktop.domain.geometry import EARTH_RADIUS_M, area_m2, explain_invalid
from desktop.services.boundaries import (
    BoundaryGrid,
    read_boundary_file,
    validate_boundaries,
)

LON, LAT = 116.40, 39.90
STEP = 0.002  # about 170 m east-west, 222 m north-south at this latitude
WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


@dataclass(frozen=True)
class Community:
    id: str
    name: str


COMMUNITIES = [Community("c1", "东风社区"), Community("c2", "西城社区")]


def square(col: float, row: float, size: float = 1.0) -> list[list[list[float]]]:
    """A square of ``size`` steps whose south-west corner is ``col``/``row`` steps from
    the origin, as GeoJSON Polygon coordinates (counter-clockwise, closed)."""
    x0, y0 = LON + col * STEP, LAT + row * STEP
    x1, y1 = LON + (col + size) * STEP, LAT + (row + size) * STEP
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def feature(properties: dict, coordinates: list, kind: str = "Polygon") -> dict:
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": kind, "coordinates": coordinates}}


def write_geojson(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path


def grid(n: int, community: str = "c1", boundary: str | None = None) -> BoundaryGrid:
    return BoundaryGrid(f"g{n}", f"110101001001{n:03d}", f"第{n}网格", community, boundary)


def spherical_area(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    """Exact area of a lon/lat rectangle on the sphere: an independent reference."""
    return (EARTH_RADIUS_M ** 2 * math.radians(lon1 - lon0)
            * (math.sin(math.radians(lat1)) - math.sin(math.radians(lat0))))


def check(tmp_path: Path, features: list[dict], grids: list[BoundaryGrid]):
    path = write_geojson(tmp_path / "边界.geojson", features)
    return validate_boundaries(read_boundary_file(path), grids, COMMUNITIES, file=path.name)


def test_a_clean_file_matches_every_grid_without_errors_or_warnings(tmp_path: Path) -> None:
    report = check(tmp_path, [
        feature({"网格编码": "110101001001001"}, square(0, 0)),
        feature({"网格名称": "第2网格"}, square(1, 0)),  # matched by name, shares an edge
    ], [grid(1), grid(2)])

    assert report.errors == ()
    assert report.warnings == ()
    assert set(report.matched) == {"g1", "g2"}
    stored = shape(json.loads(report.matched["g1"]))
    assert stored.geom_type == "Polygon"
    assert stored.bounds == pytest.approx((LON, LAT, LON + STEP, LAT + STEP))


def test_a_bow_tie_is_an_error_naming_the_feature_and_the_place(tmp_path: Path) -> None:
    x0, y0, x1, y1 = LON, LAT, LON + STEP, LAT + STEP
    bow_tie = [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]]
    report = check(tmp_path, [
        feature({"code": "110101001001001"}, square(0, 0)),
        feature({"code": "110101001001002"}, bow_tie),
    ], [grid(1), grid(2)])

    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.file, error.row, error.column) == ("边界.geojson", 2, "边界")
    assert "自相交" in error.message
    assert f"经度 {LON + STEP / 2:.5f}" in error.message
    assert "g2" not in report.matched


def test_an_unknown_code_is_an_error_on_its_property(tmp_path: Path) -> None:
    report = check(tmp_path, [feature({"CODE": "110101001001099"}, square(0, 0))], [grid(1)])

    [error] = report.errors
    assert (error.row, error.column) == (1, "CODE")
    assert "110101001001099" in error.message
    assert report.matched == {}


def test_two_features_for_one_grid_and_a_line_are_errors(tmp_path: Path) -> None:
    line = [[LON, LAT], [LON + STEP, LAT]]
    report = check(tmp_path, [
        feature({"code": "110101001001001"}, square(0, 0)),
        feature({"code": "110101001001001"}, square(3, 0)),
        feature({"code": "110101001001002"}, line, kind="LineString"),
    ], [grid(1), grid(2)])

    by_row = {error.row: error.message for error in report.errors}
    assert set(by_row) == {2, 3}
    assert "第 1 个要素" in by_row[2]
    assert "线" in by_row[3]


def test_an_unclosed_ring_is_an_error_not_silently_closed(tmp_path: Path) -> None:
    open_ring = [square(0, 0)[0][:-1]]
    report = check(tmp_path, [feature({"code": "110101001001001"}, open_ring)], [grid(1)])

    [error] = report.errors
    assert "未闭合" in error.message
    assert report.matched == {}


def test_empty_and_missing_geometries_are_errors(tmp_path: Path) -> None:
    report = check(tmp_path, [
        {"type": "Feature", "properties": {"code": "110101001001001"}, "geometry": None},
        feature({"code": "110101001001002"}, []),
    ], [grid(1), grid(2)])

    assert [(error.row, error.column) for error in report.errors] == [(1, "边界"), (2, "边界")]
    assert all("为空" in error.message for error in report.errors)


def test_overlapping_squares_warn_with_the_overlap_area(tmp_path: Path) -> None:
    report = check(tmp_path, [
        feature({"code": "110101001001001"}, square(0, 0)),
        feature({"code": "110101001001002"}, square(0.5, 0)),
    ], [grid(1), grid(2)])

    assert report.errors == ()
    [warning] = report.warnings
    expected = spherical_area(LON + 0.5 * STEP, LAT, LON + STEP, LAT + STEP)
    assert warning.kind == "overlap"
    assert warning.area_m2 == pytest.approx(expected, rel=0.02)
    assert "第1网格" in warning.text and "第2网格" in warning.text
    assert f"{expected:,.0f}"[:3] in warning.text


def test_an_overlap_with_a_stored_boundary_of_another_grid_is_reported(tmp_path: Path) -> None:
    stored = json.dumps({"type": "Polygon", "coordinates": square(0.5, 0.5)})
    report = check(tmp_path, [feature({"code": "110101001001001"}, square(0, 0))],
                   [grid(1), grid(2, boundary=stored)])

    [warning] = report.warnings
    assert set(warning.grid_ids) == {"g1", "g2"}
    assert "已有边界" in warning.text


def test_a_hole_between_a_communitys_grids_is_a_gap_warning(tmp_path: Path) -> None:
    ring_of_squares = [(c, r) for r in range(3) for c in range(3) if (c, r) != (1, 1)]
    features = [feature({"code": f"110101001001{n:03d}"}, square(c, r))
                for n, (c, r) in enumerate(ring_of_squares, start=1)]
    grids = [grid(n) for n in range(1, 9)]

    report = check(tmp_path, features, grids)

    assert report.errors == ()
    [warning] = report.warnings
    assert warning.kind == "gap"
    assert warning.community_id == "c1"
    assert "东风社区" in warning.text
    expected = spherical_area(LON + STEP, LAT + STEP, LON + 2 * STEP, LAT + 2 * STEP)
    assert warning.area_m2 == pytest.approx(expected, rel=0.02)


def test_a_hole_is_found_even_when_neighbours_miss_each_other_by_millimetres(
    tmp_path: Path,
) -> None:
    ring_of_squares = [(c, r) for r in range(3) for c in range(3) if (c, r) != (1, 1)]
    features = [feature({"code": f"110101001001{n:03d}"}, square(c + 1e-5 * n, r))  # 1.7 mm per n
                for n, (c, r) in enumerate(ring_of_squares, start=1)]

    report = check(tmp_path, features, [grid(n) for n in range(1, 9)])

    assert [warning.kind for warning in report.warnings] == ["gap"]


def test_a_hole_filled_by_another_communitys_grid_is_not_a_gap(tmp_path: Path) -> None:
    ring_of_squares = [(c, r) for r in range(3) for c in range(3) if (c, r) != (1, 1)]
    features = [feature({"code": f"110101001001{n:03d}"}, square(c, r))
                for n, (c, r) in enumerate(ring_of_squares, start=1)]
    features.append(feature({"code": "110101001001009"}, square(1, 1)))
    grids = [grid(n) for n in range(1, 9)] + [grid(9, community="c2")]

    assert check(tmp_path, features, grids).warnings == ()


def test_projected_coordinates_are_refused(tmp_path: Path) -> None:
    metres = [[[500000, 4400000], [500100, 4400000], [500100, 4400100], [500000, 4400000]]]
    path = write_geojson(tmp_path / "utm.geojson", [feature({"code": "1"}, metres)])

    with pytest.raises(DomainError, match="投影坐标"):
        read_boundary_file(path)


def test_a_geojson_declaring_a_projected_crs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mercator.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection", "features": [feature({"code": "1"}, square(0, 0))],
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
    }), encoding="utf-8")

    with pytest.raises(DomainError, match="EPSG::3857"):
        read_boundary_file(path)


def test_a_bare_geometry_is_one_feature_without_properties(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"type": "Polygon", "coordinates": square(0, 0)}), encoding="utf-8")

    [only] = read_boundary_file(path)
    assert only.properties == {} and only.geometry is not None


def _write_shapefile(base: Path, encoding: str = "utf-8", prj: str = WGS84_PRJ) -> Path:
    """Two grids with Chinese names; pyshp wants outer rings clockwise."""
    writer = shapefile.Writer(str(base), shapeType=shapefile.POLYGON, encoding=encoding)
    writer.field("网格编码" if encoding == "gbk" else "code", "C", size=20)
    writer.field("网格名称" if encoding == "gbk" else "name", "C", size=40)
    for n, col in ((1, 0), (2, 1)):
        writer.poly([list(reversed(square(col, 0)[0]))])
        writer.record(f"110101001001{n:03d}", f"第{n}网格")
    writer.close()
    base.with_suffix(".prj").write_text(prj, encoding="ascii")
    return base.with_suffix(".shp")


def test_a_shapefile_written_with_pyshp_reads_back(tmp_path: Path) -> None:
    shp = _write_shapefile(tmp_path / "grids")

    features = read_boundary_file(shp)

    assert [f.properties["name"] for f in features] == ["第1网格", "第2网格"]
    assert features[0].geometry is not None
    assert features[0].geometry.equals(shape({"type": "Polygon", "coordinates": square(0, 0)}))
    report = validate_boundaries(features, [grid(1), grid(2)], COMMUNITIES, file=shp.name)
    assert report.errors == () and set(report.matched) == {"g1", "g2"}


def test_a_gbk_shapefile_without_cpg_reads_chinese_field_names(tmp_path: Path) -> None:
    features = read_boundary_file(_write_shapefile(tmp_path / "gbk", encoding="gbk"))

    assert features[1].properties == {"网格编码": "110101001001002", "网格名称": "第2网格"}


def test_a_zipped_shapefile_reads_back(tmp_path: Path) -> None:
    _write_shapefile(tmp_path / "grids")
    archive = tmp_path / "边界.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            zipped.write(tmp_path / f"grids{suffix}", f"导出/grids{suffix}")

    features = read_boundary_file(archive)

    assert len(features) == 2
    assert features[1].properties["code"] == "110101001001002"


def test_a_shapefile_without_its_dbf_or_in_a_projected_crs_is_refused(tmp_path: Path) -> None:
    shp = _write_shapefile(tmp_path / "grids", prj='PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS[]]')
    with pytest.raises(DomainError, match="CGCS2000_3_Degree_GK_CM_117E"):
        read_boundary_file(shp)
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(DomainError, match=r"缺少 \.dbf"):
        read_boundary_file(shp)


def test_local_area_agrees_with_the_sphere_within_a_tenth_of_a_percent() -> None:
    block = shape({"type": "Polygon", "coordinates": square(0, 0, size=5)})
    assert area_m2(block) == pytest.approx(
        spherical_area(LON, LAT, LON + 5 * STEP, LAT + 5 * STEP), rel=0.001)
    assert explain_invalid(block) is None
