"""Layout engine for Chinese official text: the character grid, line breaking, pagination.

GB/T 9704 sets the body on a grid: 3号 (16 pt) characters, 28 to a line and 22 lines
to a page, filling the 156 × 225 mm type area (版心). The pitch and the character
spacing follow from those figures exactly (see ``TextGrid``). Every CJK character and
full-width punctuation mark takes one cell; half-width runs (digits, Latin) take their
real advance and stay together. Lines obey the Chinese line-breaking rules (禁则): no
line starts with closing punctuation and none ends with opening punctuation; the
offending character is pulled down to the next line together with the one before it,
and the shortened line is justified back to the full width so the right edge stays
straight. The same is done so a paragraph never ends with one character alone (孤字).

Coordinates: the standard measures from the page's top-left corner, reportlab from the
bottom-left. Everything here works in points from the top-left; ``pdf_y`` is the one
place where a vertical position is turned into reportlab's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.documents.font_roles import FontRole, FontSet

MM = 72 / 25.4  # points per millimetre
PAGE_WIDTH = 210 * MM  # A4
PAGE_HEIGHT = 297 * MM
EM_ASCENT = 0.88  # the ideographic em box sits 0.88 em above and 0.12 em below the baseline

CLOSING = set("，。、：；！？）》〕】」』〉”’…·％‰,.:;!?)]}%")  # never at the start of a line
OPENING = set("“‘（《〔【「『〈([{")  # never at the end of a line
UNSPLIT = set("—…")  # "——" and "……" stay in one piece
FULL_WIDTH_AMBIGUOUS = set("“”‘’…—·～×")  # east-Asian-ambiguous, full width in Chinese text
EPS = 1e-6


def pdf_y(y_from_top: float) -> float:
    """reportlab's y for a position measured in points down from the top of the page."""
    return PAGE_HEIGHT - y_from_top


@dataclass(frozen=True)
class TextGrid:
    """The character grid of the type area, from the standard's figures (mm, top-left)."""

    left_mm: float = 28.0
    top_mm: float = 37.0
    width_mm: float = 156.0
    height_mm: float = 225.0
    lines: int = 22
    chars: int = 28
    font_size: float = 16.0

    @property
    def left(self) -> float:
        return self.left_mm * MM

    @property
    def top(self) -> float:
        return self.top_mm * MM

    @property
    def width(self) -> float:
        return self.width_mm * MM

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height_mm * MM

    @property
    def pitch(self) -> float:
        """Line pitch: 225 mm / 22 = 28.9907 pt."""
        return self.height_mm * MM / self.lines

    @property
    def cell(self) -> float:
        """Advance of one character: 156 mm / 28 = 15.7931 pt."""
        return self.width / self.chars

    @property
    def char_spacing(self) -> float:
        """Extra spacing after each 16 pt character so 28 span the width: −0.2069 pt."""
        return self.cell - self.font_size

    def band_top(self, band: int) -> float:
        return self.top + band * self.pitch

    def baseline(self, band: int, size: float | None = None) -> float:
        """Baseline of a line of ``size`` pt whose em box is centred in grid line ``band``."""
        size = self.font_size if size is None else size
        return self.band_top(band) + (self.pitch - size) / 2 + EM_ASCENT * size


BODY_GRID = TextGrid()


@dataclass(frozen=True)
class Span:
    """Input text in one role's font."""

    text: str
    role: FontRole = FontRole.FANGSONG


@dataclass(frozen=True)
class Run:
    """Text drawn from ``x`` (pt from the left) in one font with one character spacing."""

    text: str
    role: FontRole
    size: float
    x: float
    char_space: float = 0.0


@dataclass(frozen=True)
class Line:
    """One line of text; its vertical place is the grid line it lands on."""

    runs: tuple[Run, ...]
    size: float

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Figure:
    """An image (e.g. a seal) anchored to a slot: ``dy`` from the top of its grid line."""

    path: Path
    x: float
    dy: float
    width: float
    height: float


@dataclass(frozen=True)
class Slot:
    """One grid line of the flow: a line of text or a blank (None)."""

    line: Line | None
    break_after: bool = True  # may a page end after this line?
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class PlacedSlot:
    band: int
    slot: Slot


