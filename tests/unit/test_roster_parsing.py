"""Parsing real-world 花名册 sheets without a database: finding the header under title
rows and in two merged rows, the many wordings of a header, the user's and the
remembered mappings, and the cells (ID numbers Excel made numbers of, 1/X/Y, domains,
dates in every form, full-width characters)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from desktop.domain.errors import RowError
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.roster import EnforcementDomain, Force, OfficerStatus, StaffingType
from desktop.spreadsheets.cells import CellError
from desktop.spreadsheets.common import Errors
from desktop.spreadsheets.roster_cells import (
    id_number_text,
    parse_domains,
    parse_force,
    parse_gender,
    parse_roster_date,
    parse_staffing,
    parse_status,
    phone_text,
)
from desktop.spreadsheets.roster_columns import RosterField, Vocabulary, find_header, key_of
from desktop.spreadsheets.roster_rows import Columns, RowReader, is_blank_or_footer

F = RosterField
LOST = ("身份证号码被 Excel 转成了数字，末几位已丢失（现为 430105199001011000），无法恢复。"
        "请把该列设置为文本格式后重新录入。")
TODAY = date(2026, 11, 1)


def id_number(first17: str = "43010519900101123") -> str:
    return first17 + gb11643_check_digit(first17)


def id_number_ending_in_x() -> str:
    """A woman's number (even 17th digit) whose check character is X."""
    for sequence in range(0, 1000, 2):
        first17 = f"11010119800101{sequence:03d}"
        if gb11643_check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no such number")


def vocabulary(remembered: dict[str, str] | None = None,
               chosen: dict[str, Any] | None = None) -> Vocabulary:
    return Vocabulary.build(remembered or {}, chosen)


# --- cells ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [4.30105199001011e+17, 430105199001011234.0,
                                   430105199001011000, "4.30105199001011E+17"])
def test_an_id_number_excel_made_a_number_of_is_refused_with_what_is_left(value: object) -> None:
    with pytest.raises(CellError) as caught:
        id_number_text(value)
    assert str(caught.value) == LOST


def test_scientific_text_shows_the_digits_that_are_left() -> None:
    with pytest.raises(CellError, match="现为 430105000000000000"):
        id_number_text("4.30105E+17")


def test_an_id_number_as_text_full_width_or_lowercase_passes_through() -> None:
    assert id_number_text(" ４３０１０５１９９００１０１１２３ｘ ") == "43010519900101123x"
    assert id_number_text("430105 1990 0101 1237") == "430105199001011237"
    assert id_number_text(430105199001011237) == "430105199001011237"  # int with every digit


def test_masked_values_from_an_export_are_refused() -> None:
    with pytest.raises(CellError, match="脱敏后的号码"):
        id_number_text("430105********1237")
    with pytest.raises(CellError, match="“138\\*\\*\\*\\*5678”是脱敏号码"):
        phone_text("138****5678")
    assert phone_text("１３８ ０００１ ２３４５") == "13800012345"


@pytest.mark.parametrize(("value", "force"), [
    ("1", Force.STREET), (1, Force.STREET), (1.0, Force.STREET), ("１", Force.STREET),
    ("x", Force.SUNK), ("Ｘ", Force.SUNK), ("X（区直部门下沉）", Force.SUNK), ("下沉", Force.SUNK),
    ("y", Force.COOPERATING), ("协同力量", Force.COOPERATING), (" Y ", Force.COOPERATING),
    ("综合执法队", Force.STREET),
])
def test_force_in_any_form(value: object, force: Force) -> None:
    assert parse_force(value) is force


def test_an_unknown_force_names_the_choices() -> None:
    with pytest.raises(CellError) as caught:
        parse_force("Z")
    assert str(caught.value) == "“Z”不是力量类型，应为 1（街道综合执法队）、X（区直部门下沉）或 Y（协同力量）。"


def test_staffing_status_and_gender_synonyms() -> None:
    assert parse_staffing("行政编制") is StaffingType.CIVIL_SERVANT
    assert parse_staffing("事业编") is StaffingType.PUBLIC_INSTITUTION
    assert parse_staffing("协管员") is StaffingType.AUXILIARY
    assert parse_status("在职") is OfficerStatus.ON_DUTY
    assert parse_status("借调") is OfficerStatus.SECONDED
    assert parse_gender("男性") == "男" and parse_gender(None) == ""
    with pytest.raises(CellError, match="“合同工”不是编制类型，应为：行政、事业、协管。"):
        parse_staffing("合同工")


