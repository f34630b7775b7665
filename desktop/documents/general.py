"""GB/T 9704-2012 general format (通用格式) for 移送书, 督办单, 通知 and reports.

The 版头: the issuing organ's mark in red 小标宋, centred, its top 35 mm under the top
of the type area (72 mm from the top of the page); the document number centred two
lines under it; a red separator as wide as the type area 4 mm under the number. The
title comes two lines under the separator, then 主送机关, body, 附件说明, sender, date
and seal, 附注 — all on the 28 × 22 grid of ``layout`` through ``official``. Every page
is numbered. The 版记 (抄送, 印发机关 and 印发日期 between rules) sits on the last lines
of the last page.

The body may hold tables: each table row takes one (or, when a cell wraps, several)
grid lines, so the line pitch of the page stays even; a column may carry a bar (a
bar chart on the grid). Extra pages (the 送达回证 of a 移送书) are drawn by callbacks
after the official pages, on the same canvas.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from reportlab.lib.colors import Color, black
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from desktop.documents.font_roles import FontRole, FontSet
from desktop.documents.layout import (
    BODY_GRID,
    MM,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Line,
    LineSpec,
    PlacedSlot,
    Slot,
    Span,
    TextGrid,
    layout_paragraph,
    natural_width,
    paginate,
    pdf_y,
    single_line,
)
from desktop.documents.letter import MARK_SIZES, RED, _last_used_band
from desktop.documents.official import (
    NUMBER_SIZE,
    OfficialText,
    Paragraph,
    attachment_lines,
    cc_lines,
    draw_line,
    draw_slots,
    format_date,
    page_number_line,
    paragraph_slots,
    sign_off_slots,
    title_lines,
)

MARK_DROP = 35 * MM  # the mark's top under the top of the type area
SEPARATOR_GAP = 4 * MM
SEPARATOR = 0.5 * MM  # the red separator's thickness
TABLE_SIZE = 14.0  # 4号 in table cells
CELL_PAD = 3.0
SHADE = Color(0.9, 0.9, 0.9)
BAR = Color(0.55, 0.55, 0.55)
RULE_THICK, RULE_THIN = 0.35 * MM, 0.25 * MM  # 版记 rules


@dataclass(frozen=True)
class Table:
    """A body table: ``widths`` are relative column widths; ``bars`` maps a column to the
    fraction (0–1) per row drawn as a bar in that column (numbers stay printed)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    caption: str = ""
    bar_column: int | None = None
    bars: tuple[float, ...] = ()


Block = Paragraph | Table


@dataclass(frozen=True)
class GeneralDocument:
    mark: str  # 发文机关标志: the organ's name (with or without 文件); "" = no 版头
    number: str  # 发文字号; "" leaves its place blank (a draft)
    text: OfficialText  # its ``paragraphs`` are ignored in favour of ``blocks``
    blocks: tuple[Block, ...] = ()
    printer: str = ""  # 印发机关 (the 版记 shows it with the 印发日期)
    printed_on: date | None = None
    author: str = ""


@dataclass(frozen=True)
class TableRowSlot(Slot):
    """A grid line of a table: column edges, which rules to draw, shading and bar."""

    edges: tuple[float, ...] = ()
    rule_top: bool = False
    rule_bottom: bool = False
    shaded: bool = False
    bar: tuple[float, float] | None = None  # x, width
    extra_lines: tuple[Line, ...] = field(default=())


ExtraPage = Callable[[Canvas, FontSet], None]


