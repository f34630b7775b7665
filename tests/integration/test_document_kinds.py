"""Every document kind drafted from the demo street, rendered, and read back from the PDF.

The demo street is built once for the module (plus one joint action planned through
the actions use cases, until the demo plans its own). Each kind is held to the
figures of documents.md that apply to it: A4; glyphs of the official kinds inside the
type area (x 28–184 mm, y 37–262 mm) but for the letter's red mark and the page
numbers; every font embedded as a subset; the title centred at 22 pt; the body at
16 pt on an even pitch; 〔〕 extracting back; the 送达回证 on its own page; working-day
deadlines across the National Day holiday; the same bytes on a second rendering.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.demo import build_demo_street
from desktop.documents import kinds, records
from desktop.documents.font_roles import FontSet, bundled_fonts
from desktop.documents.kinds import KIND_SPECS, DocumentKind
from desktop.documents.layout import BODY_GRID, MM
from desktop.documents.sample_action import plan_sample_action
from desktop.documents.samples import draw_specimen_seal

ISSUED = date(2026, 11, 23)
OFFICIAL = (DocumentKind.LETTER, DocumentKind.HANDOVER, DocumentKind.SUPERVISION,
            DocumentKind.ACTION_NOTICE, DocumentKind.MONTHLY_REPORT)
TOLERANCE = 0.3 * MM
PAGE_NUMBER = re.compile(r"— \d+ —")


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> AppContext:
    context = open_migrated_context(tmp_path_factory.mktemp("street"))
    build_demo_street(context)
    with context.uow() as uow:
        has_action = kinds.sample_source(uow, DocumentKind.ACTION_NOTICE) is not None
    if not has_action:
        plan_sample_action(context.uow, ISSUED)
    return context


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return bundled_fonts()


@pytest.fixture(scope="module")
def seal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return draw_specimen_seal(tmp_path_factory.mktemp("seal") / "seal.png")


def number_of(kind: DocumentKind) -> str | None:
    spec = KIND_SPECS[kind]
    return f"芙街{spec.series_word}〔2026〕7号" if spec.numbered else None


@pytest.fixture(scope="module")
def drafted(context: AppContext) -> dict[DocumentKind, dict[str, Any]]:
    result = {}
    for kind in DocumentKind:
        source = kinds.sample_source(context.uow(), kind)
        assert source is not None, kind
        result[kind] = kinds.draft_fields(context.uow(), kind, source)
    return result


@pytest.fixture(scope="module")
def pdfs(drafted: dict[DocumentKind, dict[str, Any]], fonts: FontSet,
         seal: Path) -> dict[DocumentKind, bytes]:
    return {kind: kinds.render(kind, fields, number=number_of(kind), issued_on=ISSUED,
                               fonts=fonts, seal_png=seal)
            for kind, fields in drafted.items()}


def lines_of(page: pymupdf.Page) -> list[dict[str, Any]]:
    found = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            spans = [span for span in line["spans"] if span["text"].strip()]
            if spans:
                found.append({"text": "".join(s["text"] for s in spans), "bbox": line["bbox"],
                              "size": spans[0]["size"], "color": spans[0]["color"],
                              "baseline": spans[0]["origin"][1]})
    return found


def test_kind_specs_cover_every_kind() -> None:
    assert set(KIND_SPECS) == set(DocumentKind)
    for kind, spec in KIND_SPECS.items():
        assert spec.kind is kind and spec.numbered == bool(spec.series_word)
    assert DocumentKind.from_label("案件移送书") is DocumentKind.HANDOVER


def test_fields_are_json_and_personal_data_is_masked(drafted) -> None:  # type: ignore[no-untyped-def]
    for fields in drafted.values():
        assert json.loads(json.dumps(fields, ensure_ascii=False)) == fields
        assert fields["title"]
    dumped = json.dumps(drafted, ensure_ascii=False)
    assert not re.search(r"(?<![\d*])1[3-9]\d{9}(?!\d)", dumped)  # no full mobile number
    assert not re.search(r"(?<![\d*])\d{17}[\dX](?!\d)", dumped)  # no full ID number
    assert "****" in json.dumps(drafted[DocumentKind.GRID_BOARD]["staff"], ensure_ascii=False)
    board = drafted[DocumentKind.GRID_BOARD]
    assert board["title"].endswith("公示牌") and "网格网格" not in board["title"], board["title"]


@pytest.mark.parametrize("kind", list(DocumentKind), ids=lambda k: k.value)
def test_a4_fonts_embedded_and_reproducible(kind, pdfs, drafted, fonts, seal) -> None:  # type: ignore[no-untyped-def]
    document = pymupdf.open(stream=pdfs[kind], filetype="pdf")
    for page in document:
        width, height = sorted((page.rect.width, page.rect.height))
        assert width == pytest.approx(210 * MM, abs=0.5) and height == pytest.approx(297 * MM, abs=0.5)
        for xref, ext, _type, name, *_ in page.get_fonts():
            assert ext != "n/a", (kind, name)  # embedded
            assert "+" in name, (kind, name)  # subset
            assert xref
    again = kinds.render(kind, drafted[kind], number=number_of(kind), issued_on=ISSUED,
                         fonts=fonts, seal_png=seal)
    assert again == pdfs[kind]


@pytest.mark.parametrize("kind", OFFICIAL, ids=lambda k: k.value)
def test_official_text_stays_in_the_type_area(kind, pdfs) -> None:  # type: ignore[no-untyped-def]
    document = pymupdf.open(stream=pdfs[kind], filetype="pdf")
    checked = 0
    for page in document:
        for line in lines_of(page):
            x0, y0, x1, y1 = line["bbox"]
            if PAGE_NUMBER.fullmatch(line["text"]):
                assert y0 > 262 * MM and y1 < 297 * MM - 10 * MM, line
                continue
            if kind is DocumentKind.LETTER and line["color"] == 0xE60000:
                continue  # the letter's mark: its top at 30 mm, checked by the letter's tests
            checked += 1
            assert x0 >= 28 * MM - TOLERANCE and x1 <= 184 * MM + TOLERANCE, (kind, line)
            assert y0 >= 37 * MM - TOLERANCE and y1 <= 262 * MM + TOLERANCE, (kind, line)
    assert checked > 20


@pytest.mark.parametrize("kind", OFFICIAL, ids=lambda k: k.value)
def test_title_centred_at_22pt_and_body_on_an_even_pitch(kind, pdfs, drafted) -> None:  # type: ignore[no-untyped-def]
    page = pymupdf.open(stream=pdfs[kind], filetype="pdf")[0]
    lines = lines_of(page)
    titles = [line for line in lines if line["size"] == pytest.approx(22, abs=0.05)]
    assert "".join(line["text"] for line in titles) == drafted[kind]["title"].replace("\n", "")
    for line in titles:
        assert (line["bbox"][0] + line["bbox"][2]) / 2 == pytest.approx(106 * MM, abs=0.5 * MM)
    body = [line for line in lines if line["size"] == pytest.approx(16, abs=0.05)
            and line["color"] == 0 and line["bbox"][1] > titles[-1]["bbox"][3]]
    assert len(body) >= 4
    for line in body:
        steps = (line["baseline"] - body[0]["baseline"]) / BODY_GRID.pitch
        assert steps == pytest.approx(round(steps), abs=0.02), line


@pytest.mark.parametrize("kind", [k for k in DocumentKind if KIND_SPECS[k].numbered],
                         ids=lambda k: k.value)
def test_the_number_extracts_back_with_its_brackets(kind, pdfs) -> None:  # type: ignore[no-untyped-def]
    first = pymupdf.open(stream=pdfs[kind], filetype="pdf")[0].get_text()
    assert number_of(kind) in first
    assert re.search(r"芙街[函移督通]〔2026〕7号", first)


def test_the_receipt_is_its_own_last_page(pdfs, drafted) -> None:  # type: ignore[no-untyped-def]
    document = pymupdf.open(stream=pdfs[DocumentKind.HANDOVER], filetype="pdf")
    assert document.page_count >= 2
    receipt = document[-1].get_text()
    for label in ("送达回证", "送达文书名称", "受送达人", "送达方式", "送达地点", "签名（盖章）",
                  "备注", "案件移送书（芙街移〔2026〕7号）"):
        assert label in receipt.replace("\n", ""), label
    assert "案由" not in receipt and not PAGE_NUMBER.search(receipt)
    before = "".join(page.get_text() for page in list(document)[:-1])
    assert "送达回证" not in before.replace("在送达回证上签收", "")
    assert "当事人" in before and "湘" in before  # parties and the officers' certificates
    assert drafted[DocumentKind.HANDOVER]["recipient"] in receipt


def test_deadlines_count_working_days_across_national_day(context, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with context.uow() as uow:
        # 2026: 10.1–10.7 off, Saturday 10.10 worked (调休)
        assert records.workday_deadline(uow, date(2026, 9, 29), 5).due == date(2026, 10, 12)
        assert records.workday_deadline(uow, date(2026, 9, 30), 3).due == date(2026, 10, 10)
    monkeypatch.setattr(records, "today", lambda: date(2026, 9, 29))
    source = kinds.sample_source(context.uow(), DocumentKind.LETTER)
    fields = kinds.draft_fields(context.uow(), DocumentKind.LETTER, source)
    assert fields["deadline"] == "2026-10-12"
    assert "5个工作日内（2026年10月12日前）" in fields["body"]


def test_edited_fields_are_what_prints(context, drafted, fonts) -> None:  # type: ignore[no-untyped-def]
    fields = dict(drafted[DocumentKind.SUPERVISION])
    fields["requirement"] = "请于2026年11月26日前书面报告办理结果。"
    text = pymupdf.open(stream=kinds.render(DocumentKind.SUPERVISION, fields, number=None,
                                            issued_on=None, fonts=fonts, seal_png=None),
                        filetype="pdf")
    printed = "".join(page.get_text() for page in text).replace("\n", "")
    assert "请于2026年11月26日前书面报告办理结果。" in printed
    assert "〔" not in printed  # a draft has no number yet


def test_a_missing_record_is_reported_in_chinese(context) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.errors import NotFoundError

    with pytest.raises(NotFoundError, match="找不到"):
        kinds.draft_fields(context.uow(), DocumentKind.LETTER, "no-such-demand")
