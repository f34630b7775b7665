"""The 属地管理事项清单: a messy district workbook imported as version 1; a second
import as version 2 with version 1 kept; bad files refused with their rows and
columns and nothing changed; the permission; search; the routing proposal against the
demo street's unit directory ("清单之外无协同"); and the comparison of two versions.

Real SQLite files and real xlsx files throughout.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.cli import main
from desktop.clock import today
from desktop.demo import build_demo_street
from desktop.demo_responsibilities import add_demo_responsibilities, demo_items
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.errors import ImportRejectedError, PermissionDeniedError, RowError
from desktop.domain.responsibilities import (
    DirectoryUnit,
    MatchHow,
    is_street_name,
    match_unit,
    split_units,
)
from desktop.services import responsibilities as lists
from desktop.services.audit_queries import search_audit
from desktop.services.units import list_units
from desktop.spreadsheets.responsibilities import (
    import_responsibility_list,
    write_responsibility_template,
)
from tests.conftest import STREET
from tests.integration.permission_cases import snapshot

TITLE = "芙蓉区街道属地管理事项主体责任和配合责任清单"
CITY = "区城管执法局"


# --- files -----------------------------------------------------------------------------


def district_workbook(path: Path, rows: Sequence[Sequence[object]], *,
                      merge_down: Sequence[str] = ()) -> Path:
    """A list as the district sends it: a merged title row, a two-row header in the
    district's words ("职责分工" over 职能部门职责/属地职责, "责任单位" over 牵头单位/
    协同单位), a section row, data from row 5, a footnote and blank rows after."""
    book = Workbook()
    sheet = book.active
    sheet.title = "附件1"
    sheet.append([TITLE])
    sheet.merge_cells("A1:H1")
    sheet.append(["序号", "类别", "事项 名称", "职责分工", None, "设定依据", "责任单位", None])
    sheet.append([None, None, None, "职能部门职责", "街道（乡镇）职责", None, "牵头单位",
                  "协同单位"])
    for column in "ABCF":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("D2:E2")
    sheet.merge_cells("G2:H2")
    sheet.append(["一、城市管理"])
    sheet.merge_cells("A4:H4")
    for row in rows:
        sheet.append(list(row))
    for cells in merge_down:
        sheet.merge_cells(cells)
    sheet.append(["注：本清单所列单位均为区级部门或其派出机构。"])
    sheet.append([None] * 8)
    sheet.append(["  "])
    book.save(path)
    return path


FIRST_ROWS: list[list[object]] = [
    [1, "城市管理", "占道经营", "1.负责占道经营的查处；\n2.指导街道日常管理。",
     "负责日常巡查劝导，发现问题及时报告。", "《城市市容和环境卫生管理条例》第十四条", CITY,
     "区市场监督管理局，街道"],
    [2.0, None, "店外经营", "负责查处。", "负责“门前三包”。", "同上", None, "街道"],
    ["3", "市场监管", "无照经营的查处", "负责无照经营的查处。", "", "《无证无照经营查处办法》第五条",
     "区市场监管局（牵头）", "街道、区城管执法局等"],
]


def first_file(folder: Path) -> Path:
    # 类别 and 牵头单位 merged over rows 5-6: the 店外经营 row inherits them
    return district_workbook(folder / "清单2024.xlsx", FIRST_ROWS, merge_down=("B5:B6", "G5:G6"))


def second_file(folder: Path) -> Path:
    rows = [list(FIRST_ROWS[0]), [2, "城市管理", "店外经营", "负责查处。", "负责“门前三包”。", "同上",
                                  "街道", "区城管执法局"],
            [4, "生态环境", "餐饮油烟", "负责查处。", "负责巡查。", "《大气污染防治法》第一百一十八条",
             "区生态环境分局", "街道"]]
    return district_workbook(folder / "清单2025.xlsx", rows)


def bad_file(folder: Path) -> Path:
    rows = [
        [1, "城市管理", "占道经营", "", "", "", CITY, ""],
        [2, "城市管理", "店外经营", "", "", "", "", "街道"],  # no lead unit
        [1, "市场监管", "无照经营", "", "", "", "区市场监管局", ""],  # code 1 again
        [3, "", "", "", "", "", CITY, ""],  # no type, no name
    ]
    return district_workbook(folder / "有错.xlsx", rows)


def plain_file(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def do_import(context: AppContext, path: Path, **options: object) -> lists.ListVersionRow:
    import_responsibility_list(context.uow(), actor=LOCAL_ADMIN, path=path, **options)
    current = lists.current_list(context.uow())
    assert current is not None
    return current


# --- import ----------------------------------------------------------------------------


def test_a_messy_district_list_becomes_version_1_in_force(context: AppContext,
                                                          tmp_path: Path) -> None:
    summary = import_responsibility_list(context.uow(), actor=LOCAL_ADMIN,
                                         path=first_file(tmp_path),
                                         published_on=date(2024, 3, 1))

    assert (summary.number, summary.items, summary.rows_skipped) == (1, 3, 2)
    assert summary.message == ("已从 清单2024.xlsx 导入属地管理事项清单第 1 版（3 项），并设为现行版本；"
                               "跳过 2 行分类标题或备注。")
    current = lists.current_list(context.uow())
    assert current is not None
    assert (current.number, current.title, current.published_on, current.is_current,
            current.source.label, current.item_count) == (
        1, TITLE, date(2024, 3, 1), True, "Excel 导入", 3)
    one, two, three = lists.search_items(context.uow())
    assert (one.code, one.item_type, one.name, one.lead_unit) == ("1", "城市管理", "占道经营", CITY)
    assert one.district_duty == "1.负责占道经营的查处；\n2.指导街道日常管理。"  # lines kept
    assert one.cooperating_units == ("区市场监督管理局", "街道")
    assert (two.code, two.item_type, two.lead_unit) == ("2", "城市管理", CITY)  # merged cells
    assert three.lead_unit == "区市场监管局（牵头）"
    assert three.cooperating_units == ("街道", "区城管执法局")  # "等" dropped
    [entry] = [r for r in search_audit(context.uow(), actor=LOCAL_ADMIN)
               if r.action_label == "导入"]
    assert "第 1 版" in entry.summary and "清单2024.xlsx" in entry.summary


def test_a_second_import_is_version_2_in_force_and_version_1_stays(context: AppContext,
                                                                   tmp_path: Path) -> None:
    first = do_import(context, first_file(tmp_path))
    summary = import_responsibility_list(context.uow(), actor=LOCAL_ADMIN,
                                         path=second_file(tmp_path), title="2025 年版")

    assert summary.number == 2
    assert "与第 1 版相比新增 1 项、删除 1 项、修改 1 项，第 1 版保留备查" in summary.message
    versions = lists.list_versions(context.uow())
    assert [(v.number, v.is_current, v.item_count) for v in versions] == [(2, True, 3), (1, False, 3)]
    assert versions[0].title == "2025 年版"
    old_items = lists.search_items(context.uow(), version_id=first.id)
    assert [i.name for i in old_items] == ["占道经营", "店外经营", "无照经营的查处"]
    assert lists.get_item(context.uow(), old_items[1].id).lead_unit == CITY  # history intact
    assert [i.code for i in lists.search_items(context.uow())] == ["1", "2", "4"]


def test_a_bad_file_is_refused_row_by_row_and_nothing_changes(context: AppContext,
                                                               tmp_path: Path) -> None:
    do_import(context, first_file(tmp_path))
    before = snapshot(context)

    with pytest.raises(ImportRejectedError) as refused:
        import_responsibility_list(context.uow(), actor=LOCAL_ADMIN, path=bad_file(tmp_path))

    name = "有错.xlsx"
    assert refused.value.errors == [
        RowError(name, 6, "主体责任单位", "不能为空，请填写主体责任单位（由街道负责的填“街道”）。"),
        RowError(name, 7, "序号", "事项编号“1”与第 5 行重复，同一清单中的事项编号不能重复。"),
        RowError(name, 8, "事项类型", "不能为空，请填写事项类型，如 城市管理。"),
        RowError(name, 8, "事项名称", "不能为空，请填写事项名称。"),
    ]
    assert "未导入任何数据" in refused.value.message
    assert snapshot(context) == before


def test_a_file_without_the_lead_unit_column_is_refused(context: AppContext,
                                                        tmp_path: Path) -> None:
    path = plain_file(tmp_path / "缺列.xlsx", ["事项编号", "事项类型", "事项名称", "配合责任单位"],
                      [["A-1", "城市管理", "占道经营", "街道"]])
    with pytest.raises(ImportRejectedError) as refused:
        import_responsibility_list(context.uow(), actor=LOCAL_ADMIN, path=path)
    assert refused.value.errors == [RowError(
        "缺列.xlsx", 0, "主体责任单位", "工作表「Sheet」第 1 行的表头缺少此列，请按导入模板补上该列。")]
    assert lists.current_list(context.uow()) is None


def test_a_single_responsible_unit_column_and_an_attachment_mark(context: AppContext,
                                                                 tmp_path: Path) -> None:
    """"附件2" above the title is not the title; a lone 责任单位 column is the lead."""
    book = Workbook()
    for row in (["附件2"], [TITLE], ["序号", "事项类别", "事项名称", "责任单位"],
                [1, "城市管理", "占道经营", "区城管执法局"]):
        book.active.append(row)
    book.save(path := tmp_path / "附件2.xlsx")
    version = do_import(context, path)
    assert version.title == TITLE
    [item] = lists.search_items(context.uow())
    assert (item.code, item.item_type, item.lead_unit) == ("1", "城市管理", CITY)


def test_a_sheet_without_any_header_is_refused(context: AppContext, tmp_path: Path) -> None:
    path = plain_file(tmp_path / "无表头.xlsx", ["占道经营", "区城管执法局"], [["店外经营", "街道"]])
    with pytest.raises(ImportRejectedError) as refused:
        import_responsibility_list(context.uow(), actor=LOCAL_ADMIN, path=path)
    [error] = refused.value.errors
    assert error.row == 0 and "找不到事项清单的表头" in error.message


def test_an_operator_may_not_import_and_nothing_changes(context: AppContext,
                                                         tmp_path: Path) -> None:
    path = first_file(tmp_path)
    before = snapshot(context)
    with pytest.raises(PermissionDeniedError) as refused:
        import_responsibility_list(context.uow(), actor=Actor("王坐席", Role.OPERATOR), path=path)
    assert "您的角色（坐席）无权“导入属地管理事项清单”" in refused.value.message
    assert snapshot(context) == before


def test_the_template_filled_in_imports(context: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_responsibility_template(path)
    book = load_workbook(path)
    sheet = book["事项清单"]
    assert [c.value for c in sheet[1]] == ["事项编号", "事项类型", "事项名称", "区级部门职责",
                                           "街道职责", "法律依据", "主体责任单位", "配合责任单位"]
    sheet.append(["WL-001", "文化旅游", "无证经营网吧", "负责查处。", "负责巡查。",
                  "《互联网上网服务营业场所管理条例》第二十七条", "区文化旅游体育局", "街道、芙蓉派出所"])
    book.save(path)
    version = do_import(context, path)
    assert version.title == "模板"  # no title row: the file name
    [item] = lists.search_items(context.uow())
    assert item.cooperating_units == ("街道", "芙蓉派出所")


def test_the_command_line_imports_a_list(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path, home = first_file(tmp_path), str(tmp_path / "data")
    assert main(["--home", home, "init", "--street", STREET["street_name"], "--code",
                 STREET["division_code"], "--authority", STREET["issuing_authority"],
                 "--prefix", STREET["doc_prefix"]]) == 0
    capsys.readouterr()
    assert main(["--home", home, "import", "responsibilities", str(path)]) == 0
    assert "属地管理事项清单第 1 版（3 项）" in capsys.readouterr().out


# --- search ----------------------------------------------------------------------------


def test_search_by_words_type_and_version(context: AppContext, tmp_path: Path) -> None:
    first = do_import(context, first_file(tmp_path))
    do_import(context, second_file(tmp_path))

    def codes(**query: object) -> list[str]:
        return [i.code for i in lists.search_items(context.uow(), **query)]  # type: ignore[arg-type]

    assert codes(text="经营") == ["1", "2"]
    assert codes(text="门前三包 街道") == ["2"]  # every word, anywhere (duty and lead)
    assert codes(text="街道 城管") == ["1", "2"]
    assert codes(text="第一百一十八条") == ["4"]  # legal basis
    assert codes(text="无照", version_id=first.id) == ["3"]
    assert codes(text="无照") == []  # not in the version in force
    assert codes(item_type="生态环境") == ["4"]
    assert codes(text="100%") == []  # % is a character, not a wildcard
    assert lists.item_types(context.uow()) == ["城市管理", "生态环境"]
    assert lists.item_types(context.uow(), version_id=first.id) == ["城市管理", "市场监管"]


def test_nothing_to_search_before_any_list(context: AppContext) -> None:
    assert lists.search_items(context.uow(), text="占道") == []
    assert lists.current_list(context.uow()) is None
    assert lists.list_versions(context.uow()) == []


# --- the demo street: routing and comparing ----------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    context = open_migrated_context(tmp_path_factory.mktemp("demo") / "data")
    build_demo_street(context)
    if lists.current_list(context.uow()) is None:  # until build_demo_street adds it itself
        with context.uow() as uow:
            add_demo_responsibilities(uow, actor=context.actor, on=today())
            uow.commit()
    yield context
    context.close()


def item_by_code(context: AppContext, code: str) -> lists.ItemRow:
    [item] = [i for i in lists.search_items(context.uow(), text=code) if i.code == code]
    return item


def unit_ids(context: AppContext) -> dict[str, str]:
    return {unit.name: unit.id for unit in list_units(context.uow())}


def test_the_routing_proposal_matches_the_demo_unit_directory(demo: AppContext) -> None:
    units = unit_ids(demo)
    proposal = lists.propose_units(demo.uow(), item_id=item_by_code(demo, "CG-003").id)
    assert proposal.lead_unit_id == units[CITY]
    assert [(m.listed, m.how, m.unit_name) for m in proposal.cooperating] == [
        ("街道", MatchHow.STREET, ""), ("区市场监督管理局", MatchHow.FULL_NAME, "区市场监管局")]
    assert proposal.cooperating_unit_ids == (units["区市场监管局"],)
    assert proposal.unmatched == ()

    near = lists.propose_units(demo.uow(), item_id=item_by_code(demo, "ST-002").id)
    [lead] = near.leads
    assert (lead.how, lead.unit_name) == (MatchHow.SIMILAR, "长沙市生态环境局芙蓉分局")


def test_names_the_directory_lacks_are_listed_plainly(demo: AppContext) -> None:
    proposal = lists.propose_units(demo.uow(), item_id=item_by_code(demo, "ST-003").id)
    assert proposal.unmatched == ("区水务局",)
    [missing] = [m for m in proposal.cooperating if not m.matched]
    assert missing.text == "区水务局（单位名录中没有，请手动选择）"


def test_a_street_led_item_and_the_list_rule_for_whistles(demo: AppContext) -> None:
    units = unit_ids(demo)
    item = item_by_code(demo, "CG-006")
    proposal = lists.propose_units(demo.uow(), item_id=item.id)
    assert proposal.street_leads and proposal.lead_unit_id is None
    assert set(proposal.cooperating_unit_ids) == {units[CITY], units["长沙市自然资源和规划局芙蓉分局"]}
    team, market = units["芙蓉街道综合行政执法队"], units["区市场监管局"]
    assert lists.is_on_list(demo.uow(), item_id=item.id, unit_id=team)  # "街道" names it
    assert lists.is_on_list(demo.uow(), item_id=item.id, unit_id=units[CITY])
    assert not lists.is_on_list(demo.uow(), item_id=item.id, unit_id=market)  # 乱吹哨
    assert lists.units_off_list(demo.uow(), item_id=item.id,
                                unit_ids=[units[CITY], market, market]) == [market]
    assert lists.units_off_list(demo.uow(), item_id=None, unit_ids=[team]) == [team]


def test_every_demo_lead_unit_routes_somewhere(demo: AppContext) -> None:
    """The demo list names the demo roster's units, so routing shows real matches."""
    for item in lists.search_items(demo.uow()):
        proposal = lists.propose_units(demo.uow(), item_id=item.id)
        assert all(m.matched for m in proposal.leads), item.code
    assert len(lists.search_items(demo.uow())) == len(demo_items()) == 41


