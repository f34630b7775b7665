"""执法人员花名册: the 1+X+Y roster printed on A4 landscape.

People are grouped by force (1, X, Y; a shaded row opens each group) and sorted by
squad and name within it. ID numbers and phones are masked (个人信息保护法), as in
every list and export. The column header repeats on every page and pages are numbered
"— N —". Built with reportlab's platypus on a worker thread; the bytes are the same
for the same data on the same day (invariant mode), and printing is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.clock import today
from desktop.documents.fonts import sans_font
from desktop.domain.actor import Actor
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_id_number, mask_phone
from desktop.domain.roster import Force
from desktop.progress import NEVER_CANCELLED, CancelToken
from desktop.services import audit
from desktop.services.roster_rows import certificate_facts, domain_labels
from local_db.models import Officer
from local_db.unit_of_work import UnitOfWork

HEADERS = ("序号", "姓名", "性别", "力量", "原单位", "中队", "职务", "执法证号", "执法领域",
           "有效期至", "身份证号码", "联系电话")
WIDTHS_MM = (10, 17, 9, 10, 46, 16, 21, 26, 34, 20, 35, 23)  # 267 mm: A4 landscape − 2 × 15
MARGIN = 15 * mm
FORCE_ORDER = {force.value: index for index, force in enumerate(Force)}
GROUP_FILL = colors.HexColor("#eef1f5")
HEADER_FILL = colors.HexColor("#d9e2ec")


@dataclass(frozen=True)
class RosterLine:
    """One person as printed (personal data already masked)."""

    force: Force
    name: str
    gender: str
    unit: str
    squad: str
    position: str
    certificates: tuple[tuple[str, str, date, bool], ...]  # number, domains, until, expired
    id_number_masked: str
    phone_masked: str


def _line(officer: Officer, day: date) -> RosterLine:
    certificates = tuple(
        (c.number, domain_labels(certificate_facts(c).domains), c.valid_until,
         c.revoked or c.valid_until < day)
        for c in sorted(officer.certificates, key=lambda c: (c.valid_until, c.number))
    )
    return RosterLine(Force(officer.force), officer.name, officer.gender,
                      officer.source_unit.name if officer.source_unit else "", officer.squad,
                      officer.position, certificates, mask_id_number(officer.id_number),
                      mask_phone(officer.phone))


def roster_lines(uow: UnitOfWork, *, force: Force | None = None,
                 on: date | None = None) -> list[RosterLine]:
    """The people to print, by force, squad and name."""
    day = on or today()
    with uow:
        officers = [o for o in uow.roster.officers() if force is None or o.force == force.value]
        lines = [_line(officer, day) for officer in officers]
    return sorted(lines, key=lambda x: (FORCE_ORDER[x.force.value], x.squad, x.name))


class _Styles:
    def __init__(self) -> None:
        font = sans_font()
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
        self.note = ParagraphStyle("note", fontName=font, fontSize=10, leading=15, alignment=1,
                                   textColor=colors.HexColor("#444444"))
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
        self.group = ParagraphStyle("group", fontName=font, fontSize=10, leading=13)


def _cell(text: str, styles: _Styles) -> Paragraph:
    return Paragraph(escape(text), styles.cell)


def _certificate_cells(line: RosterLine, styles: _Styles) -> list[object]:
    if not line.certificates:
        return ["", "", ""]
    numbers = "<br/>".join(escape(number) for number, _d, _u, _e in line.certificates)
    domains = "<br/>".join(escape(d) for _n, d, _u, _e in line.certificates)
    until = "<br/>".join(f"{u:%Y-%m-%d}" + ("<font color='#c00000'>（过期）</font>" if expired else "")
                         for _n, _d, u, expired in line.certificates)
    return [Paragraph(numbers, styles.cell), Paragraph(domains, styles.cell),
            Paragraph(until, styles.cell)]


def _table(lines: list[RosterLine], styles: _Styles) -> Table:
    rows: list[list[object]] = [list(HEADERS)]
    commands: list[tuple[object, ...]] = []
    current: Force | None = None
    for number, line in enumerate(lines, start=1):
        if line.force is not current:
            current = line.force
            count = sum(1 for x in lines if x.force is current)
            rows.append([Paragraph(f"{escape(current.label)}　共 {count} 人", styles.group)]
                        + [""] * (len(HEADERS) - 1))
            at = len(rows) - 1
            commands += [("SPAN", (0, at), (-1, at)), ("BACKGROUND", (0, at), (-1, at), GROUP_FILL)]
        rows.append([str(number), _cell(line.name, styles), line.gender, line.force.short,
                     _cell(line.unit, styles), _cell(line.squad, styles),
                     _cell(line.position, styles), *_certificate_cells(line, styles),
                     line.id_number_masked, line.phone_masked])
    if not lines:
        rows.append(["（花名册中暂无人员）"] + [""] * (len(HEADERS) - 1))
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(rows, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), styles.font, 9),
        ("FONTSIZE", (0, 0), (-1, 0), 10),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (2, 1), (3, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *commands,
    ]))
    return table


def _counts(lines: list[RosterLine]) -> str:
    parts = [f"{force.short}：{sum(x.force is force for x in lines)} 人" for force in Force]
    return "，".join(parts)


def write_roster_pdf(uow: UnitOfWork, path: Path, *, actor: Actor, force: Force | None = None,
                     cancel: CancelToken = NEVER_CANCELLED) -> int:
    """Write the roster (or one force of it) to ``path``; returns the number of people
    printed. Needs ``DATA_EXPORT``; audited once the file is written."""
    require(actor, Permission.DATA_EXPORT)
    path = Path(path)
    with uow:
        sub_center = uow.sub_center.get()
        street = sub_center.street_name if sub_center else ""
    day = today()
    lines = roster_lines(uow, force=force, on=day)
    cancel.raise_if_cancelled()
    styles = _Styles()
    which = f"（{force.label}）" if force else ""
    title = f"{street}执法人员花名册{which}"
    story = [
        Paragraph(escape(title), styles.title),
        Paragraph(f"截至 {day.year}年{day.month}月{day.day}日 · 共 {len(lines)} 人（{_counts(lines)}）· "
                  "身份证号码和联系电话已按《个人信息保护法》脱敏", styles.note),
        Spacer(1, 4 * mm), _table(lines, styles),
    ]
    document = SimpleDocTemplate(
        str(path), pagesize=landscape(A4), leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=15 * mm, bottomMargin=18 * mm, title=title, author=street, invariant=1,
        initialFontName=styles.font,  # else every page names an unembedded Helvetica
    )
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    with uow:
        audit.record(uow, actor, audit.AuditAction.EXPORT, entity_type="officer",
                     summary=f"打印执法人员花名册{which}（PDF，{len(lines)} 人，身份证号码已脱敏）："
                             f"{path.name}")
        uow.commit()
    return len(lines)


def _page_number(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(sans_font(), 14)
    width, _height = landscape(A4)
    canvas.drawCentredString(width / 2, 8 * mm, f"— {document.page} —")
    canvas.restoreState()
