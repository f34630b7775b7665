"""Reading grid boundary files: GeoJSON, and Shapefile (loose or zipped) via pyshp.

Each feature comes back with its properties and its geometry as a shapely Polygon or
MultiPolygon. Problems of one feature (a line instead of a polygon, an unclosed ring)
do not stop the reading: they travel with the feature and become row errors in
``boundaries.validate_boundaries``, so the user sees every problem at once. Problems of
the whole file (not JSON, no .dbf, projected coordinates) raise a ``DomainError``.

Coordinates must be longitude/latitude (WGS84 or CGCS2000). We ship no reprojection
library, so a projected file is refused with a message saying how to re-export it.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import MultiPolygon, Polygon

from desktop.domain.errors import DomainError

_TYPE_LABELS = {
    "Point": "点", "MultiPoint": "多点", "LineString": "线", "MultiLineString": "多线",
    "GeometryCollection": "几何集合", "Null": "空几何", "": "无几何",
}
_GEOGRAPHIC_CRS = ("CRS84", "4326", "4490", "CGCS2000", "WGS84", "WGS 84")
_REEXPORT = "请在 GIS 软件中将坐标系设为 CGCS2000（EPSG:4490）或 WGS84（EPSG:4326）经纬度后重新导出。"


@dataclass(frozen=True)
class BoundaryFeature:
    """One feature of a boundary file.

    ``number`` is 1-based in file order (for a Shapefile, the row of its attribute
    table). ``geometry`` is ``None`` when the feature is not a polygon or could not be
    built; ``geometry_type`` keeps what the file said; ``defects`` lists ring problems
    found while reading (shapely would silently close an open ring, so we check first).
    """

    number: int
    properties: dict[str, Any]
    geometry: Polygon | MultiPolygon | None
    geometry_type: str
    defects: tuple[str, ...] = field(default=())

    @property
    def type_label(self) -> str:
        return _TYPE_LABELS.get(self.geometry_type, self.geometry_type)


def read_boundary_file(path: Path) -> list[BoundaryFeature]:
    """Read a .geojson/.json, a .shp (with .dbf/.shx beside it) or a .zip of a shapefile."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DomainError(f"找不到文件 {path}，请确认文件仍在原处。")
    if suffix in (".geojson", ".json"):
        features = _read_geojson(path)
    elif suffix == ".shp":
        features = _read_shapefile(path.name, _loose_parts(path))
    elif suffix == ".zip":
        features = _read_shapefile(path.name, _zipped_parts(path))
    else:
        raise DomainError(
            f"不支持的文件类型“{path.suffix}”：请选择 GeoJSON（.geojson/.json）、"
            "Shapefile（.shp）或打包的 Shapefile（.zip）。"
        )
    if not features:
        raise DomainError(f"文件 {path.name} 中没有任何要素（边界），请确认导出了正确的图层。")
    _check_lonlat(path.name, features)
    return features


# --- GeoJSON -------------------------------------------------------------------------


def _read_geojson(path: Path) -> list[BoundaryFeature]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DomainError(f"文件 {path.name} 不是 UTF-8 编码的 GeoJSON，请另存为 UTF-8 后重试。") from None
    except json.JSONDecodeError as error:
        raise DomainError(
            f"文件 {path.name} 不是有效的 GeoJSON（第 {error.lineno} 行第 {error.colno} 列格式错误），"
            "请用 GIS 软件重新导出。"
        ) from None
    if not isinstance(data, dict):
        raise DomainError(f"文件 {path.name} 不是 GeoJSON 对象，请用 GIS 软件重新导出。")
    _check_geojson_crs(path.name, data)
    kind = data.get("type")
    if kind == "FeatureCollection":
        raw = data.get("features")
        if not isinstance(raw, list):
            raise DomainError(f"文件 {path.name} 的 FeatureCollection 缺少 features 列表。")
    elif kind == "Feature":
        raw = [data]
    elif (isinstance(kind, str) and "coordinates" in data) or kind == "GeometryCollection":
        raw = [{"type": "Feature", "properties": {}, "geometry": data}]
    else:
        raise DomainError(f"文件 {path.name} 的类型“{kind}”不是 GeoJSON 要素或几何。")
    return [_feature(number, item) for number, item in enumerate(raw, start=1)]


