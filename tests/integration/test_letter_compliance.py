"""The 函告 read back from its PDF and held to the figures of GB/T 9704 (documents.md)."""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytest

from desktop.documents.font_roles import resolve_fonts
from desktop.documents.layout import BODY_GRID, CLOSING, EM_ASCENT, MM, OPENING
from desktop.documents.letter import LetterContent, layout_letter, render_letter
from desktop.documents.official import Paragraph
from desktop.documents.samples import draw_specimen_seal, sample_letter

RED = (230 / 255, 0, 0)
TOLERANCE = 0.25 * MM  # measurement slack: glyph boxes of 16 pt in 15.79 pt cells
PITCH, CELL = BODY_GRID.pitch, BODY_GRID.cell
CENTRE = 106 * MM  # of the type area (x 28–184) and of the 170 mm lines (x 21–191)


@dataclass(frozen=True)
class TextLine:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float
    size: float
    color: int
    xs: tuple[float, ...]  # origin of every character


def text_lines(page: pymupdf.Page) -> list[TextLine]:
    lines = []
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            chars = [char for span in line["spans"] for char in span["chars"]]
            first = line["spans"][0]
            lines.append(TextLine(
                "".join(char["c"] for char in chars), *line["bbox"], chars[0]["origin"][1],
                first["size"], first["color"], tuple(char["origin"][0] for char in chars)))
    return sorted(lines, key=lambda line: (round(line.baseline, 1), line.x0))


def red_bars(page: pymupdf.Page) -> list[pymupdf.Rect]:
    return sorted((d["rect"] for d in page.get_drawings()
                   if d.get("fill") and d["fill"] == pytest.approx(RED, abs=0.01)),
                  key=lambda rect: rect.y0)


@pytest.fixture(scope="module")
def seal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return draw_specimen_seal(tmp_path_factory.mktemp("seal") / "seal.png")


@pytest.fixture(scope="module")
def letter(seal: Path) -> LetterContent:
    return sample_letter(seal)


@pytest.fixture(scope="module")
def pdf(letter: LetterContent) -> pymupdf.Document:
    return pymupdf.open(stream=render_letter(letter), filetype="pdf")


@pytest.fixture(scope="module")
def long_pdf(letter: LetterContent) -> pymupdf.Document:
    """Three times the body and plain prose paragraphs: four pages."""
    prose = Paragraph("网格员应当每日巡查责任网格，发现问题及时上报分中心并跟踪处置结果，"
                      "对群众反映强烈的突出问题要做到当日发现当日上报当日处置，"
                      "确需相关部门处理的由分中心统一吹哨调度，部门应当按时报到并反馈办理情况。")
    content = dataclasses.replace(letter, paragraphs=(letter.paragraphs + (prose,) * 4) * 3)
    return pymupdf.open(stream=render_letter(content), filetype="pdf")


def test_pages_are_a4_and_the_sample_takes_two(pdf: pymupdf.Document) -> None:
    assert pdf.page_count == 2
    for page in pdf:
        assert page.rect.width == pytest.approx(210 * MM, abs=0.5)
        assert page.rect.height == pytest.approx(297 * MM, abs=0.5)


def test_all_text_but_the_mark_and_page_numbers_is_inside_the_type_area(pdf) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for page in pdf:
        for line in text_lines(page):
            if line.y0 < 37 * MM or re.fullmatch(r"— \d+ —", line.text):
                assert line.color == 0xE60000 or re.fullmatch(r"— \d+ —", line.text), line
                continue
            checked += 1
            assert line.x0 >= 28 * MM - TOLERANCE and line.x1 <= 184 * MM + TOLERANCE, line
            assert line.y0 >= 37 * MM - TOLERANCE and line.y1 <= 262 * MM + TOLERANCE, line
    assert checked > 25


def test_the_mark_is_red_centred_and_30_mm_from_the_top(pdf, letter) -> None:  # type: ignore[no-untyped-def]
    mark = [line for line in text_lines(pdf[0]) if line.color == 0xE60000]
    assert [line.text for line in mark] == [letter.issuing_organ]
    assert mark[0].y0 == pytest.approx(30 * MM, abs=0.5 * MM)
    assert (mark[0].x0 + mark[0].x1) / 2 == pytest.approx(CENTRE, abs=0.5 * MM)


