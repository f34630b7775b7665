"""函告 in the letter format of GB/T 9704-2012 (信函格式, §10.1) as PDF bytes.

The first page carries the organ's mark in red (its top 30 mm from the top of the
page), a red double line 4 mm under it (thick above, thin below), the document number
under that line flush right, and a second red double line (thin above, thick below)
whose bottom is 20 mm from the bottom of the page; both lines are 170 mm long and
centred. The first page has no page number; later pages have page numbers and no
lines. The rest — title, 主送机关, body on the 28 × 22 grid, 附件说明, sender, date and
seal, 附注 and the 抄送 at the bottom of the last page — comes from ``official``.

The bytes are reproducible: the same content and fonts give the same PDF (reportlab's
invariant mode), which is what the archive relies on.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from desktop.documents.font_roles import FontRole, FontSet, resolve_fonts
from desktop.documents.layout import (
    BODY_GRID,
    MM,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Line,
    PlacedSlot,
    Span,
    natural_width,
    paginate,
    pdf_y,
    single_line,
)
from desktop.documents.official import (
    OfficialText,
    Paragraph,
    SignOff,
    cc_lines,
    draw_bottom_lines,
    draw_line,
    draw_slots,
    page_number_line,
    text_slots,
)

RED = Color(230 / 255, 0, 0)  # the one red of every letter (mark and lines)
MARK_TOP = 30 * MM
MARK_SIZES = (36.0, 26.0, 24.0, 22.0)  # 小初, 一号, 小一, 二号: the largest that fits
RULE_GAP = 4 * MM  # mark → first double line
RULE_LEFT, RULE_WIDTH = 21 * MM, 170 * MM
THICK, THIN, RULE_SPACE = 0.8 * MM, 0.25 * MM, 0.6 * MM
BOTTOM_RULE_BOTTOM = 277 * MM  # 20 mm above the bottom of the page
NUMBER_DROP = 7 / 8 * 16.0  # 7/8 of a 3号 character under the first double line


@dataclass(frozen=True)
class LetterContent:
    """Everything printed on a 函; the next issue fills it from records."""

    issuing_organ: str  # 发文机关标志: the full name, without "文件"
    doc_number: str  # e.g. 芙街函〔2026〕12号
    recipient: str  # 主送机关
    title: str  # 关于……的函 ("\n" forces a title line break)
    paragraphs: tuple[Paragraph, ...]
    sender: str  # 发文机关署名
    date: dt.date
    attachments: tuple[str, ...] = ()
    seal_png: Path | None = None  # a PNG with transparency, configured per sub-center
    contact_person: str = ""
    contact_phone: str = ""
    cc: tuple[str, ...] = ()  # 抄送
    copy_number: str = ""  # 份号
    secrecy: str = ""  # 密级和保密期限, e.g. 秘密★1年
    urgency: str = ""  # 紧急程度: 特急 / 加急

    @property
    def note(self) -> str:
        """附注 text (without parentheses)."""
        parts = [f"联系人：{self.contact_person}" if self.contact_person else "",
                 f"联系电话：{self.contact_phone}" if self.contact_phone else ""]
        return "，".join(part for part in parts if part)

    def official_text(self) -> OfficialText:
        return OfficialText(
            title=self.title, recipient=self.recipient, paragraphs=self.paragraphs,
            sign_off=SignOff(self.sender, self.date, self.seal_png),
            attachments=self.attachments, note=self.note, cc=self.cc)


@dataclass(frozen=True)
class LetterLayout:
    """The paginated letter, before drawing (useful to the preview and to tests)."""

    pages: tuple[tuple[PlacedSlot, ...], ...]
    cc: tuple[Line, ...]
    cc_page_alone: bool  # the 抄送 did not fit under the last page's text


def render_letter(content: LetterContent, fonts: FontSet | None = None) -> bytes:
    """The letter as PDF bytes (A4, fonts subset-embedded, reproducible)."""
    fonts = fonts or resolve_fonts()
    layout = layout_letter(content, fonts)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1,
                    initialFontName=fonts.name(FontRole.FANGSONG), initialFontSize=16)
    canvas.setTitle(content.title.replace("\n", ""))
    canvas.setAuthor(content.issuing_organ)
    canvas.setSubject(content.doc_number)
    canvas.setCreator("街道综合指挥分中心")
    pages = list(layout.pages) + ([()] if layout.cc_page_alone else [])
    for number, placed in enumerate(pages, start=1):
        if number == 1:
            _draw_first_page_header(canvas, content, fonts)
        else:
            line, baseline = page_number_line(number, fonts)
            draw_line(canvas, line, baseline, fonts)
        draw_slots(canvas, placed, fonts)
        if number == len(pages):
            draw_bottom_lines(canvas, layout.cc, fonts)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def layout_letter(content: LetterContent, fonts: FontSet) -> LetterLayout:
    """Paginate the type area: page 1 starts two lines under the document number."""
    slots = text_slots(content.official_text(), fonts)
    pages = paginate(slots, first_band=title_band(content, fonts))
    cc = tuple(cc_lines(content.cc, fonts))
    alone = bool(cc) and _last_used_band(pages[-1]) >= BODY_GRID.lines - len(cc) - 1  # 1 blank
    return LetterLayout(tuple(tuple(page) for page in pages), cc, alone)


def _last_used_band(placed: Sequence[PlacedSlot]) -> int:
    """The lowest grid line with text or reached by a figure (the seal hangs below the date)."""
    last = -1
    for item in placed:
        last = max(last, item.band)
        for figure in item.slot.figures:
            last = max(last, item.band + math.ceil((figure.dy + figure.height) / BODY_GRID.pitch) - 1)
    return last


def title_band(content: LetterContent, fonts: FontSet) -> int:
    """Grid line of the title: two lines under the last row under the double line."""
    rows = max(1, len(_header_rows(content)))
    last_baseline = _header_baseline(content, fonts, rows - 1)
    band = round((last_baseline - BODY_GRID.baseline(0)) / BODY_GRID.pitch)
    return band + 2


# -- the first page's header -----------------------------------------------------------

def mark_size(content: LetterContent, fonts: FontSet) -> float:
    """The largest of 小初/一号/小一/二号 at which the mark fits the type area's width
    (a longer name gets whatever size fits)."""
    for size in MARK_SIZES:
        if _mark_width(content, fonts, size) <= BODY_GRID.width:
            return size
    return BODY_GRID.width / _mark_width(content, fonts, 1.0)


def _mark_width(content: LetterContent, fonts: FontSet, size: float) -> float:
    spans = [Span(content.issuing_organ, FontRole.XIAOBIAOSONG)]
    return natural_width(spans, fonts, size=size, cell=size)


def _metrics(fonts: FontSet, role: FontRole) -> tuple[float, float]:
    """(ascent, descent) of a role's font per point of size, descent positive."""
    face = pdfmetrics.getFont(fonts.name(role)).face
    return face.ascent / 1000, -face.descent / 1000


