"""GB/T 9704-2012 page furniture shared by the official formats (函, 通知, 移送书…).

Turns the type-area content of a document (title, 主送机关, body, 附件说明, sender,
date and seal, 附注, 抄送) into grid slots for ``layout.paginate``, and draws placed
pages, page numbers and the 版记 with reportlab. The header of each format (the
letter's mark and red lines, a 文件's 版头) belongs to its own module.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas

from desktop.documents.font_roles import FontRole, FontSet
from desktop.documents.layout import (
    BODY_GRID,
    CLOSING,
    EM_ASCENT,
    MM,
    OPENING,
    Figure,
    Line,
    LineSpec,
    PlacedSlot,
    Slot,
    Span,
    TextGrid,
    Unit,
    break_units,
    can_break,
    layout_paragraph,
    natural_width,
    pdf_y,
    place,
    single_line,
    tokenize,
)

TITLE_SIZE = 22.0  # 2号
NUMBER_SIZE = 14.0  # 4号, page numbers and the 版记
SEAL_RAISE = 2 * MM  # sender and date sit a little below the seal's centre
PAGE_NUMBER_GAP = 7 * MM  # page numbers under the type area
CHINESE_DIGITS = "零一二三四五六七八九"
BREAK_AFTER = set("于和与及的并")  # title lines preferably end after these…
BREAK_BEFORE = set("的和与及关")  # …or before these (no word segmentation at hand)
WORD_BREAK_PENALTY = 2.1 * TITLE_SIZE**2  # rows 2 characters apart cost 2 × size²


class Level(IntEnum):
    """Body paragraph levels: plain text and the four heading levels (一、（一）1.（1））."""

    BODY = 0
    H1 = 1
    H2 = 2
    H3 = 3
    H4 = 4

    @property
    def role(self) -> FontRole:
        return {Level.H1: FontRole.HEITI, Level.H2: FontRole.KAITI}.get(self, FontRole.FANGSONG)


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph. ``text`` is set in the level's font; ``tail`` (a run-in heading's
    following sentences) continues in 仿宋 in the same paragraph."""

    text: str
    level: Level = Level.BODY
    tail: str = ""


@dataclass(frozen=True)
class SignOff:
    """Sender and date; with ``seal_png`` (a PNG with transparency) the seal presses on both."""

    sender: str
    date: dt.date
    seal_png: Path | None = None
    seal_width_mm: float = 42.0


@dataclass(frozen=True)
class OfficialText:
    """What goes in the type area, in the standard's order."""

    title: str
    recipient: str
    paragraphs: tuple[Paragraph, ...]
    sign_off: SignOff
    attachments: tuple[str, ...] = ()
    note: str = ""  # 附注 without its parentheses, e.g. "联系人：张三，联系电话：…"
    cc: tuple[str, ...] = ()


def heading_number(level: Level, number: int) -> str:
    """The numbering of a heading: 一、 （一） 1. （1）."""
    if level is Level.H1:
        return f"{chinese_number(number)}、"
    if level is Level.H2:
        return f"（{chinese_number(number)}）"
    if level is Level.H3:
        return f"{number}."
    if level is Level.H4:
        return f"（{number}）"
    raise ValueError(f"正文段落没有序号：{level!r}")


def chinese_number(number: int) -> str:
    """1–99 in Chinese numerals (十一, 二十, 二十三)."""
    if not 0 < number < 100:
        raise ValueError(f"序号超出范围（1–99）：{number}")
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + (CHINESE_DIGITS[ones] if ones else "")


def format_date(day: dt.date) -> str:
    """成文日期 in Arabic numerals without padding: 2026年11月23日."""
    return f"{day.year}年{day.month}月{day.day}日"


def body_spec(grid: TextGrid = BODY_GRID, indent: int = 2) -> LineSpec:
    return LineSpec(grid.left + indent * grid.cell, grid.left, grid.right, grid.font_size, grid.cell)


# -- title ---------------------------------------------------------------------------

def title_lines(title: str, fonts: FontSet, grid: TextGrid = BODY_GRID) -> list[Line]:
    """The title in 2号 小标宋, centred, balanced over as few lines as fit.

    A line never ends with punctuation nor starts with closing punctuation; explicit
    line breaks ("\\n") in the title are kept (the clerk can keep words whole that way).
    """
    lines: list[Line] = []
    for part in (p.strip() for p in title.split("\n")):
        units = tokenize([Span(part, FontRole.XIAOBIAOSONG)], fonts, TITLE_SIZE, TITLE_SIZE)
        for row in _balanced_rows(units, grid.width):
            width = sum(unit.width for unit in row)
            x = grid.left + (grid.width - width) / 2
            lines.append(place(row, x, width, justify=False, fonts=fonts, size=TITLE_SIZE))
    return lines


def _balanced_rows(units: list[Unit], width: float) -> list[list[Unit]]:
    """Split into the fewest rows that fit, as even as possible, longer rows first."""
    total = sum(unit.width for unit in units)
    allowed = [k for k in range(1, len(units)) if _title_break_ok(units[k - 1], units[k])]
    for rows in range(max(1, math.ceil(total / width - 1e-9)), 5):
        cuts = _best_cuts(units, allowed, rows, width)
        if cuts is not None:
            bounds = [0, *cuts, len(units)]
            return [units[a:b] for a, b in itertools.pairwise(bounds)]
    return break_units(units, width, width)  # a very long title: plain breaking


def _title_break_ok(before: Unit, after: Unit) -> bool:
    last = before.text[-1]
    punctuation = last in CLOSING or last in OPENING or unicodedata.category(last).startswith("P")
    return can_break(before, after) and not punctuation and not after.space


def _natural_break(units: list[Unit], cut: int) -> bool:
    """A likely word boundary: after 关于/和/与/及/的/并, or before 的/和/与/及."""
    return units[cut - 1].text[-1] in BREAK_AFTER or units[cut].text[0] in BREAK_BEFORE


def _best_cuts(units: list[Unit], allowed: list[int], rows: int,
               width: float) -> tuple[int, ...] | None:
    """Cut positions minimising the squared deviation of row widths (rows ≤ 4)."""
    prefix = list(itertools.accumulate((unit.width for unit in units), initial=0.0))
    mean = prefix[-1] / rows
    best: tuple[float, tuple[int, ...]] | None = None
    for cuts in itertools.combinations(allowed, rows - 1):
        bounds = [0, *cuts, len(units)]
        widths = [prefix[b] - prefix[a] for a, b in itertools.pairwise(bounds)]
        if max(widths) > width + 1e-6:
            continue
        cost = sum((w - mean) ** 2 for w in widths)
        cost += WORD_BREAK_PENALTY * sum(1 for cut in cuts if not _natural_break(units, cut))
        cost += 0.01 * sum(1 for a, b in itertools.pairwise(widths) if b > a + 1e-6)
        if best is None or cost < best[0] - 1e-9:
            best = (cost, cuts)
    return None if best is None else best[1]


# -- the flow of the type area -----------------------------------------------------

def text_slots(text: OfficialText, fonts: FontSet, grid: TextGrid = BODY_GRID) -> list[Slot]:
    """Title, blank, 主送机关, body, 附件说明, sign-off and 附注 as grid slots."""
    slots = [Slot(line) for line in title_lines(text.title, fonts, grid)]
    slots.append(Slot(None))
    if text.recipient.strip():
        recipient = text.recipient.strip().rstrip("：:") + "："
        spec = LineSpec(grid.left, grid.left, grid.right, grid.font_size, grid.cell)
        slots += [Slot(line) for line in layout_paragraph([Span(recipient)], fonts, spec)]
    for paragraph in text.paragraphs:
        slots += paragraph_slots(paragraph, fonts, grid)
    if text.attachments:
        # the 附件说明 stays whole and goes with the body's last lines: a page holding
        # only it and the seal would be a seal page without body text (GB/T 9704 7.3.5)
        slots[-1] = replace(slots[-1], break_after=False)
        slots.append(Slot(None, break_after=False))
        slots += [Slot(line, break_after=False)
                  for line in attachment_lines(text.attachments, fonts, grid)]
    slots[-1] = replace(slots[-1], break_after=False)  # no seal or signature alone on a page
    return slots + sign_off_slots(text.sign_off, text.note, fonts, grid)


def paragraph_slots(paragraph: Paragraph, fonts: FontSet, grid: TextGrid = BODY_GRID) -> list[Slot]:
    spans = [Span(paragraph.text.strip(), paragraph.level.role)]  # typed indents go
    if paragraph.tail.strip():
        spans.append(Span(paragraph.tail.strip()))
    lines = layout_paragraph(spans, fonts, body_spec(grid))
    last = len(lines) - 1
    kept = {0, last - 1} if last else set()  # no lone first or last line at a page edge
    if paragraph.level is not Level.BODY and not paragraph.tail.strip():
        kept.add(last)  # a heading stays with the text under it
    return [Slot(line, break_after=n not in kept) for n, line in enumerate(lines)]


def attachment_lines(names: Sequence[str], fonts: FontSet, grid: TextGrid = BODY_GRID) -> list[Line]:
    """附件：1.×××× with later items under the first number and wraps under the name."""
    label_x = grid.left + 2 * grid.cell
    items_x = label_x + natural_width([Span("附件：")], fonts)
    lines: list[Line] = []
    for number, raw in enumerate(names, start=1):
        name = raw.strip().rstrip("。，；、.,;")
        prefix = "" if len(names) == 1 else f"{number}."
        name_x = items_x + natural_width([Span(prefix)], fonts) if prefix else items_x
        first_x = label_x if number == 1 else items_x
        lead = ("附件：" if number == 1 else "") + prefix
        spec = LineSpec(first_x, name_x, grid.right, grid.font_size, grid.cell)
        lines += layout_paragraph([Span(lead + name)], fonts, spec)
    return lines


def sign_off_slots(sign_off: SignOff, note: str, fonts: FontSet,
                   grid: TextGrid = BODY_GRID) -> list[Slot]:
    """Blank lines, sender, date and 附注, kept together (the caller keeps them with the
    line above, so the seal always presses on a page with text).

    With a seal the date ends 4 characters in from the right and the sender is centred
    over it; the seal is centred on them, its centre a little above their middle, and
    enough blank lines are left that its top clears the body by less than one line.
    Without a seal the sender ends 2 characters in and the date starts 2 characters to
    the right of the sender's first character.
    """
    date_spans = [Span(format_date(sign_off.date))]
    sender_spans = [Span(sign_off.sender)]
    date_w = natural_width(date_spans, fonts)
    sender_w = natural_width(sender_spans, fonts)
    figures: tuple[Figure, ...] = ()
    if sign_off.seal_png is not None:
        date_x = grid.right - 4 * grid.cell - date_w
        centre = date_x + date_w / 2
        sender_x = centre - sender_w / 2
        width = sign_off.seal_width_mm * MM
        height = width * _aspect(sign_off.seal_png)
        dy = grid.pitch - SEAL_RAISE - height / 2  # from the top of the sender's line
        blanks = max(1, math.ceil(-dy / grid.pitch))
        figures = (Figure(sign_off.seal_png, centre - width / 2, dy, width, height),)
    else:
        sender_x = grid.right - 2 * grid.cell - sender_w
        date_x = sender_x + 2 * grid.cell
        if date_x + date_w > grid.right - 2 * grid.cell:
            date_x = grid.right - 2 * grid.cell - date_w
            sender_x = date_x - 2 * grid.cell
        blanks = 1
    slots = [Slot(None, break_after=False) for _ in range(blanks)]
    slots.append(Slot(single_line(sender_spans, fonts, sender_x), False, figures))
    slots.append(Slot(single_line(date_spans, fonts, date_x), break_after=False))
    if note:  # 附注: the line after the date, 2 characters in, in parentheses
        slots += [Slot(line, break_after=False) for line in
                  layout_paragraph([Span(f"（{note.strip()}）")], fonts, body_spec(grid))]
    return [*slots[:-1], replace(slots[-1], break_after=True)]


def _aspect(png: Path) -> float:
    """Height / width of an image (reportlab reads PNGs through Pillow)."""
    from reportlab.lib.utils import ImageReader

    width, height = ImageReader(str(png)).getSize()
    return height / width


# -- 版记 (抄送) and page numbers ---------------------------------------------------

def cc_lines(cc: Sequence[str], fonts: FontSet, grid: TextGrid = BODY_GRID) -> list[Line]:
    """抄送：甲，乙。 in 4号 仿宋, 1 character in on both sides, wraps under the first name."""
    names = [name.strip().rstrip("，。,.") for name in cc if name.strip()]
    if not names:
        return []
    label = "抄送："
    first_x = grid.left + NUMBER_SIZE
    other_x = first_x + natural_width([Span(label)], fonts, size=NUMBER_SIZE, cell=NUMBER_SIZE)
    spec = LineSpec(first_x, other_x, grid.right - NUMBER_SIZE, NUMBER_SIZE, NUMBER_SIZE)
    return layout_paragraph([Span(label + "，".join(names) + "。")], fonts, spec)


def page_number_line(number: int, fonts: FontSet, grid: TextGrid = BODY_GRID) -> tuple[Line, float]:
    """"— 2 —" in 4号 宋体: odd pages at the right, even at the left, 1 character in.

    Returns the line and its baseline (points from the top of the page).
    """
    spans = [Span(f"— {number} —", FontRole.SONGTI)]
    width = natural_width(spans, fonts, size=NUMBER_SIZE, cell=NUMBER_SIZE)
    x = grid.right - NUMBER_SIZE - width if number % 2 else grid.left + NUMBER_SIZE
    line = single_line(spans, fonts, x, size=NUMBER_SIZE, cell=NUMBER_SIZE)
    return line, grid.bottom + PAGE_NUMBER_GAP + EM_ASCENT * NUMBER_SIZE


# -- drawing -------------------------------------------------------------------------

def draw_line(canvas: Canvas, line: Line, baseline: float, fonts: FontSet,
              color: Color = black) -> None:
    """Draw a laid-out line; ``baseline`` in points from the top of the page."""
    canvas.saveState()  # colours set on the canvas, not the text object: they must not leak
    canvas.setFillColor(color)
    canvas.setStrokeColor(color)
    for run in line.runs:
        font = fonts[run.role]
        text = canvas.beginText()
        text.setFont(font.name, run.size)
        text.setCharSpace(run.char_space)
        if font.embolden:  # a regular Song standing in for the heavy 小标宋
            text.setTextRenderMode(2)
            canvas.setLineWidth(run.size * 0.025)
        text.setTextOrigin(run.x, pdf_y(baseline))
        text.textOut(run.text)
        canvas.drawText(text)
    canvas.restoreState()


def draw_slots(canvas: Canvas, placed: Sequence[PlacedSlot], fonts: FontSet,
               grid: TextGrid = BODY_GRID) -> None:
    """Figures (seals) first, so the text stays readable on top of them; then the lines."""
    for item in placed:
        for figure in item.slot.figures:
            top = grid.band_top(item.band) + figure.dy
            canvas.drawImage(str(figure.path), figure.x, pdf_y(top + figure.height),
                             figure.width, figure.height, mask="auto")
    for item in placed:
        if item.slot.line is not None:
            draw_line(canvas, item.slot.line, grid.baseline(item.band, item.slot.line.size), fonts)


def draw_bottom_lines(canvas: Canvas, lines: Sequence[Line], fonts: FontSet,
                      grid: TextGrid = BODY_GRID) -> None:
    """Lines (the 版记) set on the last grid lines of the type area."""
    first = grid.lines - len(lines)
    for offset, line in enumerate(lines):
        draw_line(canvas, line, grid.baseline(first + offset, line.size), fonts)