def test_comparing_the_demo_versions(demo: AppContext) -> None:
    new, old = lists.list_versions(demo.uow())
    assert (new.number, new.is_current, old.number, old.is_current) == (2, True, 1, False)
    comparison = lists.compare_versions(demo.uow(), old.id, new.id)
    assert [i.code for i in comparison.added] == ["SC-005", "XF-001", "YJ-004"]
    assert [i.code for i in comparison.removed] == ["CG-009", "ZY-003"]
    assert [(c.new.code, c.fields) for c in comparison.changed] == [
        ("CG-006", ("主体责任单位", "配合责任单位")), ("JS-003", ("街道职责",)),
        ("ST-001", ("法律依据",))]
    assert comparison.text == "第 2 版与第 1 版相比：新增 3 项，删除 2 项，修改 3 项。"
    back = lists.compare_versions(demo.uow(), new.id, old.id)
    assert (len(back.added), len(back.removed)) == (2, 3)


# --- the matching rules on their own ----------------------------------------------------


DIRECTORY = [
    DirectoryUnit("1", "区市场监管局", "区市监局"),
    DirectoryUnit("2", "区市场监管局芙蓉市场监管所", "芙蓉市场监管所"),
    DirectoryUnit("3", "芙蓉街道综合行政执法队", "街道执法队", is_street_office=True),
    DirectoryUnit("4", "区住房和城乡建设局", "区住建局"),
]


