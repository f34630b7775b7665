"""案件移送书 (case handover) in the GB/T 9704 general format, with its 送达回证.

Issued in the name of the street office (街道办事处), not the sub-center. Seed 002: a
district-scope matter the street finds is reported to the district the same day and
handed over formally within 3 working days; the 移送书 says so with the date. The
sections follow the usual 执法文书: 案由, 当事人 (ID masked to its last four digits,
phone masked), 案件来源, time and place, facts, measures already taken, reason and
legal basis (from the responsibility list item), the evidence list as a table, the two
officers with their certificate numbers. The 送达回证 is its own page (a tear-off
form the receiving organ signs and sends back): no page number, boxes to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from desktop.documents import records
from desktop.documents.fields import items, official_text, table_rows, text
from desktop.documents.font_roles import FontRole, FontSet
from desktop.documents.general import GeneralDocument, Table, render_general
from desktop.documents.layout import (
    BODY_GRID,
    LineSpec,
    Span,
    layout_paragraph,
    natural_width,
    pdf_y,
    single_line,
)
from desktop.documents.official import Level, Paragraph, draw_line, title_lines
from desktop.domain.deadlines import DemandSource
from desktop.domain.errors import NotFoundError
from desktop.domain.privacy import mask_phone
from local_db.models import Certificate, Demand, Officer, Unit
from local_db.models.demands import Handover
from local_db.unit_of_work import UnitOfWork

HANDOVER_WORKDAYS = 3  # seed 002: 3 个工作日内正式交接
SOURCE_WORDS = {  # documents.md: 巡查/12345/举报/派单
    DemandSource.GRID_REPORT: "巡查", DemandSource.HOTLINE: "12345",
    DemandSource.WALK_IN: "举报", DemandSource.PETITION: "举报", DemandSource.DEPUTIES: "举报",
    DemandSource.DISTRICT_DISPATCH: "派单", DemandSource.DEPARTMENT_TRANSFER: "派单",
}
FOUND = {"巡查": "在日常巡查中发现", "12345": "通过12345热线受理群众反映，发现",
         "举报": "接到群众举报，发现", "派单": "收到派单，发现"}
EVIDENCE_HEADERS = ("序号", "证据名称", "份数", "页数", "原件/复印件")
LABELS = {
    "case": "案由", "parties": "当事人（姓名或名称｜身份证号码｜住址｜联系电话，每行一人）",
    "source": "案件来源", "occurred": "发现时间和地点", "facts": "查明的事实",
    "measures": "已采取的措施", "reason": "移送理由及依据",
    "evidence": "证据清单（名称、份数、页数、原件或复印件）",
    "officers": "移送执法人员（姓名｜执法证号，每行一人）",
    "receipt_place": "送达地点", "receipt_method": "送达方式", "receipt_note": "备注",
}


def draft(uow: UnitOfWork, source_id: str) -> dict[str, Any]:
    """From a handover record (双向派单) or straight from a demand."""
    with uow:
        handover = records.find_handover(uow, source_id)
        demand = (uow.demands.get(handover.demand_id) if handover
                  else records.find_demand(uow, source_id))
        if demand is None:
            raise NotFoundError(f"找不到移送记录或诉求“{source_id}”：请在双向派单中重新选择。")
        return _fields(uow, demand, handover)


def _fields(uow: UnitOfWork, demand: Demand, handover: Handover | None) -> dict[str, Any]:
    issuer = records.issuer(uow)
    item = records.item_of(uow, demand.responsibility_item_id)
    receiver = records.unit_name(uow, handover.receiving_unit_id if handover else None) \
        or records.unit_name(uow, demand.lead_unit_id) or (item.lead_unit if item else "")
    reported = (handover.reported_at if handover and handover.reported_at else demand.received_at)
    due = records.workday_deadline(uow, reported.date(), HANDOVER_WORKDAYS)
    place = records.grid_place(uow, demand.grid_id)
    reason = (handover.reason.strip() if handover and handover.reason.strip() else
              f"该事项属于{records.item_phrase(item) or '区级部门职责事项'}，"
              f"依据{records.legal_basis(item)}的规定，依法应由贵单位管辖")
    return {
        "drafted_on": records.drafted_on(), "issuing_organ": issuer.organ, "sender": issuer.organ,
        "recipient": receiver or "（接收机关）", "title": "案件移送书",
        "case": f"{demand.title.strip()}（受理编号{demand.number}）",
        "parties": "（当事人姓名或名称）｜（身份证号码）｜（住址）｜（联系电话）",
        "source": SOURCE_WORDS.get(DemandSource(demand.source), "巡查"),
        "occurred": f"{records.chinese_moment(demand.received_at)}，{demand.address}"
                    + (f"，位于{place}" if place else ""),
        "facts": demand.content.strip(),
        "measures": _measures(uow, demand),
        "reason": reason.rstrip("。"),
        "reported_on": reported.date().isoformat(),
        "due_on": due.due.isoformat() if due.due else "",
        "evidence": _evidence(uow, demand),
        "officers": "\n".join(_officers(uow)),
        **records.contact_fields(uow),
        "receipt_place": receiver, "receipt_method": "直接送达", "receipt_note": "",
        "cc": "",
    }


def _measures(uow: UnitOfWork, demand: Demand) -> str:
    notes = [step.note.strip().rstrip("。") for step in uow.demands.steps(demand.id)
             if step.note.strip() and step.action in ("start", "report")]
    done = "；".join(dict.fromkeys(notes))
    return (done + "。" if done else "") + "网格员现场劝导并拍照取证，分中心已于当日向贵单位报告。"


def _evidence(uow: UnitOfWork, demand: Demand) -> list[list[str]]:
    rows = [["诉求受理单", "1", "1", "复印件"]]
    for link, stored in uow.demands.demand_attachments(demand.id):
        kind = "照片" if stored.media_type.startswith("image/") else "材料"
        rows.append([f"{link.file_name}（{kind}）", "1", "1", "原件"])
    rows.append(["现场检查记录", "1", "1", "原件"])
    return rows


def _officers(uow: UnitOfWork, count: int = 2) -> list[str]:
    """Two officers of the street's own team holding a valid certificate: 姓名｜执法证号."""
    day = date.fromisoformat(records.drafted_on())
    rows = uow.session.execute(
        select(Officer.name, Certificate.number)
        .join(Certificate, Certificate.officer_id == Officer.id)
        .join(Unit, Unit.id == Officer.source_unit_id, isouter=True)
        .where(Certificate.revoked.is_(False), Certificate.valid_until >= day,
               Officer.status == "on_duty")
        .order_by((Unit.kind != "street_office"), Officer.name, Certificate.number)).all()
    chosen: dict[str, str] = {}
    for name, number in rows:
        chosen.setdefault(name, number)
        if len(chosen) == count:
            break
    lines = [f"{name}｜{number}" for name, number in chosen.items()]
    return lines + ["（执法人员）｜（执法证号）"] * (count - len(lines))