def test_the_red_double_lines(pdf) -> None:  # type: ignore[no-untyped-def]
    bars = red_bars(pdf[0])
    assert len(bars) == 4 and red_bars(pdf[1]) == []
    for bar in bars:
        assert bar.x0 == pytest.approx(21 * MM, abs=0.1) and bar.x1 == pytest.approx(191 * MM, abs=0.1)
        assert bar.width == pytest.approx(170 * MM, abs=0.1)
    upper_thick, upper_thin, lower_thin, lower_thick = bars
    assert upper_thick.height > 2 * upper_thin.height  # thick above, thin below
    assert lower_thick.height > 2 * lower_thin.height  # thin above, thick below
    assert upper_thin.y0 > upper_thick.y1 and lower_thick.y0 > lower_thin.y1
    assert lower_thick.y1 == pytest.approx(277 * MM, abs=0.1)
    mark = next(line for line in text_lines(pdf[0]) if line.color == 0xE60000)
    assert upper_thick.y0 - mark.y1 == pytest.approx(4 * MM, abs=0.3 * MM)


def test_the_document_number(pdf, letter) -> None:  # type: ignore[no-untyped-def]
    line = next(line for line in text_lines(pdf[0]) if "〔" in line.text)
    assert line.text == letter.doc_number
    assert re.fullmatch(r".+〔\d{4}〕[1-9]\d*号", line.text)
    assert line.color == 0
    assert line.x1 == pytest.approx(184 * MM, abs=TOLERANCE)
    first_line_bottom = red_bars(pdf[0])[1].y1
    assert line.y0 - first_line_bottom == pytest.approx(7 / 8 * 16, abs=0.3 * MM)


def test_the_title_is_centred_22_pt_two_lines_under_the_number(pdf, letter) -> None:  # type: ignore[no-untyped-def]
    lines = text_lines(pdf[0])
    title = [line for line in lines if line.size == pytest.approx(22)]
    assert "".join(line.text for line in title) == letter.title
    for line in title:
        assert (line.x0 + line.x1) / 2 == pytest.approx(CENTRE, abs=0.3 * MM)
        assert line.text[-1] not in CLOSING | OPENING | set("、")
    number = next(line for line in lines if "〔" in line.text)
    assert round((title[0].baseline - number.baseline) / PITCH) == 2  # title on the grid
    recipient = next(line for line in lines if line.text.endswith("："))
    def centre(line: TextLine) -> float:  # of the em box, centred in its grid line
        return line.baseline - (EM_ASCENT - 0.5) * line.size

    assert centre(recipient) - centre(title[-1]) == pytest.approx(2 * PITCH, abs=0.01)
    assert centre(title[1]) - centre(title[0]) == pytest.approx(PITCH, abs=0.01)
    assert recipient.x0 == pytest.approx(28 * MM, abs=0.01)


def body_lines(pdf: pymupdf.Document) -> list[tuple[int, TextLine]]:
    """16 pt lines of the type area (below the number on page 1), with their page index."""
    return [(index, line) for index, page in enumerate(pdf) for line in text_lines(page)
            if line.size == pytest.approx(16) and (index or line.y0 > 55 * MM)
            and "〔" not in line.text]


def test_the_body_is_16_pt_on_an_even_pitch(pdf) -> None:  # type: ignore[no-untyped-def]
    lines = body_lines(pdf)
    assert len(lines) > 20
    for _, line in lines:
        band = (line.baseline - BODY_GRID.baseline(0)) / PITCH
        assert band == pytest.approx(round(band), abs=1e-3), line  # on the grid, every page
    page_two = [line.baseline for index, line in lines if index == 1]
    assert page_two[0] == pytest.approx(BODY_GRID.baseline(0), abs=0.01)


@pytest.mark.parametrize("document", ["pdf", "long_pdf"])
def test_full_lines_hold_28_characters(document: str, request: pytest.FixtureRequest) -> None:
    full = 0
    lines = [line for _, line in body_lines(request.getfixturevalue(document))]
    for line, following in itertools.pairwise(lines):
        spread = line.x1 >= 184 * MM - 0.1 and line.x0 == pytest.approx(28 * MM, abs=0.01)
        if not spread or not all(ord(char) > 0x2000 for char in line.text):
            continue  # a last line, an indented first line or one with half-width digits
        full += 1
        moved_down = following.text[1] in CLOSING or following.text[0] in OPENING  # 禁则
        short_end = following.x1 < 180 * MM and len(following.text.rstrip("".join(CLOSING))) == 2
        assert len(line.text) == 28 or (len(line.text) == 27 and (moved_down or short_end)), (
            line.text)  # 27 only when a character came down so no line starts wrong (or 孤字)
        if len(line.text) == 28:
            expected = [28 * MM + k * CELL for k in range(28)]
            assert list(line.xs) == pytest.approx(expected, abs=0.01)
    assert full >= (3 if document == "pdf" else 30)


