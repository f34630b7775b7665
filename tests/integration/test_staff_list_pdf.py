"""The staff list PDF: read back, masked phones, repeated headers, page numbers."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pymupdf
import pytest

from desktop.demo import build_demo_street
from desktop.documents.staff_list import HEADERS, write_staff_list_pdf


@pytest.fixture
def demo(context):  # type: ignore[no-untyped-def]
    build_demo_street(context)
    return context


def test_every_phone_is_masked_and_the_text_reads_back(demo, tmp_path: Path) -> None:
    target = tmp_path / "名单.pdf"
    count = write_staff_list_pdf(demo.uow(), target, actor=demo.actor, street_name="芙蓉街道")
    with sqlite3.connect(demo.paths.database) as connection:
        phones = [p for (p,) in connection.execute("SELECT phone FROM grid_person") if p]
    document = pymupdf.open(target)
    text = "".join(page.get_text() for page in document)
    assert count > 400 and document.page_count > 5
    assert "芙蓉街道网格工作人员名单" in text
    assert not [p for p in phones if p in text], "a full phone number was printed"
    masked = re.findall(r"1\d{2}\*{4}\d{4}", text)
    assert len(masked) >= count * 0.9
    for number, page in enumerate(document, start=1):
        page_text = page.get_text()
        assert all(header in page_text for header in HEADERS), f"page {number} lacks headers"
        assert f"— {number} —" in page_text
        fonts = page.get_fonts()
        # every font an embedded TrueType subset (no base-14 font referenced unembedded)
        assert fonts and all(font[1] == "ttf" and "+" in font[3] for font in fonts), fonts


def test_the_same_data_gives_the_same_bytes(demo, tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_staff_list_pdf(demo.uow(), first, actor=demo.actor, street_name="芙蓉街道")
    write_staff_list_pdf(demo.uow(), second, actor=demo.actor, street_name="芙蓉街道")
    assert first.read_bytes() == second.read_bytes()