# -- rendering -------------------------------------------------------------------------

def mask_tail(id_number: str) -> str:
    """An ID number shown by its last four characters only."""
    value = id_number.strip()
    if value.startswith("（") or len(value) <= 4:
        return value
    return "*" * (len(value) - 4) + value[-4:]


def _party_sentences(fields: dict[str, Any]) -> list[str]:
    sentences = []
    for line in items(fields.get("parties")):
        name, id_number, address, phone = [*line.replace("|", "｜").split("｜"), "", "", ""][:4]
        parts = [f"当事人：{name.strip()}"]
        if id_number.strip():
            parts.append(f"身份证号码：{mask_tail(id_number)}")
        if address.strip():
            parts.append(f"住址：{address.strip()}")
        if phone.strip():
            parts.append(f"联系电话：{phone.strip() if phone.strip().startswith('（') else mask_phone(phone)}")
        sentences.append("，".join(parts) + "。")
    return sentences or ["当事人：（待查明）。"]


def _officer_pairs(fields: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for line in items(fields.get("officers")):
        name, number = [*line.replace("|", "｜").split("｜", 1), ""][:2]
        pairs.append((name.strip(), number.strip()))
    return pairs


def _chinese_iso(value: str, default: str) -> str:
    try:
        return records.chinese_date(date.fromisoformat(value))
    except ValueError:
        return default


def body_blocks(fields: dict[str, Any]) -> tuple[Paragraph | Table, ...]:
    reported = _chinese_iso(text(fields, "reported_on"), "当日")
    due = _chinese_iso(text(fields, "due_on"), "")
    timing = (f"本案已于{reported}报告贵单位，现于{HANDOVER_WORKDAYS}个工作日内"
              + (f"（{due}前）" if due else "") + "正式移送。")
    officers = "；".join(f"{name}，执法证号：{number}" for name, number in _officer_pairs(fields))
    evidence = table_rows(fields.get("evidence"), 4)
    return (
        Paragraph(f"我街道{FOUND.get(text(fields, 'source'), '在工作中发现')}一起案件，经初步调查，"
                  "不属于本机关管辖。为依法及时处理，现将有关情况和材料移送贵单位。"),
        Paragraph("一、案由", Level.H1), Paragraph(text(fields, "case")),
        Paragraph("二、当事人基本情况", Level.H1), *map(Paragraph, _party_sentences(fields)),
        Paragraph("三、案件来源及发现经过", Level.H1),
        Paragraph(f"案件来源：{text(fields, 'source')}。发现时间和地点：{text(fields, 'occurred')}。"),
        Paragraph("四、查明的事实", Level.H1), Paragraph(text(fields, "facts")),
        Paragraph("五、已采取的措施", Level.H1), Paragraph(text(fields, "measures")),
        Paragraph("六、移送理由及依据", Level.H1),
        Paragraph(f"{text(fields, 'reason').rstrip('。')}。{timing}"),
        Paragraph("七、证据材料清单", Level.H1),
        Table(EVIDENCE_HEADERS, tuple((str(n), *row) for n, row in enumerate(evidence, 1)),
              (1.2, 5.6, 1.3, 1.3, 2.6)),
        Paragraph("八、移送执法人员", Level.H1), Paragraph(f"{officers}。" if officers else "（执法人员）。"),
        Paragraph("请贵单位收到本移送书后在送达回证上签收，并将处理结果函告我街道。"),
    )


def render(fields: dict[str, Any], *, number: str | None, issued_on: date | None,
           fonts: FontSet, seal_png: Path | None) -> bytes:
    day = records.field_date(fields, issued_on)
    document = GeneralDocument(
        mark=text(fields, "issuing_organ"), number=number or "",
        text=official_text(fields, day, seal_png, paragraphs=()), blocks=body_blocks(fields),
        author=text(fields, "sender"))
    receipt = Receipt(
        document=f"案件移送书（{number}）" if number else "案件移送书",
        receiver=text(fields, "recipient"), place=text(fields, "receipt_place"),
        method=text(fields, "receipt_method") or "直接送达",
        officers=tuple(f"{name}（执法证号{cert}）" for name, cert in _officer_pairs(fields)),
        note=text(fields, "receipt_note"), organ=text(fields, "sender"))
    return render_general(document, fonts, extra_pages=(partial(draw_receipt, receipt=receipt),))


# -- 送达回证 ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    document: str  # 送达文书名称及文号
    receiver: str  # 受送达人
    place: str
    method: str
    officers: tuple[str, ...]
    note: str
    organ: str


SIGN = "签名（盖章）："
DATE_BLANKS = "年　　月　　日"


def _receipt_rows(receipt: Receipt) -> list[tuple[str, str, int, str]]:
    """(label, value, grid lines, bottom-right text) of each row of the form."""
    return [
        ("送达文书名称及文号", receipt.document, 2, ""),
        ("受送达人", receipt.receiver, 2, ""),
        ("送达地点", receipt.place, 2, ""),
        ("送达方式", receipt.method, 1, ""),
        ("受送达人签收", SIGN, 4, DATE_BLANKS),
        ("送达人", "；".join(receipt.officers) + "\n" + SIGN, 3, DATE_BLANKS),
        ("见证人", SIGN, 2, DATE_BLANKS),
        ("备注", receipt.note, 2, ""),
    ]


def draw_receipt(canvas: Canvas, fonts: FontSet, *, receipt: Receipt) -> None:
    """The 送达回证 on the grid of the type area: title, then a two-column form."""
    grid = BODY_GRID
    for band, line in enumerate(title_lines("送达回证", fonts, grid)):
        draw_line(canvas, line, grid.baseline(band, line.size), fonts)
    label_right = grid.left + 6 * grid.cell + 8
    band = 2
    canvas.saveState()
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.8)
    top = grid.band_top(band)
    for label, value, height, corner in _receipt_rows(receipt):
        _draw_cell(canvas, fonts, label, grid.left, label_right, band, height, centred=True)
        _draw_cell(canvas, fonts, value, label_right, grid.right, band, height, centred=False)
        if corner:
            _draw_corner(canvas, fonts, corner, band + height - 1)
        band += height
        canvas.line(grid.left, pdf_y(grid.band_top(band)), grid.right, pdf_y(grid.band_top(band)))
    bottom = grid.band_top(band)
    canvas.rect(grid.left, pdf_y(bottom), grid.width, bottom - top, stroke=1, fill=0)
    canvas.line(label_right, pdf_y(top), label_right, pdf_y(bottom))
    canvas.restoreState()
    note = f"说明：受送达人签收后，请将本回证退回{receipt.organ}。"
    spec = LineSpec(grid.left, grid.left, grid.right, 14.0, 14.0)
    for offset, line in enumerate(layout_paragraph([Span(note, FontRole.KAITI)], fonts, spec)):
        draw_line(canvas, line, grid.baseline(band + offset, 14.0), fonts)