def test_page_numbers_only_from_page_two(long_pdf) -> None:  # type: ignore[no-untyped-def]
    pattern = re.compile(r"— ?\d+ ?—")
    assert long_pdf.page_count >= 4
    assert not pattern.search(long_pdf[0].get_text())
    for index in range(1, long_pdf.page_count):
        number = [line for line in text_lines(long_pdf[index]) if pattern.fullmatch(line.text)]
        assert [line.text for line in number] == [f"— {index + 1} —"]
        assert number[0].size == pytest.approx(14)
        if index % 2:  # even pages: at the left, 1 character in
            assert number[0].x0 == pytest.approx(28 * MM + 14, abs=0.1)
        else:  # odd pages: at the right, 1 character in
            assert number[0].x1 == pytest.approx(184 * MM - 14, abs=0.1)
        assert number[0].y0 - 262 * MM == pytest.approx(7 * MM, abs=0.5 * MM)
        assert red_bars(long_pdf[index]) == []


def test_every_page_keeps_the_same_grid(long_pdf) -> None:  # type: ignore[no-untyped-def]
    by_page: dict[int, list[float]] = {}
    for index, line in body_lines(long_pdf):
        by_page.setdefault(index, []).append(line.baseline)
    grid = [BODY_GRID.baseline(k) for k in range(22)]
    for index in range(1, long_pdf.page_count - 1):  # full pages (keeps move lines down)
        bands = [min(range(22), key=lambda k, y=y: abs(grid[k] - y)) for y in by_page[index]]
        assert [grid[k] for k in bands] == pytest.approx(by_page[index], abs=0.01)
        assert len(set(bands)) == len(bands) >= 20 and bands[0] == 0  # keeps may leave 2 free


