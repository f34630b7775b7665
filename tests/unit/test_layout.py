"""The layout engine: grid figures, line breaking with 禁则, justification, pagination."""

from __future__ import annotations

import datetime as dt

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.documents.font_roles import FontRole, FontSet, bundled_fonts
from desktop.documents.layout import (
    BODY_GRID,
    CLOSING,
    MM,
    OPENING,
    Line,
    LineSpec,
    Slot,
    Span,
    layout_paragraph,
    paginate,
    pdf_y,
)
from desktop.documents.official import (
    Level,
    Paragraph,
    chinese_number,
    format_date,
    heading_number,
    paragraph_slots,
    title_lines,
)

HAN = "国家机关公文格式规定版心字数行数页码"  # 18 distinct characters to fill lines with


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return bundled_fonts()


def body(text: str, fonts: FontSet, indent: int = 0) -> list[Line]:
    spec = LineSpec(BODY_GRID.left + indent * BODY_GRID.cell, BODY_GRID.left, BODY_GRID.right)
    return layout_paragraph([Span(text)], fonts, spec)


def filler(count: int) -> str:
    return (HAN * (count // len(HAN) + 1))[:count]


def glyph_xs(line: Line, fonts: FontSet) -> list[float]:
    """x of every character, from the runs' origins and spacing (as a PDF viewer computes)."""
    xs = []
    for run in line.runs:
        x = run.x
        for char in run.text:
            xs.append(x)
            x += stringWidth(char, fonts.name(run.role), run.size) + run.char_space
    return xs


def test_the_grid_figures_follow_from_the_standard() -> None:
    assert BODY_GRID.pitch == pytest.approx(225 * MM / 22)
    assert BODY_GRID.pitch == pytest.approx(28.9907, abs=1e-4)
    assert BODY_GRID.cell == pytest.approx(15.7931, abs=1e-4)
    assert BODY_GRID.char_spacing == pytest.approx(-0.2069, abs=1e-4)
    assert BODY_GRID.left == pytest.approx(28 * MM) and BODY_GRID.right == pytest.approx(184 * MM)
    assert BODY_GRID.band_top(22) == pytest.approx(262 * MM)
    assert pdf_y(0) == pytest.approx(297 * MM)  # top of the page in reportlab's terms


def test_full_lines_hold_28_characters_on_the_grid(fonts: FontSet) -> None:
    lines = body(filler(60), fonts)
    assert [len(line.text) for line in lines] == [28, 28, 4]
    first = lines[0]
    assert len(first.runs) == 1 and first.runs[0].char_space == pytest.approx(BODY_GRID.char_spacing)
    xs = glyph_xs(first, fonts)
    assert xs == pytest.approx([BODY_GRID.left + k * BODY_GRID.cell for k in range(28)])
    assert glyph_xs(lines[2], fonts)[3] == pytest.approx(BODY_GRID.left + 3 * BODY_GRID.cell)


def test_first_line_indent_is_two_characters(fonts: FontSet) -> None:
    lines = body(filler(40), fonts, indent=2)
    assert [len(line.text) for line in lines] == [26, 14]
    assert lines[0].runs[0].x == pytest.approx(BODY_GRID.left + 2 * BODY_GRID.cell)
    assert lines[1].runs[0].x == pytest.approx(BODY_GRID.left)


@pytest.mark.parametrize("mark", ["，", "。", "、", "：", "；", "）", "》", "”", "！", "？"])
def test_closing_punctuation_never_starts_a_line(fonts: FontSet, mark: str) -> None:
    text = filler(28) + mark + filler(10)  # the mark would be the 29th character
    lines = body(text, fonts)
    assert [line.text[0] for line in lines[1:]] == [text[27]]
    assert lines[1].text.startswith(text[27] + mark)
    assert len(lines[0].text) == 27
    xs = glyph_xs(lines[0], fonts)  # the shortened line is justified to the full width
    assert xs[-1] + 16 == pytest.approx(BODY_GRID.right + 16 - BODY_GRID.cell, abs=1e-6)


def test_several_closing_marks_move_down_with_the_character_before(fonts: FontSet) -> None:
    text = filler(27) + "。”" + filler(5)  # "。" would be 28th…"”" 29th
    lines = body(text, fonts)
    assert lines[1].text.startswith(text[26] + "。”")
    assert all(line.text[0] not in CLOSING for line in lines)


@pytest.mark.parametrize("mark", ["“", "（", "《", "〔", "【", "‘"])
def test_opening_punctuation_never_ends_a_line(fonts: FontSet, mark: str) -> None:
    text = filler(27) + mark + filler(10)  # the mark would be the 28th character
    lines = body(text, fonts)
    assert lines[0].text[-1] not in OPENING
    assert lines[1].text.startswith(mark)


def test_dashes_and_ellipses_stay_in_one_piece(fonts: FontSet) -> None:
    for pair in ("——", "……"):
        lines = body(filler(27) + pair + filler(5), fonts)
        assert all(pair in line.text or pair[0] not in line.text for line in lines), pair


def test_half_width_runs_keep_together_and_take_their_real_width(fonts: FontSet) -> None:
    lines = body(filler(26) + "9704" + filler(10), fonts)  # 26 cells + "9704" > 28 cells
    assert [line.text for line in lines] == [filler(26), "9704" + filler(10)]
    second = lines[1]
    xs = glyph_xs(second, fonts)
    digits = stringWidth("9704", fonts.name(FontRole.FANGSONG), 16)
    assert xs[1] - xs[0] == pytest.approx(digits / 4)  # real advance, no grid spacing
    assert xs[4] == pytest.approx(BODY_GRID.left + digits)  # the text after follows directly
    first_xs = glyph_xs(lines[0], fonts)  # the short first line is spread to the full width
    assert first_xs[-1] + BODY_GRID.cell == pytest.approx(BODY_GRID.right)


def test_latin_words_break_at_spaces(fonts: FontSet) -> None:
    lines = body(filler(24) + "GB/T 9704-2012" + filler(10), fonts)
    assert lines[0].text == filler(24) + "GB/T"
    assert lines[1].text.startswith("9704-2012")


def test_a_word_longer_than_a_line_is_cut(fonts: FontSet) -> None:
    lines = body("x" * 120, fonts)
    assert len(lines) >= 2 and "".join(line.text for line in lines) == "x" * 120


def test_the_last_line_of_a_paragraph_is_not_spread(fonts: FontSet) -> None:
    lines = body(filler(30), fonts)
    assert len(lines[-1].text) == 2
    assert lines[-1].runs[0].char_space == pytest.approx(BODY_GRID.char_spacing)


def test_a_paragraph_never_ends_with_one_lone_character(fonts: FontSet) -> None:
    lines = body(filler(29) + "。", fonts)  # "X。" alone on the last line (孤字)
    assert [len(line.text) for line in lines] == [27, 3]
    assert glyph_xs(lines[0], fonts)[-1] + BODY_GRID.cell == pytest.approx(BODY_GRID.right)
    assert [len(line.text) for line in body(filler(30) + "。", fonts)] == [28, 3]


def test_headings_keep_their_font_and_the_grid(fonts: FontSet) -> None:
    spec = LineSpec(BODY_GRID.left + 2 * BODY_GRID.cell, BODY_GRID.left, BODY_GRID.right)
    lines = layout_paragraph([Span("（一）依法查处。", FontRole.KAITI), Span(filler(30))],
                             fonts, spec)
    first = lines[0]
    assert first.runs[0].role is FontRole.KAITI and first.runs[-1].role is FontRole.FANGSONG
    assert len(first.text) == 26
    assert glyph_xs(first, fonts)[8] == pytest.approx(BODY_GRID.left + 10 * BODY_GRID.cell)


def test_title_lines_are_balanced_and_never_end_with_punctuation(fonts: FontSet) -> None:
    lines = title_lines("关于商业街区占道经营和违规设置户外广告问题的函", fonts)
    assert [line.text for line in lines] == ["关于商业街区占道经营和", "违规设置户外广告问题的函"]
    for line in lines:
        xs = glyph_xs(line, fonts)
        assert (xs[0] + xs[-1] + 22) / 2 == pytest.approx((BODY_GRID.left + BODY_GRID.right) / 2)
    long = title_lines("关于做好2026年度城市管理、市容环境卫生、户外广告设施和占道经营专项整治工作的函",
                       fonts)
    assert len(long) == 3
    assert all(line.text[-1] not in "，、。：；" for line in long)
    assert title_lines("关于协调解决\n某某问题的函", fonts)[0].text == "关于协调解决"


def test_pagination_keeps_the_grid_and_the_keeps(fonts: FontSet) -> None:
    line = body("字", fonts)[0]
    slots = [Slot(line) for _ in range(19)] + [Slot(line, break_after=False), Slot(line),
                                               Slot(None), Slot(line)]
    pages = paginate(slots, first_band=2)  # 20 grid lines left on page 1
    assert [len(page) for page in pages] == [19, 4]  # the kept pair moved to the next page
    assert pages[1][0].slot is slots[19]
    assert [item.band for item in pages[1]] == [0, 1, 2, 3]
    blank_first = paginate([Slot(line)] * 22 + [Slot(None), Slot(line)])
    assert len(blank_first[1]) == 1 and blank_first[1][0].slot.line is line  # blank dropped


def test_paragraphs_keep_lines_at_page_edges_and_headings_with_their_text(fonts: FontSet) -> None:
    three = paragraph_slots(Paragraph(filler(70)), fonts)
    assert [slot.break_after for slot in three] == [False, False, True]  # no lone line
    heading = paragraph_slots(Paragraph("一、基本情况", Level.H1), fonts)
    assert [slot.break_after for slot in heading] == [False]
    assert heading[0].line is not None and heading[0].line.runs[0].role is FontRole.HEITI
    run_in = paragraph_slots(Paragraph("（一）依法查处。", Level.H2, "请贵局核查。"), fonts)
    assert [slot.break_after for slot in run_in] == [True]


def test_numbers_dates_and_heading_marks() -> None:
    assert [chinese_number(n) for n in (1, 10, 11, 20, 23, 99)] == [
        "一", "十", "十一", "二十", "二十三", "九十九"]
    assert [heading_number(level, 3) for level in (Level.H1, Level.H2, Level.H3, Level.H4)] == [
        "三、", "（三）", "3.", "（3）"]
    assert format_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    with pytest.raises(ValueError):
        heading_number(Level.BODY, 1)