@dataclass(frozen=True)
class Unit:
    """An unbreakable piece: one full-width character (one cell) or a half-width word."""

    text: str
    role: FontRole
    width: float
    full: bool
    space: bool = False


@dataclass(frozen=True)
class LineSpec:
    """Where a paragraph's lines go: first and later line starts, the right edge, the size."""

    first_x: float
    other_x: float
    right: float
    size: float = 16.0
    cell: float = field(default=BODY_GRID.cell)


def is_full_width(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF" or char in FULL_WIDTH_AMBIGUOUS


def tokenize(spans: Iterable[Span], fonts: FontSet, size: float, cell: float) -> list[Unit]:
    """Split text into cells and half-width words (a word keeps its trailing spaces apart)."""
    units: list[Unit] = []
    word: list[str] = []
    word_role = FontRole.FANGSONG

    def flush() -> None:
        if word:
            text = "".join(word)
            units.append(Unit(text, word_role, _width(text, word_role, fonts, size), False))
            word.clear()

    for span in spans:
        for char in span.text:
            if is_full_width(char):
                flush()
                units.append(Unit(char, span.role, cell, True))
            elif char.isspace():
                flush()
                units.append(Unit(" ", span.role, _width(" ", span.role, fonts, size), False, True))
            else:
                if word and word_role is not span.role:
                    flush()
                word_role = span.role
                word.append(char)
    flush()
    return units


def _width(text: str, role: FontRole, fonts: FontSet, size: float) -> float:
    return stringWidth(text, fonts.name(role), size)


def can_break(before: Unit, after: Unit) -> bool:
    """May a line end between these two units (禁则)?"""
    if after.space or before.space:
        return True
    if after.text[0] in CLOSING or before.text[-1] in OPENING:
        return False
    return not (before.text[-1] in UNSPLIT and after.text[0] == before.text[-1])


def break_units(units: Sequence[Unit], first_width: float, other_width: float) -> list[list[Unit]]:
    """Greedy breaking on the grid; a forbidden break moves characters down a line."""
    units = _split_long_words(units, min(first_width, other_width))
    lines: list[list[Unit]] = []
    start, width = 0, first_width
    while start < len(units):
        while start < len(units) and units[start].space:  # no line starts with a space
            start += 1
        end, used = start, 0.0
        while end < len(units) and used + _visible_width(units[end]) <= width + EPS:
            used += units[end].width
            end += 1
        end = max(end, start + 1)
        if end < len(units):
            cut = end
            while cut > start + 1 and not can_break(units[cut - 1], units[cut]):
                cut -= 1
            end = cut if can_break(units[cut - 1], units[cut]) else end
        line = _strip_spaces(list(units[start:end]))
        if line:
            lines.append(line)
        start, width = end, other_width
    _avoid_lone_character(lines)
    return lines


def _avoid_lone_character(lines: list[list[Unit]]) -> None:
    """A paragraph does not end with one character alone on its last line (孤字): the
    character before it comes down too, and the shortened line is spread."""
    if len(lines) < 2 or len(lines[-2]) < 3:
        return
    last, previous = lines[-1], lines[-2]
    if len([unit for unit in last if unit.text[0] not in CLOSING]) != 1 or not last[0].full:
        return
    if previous[-1].full and can_break(previous[-2], previous[-1]):
        last.insert(0, previous.pop())


def _visible_width(unit: Unit) -> float:
    return 0.0 if unit.space else unit.width


def _strip_spaces(line: list[Unit]) -> list[Unit]:
    while line and line[-1].space:
        line.pop()
    return line


def _split_long_words(units: Sequence[Unit], width: float) -> list[Unit]:
    """A half-width word longer than a line is cut character by character."""
    result: list[Unit] = []
    for unit in units:
        if unit.full or unit.space or unit.width <= width:
            result.append(unit)
            continue
        share = unit.width / len(unit.text)  # exact widths are recomputed when placed
        result.extend(Unit(char, unit.role, share, False) for char in unit.text)
    return result


def place(units: Sequence[Unit], x: float, width: float, *, justify: bool,
          fonts: FontSet, size: float) -> Line:
    """Position the units of one line from ``x``; justified lines end exactly at x + width."""
    used = sum(unit.width for unit in units)
    gaps = len(units) - 1
    extra = (width - used) / gaps if justify and gaps > 0 and width - used > EPS else 0.0
    glyphs: list[tuple[str, FontRole, float, float]] = []
    for unit in units:
        if unit.full:
            advance = _width(unit.text, unit.role, fonts, size)
            offset = 0.0 if advance >= unit.width - EPS else _cell_offset(unit.text, unit.width - advance)
            glyphs.append((unit.text, unit.role, x + offset, advance))
        else:
            cursor = x
            for char in unit.text:
                advance = _width(char, unit.role, fonts, size)
                glyphs.append((char, unit.role, cursor, advance))
                cursor += advance
        x += unit.width + extra
    return Line(_runs(glyphs, size), size)


def _cell_offset(char: str, slack: float) -> float:
    """A glyph narrower than its cell: opening marks hug the right, closing the left."""
    if char in OPENING:
        return slack
    return 0.0 if char in CLOSING else slack / 2


def _runs(glyphs: Sequence[tuple[str, FontRole, float, float]], size: float) -> tuple[Run, ...]:
    """Merge glyphs into runs drawn with one constant character spacing each."""
    runs: list[Run] = []
    text: list[str] = []
    role, start, spacing, last_x, last_advance = FontRole.FANGSONG, 0.0, 0.0, 0.0, 0.0
    for char, glyph_role, x, advance in glyphs:
        gap = x - last_x - last_advance
        joins = text and glyph_role is role and (len(text) == 1 or abs(gap - spacing) < 1e-4)
        if joins:
            spacing = gap if len(text) == 1 else spacing
            text.append(char)
        else:
            if text:
                runs.append(Run("".join(text), role, size, start, spacing if len(text) > 1 else 0.0))
            text, role, start, spacing = [char], glyph_role, x, 0.0
        last_x, last_advance = x, advance
    if text:
        runs.append(Run("".join(text), role, size, start, spacing if len(text) > 1 else 0.0))
    return tuple(runs)


def layout_paragraph(spans: Sequence[Span], fonts: FontSet, spec: LineSpec, *,
                     justify_last: bool = False) -> list[Line]:
    """Break and place a paragraph; every line but the last is justified to ``spec.right``."""
    units = tokenize(spans, fonts, spec.size, spec.cell)
    rows = break_units(units, spec.right - spec.first_x, spec.right - spec.other_x)
    lines = []
    for number, row in enumerate(rows):
        x = spec.first_x if number == 0 else spec.other_x
        last = number == len(rows) - 1
        lines.append(place(row, x, spec.right - x, justify=justify_last or not last,
                           fonts=fonts, size=spec.size))
    return lines


def single_line(spans: Sequence[Span], fonts: FontSet, x: float, *, size: float = 16.0,
                cell: float = BODY_GRID.cell) -> Line:
    """A line placed as it is (no breaking), e.g. a sender or a date."""
    units = tokenize(spans, fonts, size, cell)
    return place(units, x, 0.0, justify=False, fonts=fonts, size=size)


def natural_width(spans: Sequence[Span], fonts: FontSet, *, size: float = 16.0,
                  cell: float = BODY_GRID.cell) -> float:
    return sum(unit.width for unit in tokenize(spans, fonts, size, cell))


def paginate(slots: Sequence[Slot], *, first_band: int = 0,
             bands: int = BODY_GRID.lines) -> list[list[PlacedSlot]]:
    """Flow slots over pages of ``bands`` grid lines, honouring ``break_after``.

    A blank slot at the top of a page (after the first) is dropped; when a page fills
    inside a keep (``break_after`` False), the kept lines move to the next page.
    """
    pages: list[list[PlacedSlot]] = []
    page: list[tuple[int, PlacedSlot]] = []  # (slot index, placed)
    band, index = first_band, 0
    while index < len(slots):
        if band >= bands:
            cut = len(page)
            while cut > 0 and not page[cut - 1][1].slot.break_after:
                cut -= 1
            cut = cut or len(page)  # a keep longer than a page cannot be honoured
            index = page[cut][0] if cut < len(page) else index
            pages.append([placed for _, placed in page[:cut]])
            page, band = [], 0
            continue
        slot = slots[index]
        if not (band == 0 and slot.line is None and not slot.figures):
            page.append((index, PlacedSlot(band, slot)))
            band += 1
        index += 1
    pages.append([placed for _, placed in page])
    return pages
