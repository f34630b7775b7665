"""网格公示牌: the poster put up in each grid (A4, or A3 for a wall).

Seed 003 asks that each grid's main staff be shown publicly with unit, duties, name and
contact, so residents know whom to turn to and can supervise them. The board shows the
grid's name and code, its community, a thumbnail of its boundary when one is recorded,
a card per person (photo placeholder, name, role, masked phone, duties), the grid's
duties and the supervision hotline. Phones are masked (个人信息保护法); the public
numbers (hotline, sub-center) are printed in full. Not an official 公文: no number.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A3, A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from desktop.documents import records
from desktop.documents.fields import items, table_rows, text
from desktop.documents.font_roles import FontRole, FontSet
from desktop.documents.letter import RED
from desktop.domain.errors import NotFoundError
from desktop.domain.grids import GridCategory, GridStatus, StaffRole
from desktop.domain.privacy import mask_phone
from local_db.models import Grid
from local_db.unit_of_work import UnitOfWork

MM = 72 / 25.4
GRID_DUTIES = ("掌握基础数据", "反映群众诉求", "提供社会服务", "管理实有人口和房屋", "协调城市运行",
               "维护治安秩序", "排查化解矛盾", "落实矫正帮教", "指导安全生产", "引导社会参与")
ROLE_ORDER = (StaffRole.LEADER, StaffRole.MEMBER, StaffRole.INSTRUCTOR, StaffRole.SUNK,
              StaffRole.VOLUNTEER)
MAX_CARDS = 8
INK = HexColor("#222222")
SOFT = HexColor("#f4f4f4")
LINE = HexColor("#999999")
LABELS = {"staff": "网格工作人员（职务｜姓名｜电话（已脱敏）｜职责）", "duties": "网格职责",
          "hotline": "监督电话", "paper": "纸张（A4 或 A3）"}


def draft(uow: UnitOfWork, source_id: str) -> dict[str, Any]:
    with uow:
        grid = uow.grids.get(source_id.strip()) or uow.grids.by_code(source_id.strip())
        if grid is None:
            raise NotFoundError(f"找不到网格“{source_id}”：请按网格编码或在网格列表中重新选择。")
        issuer = records.issuer(uow)
        staff = sorted(uow.grids.current_assignments(grid.id),
                       key=lambda a: (_rank(a.role), a.started_on, a.person.name))
        return {
            "drafted_on": records.drafted_on(), "title": board_title(grid.name),
            "street": issuer.street, "center": issuer.center, "grid_name": grid.name,
            "grid_code": grid.code, "community": grid.community.name if grid.community else "",
            "category": _label(GridCategory, grid.category), "households": grid.households,
            "population": grid.population, "area_km2": round(grid.area_km2, 2),
            "staff": [[_label(StaffRole, a.role), a.person.name, mask_phone(a.person.phone),
                       records.one_line(a.person.duties)] for a in staff],
            "duties": "、".join(GRID_DUTIES), "hotline": "12345",
            "boundary": _outline(grid.boundary_geojson), "paper": "A4",
        }


def board_title(grid_name: str) -> str:
    """“东风一网格” → “东风一网格公示牌”, not “东风一网格网格公示牌”."""
    return f"{grid_name}{'' if grid_name.endswith('网格') else '网格'}公示牌"


def _rank(role: str) -> int:
    codes = [r.value for r in ROLE_ORDER]
    return codes.index(role) if role in codes else len(codes)


def _label(enum: Any, code: str) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


def _outline(geojson: str | None) -> list[list[list[float]]]:
    """The boundary's outer rings, as lists of [x, y] (JSON-able, for the thumbnail)."""
    if not geojson:
        return []
    try:
        geometry = json.loads(geojson)
    except ValueError:
        return []
    geometry = geometry.get("geometry", geometry)
    polygons = geometry.get("coordinates", [])
    if geometry.get("type") == "Polygon":
        polygons = [polygons]
    return [[[round(x, 6), round(y, 6)] for x, y, *_ in polygon[0]] for polygon in polygons
            if polygon and polygon[0]]


