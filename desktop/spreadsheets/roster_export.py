"""The 花名册 out to a formatted xlsx: a title row, a note row, a frozen header with an
autofilter, sensible widths, one row per person with their certificates.

Personal data is masked (个人信息保护法): ID numbers as 430105********1234, phones as
138****5678. The ID and phone columns are text, so Excel never turns them into
numbers; dates are real dates with a date format, except where a person holds several
certificates: those cells list one certificate per line (the importer reads them back
line by line). Streamed in write-only mode into a temporary file that is renamed into
place, so a cancelled export leaves nothing under the user's name. Audited (EXPORT)
once the file is written.

Threading: blocking work for a worker thread; ``progress`` and ``cancel`` link back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_id_number, mask_phone
from desktop.domain.roster import Force, OfficerStatus, StaffingType
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services.roster_rows import certificate_facts, domain_labels
from desktop.spreadsheets.audit import record_export
from desktop.spreadsheets.common import PROGRESS_EVERY
from desktop.spreadsheets.writing import _save  # the shared temp-file-then-rename save
from local_db.models import Officer
from local_db.unit_of_work import UnitOfWork

SHEET = "花名册"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_ROW = 3
TEXT, DATE, PLAIN = "text", "date", "plain"
# (header, width, kind): headers the importer reads back.
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("序号", 6, PLAIN), ("姓名", 10, PLAIN), ("性别", 6, PLAIN), ("身份证号码", 21, TEXT),
    ("联系电话", 14, TEXT), ("原单位", 26, PLAIN), ("力量类型", 18, PLAIN), ("编制", 7, PLAIN),
    ("职务", 12, PLAIN), ("中队", 12, PLAIN), ("状态", 7, PLAIN), ("下沉开始", 12, DATE),
    ("下沉结束", 12, DATE), ("执法证号", 20, TEXT), ("发证机关", 22, PLAIN),
    ("执法领域", 24, PLAIN), ("有效期至", 12, DATE), ("备注", 24, PLAIN),
)
_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TITLE_FONT = Font(bold=True, size=16)
NOTE_FONT = Font(italic=True, color="606060")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)


def _certificate_cells(officer: Officer) -> tuple[object, object, object, object]:
    """证号, 发证机关, 执法领域, 有效期至: one line per certificate, latest expiry last."""
    certificates = sorted(officer.certificates, key=lambda c: (c.valid_until, c.number))
    if not certificates:
        return None, None, None, None
    if len(certificates) == 1:
        c = certificates[0]
        return c.number, c.issuing_authority, domain_labels(certificate_facts(c).domains), \
            c.valid_until
    return ("\n".join(c.number for c in certificates),
            "\n".join(c.issuing_authority for c in certificates),
            "\n".join(domain_labels(certificate_facts(c).domains) for c in certificates),
            "\n".join(str(c.valid_until) for c in certificates))


def _row(index: int, officer: Officer) -> tuple[object, ...]:
    unit = officer.source_unit.name if officer.source_unit else None
    return (index, officer.name, officer.gender or None, mask_id_number(officer.id_number),
            mask_phone(officer.phone) or None, unit, Force(officer.force).label,
            StaffingType(officer.staffing_type).label, officer.position or None,
            officer.squad or None, OfficerStatus(officer.status).label, officer.secondment_start,
            officer.secondment_end, *_certificate_cells(officer), officer.note or None)


def _cell(ws: Worksheet, value: object, kind: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.border = BORDER
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
        cell.alignment = CENTER
    elif kind == TEXT:
        cell.number_format = "@"
        cell.alignment = WRAP
    elif isinstance(value, str) and "\n" in value:
        cell.alignment = WRAP
    return cell


def _sheet(workbook: Workbook, title: str, note: str, rows: int) -> Any:
    ws = workbook.create_sheet(SHEET)
    last = get_column_letter(len(COLUMNS))
    for index, (_header, width, kind) in enumerate(COLUMNS, start=1):
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = width
        if kind == TEXT:
            dimension.number_format = "@"
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(rows, 1)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font, title_cell.alignment = TITLE_FONT, Alignment(horizontal="center")
    ws.append([title_cell])
    note_cell = WriteOnlyCell(ws, value=note)
    note_cell.font = NOTE_FONT
    ws.append([note_cell])
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    header = []
    for name, _width, _kind in COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, BORDER
        header.append(cell)
    ws.append(header)
    return ws


def _note(officers: Sequence[Officer]) -> str:
    counts = {force: sum(o.force == force.value for o in officers) for force in Force}
    split = "，".join(f"{force.short}：{count} 人" for force, count in counts.items())
    return (f"导出于 {now():%Y-%m-%d %H:%M}，共 {len(officers)} 人（{split}）。依据《个人信息保护法》，"
            "身份证号码和联系电话已脱敏；一人多证时每张证占一行。")


def export_roster(
    uow: UnitOfWork,
    path: Path,
    *,
    actor: Actor,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> int:
    """Every person on the roster (by force, squad, name) to a formatted xlsx, personal
    data masked. Needs ``DATA_EXPORT``; returns the number of people written."""
    require(actor, Permission.DATA_EXPORT)
    path = Path(path)
    with uow:
        sub_center = uow.sub_center.get()
        street = sub_center.street_name if sub_center else ""
        officers = list(uow.roster.officers())
        rows = [_row(index, officer) for index, officer in enumerate(officers, start=1)]
        note = _note(officers)
    workbook = Workbook(write_only=True)
    ws = _sheet(workbook, f"{street}执法人员花名册", note, len(rows))
    kinds = [kind for _header, _width, kind in COLUMNS]
    try:
        for written, row in enumerate(rows, start=1):
            ws.append([_cell(ws, value, kind) for value, kind in zip(row, kinds, strict=True)])
            if written % PROGRESS_EVERY == 0:
                cancel.raise_if_cancelled()
                progress(written, len(rows), f"正在导出第 {written}/{len(rows)} 人")
        cancel.raise_if_cancelled()
    except BaseException:
        ws.close()  # finish openpyxl's streaming writer; nothing is saved
        raise
    _save(workbook, path)
    progress(len(rows), len(rows), f"已导出 {len(rows)} 人")
    record_export(uow, actor, entity_type="officer", what="执法人员花名册（身份证号、电话脱敏）",
                  path=path, count=len(rows))
    return len(rows)