@pytest.mark.parametrize("text", ["城市管理、市场监管", "城管，市场", "城市管理,市场监管",
                                  "城管;市场", "城管／市场", "城市管理 市场监管", "城管执法/市场监管；"])
def test_domains_with_any_separator_and_short_names(text: str) -> None:
    assert parse_domains(text) == {EnforcementDomain.URBAN_MANAGEMENT,
                                   EnforcementDomain.MARKET_REGULATION}


def test_domain_synonyms_and_certificate_subjects() -> None:
    assert parse_domains("环保、住建") == {EnforcementDomain.ECOLOGY, EnforcementDomain.HOUSING}
    assert parse_domains("市容环境卫生") == {EnforcementDomain.URBAN_MANAGEMENT}


def test_an_unknown_domain_is_named() -> None:
    with pytest.raises(CellError, match=r"^“宇宙管理”不是执法领域，可填写：城市管理、市场监管"):
        parse_domains("城管、宇宙管理")


@pytest.mark.parametrize("value", [
    datetime(2026, 11, 1), date(2026, 11, 1), 46327, 46327.0, "46327", "2026-11-01", "2026/11/1",
    "2026.11.1", "2026年11月1日", "20261101", 20261101, "２０２６－１１－０１", " 2026 年 11 月 1 日 ",
])
def test_dates_in_every_form(value: object) -> None:
    assert parse_roster_date(value) == date(2026, 11, 1)


def test_an_impossible_date_is_refused() -> None:
    with pytest.raises(CellError, match="“2026-02-30”不是有效的日期"):
        parse_roster_date("2026-02-30")


# --- the header -------------------------------------------------------------------------

TITLE_ROWS: list[tuple[Any, ...]] = [
    ("芙蓉街道综合执法人员花名册", None, None, None, None, None),
    ("填报单位：芙蓉街道综合执法办", None, None, None, "日期：2026年11月1日", None),
]


def test_the_header_is_found_under_title_rows() -> None:
    rows = [*TITLE_ROWS, ("序号", "姓名", "身份证号", "手机", "类别（1/X/Y）", "民族"),
            (1, "张三", id_number(), "13800001234", "1", "汉")]
    layout = find_header(rows, vocabulary())
    assert layout is not None and layout.complete
    assert (layout.row, layout.depth, layout.first_data_row) == (2, 1, 3)
    assert layout.fields == {F.NAME: 1, F.ID_NUMBER: 2, F.PHONE: 3, F.FORCE: 4}
    assert layout.unknown == []  # 序号 and 民族 are known, deliberately not stored


def test_a_two_level_merged_header_is_flattened_parent_slash_child() -> None:
    rows = [*TITLE_ROWS,
            ("序号", "姓名", "公民身份号码", "力量类型", "执法证", None, None, None, "下沉时间", None, "备注"),
            (None, None, None, None, "证号", "发证机关", "执法类别", "有效期至", "开始", "结束", None),
            (1, "张三", id_number(), "X", "湘A1", "湖南省人民政府", "城管", "2027-01-01", "2026-01-01",
             None, None)]
    layout = find_header(rows, vocabulary())
    assert layout is not None and (layout.row, layout.depth, layout.first_data_row) == (2, 2, 4)
    texts = {c.text: c.field for c in layout.columns}
    assert texts["执法证/证号"] is F.CERT_NUMBER
    assert texts["执法证/发证机关"] is F.CERT_AUTHORITY
    assert texts["执法证/执法类别"] is F.CERT_DOMAINS
    assert texts["执法证/有效期至"] is F.CERT_UNTIL
    assert texts["下沉时间/开始"] is F.SECONDMENT_START
    assert texts["下沉时间/结束"] is F.SECONDMENT_END
    assert texts["备注"] is F.NOTE and texts["力量类型"] is F.FORCE


def test_a_validity_parent_with_start_and_end_children() -> None:
    rows = [("姓名", "身份证号码", "力量", "执法证号", "有效期", None),
            (None, None, None, None, "起", "止")]
    layout = find_header(rows, vocabulary())
    assert layout is not None
    assert layout.fields[F.CERT_FROM] == 4 and layout.fields[F.CERT_UNTIL] == 5


