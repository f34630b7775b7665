"""The roster out: the formatted xlsx (read back with openpyxl) and the printable PDF
(read back with PyMuPDF; page 1 rendered to test-output/ to be looked at)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pymupdf
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.documents.roster_print import write_roster_pdf
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.errors import ImportRejectedError
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.privacy import mask_id_number
from desktop.domain.roster import EnforcementDomain, Force
from desktop.services.certificates import add_certificate
from desktop.services.roster import list_officers
from desktop.services.subcenter import set_up_sub_center
from desktop.spreadsheets.roster import export_roster, import_roster
from local_db.models import AuditRecord
from tests.benchmarks.cases_roster_import import write_roster_file
from tests.conftest import TEST_OUTPUT

PEOPLE = 80
FULL_ID = re.compile(r"\d{17}[\dXx]")


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_migrated_context(tmp_path / "data")
    set_up_sub_center(context.uow(), actor=LOCAL_ADMIN, street_name="芙蓉街道",
                      division_code="430102007000", issuing_authority="长沙市芙蓉区芙蓉街道办事处",
                      doc_prefix="芙街")
    import_roster(context.uow(), actor=LOCAL_ADMIN,
                  path=write_roster_file(tmp_path / "in.xlsx", PEOPLE))
    yield context
    context.close()


def exports(ctx: AppContext) -> list[str]:
    with ctx.uow() as uow:
        return list(uow.session.scalars(
            select(AuditRecord.summary).where(AuditRecord.action == "export")))


def test_the_xlsx_export_is_formatted_and_masked(ctx: AppContext, tmp_path: Path) -> None:
    holder = next(o for o in list_officers(ctx.uow()) if o.certificates)
    add_certificate(ctx.uow(), actor=LOCAL_ADMIN, officer_id=holder.id, number="湘Z9999",
                    issuing_authority="长沙市人民政府", domains=[EnforcementDomain.ECOLOGY],
                    valid_from=date(2025, 1, 1), valid_until=date(2030, 1, 1))
    path = tmp_path / "花名册.xlsx"
    assert export_roster(ctx.uow(), path, actor=LOCAL_ADMIN) == PEOPLE
    ws = load_workbook(path)["花名册"]
    assert ws["A1"].value == "芙蓉街道执法人员花名册" and "A1:R1" in ws.merged_cells
    assert "身份证号码和联系电话已脱敏" in ws["A2"].value
    header = [cell.value for cell in ws[3]]
    assert header[:6] == ["序号", "姓名", "性别", "身份证号码", "联系电话", "原单位"]
    assert header[13:17] == ["执法证号", "发证机关", "执法领域", "有效期至"]
    assert ws.freeze_panes == "C4" and ws.auto_filter.ref == f"A3:R{3 + PEOPLE}"
    assert ws.column_dimensions["D"].width == 21 and ws.column_dimensions["F"].width == 26
    rows = list(ws.iter_rows(min_row=4, values_only=False))
    assert len(rows) == PEOPLE
    for row in rows:
        id_cell, phone_cell = row[3], row[4]
        assert id_cell.data_type == "s" and id_cell.number_format == "@"
        assert re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", id_cell.value)
        assert re.fullmatch(r"1\d{2}\*{4}\d{4}", phone_cell.value)
    secondment = next(r[11] for r in rows if r[11].value is not None)
    assert isinstance(secondment.value, datetime) and secondment.number_format == "yyyy-mm-dd"
    single = next(r[16] for r in rows if isinstance(r[16].value, datetime))
    assert single.number_format == "yyyy-mm-dd"
    mine = next(r for r in rows if r[1].value == holder.name)
    assert "湘Z9999" in mine[13].value.split("\n") and len(mine[16].value.split("\n")) == 2
    assert not any(FULL_ID.search(str(c.value)) for r in ws.iter_rows() for c in r if c.value)
    assert exports(ctx) == [f"导出执法人员花名册（身份证号、电话脱敏）到 花名册.xlsx：{PEOPLE} 行"]


def test_an_exported_file_cannot_be_imported_back_with_masked_numbers(
        ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "导出.xlsx"
    export_roster(ctx.uow(), path, actor=LOCAL_ADMIN)
    with pytest.raises(ImportRejectedError) as caught:
        import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=path)
    first = caught.value.errors[0]
    assert (first.row, first.column) == (4, "身份证号码") and "脱敏后的号码" in first.message


def test_any_role_may_export_and_no_partial_file_is_left(ctx: AppContext,
                                                         tmp_path: Path) -> None:
    operator = Actor("坐席", Role.OPERATOR)  # DATA_EXPORT is every role's
    assert export_roster(ctx.uow(), tmp_path / "ok.xlsx", actor=operator) == PEOPLE
    assert not list(tmp_path.glob(".*.partial"))
    assert write_roster_pdf(ctx.uow(), tmp_path / "ok.pdf", actor=operator) == PEOPLE


# --- the PDF ----------------------------------------------------------------------------


def test_the_roster_pdf(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "花名册.pdf"
    assert write_roster_pdf(ctx.uow(), path, actor=LOCAL_ADMIN) == PEOPLE
    document = pymupdf.open(path)
    assert document.page_count >= 2
    names = {o.name for o in list_officers(ctx.uow())}
    printed: set[str] = set()
    for number, page in enumerate(document, start=1):
        width, height = page.rect.width, page.rect.height
        assert (round(width), round(height)) == (842, 595)  # A4 landscape
        text = page.get_text()
        for header in ("序号", "姓名", "力量", "原单位", "执法证号", "执法领域", "有效期至", "身份证号码",
                       "联系电话"):
            assert header in text, f"page {number} lacks the header {header}"
        assert f"— {number} —" in text
        assert not FULL_ID.search(text.replace("\n", "")), f"an unmasked ID on page {number}"
        assert re.search(r"\d{6}\*{8}\d{3}[\dX]", text)
        printed |= {name for name in names if name in text}
        for font in page.get_fonts(full=True):
            assert font[1] != "n/a", f"font {font[3]} is not embedded"
    assert printed == names
    first = document[0].get_text()
    assert "芙蓉街道执法人员花名册" in first and "1（街道综合执法队）" in first
    TEST_OUTPUT.mkdir(exist_ok=True)
    document[0].get_pixmap(dpi=80).save(TEST_OUTPUT / "roster_print_page1.png")
    assert exports(ctx)[-1].startswith(f"打印执法人员花名册（PDF，{PEOPLE} 人")


def test_the_pdf_is_grouped_by_force_and_reproducible(ctx: AppContext, tmp_path: Path) -> None:
    one, two = tmp_path / "1.pdf", tmp_path / "2.pdf"
    write_roster_pdf(ctx.uow(), one, actor=LOCAL_ADMIN)
    write_roster_pdf(ctx.uow(), two, actor=LOCAL_ADMIN)
    assert one.read_bytes() == two.read_bytes()
    text = "".join(page.get_text() for page in pymupdf.open(one))
    positions = [text.index(force.label) for force in Force]
    assert positions == sorted(positions)
    only_y = tmp_path / "y.pdf"
    count = write_roster_pdf(ctx.uow(), only_y, actor=LOCAL_ADMIN, force=Force.COOPERATING)
    expected = sum(o.force is Force.COOPERATING for o in list_officers(ctx.uow()))
    assert count == expected
    y_text = "".join(page.get_text() for page in pymupdf.open(only_y))
    assert "X（区直部门下沉）" not in y_text.replace("执法人员花名册（Y（协同力量））", "")


def test_unmasked_numbers_never_reach_the_pdf_even_for_one_person(tmp_path: Path) -> None:
    context = open_migrated_context(tmp_path / "one")
    try:
        first17 = "43010519900101123"
        number = first17 + gb11643_check_digit(first17)
        workbook = Workbook()
        workbook.active.append(["姓名", "身份证号码", "力量类型", "联系电话"])
        workbook.active.append(["张三", number, "Y", "13800001234"])
        workbook.save(tmp_path / "one.xlsx")
        import_roster(context.uow(), actor=LOCAL_ADMIN, path=tmp_path / "one.xlsx")
        write_roster_pdf(context.uow(), tmp_path / "one.pdf", actor=LOCAL_ADMIN)
        text = pymupdf.open(tmp_path / "one.pdf")[0].get_text()
        assert number not in text and "13800001234" not in text
        assert mask_id_number(number) in text and "138****1234" in text
    finally:
        context.close()
