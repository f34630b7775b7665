"""应急哨值班表: the printable emergency-whistle duty table of a month, A4 portrait.

One line per day (weekends marked, gaps printed as 「待排」 so nobody mistakes a blank
for an oversight in printing), the header row repeated on each page, pages numbered
"— N —", phones masked like every print. ``write_duty_pdf`` is the pure writer (rows
in, file out, reproducible bytes); ``print_duty_roster`` is the use case the page
calls: it checks ``DATA_EXPORT``, loads the month through the availability service
and writes the audit row of the print.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.clock import today
from desktop.documents.fonts import sans_font
from desktop.domain.actor import Actor
from desktop.domain.permissions import Permission, require
from desktop.progress import NEVER_CANCELLED, CancelToken
from desktop.services import audit
from desktop.services.availability import DutyRow, duty_roster
from local_db.unit_of_work import UnitOfWork

HEADERS = ("日期", "星期", "值班人员", "力量", "原单位", "中队", "联系电话", "备注")
WIDTHS_MM = (24, 12, 22, 11, 43, 18, 26, 14)  # 170 mm: the portrait type area
WEEKDAYS = "一二三四五六日"
WEEKEND_BACKGROUND = colors.HexColor("#f3f5f8")
GAP_BACKGROUND = colors.HexColor("#fff1c7")


def duty_title(rows: Sequence[DutyRow]) -> str:
    """“应急哨值班表（2026年11月）”, or a span of months when the rows cross one."""
    if not rows:
        return "应急哨值班表"
    first, last = rows[0].day, rows[-1].day
    if (first.year, first.month) == (last.year, last.month):
        return f"应急哨值班表（{first.year}年{first.month}月）"
    return f"应急哨值班表（{first.year}年{first.month}月—{last.year}年{last.month}月）"


def _line(row: DutyRow, cell: ParagraphStyle) -> list[object]:
    if row.officer_id is None:
        return [f"{row.day.month}月{row.day.day}日", WEEKDAYS[row.day.weekday()], "待排",
                "", "", "", "", ""]
    return [f"{row.day.month}月{row.day.day}日", WEEKDAYS[row.day.weekday()], row.officer_name,
            row.force.short if row.force else "", Paragraph(row.unit_name, cell), row.squad,
            row.phone_masked, Paragraph(row.note, cell)]


def _style(rows: Sequence[DutyRow], font: str) -> TableStyle:
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, 10.5),
        ("FONTSIZE", (0, 0), (-1, 0), 11),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (0, 1), (3, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, row in enumerate(rows, start=1):
        if row.officer_id is None:
            commands.append(("BACKGROUND", (0, index), (-1, index), GAP_BACKGROUND))
        elif row.day.weekday() >= 5:
            commands.append(("BACKGROUND", (0, index), (-1, index), WEEKEND_BACKGROUND))
    return TableStyle(commands)


def write_duty_pdf(rows: Sequence[DutyRow], path: Path, street_name: str) -> int:
    """Write the duty table of ``rows`` (one per day, in order) to ``path``; returns the
    number of days with a duty officer. Blocking: call it on a worker thread."""
    font = sans_font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    note = ParagraphStyle("note", fontName=font, fontSize=10.5, leading=16, alignment=1,
                          textColor=colors.HexColor("#444444"))
    sign = ParagraphStyle("sign", fontName=font, fontSize=10.5, leading=18)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10, leading=13, wordWrap="CJK")
    assigned = sum(1 for row in rows if row.officer_id is not None)
    table = Table([list(HEADERS)] + [_line(row, cell) for row in rows],
                  colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    table.setStyle(_style(rows, font))
    title = duty_title(rows)
    day = today()
    gaps = len(rows) - assigned
    story = [
        Paragraph(title, title_style),
        Paragraph(f"{street_name} · 制表日期 {day.year}年{day.month}月{day.day}日 · 共 {len(rows)} 天"
                  + (f"，待排 {gaps} 天" if gaps else "") + " · 联系电话已脱敏", note),
        Spacer(1, 4 * mm), table, Spacer(1, 8 * mm),
        Paragraph("制表人：____________　　　审核人：____________　　　"
                  "值班电话：____________", sign),
    ]
    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"{street_name}{title}", author=street_name, invariant=1,
    )
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return assigned


def _page_number(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(sans_font(), 14)
    width, _height = A4
    canvas.drawCentredString(width / 2, 9 * mm, f"— {document.page} —")
    canvas.restoreState()


def print_duty_roster(uow: UnitOfWork, path: Path, *, actor: Actor, start: date, end: date,
                      cancel: CancelToken = NEVER_CANCELLED) -> int:
    """Print the duty table of ``start``–``end`` to ``path``; audited. Returns the
    number of days with a duty officer."""
    require(actor, Permission.DATA_EXPORT)
    rows = duty_roster(uow, start=start, end=end)
    with uow:
        sub_center = uow.sub_center.get()
        street = sub_center.street_name if sub_center else ""
    cancel.raise_if_cancelled()
    path = Path(path)
    assigned = write_duty_pdf(rows, path, street)
    with uow:
        audit.record(uow, actor, audit.AuditAction.PRINT, entity_type="duty",
                     entity_id=f"{start}..{end}",
                     summary=f"打印{duty_title(rows)}（PDF，{assigned}/{len(rows)} 天已排）：{path.name}",
                     changes={"文件": (None, path.name), "日期范围": (None, f"{start} 至 {end}")})
        uow.commit()
    return assigned