@pytest.mark.parametrize(("header", "field"), [
    ("名字", F.NAME), ("姓 名", F.NAME), ("身份证号码", F.ID_NUMBER), ("公民身份号码", F.ID_NUMBER),
    ("手机", F.PHONE), ("联系电话", F.PHONE), ("电话", F.PHONE), ("原单位", F.SOURCE_UNIT),
    ("派出单位", F.SOURCE_UNIT), ("所属单位", F.SOURCE_UNIT), ("力量类型", F.FORCE),
    ("类别(1/X/Y)", F.FORCE), ("队伍类型", F.FORCE), ("编制", F.STAFFING), ("人员性质", F.STAFFING),
    ("执法领域", F.CERT_DOMAINS), ("执法类别", F.CERT_DOMAINS), ("中队", F.SQUAD), ("小组", F.SQUAD),
    ("所在中队", F.SQUAD), ("中队/小组", F.SQUAD), ("下沉开始", F.SECONDMENT_START),
    ("下沉时间", F.SECONDMENT_START), ("有效期", F.CERT_UNTIL), ("有效期至", F.CERT_UNTIL),
    ("截止日期", F.CERT_UNTIL), ("*身份证号（18位）", F.ID_NUMBER), ("执法证号\n", F.CERT_NUMBER),
])
def test_headers_worded_differently(header: str, field: RosterField) -> None:
    assert vocabulary().resolve(key_of(header))[0] is field


def test_chosen_beats_remembered_beats_built_in() -> None:
    words = vocabulary(remembered={"人员名称": "name", "电话": "note"},
                       chosen={"电话": None, "工号": "执法证号"})
    assert words.resolve(key_of("人员名称")) == (F.NAME, "已记住")
    assert words.resolve(key_of("电话")) == (None, "忽略")
    assert words.resolve(key_of("工号")) == (F.CERT_NUMBER, "已选择")
    assert words.resolve(key_of("手机")) == (F.PHONE, "内置")
    assert words.resolve(key_of("籍贯地址")) == (None, "")


def test_an_unknown_header_is_listed_and_a_missing_field_leaves_the_header_incomplete() -> None:
    rows = [("人员名称", "身份证号", "类别", "工作证号")]
    layout = find_header(rows, vocabulary())
    assert layout is not None and not layout.complete
    assert layout.unknown == ["人员名称", "工作证号"]
    mapped = find_header(rows, vocabulary(chosen={"人员名称": F.NAME}))
    assert mapped is not None and mapped.complete and mapped.fields[F.NAME] == 0


def test_the_same_field_twice_is_reported() -> None:
    layout = find_header([("姓名", "身份证号", "力量", "手机", "联系电话")], vocabulary())
    assert layout is not None
    [(field, first, second)] = layout.duplicates()
    assert (field, first.letter, second.letter) == (F.PHONE, "D", "E")


# --- rows -------------------------------------------------------------------------------


def read_rows(header: tuple[Any, ...], *rows: tuple[Any, ...]) -> tuple[list[Any], list[RowError]]:
    layout = find_header([header], vocabulary())
    assert layout is not None
    errors = Errors("花名册.xlsx")
    reader = RowReader(Columns(layout), errors, TODAY)
    drafts = []
    for number, row in enumerate(rows, start=2):
        cells = reader.columns.cells(row)
        if not is_blank_or_footer(cells):
            drafts.append(reader.read(number, cells))
    return drafts, errors.items


HEADER = ("姓名", "性别", "身份证号码", "手机", "原单位", "力量类型", "编制", "下沉开始", "执法证号",
          "发证机关", "执法领域", "有效期至")


