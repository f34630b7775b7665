"""网格工作人员名单: a printable A4 landscape list of the grids' current staff.

Phone numbers are masked (个人信息保护法) like every list and export; the header row
repeats on each page and pages are numbered "— N —". Built with reportlab's platypus on
a worker thread; the bytes are reproducible for the same data (invariant mode).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.clock import today
from desktop.documents.fonts import sans_font
from desktop.domain.actor import Actor
from desktop.domain.grids import StaffRole
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_phone
from desktop.progress import NEVER_CANCELLED, CancelToken
from desktop.services import audit
from local_db.unit_of_work import UnitOfWork

HEADERS = ("序号", "社区/村", "网格编码", "网格名称", "姓名", "职务", "联系电话", "工作单位")
WIDTHS_MM = (12, 30, 38, 46, 22, 24, 28, 57)  # 257 mm: the landscape type area
ROLE_ORDER = {role: index for index, role in enumerate(StaffRole)}


@dataclass(frozen=True)
class StaffListLine:
    community: str
    grid_code: str
    grid_name: str
    name: str
    role: StaffRole
    phone_masked: str
    unit: str


def staff_list_lines(uow: UnitOfWork, *, grid_id: str | None = None) -> list[StaffListLine]:
    with uow:
        grids = {g.id: g for g in uow.grids.all()}
        lines = [
            StaffListLine(grids[a.grid_id].community.name, grids[a.grid_id].code,
                          grids[a.grid_id].name, a.person.name, StaffRole(a.role),
                          mask_phone(a.person.phone), a.person.unit)
            for a in uow.grids.current_assignments(grid_id) if a.grid_id in grids
        ]
    return sorted(lines, key=lambda x: (x.grid_code, ROLE_ORDER[x.role], x.name))


def write_staff_list_pdf(
    uow: UnitOfWork, path: Path, *, actor: Actor, street_name: str,
    grid_id: str | None = None, cancel: CancelToken = NEVER_CANCELLED,
) -> int:
    """Write the list to ``path``; returns the number of people listed. Audited."""
    require(actor, Permission.DATA_EXPORT)
    lines = staff_list_lines(uow, grid_id=grid_id)
    cancel.raise_if_cancelled()
    font = sans_font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    note = ParagraphStyle("note", fontName=font, fontSize=10.5, leading=16, alignment=1,
                          textColor=colors.HexColor("#444444"))
    cell = ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=14, wordWrap="CJK")
    rows = [list(HEADERS)] + [
        [str(index), Paragraph(x.community, cell), x.grid_code, Paragraph(x.grid_name, cell),
         x.name, x.role.label, x.phone_masked, Paragraph(x.unit, cell)]
        for index, x in enumerate(lines, start=1)
    ]
    table = Table(rows, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 10.5),
        ("FONTSIZE", (0, 0), (-1, 0), 11),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
    ]))
    day = today()
    story = [
        Paragraph(f"{street_name}网格工作人员名单", title),
        Paragraph(f"截至 {day.year}年{day.month}月{day.day}日 · 共 {len(lines)} 人次 · "
                  "联系电话已按《个人信息保护法》脱敏", note),
        Spacer(1, 4 * mm), table,
    ]
    document = SimpleDocTemplate(
        str(path), pagesize=landscape(A4), leftMargin=20 * mm, rightMargin=20 * mm,
        topMargin=18 * mm, bottomMargin=18 * mm, title=f"{street_name}网格工作人员名单",
        author=street_name, invariant=1,
        initialFontName=font,  # otherwise reportlab names an unembedded Helvetica on each page
    )
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    with uow:
        audit.record(uow, actor, audit.AuditAction.EXPORT, entity_type="grid_staff",
                     summary=f"打印网格工作人员名单（PDF，{len(lines)} 人次）：{path.name}")
        uow.commit()
    return len(lines)


def _page_number(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(sans_font(), 14)
    width, _height = landscape(A4)
    canvas.drawCentredString(width / 2, 9 * mm, f"— {document.page} —")
    canvas.restoreState()