def _mark_bottom(content: LetterContent, fonts: FontSet) -> float:
    ascent, descent = _metrics(fonts, FontRole.XIAOBIAOSONG)
    return MARK_TOP + (ascent + descent) * mark_size(content, fonts)


def first_rule_bottom(content: LetterContent, fonts: FontSet) -> float:
    return _mark_bottom(content, fonts) + RULE_GAP + THICK + RULE_SPACE + THIN


def _header_rows(content: LetterContent) -> list[tuple[str, str]]:
    """(left, right) texts under the first line: 份号/密级/紧急程度 left, the number right."""
    left = [text for text in (content.copy_number, content.secrecy, content.urgency) if text]
    rows = [(text, "") for text in left] or [("", "")]
    rows[0] = (rows[0][0], content.doc_number)
    return rows


def _header_baseline(content: LetterContent, fonts: FontSet, row: int) -> float:
    ascent, _ = _metrics(fonts, FontRole.FANGSONG)
    top = first_rule_bottom(content, fonts) + NUMBER_DROP + row * BODY_GRID.pitch
    return top + ascent * BODY_GRID.font_size


def _draw_first_page_header(canvas: Canvas, content: LetterContent, fonts: FontSet) -> None:
    size = mark_size(content, fonts)
    ascent, _ = _metrics(fonts, FontRole.XIAOBIAOSONG)
    x = BODY_GRID.left + (BODY_GRID.width - _mark_width(content, fonts, size)) / 2
    mark = single_line([Span(content.issuing_organ, FontRole.XIAOBIAOSONG)], fonts, x,
                       size=size, cell=size)
    draw_line(canvas, mark, MARK_TOP + ascent * size, fonts, RED)
    top = _mark_bottom(content, fonts) + RULE_GAP
    _double_line(canvas, top, (THICK, THIN))
    _double_line(canvas, BOTTOM_RULE_BOTTOM - THIN - RULE_SPACE - THICK, (THIN, THICK))
    for row, (left, right) in enumerate(_header_rows(content)):
        baseline = _header_baseline(content, fonts, row)
        role = FontRole.FANGSONG if left == content.copy_number else FontRole.HEITI
        if left:
            draw_line(canvas, single_line([Span(left, role)], fonts, BODY_GRID.left), baseline, fonts)
        if right:
            width = natural_width([Span(right)], fonts)
            draw_line(canvas, single_line([Span(right)], fonts, BODY_GRID.right - width),
                      baseline, fonts)


def _double_line(canvas: Canvas, top: float, heights: tuple[float, float]) -> None:
    """Two red bars, 170 mm long and centred, drawn as filled rectangles from ``top``."""
    canvas.saveState()
    canvas.setFillColor(RED)
    upper, lower = heights
    for bar_top, height in ((top, upper), (top + upper + RULE_SPACE, lower)):
        canvas.rect(RULE_LEFT, pdf_y(bar_top + height), RULE_WIDTH, height, stroke=0, fill=1)
    canvas.restoreState()