def test_full_width_digits_spaces_and_lowercase_x() -> None:
    number = id_number_ending_in_x()
    [draft], errors = read_rows(HEADER, (
        "王　小　明", None, number.lower(), "１３８　０００１　２３４５", " 区城管 执法局 ", "Ｘ", "行政",
        "２０２６年１月５日", "湘Ａ０００１", "湖南省人民政府", "城管、市场", 46752))
    assert errors == []
    values = draft.values
    assert (values.name, values.id_number, values.phone) == ("王小明", number, "13800012345")
    assert (values.unit_name, values.force, values.secondment_start) == (
        "区城管执法局", Force.SUNK, date(2026, 1, 5))
    assert values.gender == "女"  # from the ID number (17th digit 0 is even)
    [certificate] = draft.certificates
    assert certificate.number == "湘A0001" and certificate.valid_until == date(2027, 12, 31)
    assert certificate.valid_from == TODAY and draft.start_guessed == 1


def test_every_problem_of_a_row_is_reported_with_its_column() -> None:
    drafts, errors = read_rows(HEADER, (
        "张三", "男", 4.30105199001011e+17, "12345", "区城管执法局", "Z", "合同工", "2026-13-01",
        "湘A1", "湖南省人民政府", "宇宙管理", "明年"))
    assert drafts == [None]
    assert [(e.row, e.column) for e in errors] == [
        (2, "身份证号码"), (2, "力量类型"), (2, "编制"), (2, "下沉开始"), (2, "执法领域"), (2, "有效期至")]
    assert errors[0].message == LOST


def test_service_rules_are_reported_on_the_right_column() -> None:
    drafts, errors = read_rows(HEADER, (
        "张三", "女", id_number(), "13800001234", "区城管执法局", "X", "行政", "2026-01-01", None,
        None, None, None))
    assert drafts == [None]
    assert [(e.column, e.message) for e in errors] == [
        ("性别", "填写为“女”，但身份证号码显示为男性，请核对性别或身份证号码。")]
    _drafts, errors = read_rows(HEADER, (
        "张三", None, id_number(), "13800001234", "区城管执法局", "X", "行政", None, None, None,
        None, None))
    assert [(e.column, e.message) for e in errors] == [
        ("下沉开始", "X（区直部门下沉）人员须填写下沉开始日期。")]


def test_empty_staffing_is_taken_from_the_force() -> None:
    [street, helper], errors = read_rows(
        ("姓名", "身份证号码", "力量类型"),
        ("甲", id_number("43010519900101123"), "1"), ("乙", id_number("43010519900101125"), "Y"))
    assert errors == []
    assert street.values.staffing_type is StaffingType.CIVIL_SERVANT and street.staffing_guessed
    assert helper.values.staffing_type is StaffingType.AUXILIARY


def test_several_certificates_one_per_line() -> None:
    [draft], errors = read_rows(HEADER, (
        "张三", None, id_number(), None, "区城管执法局", "X", "行政", "2026-01-01", "湘A1\n湘A2",
        "湖南省人民政府", "城管\n市场监管、环保", "2027-01-01\n2028-06-30"))
    assert errors == []
    first, second = draft.certificates
    assert (first.number, first.domains, first.valid_until) == (
        "湘A1", {EnforcementDomain.URBAN_MANAGEMENT}, date(2027, 1, 1))
    assert (second.number, second.domains, second.issuing_authority) == (
        "湘A2", {EnforcementDomain.MARKET_REGULATION, EnforcementDomain.ECOLOGY}, "湖南省人民政府")
    _drafts, errors = read_rows(HEADER, (
        "张三", None, id_number(), None, "区城管执法局", "X", "行政", "2026-01-01", "湘A1\n湘A2",
        "湖南省人民政府", "城管", "2027-01-01\n2028-06-30\n2029-01-01"))
    assert [(e.column, e.message) for e in errors] == [
        ("有效期至", "有 3 行，与执法证号的 2 个不对应（一人多证时，每个证号一行，各列逐行对应）。")]


def test_certificate_details_without_a_number() -> None:
    _drafts, errors = read_rows(HEADER, (
        "张三", None, id_number(), None, None, "1", "行政", None, None, "湖南省人民政府", None, None))
    assert [(e.column, e.message) for e in errors] == [
        ("执法证号", "填写了执法证的其他信息，却没有执法证号；请补上证号，或清空该行的执法证各列。")]


def test_blank_pre_numbered_and_footer_rows_are_skipped() -> None:
    drafts, errors = read_rows(("序号", "姓名", "身份证号码", "力量类型"),
                               (1, None, None, None), (2, "填表人：张敏", None, None),
                               (3, "  ", None, None))
    assert drafts == [] and errors == []