# -- drawing ---------------------------------------------------------------------------

class _Board:
    """Drawing in millimetres from the top-left of an A4 page, scaled for A3."""

    def __init__(self, canvas: Canvas, fonts: FontSet, scale: float, height: float) -> None:
        self.c, self.fonts, self.k, self.height = canvas, fonts, scale, height

    def y(self, mm: float) -> float:
        return self.height - mm * MM * self.k

    def text(self, x: float, y: float, value: str, role: FontRole, size: float, *,
             color: Color = INK, anchor: str = "left") -> None:
        font, pts = self.fonts.name(role), size * self.k
        width = stringWidth(value, font, pts)
        left = x * MM * self.k - {"left": 0, "centre": width / 2, "right": width}[anchor]
        self.c.setFillColor(color)
        self.c.setFont(font, pts)
        self.c.drawString(left, self.y(y), value)

    def width_mm(self, value: str, role: FontRole, size: float) -> float:
        return stringWidth(value, self.fonts.name(role), size) / MM

    def rect(self, x: float, y: float, w: float, h: float, *, fill: Color | None = None,
             stroke: Color | None = None) -> None:
        self.c.setFillColor(fill or white)
        self.c.setStrokeColor(stroke or white)
        self.c.setLineWidth(0.6 * self.k)
        self.c.rect(x * MM * self.k, self.y(y + h), w * MM * self.k, h * MM * self.k,
                    stroke=1 if stroke else 0, fill=1 if fill else 0)

    def wrap(self, value: str, role: FontRole, size: float, width: float) -> list[str]:
        lines, line = [], ""
        for char in value:
            if self.width_mm(line + char, role, size) > width and line:
                lines.append(line)
                line = char.lstrip()
            else:
                line += char
        return [*lines, line] if line else lines


def render(fields: dict[str, Any], *, number: str | None, issued_on: date | None,
           fonts: FontSet, seal_png: Path | None) -> bytes:
    paper = A3 if text(fields, "paper").upper() == "A3" else A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=paper, invariant=1,
                    initialFontName=fonts.name(FontRole.HEITI), initialFontSize=12)
    canvas.setTitle(text(fields, "title"))
    canvas.setAuthor(text(fields, "center"))
    canvas.setCreator("街道综合指挥分中心")
    board = _Board(canvas, fonts, paper[0] / A4[0], paper[1])
    _header(board, fields)
    _facts(board, fields)
    _staff(board, fields)
    _footer(board, fields, records.field_date(fields, issued_on))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _header(b: _Board, fields: dict[str, Any]) -> None:
    b.rect(15, 15, 180, 30, fill=RED)
    b.text(105, 32, "网格公示牌", FontRole.HEITI, 34, color=white, anchor="centre")
    sub = f"{text(fields, 'street')} · {text(fields, 'community')} · {text(fields, 'grid_name')}"
    b.text(105, 41, sub, FontRole.HEITI, 12, color=white, anchor="centre")


def _facts(b: _Board, fields: dict[str, Any]) -> None:
    rows = [("网格名称", text(fields, "grid_name")), ("网格编码", text(fields, "grid_code")),
            ("所属社区", text(fields, "community")), ("网格类别", text(fields, "category")),
            ("户数人口", f"{fields.get('households', 0)} 户 · {fields.get('population', 0)} 人"),
            ("网格面积", f"{fields.get('area_km2', 0)} 平方千米")]
    for n, (label, value) in enumerate(rows):
        y = 58 + n * 8.5
        b.text(18, y, label, FontRole.HEITI, 12, color=RED)
        b.text(42, y, value, FontRole.FANGSONG, 13)
    b.rect(128, 50, 64, 50, fill=SOFT, stroke=LINE)
    _thumbnail(b, fields.get("boundary") or [], (128, 50, 64, 50))