def _draw_cell(canvas: Canvas, fonts: FontSet, value: str, left: float, right: float,
               band: int, height: int, *, centred: bool) -> None:
    """Text in a form cell: labels centred both ways, values from the top left."""
    pad = 6.0
    spec = LineSpec(left + pad, left + pad, right - pad, 16.0, BODY_GRID.cell)
    lines = [line for part in value.split("\n") if part.strip()
             for line in layout_paragraph([Span(part.strip())], fonts, spec)][:height]
    first = band + (height - len(lines)) // 2 if centred else band
    for offset, line in enumerate(lines):
        if centred:
            width = natural_width([Span(line.text)], fonts)
            line = single_line([Span(line.text)], fonts, left + (right - left - width) / 2)
        draw_line(canvas, line, BODY_GRID.baseline(first + offset), fonts)


def _draw_corner(canvas: Canvas, fonts: FontSet, value: str, band: int) -> None:
    """"年　月　日" at the bottom right of a signature box, 2 characters in."""
    grid = BODY_GRID
    x = grid.right - 2 * grid.cell - natural_width([Span(value)], fonts)
    draw_line(canvas, single_line([Span(value)], fonts, x), grid.baseline(band), fonts)


def sample_source(uow: UnitOfWork) -> str | None:
    """A street → district handover if the data has one, else a district-scope demand
    found on patrol (or any with a list item routed to a department)."""
    with uow:
        handover = uow.session.scalars(select(Handover).order_by(Handover.created_at)).first()
        if handover is not None:
            return handover.id
        rows = uow.session.scalars(
            select(Demand).join(Unit, Unit.id == Demand.lead_unit_id)
            .where(Demand.responsibility_item_id.is_not(None), Unit.kind != "street_office",
                   Demand.handling_level == "district")
            .order_by(Demand.received_at.desc(), Demand.number)).all()
        chosen = next((d for d in rows if d.source == DemandSource.GRID_REPORT.value),
                      rows[0] if rows else None)
        return chosen.id if chosen else None

