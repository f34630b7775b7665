"""执法人员花名册 as a document kind: the roster print of ``roster_print`` from fields.

The fields hold the printed lines already masked (ID numbers and phones), so the
document renders from them alone, as every kind does, and a reprint of an archived
roster gives the same bytes. The table, its styles and page numbers are
``roster_print``'s (landscape A4, header row repeated on every page).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from desktop.documents import records
from desktop.documents.fields import text
from desktop.documents.font_roles import FontSet
from desktop.documents.roster_print import (
    MARGIN,
    RosterLine,
    _counts,
    _page_number,
    _Styles,
    _table,
    roster_lines,
)
from desktop.domain.errors import ValidationError
from desktop.domain.roster import Force
from local_db.unit_of_work import UnitOfWork


def draft(uow: UnitOfWork, source_id: str) -> dict[str, Any]:
    """``source_id``: "all" or a force code (1, X, Y)."""
    which = source_id.strip()
    force = None
    if which and which != "all":
        force = Force.from_label(which)
        if force is None:
            raise ValidationError("力量", f"“{which}”不是 1、X、Y 之一，打印全部请选“all”。")
    day = date.fromisoformat(records.drafted_on())
    lines = roster_lines(uow, force=force, on=day)
    with uow:
        street = records.issuer(uow).street
    suffix = f"（{force.label}）" if force else ""
    return {"drafted_on": day.isoformat(), "title": f"{street}执法人员花名册{suffix}",
            "street": street, "force": force.value if force else "all",
            "lines": [_as_row(line) for line in lines]}


def _as_row(line: RosterLine) -> dict[str, Any]:
    return {"force": line.force.value, "name": line.name, "gender": line.gender,
            "unit": line.unit, "squad": line.squad, "position": line.position,
            "certificates": [[n, d, u.isoformat(), e] for n, d, u, e in line.certificates],
            "id": line.id_number_masked, "phone": line.phone_masked}


def _from_row(row: dict[str, Any]) -> RosterLine:
    certificates = tuple((str(n), str(d), date.fromisoformat(str(u)), bool(e))
                         for n, d, u, e in row.get("certificates", []))
    return RosterLine(Force(row["force"]), row["name"], row.get("gender", ""), row.get("unit", ""),
                      row.get("squad", ""), row.get("position", ""), certificates,
                      row.get("id", ""), row.get("phone", ""))


def render(fields: dict[str, Any], *, number: str | None, issued_on: date | None,
           fonts: FontSet, seal_png: Path | None) -> bytes:
    day = records.field_date(fields, issued_on)
    lines = [_from_row(row) for row in fields.get("lines", [])]
    styles = _Styles()
    title = text(fields, "title")
    story = [
        Paragraph(escape(title), styles.title),
        Paragraph(f"截至 {records.chinese_date(day)} · 共 {len(lines)} 人（{_counts(lines)}）· "
                  "身份证号码和联系电话已按《个人信息保护法》脱敏", styles.note),
        Spacer(1, 4 * mm), _table(lines, styles),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=15 * mm, bottomMargin=18 * mm, title=title, author=text(fields, "street"),
        invariant=1, initialFontName=styles.font)
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


def sample_source(uow: UnitOfWork) -> str | None:
    return "all"