def test_match_by_short_name_and_ambiguity_is_not_guessed() -> None:
    assert match_unit("区市监局", DIRECTORY).unit_id == "1"
    assert match_unit("芙蓉区市场监督管理局", DIRECTORY).how is MatchHow.SIMILAR
    unsure = match_unit("市场监管局", DIRECTORY)
    assert unsure.unit_id is None and unsure.candidates == (
        "区市场监管局", "区市场监管局芙蓉市场监管所")
    assert "可能是：区市场监管局、区市场监管局芙蓉市场监管所" in unsure.text
    assert match_unit("区局", DIRECTORY).how is MatchHow.NONE  # too short to mean anything
    assert match_unit("街道执法队", DIRECTORY).unit_id == "3"  # not "the street"
    assert match_unit("住建部门", DIRECTORY).unit_id == "4"  # a generic word after the core
    assert match_unit("市场监管部门", DIRECTORY).candidates == (
        "区市场监管局", "区市场监管局芙蓉市场监管所")
    assert match_unit("区水务局", DIRECTORY).candidates == ()


def test_unit_names_are_split_and_the_street_recognised() -> None:
    assert split_units("区城管执法局、区住建局；街道\n区应急局等") == (
        "区城管执法局", "区住建局", "街道", "区应急局")
    for name in ("街道", "属地街道", "各街道（乡镇）", "街道办事处", "芙蓉街道办事处"):
        assert is_street_name(name, "芙蓉街道"), name
    assert not is_street_name("芙蓉街道综合行政执法队", "芙蓉街道")