def test_sign_off_with_seal_date_and_note(pdf, letter) -> None:  # type: ignore[no-untyped-def]
    lines = text_lines(pdf[1])
    date = next(line for line in lines if re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", line.text))
    assert date.text == "2026年11月23日"
    assert date.x1 == pytest.approx(184 * MM - 4 * CELL, abs=TOLERANCE)
    sender = next(line for line in lines if line.text == letter.sender)
    assert (sender.x0 + sender.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=0.5)
    assert date.baseline - sender.baseline == pytest.approx(PITCH, abs=0.01)
    note = next(line for line in lines if line.text.startswith("（联系人"))
    assert note.text == "（联系人：李明，联系电话：0731-84123456）"
    assert note.baseline - date.baseline == pytest.approx(PITCH, abs=0.01)
    assert note.x0 == pytest.approx(28 * MM + 2 * CELL, abs=0.01)
    [seal] = pdf[1].get_image_info()
    box = pymupdf.Rect(seal["bbox"])
    assert box.width == pytest.approx(42 * MM, abs=0.1)
    assert (box.x0 + box.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=0.5)
    assert box.intersects(pymupdf.Rect(sender.x0, sender.y0, sender.x1, sender.y1))
    assert box.intersects(pymupdf.Rect(date.x0, date.y0, date.x1, date.y1))
    middle = (sender.y0 + sender.y1 + date.y0 + date.y1) / 4  # 居印章中心偏下
    assert 0 < middle - (box.y0 + box.y1) / 2 < box.height / 8
    above = max(line.baseline for line in lines if line.baseline < sender.baseline - PITCH / 2)
    last_above = next(line for line in lines if line.baseline == above)
    assert 0 <= box.y0 - last_above.y1 <= PITCH  # the seal's top within one line of the text


def test_attachments_and_cc(pdf, letter) -> None:  # type: ignore[no-untyped-def]
    lines = text_lines(pdf[1])
    first = next(line for line in lines if line.text.startswith("附件："))
    second = next(line for line in lines if line.text.startswith("2."))
    assert first.text == "附件：1.现场照片（6张）"
    assert first.x0 == pytest.approx(28 * MM + 2 * CELL, abs=0.01)
    assert second.xs[0] == pytest.approx(first.xs[3], abs=0.01)  # "2." under "1."
    assert second.baseline - first.baseline == pytest.approx(PITCH, abs=0.01)
    cc = next(line for line in lines if line.text.startswith("抄送："))
    assert cc.text == "抄送：长沙市芙蓉区人民政府办公室，芙蓉街道综合指挥分中心。"
    assert cc.size == pytest.approx(14) and cc.x0 == pytest.approx(28 * MM + 14, abs=0.01)
    assert cc.baseline == pytest.approx(BODY_GRID.baseline(21, 14), abs=0.01)  # bottom line


def test_fonts_are_embedded_subsets_and_text_reads_back(pdf, letter) -> None:  # type: ignore[no-untyped-def]
    for page in pdf:
        fonts = page.get_fonts()
        assert fonts
        for _xref, ext, kind, name, *_ in fonts:
            assert ext == "ttf" and kind == "TrueType" and re.match(r"[A-Z]{6}\+", name), name
    text = "".join(page.get_text() for page in pdf)
    for expected in ("芙街函〔2026〕12号", "“街道吹哨、部门报到”", "特此函告。", letter.recipient + "：",
                     "附件：1.现场照片（6张）", "2026年11月23日"):
        assert expected in text


def test_no_line_starts_with_closing_punctuation(seal: Path) -> None:
    trap = "请" * 22 + "依法查处，" + "并函复" * 10  # "，" would open the second line
    bracket = "甲" * 25 + "《条例》" + "乙" * 12  # "《" would end the first line
    content = dataclasses.replace(sample_letter(seal), paragraphs=(Paragraph(trap), Paragraph(bracket)))
    document = pymupdf.open(stream=render_letter(content), filetype="pdf")
    lines = [line for _, line in body_lines(document)]
    assert lines and all(line.text[0] not in CLOSING for line in lines)
    assert all(line.text[-1] not in OPENING for line in lines)
    moved = next(line for line in lines if line.text.startswith("处，"))
    previous = lines[lines.index(moved) - 1]
    assert len(previous.text) == 25 and previous.x1 >= 184 * MM - 0.1  # 26 cells, spread out
    assert any(line.text.startswith("《条例》") for line in lines)


def test_the_same_content_gives_the_same_bytes(letter) -> None:  # type: ignore[no-untyped-def]
    assert render_letter(letter) == render_letter(letter)


@pytest.mark.parametrize("sender", ["长沙市芙蓉区芙蓉街道办事处", "芙蓉街道"])
def test_a_letter_without_seal_uses_the_plain_sign_off(sender: str) -> None:
    content = dataclasses.replace(sample_letter(None), sender=sender, cc=(), attachments=())
    document = pymupdf.open(stream=render_letter(content, resolve_fonts()), filetype="pdf")
    lines = text_lines(document[-1])
    signed = next(line for line in lines if line.text == sender)
    date = next(line for line in lines if line.text == "2026年11月23日")
    assert date.baseline - signed.baseline == pytest.approx(PITCH, abs=0.01)
    if len(sender) > 6:  # the sender ends 2 characters in; the date starts 2 to the right
        assert signed.x1 == pytest.approx(184 * MM - 2 * CELL, abs=TOLERANCE)
        assert date.x0 == pytest.approx(signed.x0 + 2 * CELL, abs=0.01)
    else:  # a date longer than the sender ends 2 characters in; the sender moves left
        assert date.x1 == pytest.approx(184 * MM - 2 * CELL, abs=TOLERANCE)
        assert signed.x0 == pytest.approx(date.x0 - 2 * CELL, abs=0.01)
    assert document[-1].get_image_info() == []
    assert "抄送" not in "".join(page.get_text() for page in document)


def test_the_cc_stays_clear_of_the_seal_or_goes_to_its_own_last_page(letter) -> None:  # type: ignore[no-untyped-def]
    fonts = resolve_fonts()
    alone = None
    for extra in range(22):  # the sign-off slides down the last page line by line
        content = dataclasses.replace(
            letter, paragraphs=letter.paragraphs + (Paragraph("请予支持。"),) * extra)
        layout = layout_letter(content, fonts)
        seal_item = next(item for item in layout.pages[-1] if item.slot.figures)
        figure = seal_item.slot.figures[0]
        seal_bottom = BODY_GRID.band_top(seal_item.band) + figure.dy + figure.height
        if not layout.cc_page_alone:
            assert seal_bottom <= BODY_GRID.band_top(BODY_GRID.lines - len(layout.cc)), extra
        elif alone is None:
            alone = content
    assert alone is not None
    document = pymupdf.open(stream=render_letter(alone, fonts), filetype="pdf")
    last = [line.text for line in text_lines(document[-1])]
    assert last == ["抄送：长沙市芙蓉区人民政府办公室，芙蓉街道综合指挥分中心。",
                    f"— {document.page_count} —"]


def test_the_seal_page_always_carries_body_text(letter) -> None:  # type: ignore[no-untyped-def]
    """GB/T 9704 7.3.5: the seal never stands on a page holding only the 附件说明 and
    the sign-off; the body's last lines move over with them (checked as the sign-off
    slides down the page line by line, across the page break)."""
    fonts = resolve_fonts()
    sign_off = (letter.sender, "2026年11月23日")
    for extra in range(22):
        content = dataclasses.replace(
            letter, paragraphs=letter.paragraphs + (Paragraph("请予支持。"),) * extra)
        document = pymupdf.open(stream=render_letter(content, fonts), filetype="pdf")
        seal_page = next(page for page in document if page.get_image_info())
        texts = [line.text for line in text_lines(seal_page)]
        body = [text for text in texts if not (
            text in sign_off or text.startswith(("附件", "2.", "（联系人", "抄送", "—")))]
        assert body, (extra, texts)