def _check_geojson_crs(file: str, data: Mapping[str, Any]) -> None:
    """The 2008 GeoJSON ``crs`` member, still written by some tools; absent = lon/lat."""
    crs = data.get("crs")
    if not isinstance(crs, dict):
        return
    name = str((crs.get("properties") or {}).get("name", ""))
    if name and not any(token in name.upper() for token in _GEOGRAPHIC_CRS):
        raise DomainError(f"文件 {file} 的坐标系为“{name}”，不是经纬度坐标。{_REEXPORT}")


def _feature(number: int, item: Any) -> BoundaryFeature:
    if not isinstance(item, dict):
        return BoundaryFeature(number, {}, None, "", ("不是 GeoJSON 要素",))
    properties = item.get("properties") or {}
    if not isinstance(properties, dict):
        properties = {}
    geometry = item.get("geometry") if item.get("type") == "Feature" else item
    return _from_geo_interface(number, properties, geometry)


def _from_geo_interface(
    number: int, properties: dict[str, Any], geometry: Any
) -> BoundaryFeature:
    if not isinstance(geometry, dict) or not geometry.get("type"):
        return BoundaryFeature(number, properties, None, "")
    kind = str(geometry["type"])
    if kind not in ("Polygon", "MultiPolygon"):
        return BoundaryFeature(number, properties, None, kind)
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else list(coordinates)
    defects: list[str] = []
    built: list[Polygon] = []
    for part, rings in enumerate(polygons, start=1):
        prefix = f"第 {part} 个面的" if kind == "MultiPolygon" else ""
        polygon = _polygon(rings, prefix, defects)
        if polygon is not None:
            built.append(polygon)
    if defects:
        return BoundaryFeature(number, properties, None, kind, tuple(defects))
    shape: Polygon | MultiPolygon = built[0] if kind == "Polygon" and built else MultiPolygon(built)
    return BoundaryFeature(number, properties, shape, kind)


def _polygon(rings: Any, prefix: str, defects: list[str]) -> Polygon | None:
    """Check every ring before shapely sees it (it would close open rings silently)."""
    if not isinstance(rings, list):
        defects.append(f"{prefix}坐标格式错误")
        return None
    checked: list[list[tuple[float, float]]] = []
    for index, ring in enumerate(rings):
        name = f"{prefix}{'外边界' if index == 0 else f'第 {index} 个内洞'}"
        points = _positions(ring)
        if points is None:
            defects.append(f"{name}坐标格式错误（应为[经度, 纬度]数字对）")
        elif len(points) < 4 or len(set(points)) < 3:
            defects.append(f"{name}只有 {len(set(points))} 个不同的顶点，围不成一个面")
        elif points[0] != points[-1]:
            defects.append(f"{name}未闭合（首尾坐标不一致）")
        else:
            checked.append(points)
    if len(checked) != len(rings) or not checked:
        return None
    return Polygon(checked[0], checked[1:])


def _positions(ring: Any) -> list[tuple[float, float]] | None:
    if not isinstance(ring, list | tuple):
        return None
    points: list[tuple[float, float]] = []
    for position in ring:
        if (not isinstance(position, list | tuple) or len(position) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool)
                           for v in position[:2])):
            return None
        points.append((float(position[0]), float(position[1])))
    return points


# --- Shapefile -----------------------------------------------------------------------


def _loose_parts(shp: Path) -> dict[str, bytes]:
    """The .shp and its companions (same stem, any case of extension)."""
    parts: dict[str, bytes] = {}
    for sibling in shp.parent.iterdir():
        if sibling.stem == shp.stem and sibling.suffix.lower() in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            parts[sibling.suffix.lower()] = sibling.read_bytes()
    return parts


def _zipped_parts(path: Path) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise DomainError(f"文件 {path.name} 不是有效的 zip 压缩包，请重新打包。") from None
    with archive:
        names = [n for n in archive.namelist() if not n.startswith("__MACOSX/")]
        shps = [n for n in names if n.lower().endswith(".shp")]
        if len(shps) != 1:
            found = "没有 .shp 文件" if not shps else f"有 {len(shps)} 个 .shp 文件"
            raise DomainError(f"压缩包 {path.name} 中{found}，请只放入一个 Shapefile（.shp/.shx/.dbf/.prj）。")
        stem = shps[0][:-4]
        return {
            name[len(stem):].lower(): archive.read(name)
            for name in names
            if name[:-4] == stem and name[len(stem):].lower() in (".shp", ".shx", ".dbf", ".prj", ".cpg")
        }


