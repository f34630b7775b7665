"""Importing real-world 花名册 xlsx files into a migrated SQLite database: a messy file
succeeds; every bad file is refused with the exact file/row/column message and leaves
the database exactly as it was; duplicates within the file and against the database;
a user's header mapping is remembered; 10,000 rows."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.errors import (
    CancelledError,
    ImportRejectedError,
    PermissionDeniedError,
    RowError,
)
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.roster import EnforcementDomain, Force, StaffingType, UnitKind
from desktop.progress import CancelToken
from desktop.services.roster import OfficerInput, create_officer, list_officers
from desktop.services.subcenter import set_up_sub_center
from desktop.services.units import UnitInput, create_unit, retire_unit
from desktop.spreadsheets.roster import import_roster, preview_roster
from desktop.spreadsheets.roster_columns import RosterField
from local_db.models import AuditRecord, Certificate, HeaderAlias, Officer, OfficerEvent, Unit
from tests.benchmarks.cases_roster_import import write_roster_file

LOST = ("身份证号码被 Excel 转成了数字，末几位已丢失（现为 430105199001011000），无法恢复。"
        "请把该列设置为文本格式后重新录入。")
TOP = ["序号", "姓 名", "性别", "公民身份号码", "手机", "派出单位", "类别（1/X/Y）", "人员性质", "职务",
       "所在中队", "下沉时间", "执法证", None, None, None, "备注"]
BELOW = [None] * 11 + ["证号", "发证机关", "执法类别", "有效期至", None]
ABOVE = [["芙蓉街道综合执法人员花名册"],
         ["填报单位：芙蓉街道综合执法办", None, None, None, None, None, None, None, None, None,
          "日期：2026年11月1日"]]
MERGES = ("A1:P1", "L3:O3", *(f"{c}3:{c}4" for c in "ABCDEFGHIJKP"))
FIRST_ROW = 5  # the first data row of files built by ``roster_file``


def id_number(first17: str) -> str:
    return first17 + gb11643_check_digit(first17)


ZHANG = id_number("43010519900101123")  # a man
LI = id_number("43010219850505002")  # a woman
WANG = id_number("43010419920202004")  # a woman


def person(name: str = "张三", number: object = ZHANG, *, gender: object = None,
           phone: object = "13800001234", unit: object = "区城管执法局", force: object = "X",
           staffing: object = "行政", position: object = "执法队员", squad: object = "一中队",
           start: object = "2026-01-01", cert: object = "湘A0001",
           authority: object = "湖南省人民政府", domains: object = "城管",
           until: object = "2027-12-31", note: object = None) -> list[object]:
    return [None, name, gender, number, phone, unit, force, staffing, position, squad, start,
            cert, authority if cert else None, domains if cert else None, until if cert else None,
            note]


def roster_file(path: Path, rows: Sequence[Sequence[object]], *, top: Sequence[Any] = TOP,
                below: Sequence[Any] | None = BELOW, trailing: int = 3) -> Path:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "花名册"
    for row in ABOVE:
        ws.append(row)
    ws.append(list(top))
    if below is not None:
        ws.append(list(below))
        for merged in MERGES:
            ws.merge_cells(merged)
    for index, row in enumerate(rows, start=1):
        ws.append([index, *row[1:]])
    for _ in range(trailing):
        ws.append([None] * 3)
    workbook.save(path)
    return path


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_migrated_context(tmp_path / "data")
    set_up_sub_center(context.uow(), actor=LOCAL_ADMIN, street_name="芙蓉街道",
                      division_code="430102007000", issuing_authority="长沙市芙蓉区芙蓉街道办事处",
                      doc_prefix="芙街")
    yield context
    context.close()


def snapshot(ctx: AppContext) -> tuple[object, ...]:
    """Every table an import writes, as comparable values."""
    with ctx.uow() as uow:
        counts = tuple(uow.session.scalar(select(func.count()).select_from(model))
                       for model in (Officer, Unit, Certificate, OfficerEvent, AuditRecord,
                                     HeaderAlias))
        ids = sorted(uow.session.scalars(select(Officer.id_number)))
    return counts, ids


def rejected(ctx: AppContext, path: Path, **kwargs: Any) -> list[RowError]:
    before = snapshot(ctx)
    with pytest.raises(ImportRejectedError) as caught:
        import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=path, **kwargs)
    assert snapshot(ctx) == before  # nothing stored
    assert "未导入任何数据，数据库保持原样" in str(caught.value)
    return caught.value.errors


def test_a_messy_real_world_file_imports(ctx: AppContext, tmp_path: Path) -> None:
    create_unit(ctx.uow(), actor=LOCAL_ADMIN,
                data=UnitInput("区城管执法局", UnitKind.DEPARTMENT, short_name="城管局"))
    path = roster_file(tmp_path / "花名册（11月）.xlsx", [
        person("张  三", ZHANG, phone="１３８ ０００１ ２３４５", unit="城管局", start=datetime(2026, 1, 5),
               cert="湘A0001\n湘B0002", authority="湖南省人民政府", domains="城管、市场\n环保",
               until="2027-12-31\n2028/6/30"),
        person("李四", LI.lower() if LI.endswith("X") else LI, gender="女", unit="长沙市生态环境局芙蓉分局",
               staffing="事业编制", start=46023, cert="湘Ａ0003", domains="生态环境",
               until="2027年6月30日"),
        person("王五", WANG, unit="定王台派出所", force="y", staffing=None, position="社区民警",
               start=None, cert=None, note="配合力量"),
        [None, "填表人：刘洋", None, None, None, None, None, None, None, None, None, None, None,
         None, None, None],
    ])
    summary = import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=path)
    assert summary.message.splitlines() == [
        "已从 花名册（11月）.xlsx 导入 3 名执法人员、3 张执法证，新建单位 2 个（长沙市生态环境局芙蓉分局、定王台派出所）。",
        "1 人未填编制，已按力量类型记为“行政”（1、X）或“协管”（Y），请导入后核对。",
        "3 张执法证未填发证日期，以导入当天（已过期的证以其到期日）作为有效期起始日。",
    ]
    officers = {o.name: o for o in list_officers(ctx.uow())}
    zhang, li, wang = officers["张三"], officers["李四"], officers["王五"]
    assert (zhang.force, zhang.unit_name, zhang.secondment_start, zhang.gender) == (
        Force.SUNK, "区城管执法局", date(2026, 1, 5), "男")
    assert [(c.number, c.domains, c.valid_until) for c in zhang.certificates] == [
        ("湘A0001", {EnforcementDomain.URBAN_MANAGEMENT, EnforcementDomain.MARKET_REGULATION},
         date(2027, 12, 31)),
        ("湘B0002", {EnforcementDomain.ECOLOGY}, date(2028, 6, 30))]
    assert (li.staffing_type, li.secondment_start, li.certificates[0].number) == (
        StaffingType.PUBLIC_INSTITUTION, date(2026, 1, 1), "湘A0003")
    assert (wang.force, wang.staffing_type, wang.certificates, wang.note) == (
        Force.COOPERATING, StaffingType.AUXILIARY, (), "配合力量")
    with ctx.uow() as uow:
        assert uow.roster.officer_by_id_number(ZHANG).phone == "13800012345"
        kinds = {u.name: u.kind for u in uow.roster.units()}
        audits = [(a.summary, a.changes_json) for a in uow.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "import"))]
    assert kinds["定王台派出所"] == UnitKind.COOPERATING.value
    assert kinds["长沙市生态环境局芙蓉分局"] == UnitKind.DEPARTMENT.value
    [(audit_summary, audit_changes)] = audits
    assert "3 名执法人员" in audit_summary
    assert ZHANG not in audit_changes + audit_summary  # personal data never in the trail


def test_an_imported_person_is_stored_as_the_roster_page_would_store_them(
        ctx: AppContext, tmp_path: Path) -> None:
    """The bulk insert must stay in step with ``add_officer``/``attach_certificate``."""
    create_unit(ctx.uow(), actor=LOCAL_ADMIN, data=UnitInput("区城管执法局", UnitKind.DEPARTMENT))
    import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=roster_file(tmp_path / "a.xlsx", [
        person(number=ZHANG, cert=None, note="备注")]))
    by_hand = create_officer(ctx.uow(), actor=LOCAL_ADMIN, data=OfficerInput(
        "张三", LI, Force.SUNK, StaffingType.CIVIL_SERVANT, phone="13800001234",
        unit_name="区城管执法局", position="执法队员", squad="一中队",
        secondment_start=date(2026, 1, 1), note="备注"))
    skip = {"id", "id_number", "gender", "created_at", "updated_at"}
    with ctx.uow() as uow:
        imported = uow.roster.officer_by_id_number(ZHANG)
        entered = uow.roster.officer(by_hand.id)
        columns = [c.key for c in Officer.__table__.columns if c.key not in skip]
        assert {c: getattr(imported, c) for c in columns} == {c: getattr(entered, c) for c in columns}
        assert [e.kind for e in uow.roster.events(imported.id)] == ["created"]
        stored = uow.session.connection().exec_driver_sql(  # the text SQLite holds
            "SELECT created_at, status_since, secondment_start FROM officer ORDER BY id_number"
        ).all()
    assert [len(value) for value in stored[0]] == [len(value) for value in stored[1]]
    assert [len(value) for value in stored[0]] == [26, 10, 10]  # 2026-11-01 08:00:00.000000


def test_a_numeric_id_column_is_refused_with_the_exact_message(ctx: AppContext,
                                                               tmp_path: Path) -> None:
    path = roster_file(tmp_path / "数字.xlsx", [
        person("张三", ZHANG), person("李四", 4.30105199001011e+17, cert="湘A0002"),
        person("王五", 430105199001011000, cert="湘A0003")])
    assert rejected(ctx, path) == [
        RowError("数字.xlsx", FIRST_ROW + 1, "公民身份号码", LOST),
        RowError("数字.xlsx", FIRST_ROW + 2, "公民身份号码", LOST),
    ]


BAD_ROWS = [
    ("check digit", person(number=ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")), "公民身份号码",
     f"“{ZHANG[:17] + ('0' if ZHANG[17] != '0' else '1')}”校验位不符（按前 17 位应为 {ZHANG[17]}），"
     "可能有数字录错，请核对。"),
    ("empty id", person(number=None), "公民身份号码", "不能为空，请填写 18 位身份证号码。"),
    ("empty force", person(force=None), "类别（1/X/Y）",
     "不能为空，应为 1（街道综合执法队）、X（区直部门下沉）或 Y（协同力量）。"),
    ("unknown force", person(force="Z"), "类别（1/X/Y）",
     "“Z”不是力量类型，应为 1（街道综合执法队）、X（区直部门下沉）或 Y（协同力量）。"),
    ("bad date", person(until="2027-02-30"), "执法证/有效期至", "“2027-02-30”不是有效的日期。"),
    ("unknown domain", person(domains="宇宙管理"), "执法证/执法类别",
     "“宇宙管理”不是执法领域，可填写：" + "、".join(EnforcementDomain.labels()) + "。"),
    ("X without start", person(start=None), "下沉时间", "X（区直部门下沉）人员须填写下沉开始日期。"),
    ("street with start", person(force="1"), "类别（1/X/Y）",
     "1（街道综合执法队）是街道自有人员，不填下沉期；如为区直部门下沉人员，请选 X。"),
    ("empty name", person(name=None), "姓 名", "不能为空。"),
    ("bad phone", person(phone="12345"), "手机", "“12345”不是有效的手机号或带区号的固定电话。"),
    ("masked id", person(number="430105********1237"), "公民身份号码",
     "“430105********1237”是脱敏后的号码（导出的花名册隐去了中间 8 位），请填写完整的 18 位身份证号码。"),
]


@pytest.mark.parametrize(("case", "row", "column", "message"), BAD_ROWS,
                         ids=[case for case, *_ in BAD_ROWS])
def test_each_bad_row_is_refused_with_its_row_column_and_message(
        ctx: AppContext, tmp_path: Path, case: str, row: list[object], column: str,
        message: str) -> None:
    good = person("李四", LI, gender="女", cert="湘A0009")
    path = roster_file(tmp_path / "坏.xlsx", [good, row])
    assert rejected(ctx, path) == [RowError("坏.xlsx", FIRST_ROW + 1, column, message)]


def test_a_missing_required_header_names_the_expected_header(ctx: AppContext,
                                                             tmp_path: Path) -> None:
    top = [t if t != "类别（1/X/Y）" else "备用" for t in TOP]
    path = roster_file(tmp_path / "表头.xlsx", [person()], top=top)
    assert rejected(ctx, path) == [RowError(
        "表头.xlsx", 0, "力量类型",
        "表头中找不到「力量类型」（也可写作 类别、队伍类型、力量、力量类别）列。请在表头中补上该列，"
        "或在导入预览中把对应的列指定为「力量类型」。")]
    assert preview_roster(ctx.uow(), path).unknown_headers == ("备用",)


def test_certificate_numbers_without_the_columns_a_certificate_needs(ctx: AppContext,
                                                                     tmp_path: Path) -> None:
    top = ["序号", "姓名", "身份证号码", "力量类型", "执法证号"]
    workbook = Workbook()
    workbook.active.append(top)
    workbook.active.append([1, "张三", ZHANG, "1", "湘A1"])
    workbook.save(tmp_path / "证.xlsx")
    errors = rejected(ctx, tmp_path / "证.xlsx")
    assert [(e.row, e.column) for e in errors] == [(0, "发证机关"), (0, "执法领域"), (0, "有效期至")]


def test_duplicates_within_the_file(ctx: AppContext, tmp_path: Path) -> None:
    path = roster_file(tmp_path / "重复.xlsx", [
        person("张三", ZHANG, cert="湘A1"),
        person("张三", ZHANG.lower(), cert="湘A2"),
        person("李四", LI, gender="女", cert="湘a1"),
    ])
    assert rejected(ctx, path) == [
        RowError("重复.xlsx", FIRST_ROW + 1, "公民身份号码",
                 f"与第 {FIRST_ROW} 行的身份证号码（{ZHANG[:6]}********{ZHANG[14:]}）相同，"
                 "同一人只能登记一次，请删除重复的行。"),
        RowError("重复.xlsx", FIRST_ROW + 2, "执法证/证号",
                 f"执法证号 湘A1 与第 {FIRST_ROW} 行重复，同一证号只能登记一次，请核对。"),
    ]


def test_duplicates_against_the_database(ctx: AppContext, tmp_path: Path) -> None:
    import_roster(ctx.uow(), actor=LOCAL_ADMIN,
                  path=roster_file(tmp_path / "一.xlsx", [person("张三", ZHANG, cert="湘A1")]))
    path = roster_file(tmp_path / "二.xlsx", [
        person("张三", ZHANG, cert="湘A2"), person("李四", LI, gender="女", cert="湘A1")])
    assert rejected(ctx, path) == [
        RowError("二.xlsx", FIRST_ROW, "公民身份号码",
                 f"身份证号码 {ZHANG[:6]}********{ZHANG[14:]} 已登记为“张三”，同一人不能重复登记；"
                 "请删除此行，或在花名册中编辑该人员。"),
        RowError("二.xlsx", FIRST_ROW + 1, "执法证/证号",
                 "执法证号 湘A1 已登记在册，同一证号不能重复登记，请核对。"),
    ]


def test_a_retired_unit_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    unit = create_unit(ctx.uow(), actor=LOCAL_ADMIN,
                       data=UnitInput("区城管执法局", UnitKind.DEPARTMENT))
    retire_unit(ctx.uow(), actor=LOCAL_ADMIN, unit_id=unit.id)
    path = roster_file(tmp_path / "撤销.xlsx", [person()])
    assert rejected(ctx, path) == [RowError(
        "撤销.xlsx", FIRST_ROW, "派出单位", "“区城管执法局”已从单位名录撤销，不能再选用；请改填现有单位。")]


def test_not_an_xlsx_and_an_empty_roster(ctx: AppContext, tmp_path: Path) -> None:
    (tmp_path / "假.xlsx").write_text("不是表格", encoding="utf-8")
    [error] = rejected(ctx, tmp_path / "假.xlsx")
    assert error.row == 0 and "无法作为 Excel (.xlsx) 文件打开" in error.message
    assert rejected(ctx, roster_file(tmp_path / "空.xlsx", [])) == [
        RowError("空.xlsx", 0, "", "表头下没有可导入的人员，请填写后再导入。")]


def test_an_unknown_header_mapped_by_the_user_is_remembered(ctx: AppContext,
                                                            tmp_path: Path) -> None:
    top = [t if t != "姓 名" else "人员名称" for t in TOP]
    first = roster_file(tmp_path / "一.xlsx", [person("张三", ZHANG, cert="湘A1")], top=top)
    preview = preview_roster(ctx.uow(), first)
    assert preview.missing_required == (RosterField.NAME,)
    assert "人员名称" in preview.unknown_headers and not preview.ok
    mapping = {"人员名称": "name"}
    chosen = preview_roster(ctx.uow(), first, mapping=mapping)
    assert chosen.ok and chosen.rows[0].name == "张三"
    assert next(c for c in chosen.columns if c.text == "人员名称").source == "已选择"
    import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=first, mapping=mapping)
    second = roster_file(tmp_path / "二.xlsx", [person("李四", LI, gender="女", cert="湘A2")],
                         top=top)
    assert next(c for c in preview_roster(ctx.uow(), second).columns
                if c.text == "人员名称").source == "已记住"
    import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=second)
    assert sorted(o.name for o in list_officers(ctx.uow())) == ["张三", "李四"]


def test_a_rejected_import_does_not_remember_the_mapping(ctx: AppContext, tmp_path: Path) -> None:
    top = [t if t != "姓 名" else "人员名称" for t in TOP]
    path = roster_file(tmp_path / "坏.xlsx", [person(force="Z")], top=top)
    rejected(ctx, path, mapping={"人员名称": RosterField.NAME})
    with ctx.uow() as uow:
        assert uow.roster.header_aliases("roster") == {}


def test_the_preview_shows_header_rows_errors_and_writes_nothing(ctx: AppContext,
                                                                 tmp_path: Path) -> None:
    path = roster_file(tmp_path / "预览.xlsx", [
        person("张三", ZHANG), person("李四", 4.30105199001011e+17, cert="湘A2")])
    before = snapshot(ctx)
    preview = preview_roster(ctx.uow(), path)
    assert snapshot(ctx) == before
    assert (preview.header_row, preview.header_depth, preview.total_rows) == (3, 2, 2)
    assert [r.name for r in preview.rows] == ["张三"]
    assert preview.rows[0].id_number_masked == f"{ZHANG[:6]}********{ZHANG[14:]}"
    assert preview.errors == (RowError("预览.xlsx", FIRST_ROW + 1, "公民身份号码", LOST),)
    assert any("区城管执法局" in note for note in preview.notes)


def test_cancel_stores_nothing_and_progress_is_reported(ctx: AppContext, tmp_path: Path) -> None:
    path = write_roster_file(tmp_path / "r.xlsx", 450)
    token = CancelToken()
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, text: str) -> None:
        seen.append((done, total, text))
        if text.startswith("正在写入"):
            token.cancel()

    before = snapshot(ctx)
    with pytest.raises(CancelledError):
        import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=path, progress=progress, cancel=token)
    assert snapshot(ctx) == before
    assert any(text.startswith("正在检查第 200/") for _d, _t, text in seen)


def test_a_role_without_roster_import_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    path = roster_file(tmp_path / "a.xlsx", [person()])
    with pytest.raises(PermissionDeniedError):
        import_roster(ctx.uow(), actor=Actor("坐席", Role.OPERATOR), path=path)


def test_ten_thousand_rows(ctx: AppContext, tmp_path: Path) -> None:
    path = write_roster_file(tmp_path / "万人.xlsx", 10_000)
    started = time.perf_counter()
    summary = import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=path)
    print(f"\n10,000-row roster imported in {time.perf_counter() - started:.2f} s")
    assert summary.officers_created == 10_000
    counts, _ids = snapshot(ctx)
    assert counts[0] == 10_000 and counts[2] == summary.certificates_created > 6_000


def test_imported_people_are_queued_for_the_district_like_people_entered_by_hand(
        ctx: AppContext, tmp_path: Path) -> None:
    """The bulk insert bypasses the outbox hooks; the import queues the records itself,
    in the same transaction, with the same payload shape (history lines inside)."""
    import json

    from local_db.models.sync import OutboxEntry

    create_unit(ctx.uow(), actor=LOCAL_ADMIN, data=UnitInput("区城管执法局", UnitKind.DEPARTMENT))
    import_roster(ctx.uow(), actor=LOCAL_ADMIN, path=roster_file(tmp_path / "a.xlsx", [
        person(number=ZHANG, cert="湘A0001", authority="湖南省人民政府", domains="城管",
               until="2028-12-31")]))
    by_hand = create_officer(ctx.uow(), actor=LOCAL_ADMIN, data=OfficerInput(
        "李四", LI, Force.SUNK, StaffingType.CIVIL_SERVANT, unit_name="区城管执法局",
        secondment_start=date(2026, 1, 1)))
    with ctx.uow() as uow:
        imported_id = uow.roster.officer_by_id_number(ZHANG).id
        queued = {(row.table_name, row.record_id): json.loads(row.payload)
                  for row in uow.session.scalars(select(OutboxEntry))}
        certificate_id = uow.session.scalars(select(Certificate.id)).one()
    mine, theirs = queued[("officer", imported_id)], queued[("officer", by_hand.id)]
    assert set(mine) == set(theirs)
    assert mine["id_number"] == ZHANG and mine["version"] == 1
    assert [event["kind"] for event in mine["_children"]["officer_event"]] == ["created"]
    assert queued[("certificate", certificate_id)]["officer_id"] == imported_id
    # the history line built in memory has the shape of one read back from the table,
    # and dates are written the same way as the hook writes them
    (line,), (hand_line, *_rest) = (mine["_children"]["officer_event"],
                                    theirs["_children"]["officer_event"])
    assert set(line) == set(hand_line) and "officer_id" not in line and "id" not in line
    for field in ("created_at", "updated_at", "status_since"):
        assert type(date_or_time(mine[field])) is type(date_or_time(theirs[field])), field
    assert date_or_time(line["occurred_at"]) == date_or_time(mine["created_at"])


def date_or_time(text: str) -> date | datetime:
    """An ISO date or date and time, as the outbox payloads write them."""
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