def render_general(document: GeneralDocument, fonts: FontSet, *,
                   extra_pages: Sequence[ExtraPage] = ()) -> bytes:
    """The document as PDF bytes (A4, subset fonts, reproducible)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1,
                    initialFontName=fonts.name(FontRole.FANGSONG), initialFontSize=16)
    canvas.setTitle(document.text.title.replace("\n", ""))
    canvas.setAuthor(document.author or document.mark)
    canvas.setSubject(document.number)
    canvas.setCreator("街道综合指挥分中心")
    pages = layout_general(document, fonts)
    record = record_lines(document, fonts)
    if record and _last_used_band(pages[-1]) >= BODY_GRID.lines - len(record) - 1:
        pages.append([])
    for number, placed in enumerate(pages, start=1):
        if number == 1 and document.mark:
            draw_header(canvas, document, fonts)
        line, baseline = page_number_line(number, fonts)
        draw_line(canvas, line, baseline, fonts)
        draw_tables(canvas, placed)
        draw_slots(canvas, placed, fonts)
        if number == len(pages):
            draw_record(canvas, record, fonts, cc_count=len(cc_lines(document.text.cc, fonts)))
        canvas.showPage()
    for page in extra_pages:
        page(canvas, fonts)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def layout_general(document: GeneralDocument, fonts: FontSet) -> list[list[PlacedSlot]]:
    slots = body_slots(document, fonts)
    first = title_band(document, fonts) if document.mark else 0
    return paginate(slots, first_band=first)


# -- the 版头 --------------------------------------------------------------------------

def mark_size(mark: str, fonts: FontSet) -> float:
    for size in MARK_SIZES:
        if _width(mark, FontRole.XIAOBIAOSONG, fonts, size) <= BODY_GRID.width:
            return size
    return BODY_GRID.width / _width(mark, FontRole.XIAOBIAOSONG, fonts, 1.0)


def _width(text: str, role: FontRole, fonts: FontSet, size: float) -> float:
    return natural_width([Span(text, role)], fonts, size=size, cell=size)


def _ascent(fonts: FontSet, role: FontRole) -> tuple[float, float]:
    face = pdfmetrics.getFont(fonts.name(role)).face
    return face.ascent / 1000, -face.descent / 1000


def _number_band(document: GeneralDocument, fonts: FontSet) -> int:
    """Two blank grid lines under the mark's bottom."""
    ascent, descent = _ascent(fonts, FontRole.XIAOBIAOSONG)
    bottom = BODY_GRID.top + MARK_DROP + (ascent + descent) * mark_size(document.mark, fonts)
    below = int(-(-(bottom - BODY_GRID.top) // BODY_GRID.pitch))  # first band under the mark
    return below + 2


def separator_top(document: GeneralDocument, fonts: FontSet) -> float:
    band = _number_band(document, fonts)
    grid = BODY_GRID
    em_bottom = grid.band_top(band) + (grid.pitch + grid.font_size) / 2
    return em_bottom + SEPARATOR_GAP


def title_band(document: GeneralDocument, fonts: FontSet) -> int:
    """Two blank grid lines under the separator."""
    top = separator_top(document, fonts) + SEPARATOR
    return int(-(-(top - BODY_GRID.top) // BODY_GRID.pitch)) + 2


def draw_header(canvas: Canvas, document: GeneralDocument, fonts: FontSet) -> None:
    grid = BODY_GRID
    size = mark_size(document.mark, fonts)
    ascent, _ = _ascent(fonts, FontRole.XIAOBIAOSONG)
    x = grid.left + (grid.width - _width(document.mark, FontRole.XIAOBIAOSONG, fonts, size)) / 2
    mark = single_line([Span(document.mark, FontRole.XIAOBIAOSONG)], fonts, x, size=size, cell=size)
    draw_line(canvas, mark, grid.top + MARK_DROP + ascent * size, fonts, RED)
    if document.number:
        width = natural_width([Span(document.number)], fonts)
        line = single_line([Span(document.number)], fonts, grid.left + (grid.width - width) / 2)
        draw_line(canvas, line, grid.baseline(_number_band(document, fonts)), fonts)
    canvas.saveState()
    canvas.setFillColor(RED)
    top = separator_top(document, fonts)
    canvas.rect(grid.left, pdf_y(top + SEPARATOR), grid.width, SEPARATOR, stroke=0, fill=1)
    canvas.restoreState()


# -- the flow ----------------------------------------------------------------------------

def body_slots(document: GeneralDocument, fonts: FontSet, grid: TextGrid = BODY_GRID) -> list[Slot]:
    """Title, 主送机关, blocks, 附件说明, sign-off and 附注 (official.text_slots with tables)."""
    text = document.text
    slots: list[Slot] = [Slot(line) for line in title_lines(text.title, fonts, grid)]
    slots.append(Slot(None))
    if text.recipient.strip():
        recipient = text.recipient.strip().rstrip("：:") + "："
        spec = LineSpec(grid.left, grid.left, grid.right, grid.font_size, grid.cell)
        slots += [Slot(line) for line in layout_paragraph([Span(recipient)], fonts, spec)]
    for block in document.blocks or text.paragraphs:
        if isinstance(block, Table):
            slots += table_slots(block, fonts, grid)
        else:
            slots += paragraph_slots(block, fonts, grid)
    if text.attachments:
        slots.append(Slot(None))
        slots += [Slot(line) for line in attachment_lines(text.attachments, fonts, grid)]
    slots[-1] = replace(slots[-1], break_after=False)
    return slots + sign_off_slots(text.sign_off, text.note, fonts, grid)


def table_slots(table: Table, fonts: FontSet, grid: TextGrid = BODY_GRID) -> list[Slot]:
    """Caption (黑体, centred), header row (黑体, shaded) and rows, one grid line per text
    line; a table of up to 14 rows is kept on one page, a longer one breaks between rows."""
    total = sum(table.widths)
    edges = [grid.left]
    for width in table.widths:
        edges.append(edges[-1] + grid.width * width / total)
    slots: list[Slot] = [Slot(None)]  # a blank line above (dropped at the top of a page)
    if table.caption:
        width = _width(table.caption, FontRole.HEITI, fonts, TABLE_SIZE + 2)
        line = single_line([Span(table.caption, FontRole.HEITI)], fonts,
                           grid.left + (grid.width - width) / 2, size=TABLE_SIZE + 2,
                           cell=TABLE_SIZE + 2)
        slots.append(Slot(line, break_after=False))
    keep = len(table.rows) <= 14
    rows = [(table.headers, True, None)] + [
        (row, False, table.bars[n] if n < len(table.bars) else None)
        for n, row in enumerate(table.rows)]
    for index, (row, header, bar) in enumerate(rows):
        row_slots = _row_slots(row, edges, fonts, header=header, bar=bar,
                               bar_column=table.bar_column)
        last_row = index == len(rows) - 1
        for n, slot in enumerate(row_slots):
            end_of_row = n == len(row_slots) - 1
            breakable = end_of_row and (last_row or (not keep and not header))
            slots.append(replace(slot, break_after=breakable))
    return [*slots, Slot(None)]


def _row_slots(row: Sequence[str], edges: Sequence[float], fonts: FontSet, *, header: bool,
               bar: float | None, bar_column: int | None) -> list[TableRowSlot]:
    role = FontRole.HEITI if header else FontRole.FANGSONG
    cells: list[list[Line]] = []
    for column, text in enumerate(row):
        left, right = edges[column] + CELL_PAD, edges[column + 1] - CELL_PAD
        width = _width(text, role, fonts, TABLE_SIZE)
        if width <= right - left:
            x = left + (right - left - width) / 2
            cells.append([single_line([Span(text, role)], fonts, x, size=TABLE_SIZE, cell=TABLE_SIZE)])
        else:
            spec = LineSpec(left, left, right, TABLE_SIZE, TABLE_SIZE)
            cells.append(layout_paragraph([Span(text, role)], fonts, spec))
    height = max(len(lines) for lines in cells)
    bar_box = None
    if bar is not None and bar_column is not None:
        left, right = edges[bar_column] + CELL_PAD, edges[bar_column + 1] - CELL_PAD
        bar_box = (left, max(0.0, min(1.0, bar)) * (right - left))
    slots = []
    for n in range(height):
        lines = [lines[n] for lines in cells if n < len(lines)]
        merged = Line(tuple(run for line in lines for run in line.runs), TABLE_SIZE)
        slots.append(TableRowSlot(merged, edges=tuple(edges), rule_top=n == 0,
                                  rule_bottom=n == height - 1, shaded=header, bar=bar_box))
    return slots


def draw_tables(canvas: Canvas, placed: Sequence[PlacedSlot], grid: TextGrid = BODY_GRID) -> None:
    """Shading, bars and rules of the table rows on a page (under the text)."""
    canvas.saveState()
    canvas.setLineWidth(0.6)
    canvas.setStrokeColor(black)
    for item in placed:
        slot = item.slot
        if not isinstance(slot, TableRowSlot):
            continue
        top, bottom = grid.band_top(item.band), grid.band_top(item.band + 1)
        left, right = slot.edges[0], slot.edges[-1]
        if slot.shaded:
            canvas.setFillColor(SHADE)
            canvas.rect(left, pdf_y(bottom), right - left, bottom - top, stroke=0, fill=1)
        if slot.bar is not None and slot.bar[1] > 0:
            canvas.setFillColor(BAR)
            canvas.rect(slot.bar[0], pdf_y(bottom - 7), slot.bar[1], bottom - top - 14,
                        stroke=0, fill=1)
        for x in slot.edges:
            canvas.line(x, pdf_y(top), x, pdf_y(bottom))
        if slot.rule_top:
            canvas.line(left, pdf_y(top), right, pdf_y(top))
        if slot.rule_bottom:
            canvas.line(left, pdf_y(bottom), right, pdf_y(bottom))
    canvas.restoreState()


# -- the 版记 ----------------------------------------------------------------------------

def record_lines(document: GeneralDocument, fonts: FontSet,
                 grid: TextGrid = BODY_GRID) -> list[Line]:
    """抄送 lines, then 印发机关 (1 character in) and 印发日期 (1 character in from the right)."""
    lines = list(cc_lines(document.text.cc, fonts, grid))
    if document.printer and document.printed_on:
        issued = f"{format_date(document.printed_on)}印发"
        width = natural_width([Span(issued)], fonts, size=NUMBER_SIZE, cell=NUMBER_SIZE)
        printer = single_line([Span(document.printer)], fonts, grid.left + NUMBER_SIZE,
                              size=NUMBER_SIZE, cell=NUMBER_SIZE)
        date_line = single_line([Span(issued)], fonts, grid.right - NUMBER_SIZE - width,
                                size=NUMBER_SIZE, cell=NUMBER_SIZE)
        lines.append(Line(printer.runs + date_line.runs, NUMBER_SIZE))
    return lines


def draw_record(canvas: Canvas, lines: Sequence[Line], fonts: FontSet, *, cc_count: int,
                grid: TextGrid = BODY_GRID) -> None:
    """The 版记 on the last grid lines: thick rules above and below it, a thin rule
    between the 抄送 and the 印发 line."""
    if not lines:
        return
    first = grid.lines - len(lines)
    for offset, line in enumerate(lines):
        draw_line(canvas, line, grid.baseline(first + offset, line.size), fonts)
    rules = [(grid.band_top(first), RULE_THICK), (grid.bottom - RULE_THICK, RULE_THICK)]
    if 0 < cc_count < len(lines):
        rules.append((grid.band_top(first + cc_count) - RULE_THIN / 2, RULE_THIN))
    canvas.saveState()
    canvas.setFillColor(black)
    for top, height in rules:
        canvas.rect(grid.left, pdf_y(top + height), grid.width, height, stroke=0, fill=1)
    canvas.restoreState()