def _thumbnail(b: _Board, rings: list[list[list[float]]], box: tuple[float, ...]) -> None:
    x0, y0, w, h = box
    points = [p for ring in rings for p in ring]
    if not points:
        b.text(x0 + w / 2, y0 + h / 2, "（暂无边界图）", FontRole.FANGSONG, 11, anchor="centre")
        return
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = min(w, h) * 0.8 / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    c = b.c
    c.setStrokeColor(RED)
    c.setFillColor(Color(230 / 255, 0, 0, alpha=0.12))
    c.setLineWidth(1.2 * b.k)
    for ring in rings:
        path = c.beginPath()
        for n, (px, py) in enumerate(ring):
            x = (x0 + w / 2 + (px - cx) * scale) * MM * b.k
            y = b.y(y0 + h / 2 - (py - cy) * scale)  # north up
            path.moveTo(x, y) if n == 0 else path.lineTo(x, y)
        path.close()
        c.drawPath(path, stroke=1, fill=1)
    b.text(x0 + w - 3, y0 + h - 3, "网格范围示意", FontRole.FANGSONG, 9, anchor="right")


def _staff(b: _Board, fields: dict[str, Any]) -> None:
    b.text(15, 113, "网格工作人员", FontRole.HEITI, 16, color=RED)
    b.rect(15, 115.5, 180, 0.6, fill=RED)
    staff = table_rows(fields.get("staff"), 4)
    for n, (role, name, phone, duties) in enumerate(staff[:MAX_CARDS]):
        x, y = 15 + (n % 2) * 92, 120 + (n // 2) * 31
        b.rect(x, y, 88, 28, fill=SOFT, stroke=LINE)
        b.rect(x + 3, y + 3, 18, 22, fill=white, stroke=LINE)
        b.text(x + 12, y + 15.5, "照片", FontRole.FANGSONG, 9, color=LINE, anchor="centre")
        b.text(x + 25, y + 9, name, FontRole.HEITI, 15)
        b.text(x + 25 + b.width_mm(name, FontRole.HEITI, 15) + 3, y + 9, role, FontRole.KAITI, 12,
               color=RED)
        b.text(x + 25, y + 16, f"电话：{phone or '—'}", FontRole.FANGSONG, 11)
        lines = b.wrap(f"职责：{duties or '网格日常巡查、服务和管理'}", FontRole.FANGSONG, 9.5, 60)
        for k, line in enumerate(lines[:2]):
            b.text(x + 25, y + 21.5 + k * 4.2, line if k == 0 or len(lines) <= 2 else line[:-1] + "…",
                   FontRole.FANGSONG, 9.5)
    if len(staff) > MAX_CARDS:
        b.text(195, 245, f"另有{len(staff) - MAX_CARDS}人，详见社区公示栏", FontRole.FANGSONG, 10,
               anchor="right")


def _footer(b: _Board, fields: dict[str, Any], day: date) -> None:
    b.text(15, 254, "网格职责", FontRole.HEITI, 13, color=RED)
    duties = "、".join(items(text(fields, "duties").replace("、", "\n")))
    for k, line in enumerate(b.wrap(duties + "。", FontRole.FANGSONG, 11, 152)[:2]):
        b.text(40, 254 + k * 5.5, line, FontRole.FANGSONG, 11)
    b.rect(15, 266, 180, 16, fill=RED)
    b.text(105, 276, f"监督电话：{text(fields, 'hotline') or '12345'}　·　{text(fields, 'center')}",
           FontRole.HEITI, 14, color=white, anchor="centre")
    b.text(195, 287, f"更新日期：{records.chinese_date(day)}", FontRole.FANGSONG, 9, anchor="right")


def sample_source(uow: UnitOfWork) -> str | None:
    """The active grid with a boundary and the most staff."""
    with uow:
        grids = uow.session.scalars(select(Grid).where(Grid.status == GridStatus.ACTIVE.value)
                                    .order_by(Grid.code)).all()
        counts: dict[str, int] = {}
        for assignment in uow.grids.current_assignments():
            counts[assignment.grid_id] = counts.get(assignment.grid_id, 0) + 1
        ranked = sorted(grids, key=lambda g: (g.boundary_geojson is None,
                                              -min(counts.get(g.id, 0), MAX_CARDS), g.code))
        return ranked[0].id if ranked else None