def _read_shapefile(file: str, parts: Mapping[str, bytes]) -> list[BoundaryFeature]:
    import shapefile  # pyshp; imported here so GeoJSON users never pay for it

    missing = [ext for ext in (".shp", ".shx", ".dbf") if ext not in parts]
    if missing:
        raise DomainError(
            f"Shapefile {file} 缺少 {'、'.join(missing)} 文件：Shapefile 由同名的 .shp、.shx、.dbf"
            "（以及 .prj）多个文件组成，请把它们放在同一文件夹，或一起打包成 zip 后导入。"
        )
    prj = parts.get(".prj", b"").decode("latin-1")
    if "PROJCS" in prj.upper():
        name = prj.split('"')[1] if '"' in prj else "投影坐标系"
        raise DomainError(f"Shapefile {file} 使用投影坐标系“{name}”（单位为米），不是经纬度。{_REEXPORT}")
    encodings = _encodings(parts.get(".cpg"))
    for encoding in encodings:
        try:
            reader = shapefile.Reader(shp=io.BytesIO(parts[".shp"]), shx=io.BytesIO(parts[".shx"]),
                                      dbf=io.BytesIO(parts[".dbf"]), encoding=encoding)
            with reader:
                return [
                    _from_shape(number, record.shape, record.record.as_dict())
                    for number, record in enumerate(reader.iterShapeRecords(), start=1)
                ]
        except (UnicodeDecodeError, shapefile.ShapefileException) as error:
            # pyshp 2 lets UnicodeDecodeError out; pyshp 3 wraps it ("Could not decode")
            if isinstance(error, UnicodeDecodeError) or "decode" in str(error).lower():
                continue
            raise DomainError(f"Shapefile {file} 已损坏，无法读取（{error}），请重新导出。") from None
    raise DomainError(f"Shapefile {file} 的属性表编码无法识别，请导出为 UTF-8 或 GBK 编码。")


def _encodings(cpg: bytes | None) -> Iterable[str]:
    """The .cpg's encoding first, then UTF-8, then GBK (what Chinese GIS desktops write)."""
    named = cpg.decode("ascii", "ignore").strip().lower() if cpg else ""
    if named.isdigit():
        named = {"936": "gbk", "65001": "utf-8"}.get(named, f"cp{named}")
    candidates = [named] if named else []
    return list(dict.fromkeys([*candidates, "utf-8", "gb18030"]))


def _from_shape(number: int, shape: Any, properties: dict[str, Any]) -> BoundaryFeature:
    if shape.shapeType == 0 or not shape.points:
        return BoundaryFeature(number, properties, None, "Null")
    try:
        geometry = shape.__geo_interface__
    except Exception:  # pyshp refuses some degenerate rings; say so per feature
        return BoundaryFeature(number, properties, None, "Polygon", ("边界环无法解析",))
    return _from_geo_interface(number, properties, json.loads(json.dumps(geometry)))


# --- coordinates ---------------------------------------------------------------------


def _check_lonlat(file: str, features: Iterable[BoundaryFeature]) -> None:
    """Refuse projected (metre) or swapped coordinates: reprojection is not offered."""
    shapes = [f.geometry for f in features if f.geometry is not None and not f.geometry.is_empty]
    if not shapes:
        return
    min_x = min(s.bounds[0] for s in shapes)
    min_y = min(s.bounds[1] for s in shapes)
    max_x = max(s.bounds[2] for s in shapes)
    max_y = max(s.bounds[3] for s in shapes)
    if max(abs(min_y), abs(max_y)) > 90 and max(abs(min_x), abs(max_x)) <= 90:
        raise DomainError(f"文件 {file} 的坐标经纬度顺序颠倒（纬度超过 90°），应为[经度, 纬度]。请调整后重新导出。")
    if max(abs(min_x), abs(max_x)) > 180 or max(abs(min_y), abs(max_y)) > 90:
        raise DomainError(
            f"文件 {file} 的坐标（如 {max_x:.0f}, {max_y:.0f}）是投影坐标（单位为米），不是经纬度，"
            f"本程序不做坐标转换。{_REEXPORT}"
        )
