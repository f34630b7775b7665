"""Excel import and export of grids and grid staff against a migrated SQLite database,
with real xlsx files written by openpyxl."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.clock import today
from desktop.domain.errors import CancelledError, ConflictError, ImportRejectedError
from desktop.domain.grids import (
    CommunityKind,
    DedicatedType,
    GridCategory,
    GridKind,
    StaffRole,
)
from desktop.progress import CancelToken
from desktop.services import grid_staff as staff_service
from desktop.services import grids as grid_service
from desktop.services.grid_lifecycle import retire_grid
from desktop.services.subcenter import set_up_sub_center
from desktop.spreadsheets import grids as grids_sheet
from desktop.spreadsheets.grids import (
    export_grids,
    export_staff,
    import_grids,
    import_staff,
    write_grid_template,
    write_staff_template,
)

DIVISION = "110105001000"
STREET = "110105001"
GRID_HEADER = ["社区/村", "社区类型", "社区代码", "网格编码", "网格名称", "网格类型", "专属类型",
               "网格类别", "户数", "人口", "面积(平方公里)", "备注"]
STAFF_HEADER = ["网格编码", "网格名称", "姓名", "角色", "联系电话", "工作单位", "职责", "任职日期",
                "本月在格天数"]


def _context(root: Path) -> AppContext:
    ctx = open_migrated_context(root)
    set_up_sub_center(ctx.uow(), actor=ctx.actor, street_name="幸福街道", division_code=DIVISION,
                      issuing_authority="幸福街道办事处", doc_prefix="幸福街")
    return ctx


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = _context(tmp_path / "data")
    yield context
    context.close()


def _xlsx(path: Path, rows: list[list[object]], *, above: list[list[object]] = (),
          merge: str | None = None) -> Path:
    workbook = Workbook()
    ws = workbook.active
    for row in [*above, *rows]:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    workbook.save(path)
    return path


def _snapshot(ctx: AppContext) -> tuple[object, ...]:
    """Everything an import could touch, as comparable values."""
    grids = grid_service.list_grids(ctx.uow(), include_retired=True)
    with ctx.uow() as uow:
        people = sorted((p.name, p.phone) for p in uow.grids.people())
        events = sum(len(uow.grids.events(g.id)) for g in grids)
    return (grid_service.list_communities(ctx.uow()), grids,
            staff_service.list_staff(ctx.uow()), people, events)


def _errors(caught: pytest.ExceptionInfo[ImportRejectedError]) -> set[tuple[str, int, str]]:
    return {(e.file, e.row, e.column) for e in caught.value.errors}


def _grid(community: str, name: str, *, kind: str = "社区", code: str | None = None,
          community_code: str | None = None, grid_kind: str = "基础网格",
          dedicated: str | None = None, category: str = "城市社区", households: object = 100,
          population: object = 300, area: object = 0.5, note: str | None = None) -> list[object]:
    return [community, kind, community_code, code, name, grid_kind, dedicated, category,
            households, population, area, note]


# --- grids ---------------------------------------------------------------------------------


def test_good_file_imports_communities_and_grids(ctx: AppContext, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "网格.xlsx", [GRID_HEADER,
        _grid("幸福社区", "幸福一网格", community_code="001", households="３２０", population=860.0),
        _grid("幸福社区", "幸福小学", kind="", grid_kind="专属网格", dedicated="学校", households=0,
              population=1200, note="师生计入人口"),
        _grid("石桥村", "石桥一网格", kind="村", code=f"{STREET}007005", category="一般村", area="2.6"),
        _grid("石桥村", "石桥二网格", kind="村", category="山区村"),
        [None] * 12,
    ])
    summary = import_grids(ctx.uow(), actor=ctx.actor, path=path)

    assert (summary.communities_created, summary.grids_created) == (2, 4)
    assert "4 个网格" in summary.message
    communities = {c.name: c for c in grid_service.list_communities(ctx.uow())}
    assert communities["幸福社区"].code == "001"
    assert communities["石桥村"].code == "007"  # implied by the grid code
    assert communities["石桥村"].kind is CommunityKind.VILLAGE
    grids = {g.name: g for g in grid_service.list_grids(ctx.uow())}
    assert grids["幸福一网格"].code == f"{STREET}001001"
    assert grids["幸福一网格"].households == 320
    assert grids["幸福小学"].code == f"{STREET}001002"
    assert grids["幸福小学"].dedicated_type is DedicatedType.SCHOOL
    assert grids["石桥一网格"].code == f"{STREET}007005"
    assert grids["石桥一网格"].area_km2 == 2.6
    assert grids["石桥二网格"].code == f"{STREET}007001"  # next free sequence
    assert grids["石桥二网格"].category is GridCategory.MOUNTAIN_VILLAGE


def test_new_grids_join_existing_communities(ctx: AppContext, tmp_path: Path) -> None:
    community = grid_service.create_community(ctx.uow(), actor=ctx.actor, name="幸福社区",
                                              kind=CommunityKind.COMMUNITY, code="003")
    grid_service.create_grid(ctx.uow(), actor=ctx.actor, community_id=community.id,
                             fields=grid_service.GridFields("老网格", GridKind.BASE,
                                                            GridCategory.URBAN_COMMUNITY))
    path = _xlsx(tmp_path / "g.xlsx", [GRID_HEADER, _grid("幸福社区", "新网格", kind="")])
    summary = import_grids(ctx.uow(), actor=ctx.actor, path=path)
    assert summary.communities_created == 0
    new = next(g for g in grid_service.list_grids(ctx.uow()) if g.name == "新网格")
    assert (new.code, new.community_id) == (f"{STREET}003002", community.id)


def test_bad_file_reports_every_problem_and_stores_nothing(ctx: AppContext, tmp_path: Path) -> None:
    grid_service.create_community(ctx.uow(), actor=ctx.actor, name="老社区",
                                  kind=CommunityKind.COMMUNITY, code="001")
    existing = grid_service.create_grid(
        ctx.uow(), actor=ctx.actor, community_id=grid_service.list_communities(ctx.uow())[0].id,
        fields=grid_service.GridFields("老网格", GridKind.BASE, GridCategory.URBAN_COMMUNITY))
    before = _snapshot(ctx)
    path = _xlsx(tmp_path / "bad.xlsx", [GRID_HEADER,
        _grid("幸福社区", "一网格"),                                     # 2: fine
        _grid("", "无社区"),                                             # 3: empty community
        _grid("幸福社区", "类型错", grid_kind="普通网格"),                # 4: unknown label
        _grid("幸福社区", "户数小数", households=12.5),                   # 5: not an integer
        _grid("幸福社区", "负人口", population=-3),                       # 6: negative
        _grid("幸福社区", "户多人少", households=500, population=100),    # 7: households > population
        _grid("幸福社区", "一网格"),                                     # 8: duplicate name in file
        _grid("幸福社区", "编码甲", code=f"{STREET}002001"),               # 9: community code 002
        _grid("幸福社区", "编码乙", code=f"{STREET}002001"),               # 10: duplicate code
        _grid("老社区", "撞库", code=existing.code),                      # 11: code in database
        _grid("新社区", "外街道", kind="村", code="110105002001001"),     # 12: another street
        _grid("幸福社区", "专属无类型", grid_kind="专属网格"),             # 13: dedicated type missing
        _grid("老社区", "老网格"),                                        # 14: name in database
        _grid("无类型社区", "网格", kind=""),                             # 15: new community, no kind
        _grid("幸福社区", "社区代码错", community_code="003"),            # 16: disagrees with row 9
    ])
    with pytest.raises(ImportRejectedError) as caught:
        import_grids(ctx.uow(), actor=ctx.actor, path=path)

    assert _errors(caught) == {
        ("bad.xlsx", 3, "社区/村"), ("bad.xlsx", 4, "网格类型"), ("bad.xlsx", 5, "户数"),
        ("bad.xlsx", 6, "人口"), ("bad.xlsx", 7, "户数"), ("bad.xlsx", 8, "网格名称"),
        ("bad.xlsx", 10, "网格编码"), ("bad.xlsx", 11, "网格编码"), ("bad.xlsx", 12, "网格编码"),
        ("bad.xlsx", 13, "专属类型"), ("bad.xlsx", 14, "网格名称"), ("bad.xlsx", 15, "社区类型"),
        ("bad.xlsx", 16, "社区代码"),
    }
    messages = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "第 2 行" in messages[(8, "网格名称")]
    assert "与第 9 行重复" in messages[(10, "网格编码")]
    assert "本街道代码" in messages[(12, "网格编码")]
    assert "老社区 老网格" in messages[(11, "网格编码")]
    assert "bad.xlsx 第 5 行「户数」列" in str(caught.value)
    assert _snapshot(ctx) == before


def test_title_rows_and_merged_title_cells_above_the_header(ctx: AppContext, tmp_path: Path) -> None:
    header = [" 社区（村）", "社区类型", "网格名称 ", "网格\n类型", "网格类别（必填）", "户数（户）",
              "人口", "面积（平方公里）"]
    path = _xlsx(tmp_path / "台账.xlsx", [header,
                 ["幸福社区", "社区", "一网格", "基础网格", "城市社区", "300", "９００", "0.5"]],
                 above=[["幸福街道网格台账（2026年）"], ["填报单位：幸福街道", None, None, "日期：2026-11-01"]],
                 merge="A1:H1")
    summary = import_grids(ctx.uow(), actor=ctx.actor, path=path)
    assert summary.grids_created == 1
    [grid] = grid_service.list_grids(ctx.uow())
    assert (grid.name, grid.households, grid.population, grid.area_km2) == ("一网格", 300, 900, 0.5)


def test_a_file_that_is_not_xlsx(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "网格.xlsx"
    path.write_bytes(b"PK\x03\x04 this zip is cut short")
    before = _snapshot(ctx)
    with pytest.raises(ImportRejectedError) as caught:
        import_grids(ctx.uow(), actor=ctx.actor, path=path)
    assert _errors(caught) == {("网格.xlsx", 0, "")}
    assert "另存为 .xlsx" in str(caught.value)
    assert _snapshot(ctx) == before


def test_cancel_while_writing_leaves_the_database_unchanged(ctx: AppContext, tmp_path: Path) -> None:
    rows = [_grid(f"社区{i % 3}", f"网格{i}") for i in range(450)]
    path = _xlsx(tmp_path / "big.xlsx", [GRID_HEADER, *rows])
    before = _snapshot(ctx)
    token = CancelToken()
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, text: str) -> None:
        seen.append((done, total, text))
        if text.startswith("正在写入") and done >= 200:
            token.cancel()

    with pytest.raises(CancelledError):
        import_grids(ctx.uow(), actor=ctx.actor, path=path, progress=progress, cancel=token)
    assert (200, 450, "正在写入第 200/450 行") in seen
    assert any(text.startswith("正在检查") for _d, _t, text in seen)
    assert _snapshot(ctx) == before


def test_a_refusal_while_writing_becomes_a_row_error(ctx: AppContext, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection at the edge: whatever ``add_grid`` refuses that the plan did not
    foresee is reported on its row, and the communities already written roll back."""
    real_add_grid = grids_sheet.add_grid

    def refusing(uow, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs["fields"].name == "第二":
            raise ConflictError("模拟：网格编码已存在。")
        return real_add_grid(uow, **kwargs)

    monkeypatch.setattr(grids_sheet, "add_grid", refusing)
    path = _xlsx(tmp_path / "g.xlsx", [GRID_HEADER, _grid("新社区", "第一"), _grid("新社区", "第二")])
    before = _snapshot(ctx)
    with pytest.raises(ImportRejectedError) as caught:
        import_grids(ctx.uow(), actor=ctx.actor, path=path)
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (3, "网格编码", "模拟：网格编码已存在。")]
    assert _snapshot(ctx) == before


def test_import_needs_the_sub_center(tmp_path: Path) -> None:
    ctx = open_migrated_context(tmp_path / "empty")
    path = _xlsx(tmp_path / "g.xlsx", [GRID_HEADER, _grid("幸福社区", "一网格")])
    with pytest.raises(ConflictError, match="首次设置"):
        import_grids(ctx.uow(), actor=ctx.actor, path=path)
    ctx.close()


def _populate(ctx: AppContext) -> None:
    uow, actor = ctx.uow, ctx.actor
    one = grid_service.create_community(uow(), actor=actor, name="幸福社区",
                                        kind=CommunityKind.COMMUNITY, code="001")
    two = grid_service.create_community(uow(), actor=actor, name="石桥村",
                                        kind=CommunityKind.VILLAGE, code="012")
    fields = grid_service.GridFields
    grid_service.create_grid(uow(), actor=actor, community_id=one.id, fields=fields(
        "一网格", GridKind.BASE, GridCategory.URBAN_COMMUNITY, households=320, population=860,
        area_km2=0.35, note="含两栋商住楼"))
    grid_service.create_grid(uow(), actor=actor, community_id=one.id, seq=5, fields=fields(
        "幸福小学", GridKind.DEDICATED, GridCategory.URBAN_COMMUNITY,
        dedicated_type=DedicatedType.SCHOOL, population=1200))
    old = grid_service.create_grid(uow(), actor=actor, community_id=two.id, fields=fields(
        "旧网格", GridKind.BASE, GridCategory.ORDINARY_VILLAGE))
    grid_service.create_grid(uow(), actor=actor, community_id=two.id, fields=fields(
        "石桥一", GridKind.BASE, GridCategory.MOUNTAIN_VILLAGE, households=150, population=420,
        area_km2=2.6))
    retire_grid(uow(), actor=actor, grid_id=old.id, reason="并入相邻网格")


def _comparable(ctx: AppContext) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    communities = {c.id: c for c in grid_service.list_communities(ctx.uow())}
    with ctx.uow() as uow:
        notes = {g.code: g.note for g in uow.grids.all()}
    grids = [(g.code, g.name, communities[g.community_id].name, g.kind, g.dedicated_type,
              g.category, g.households, g.population, g.area_km2, notes[g.code])
             for g in grid_service.list_grids(ctx.uow())]
    return grids, sorted((c.code, c.name, c.kind) for c in communities.values())


def test_export_then_import_into_a_fresh_street_gives_equal_grids(ctx: AppContext,
                                                                  tmp_path: Path) -> None:
    _populate(ctx)
    path = tmp_path / "导出.xlsx"
    assert export_grids(ctx.uow(), path, actor=ctx.actor) == 4  # the retired grid is exported too

    sheet = load_workbook(path)["网格"]
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]] == [*GRID_HEADER, "状态"]
    assert sheet["D3"].value == f"{STREET}001001" and sheet["D3"].data_type == "s"
    assert sheet.column_dimensions["D"].width >= 15

    fresh = _context(tmp_path / "fresh")
    summary = import_grids(fresh.uow(), actor=fresh.actor, path=path)
    assert (summary.grids_created, summary.rows_skipped) == (3, 1)
    grids, communities = _comparable(fresh)
    original_grids, original_communities = _comparable(ctx)
    assert grids == original_grids
    assert len(grids) == 3
    # the village's only other grid was retired: it comes back with its code
    assert [c[:2] for c in communities] == [c[:2] for c in original_communities]
    assert communities == original_communities
    fresh.close()


def test_templates_open_with_drop_down_lists(ctx: AppContext, tmp_path: Path) -> None:
    write_grid_template(tmp_path / "网格模板.xlsx")
    write_staff_template(tmp_path / "人员模板.xlsx")

    workbook = load_workbook(tmp_path / "网格模板.xlsx")
    assert workbook.sheetnames == ["网格", "填写说明"]
    sheet = workbook["网格"]
    assert [c.value for c in sheet[1]] == GRID_HEADER
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].number_format == "@"  # 网格编码 kept as text
    lists = {str(rule.sqref).split(":")[0]: rule.formula1
             for rule in sheet.data_validations.dataValidation if rule.type == "list"}
    assert lists["B2"] == '"社区,村"'
    assert lists["F2"] == '"基础网格,专属网格"'
    assert lists["H2"] == '"' + ",".join(GridCategory.labels()) + '"'
    assert lists["G2"] == '"' + ",".join(DedicatedType.labels()) + '"'
    instructions = [row for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert any(row[0] == "幸福社区" for row in instructions)  # the example lives here

    staff = load_workbook(tmp_path / "人员模板.xlsx")["网格人员"]
    assert [c.value for c in staff[1]] == STAFF_HEADER
    roles = [r.formula1 for r in staff.data_validations.dataValidation if r.type == "list"]
    assert roles == ['"' + ",".join(StaffRole.labels()) + '"']
    assert staff.column_dimensions["E"].number_format == "@"  # 联系电话

    # An untouched template has nothing to import; a filled one imports.
    with pytest.raises(ImportRejectedError, match="没有可导入"):
        import_grids(ctx.uow(), actor=ctx.actor, path=tmp_path / "网格模板.xlsx")
    sheet.append(_grid("幸福社区", "一网格"))
    workbook.save(tmp_path / "网格模板.xlsx")
    assert import_grids(ctx.uow(), actor=ctx.actor,
                        path=tmp_path / "网格模板.xlsx").grids_created == 1


# --- staff ---------------------------------------------------------------------------------


@pytest.fixture
def with_grids(ctx: AppContext, tmp_path: Path) -> AppContext:
    """Two communities, each with a grid called 一网格, plus 幸福二网格."""
    path = _xlsx(tmp_path / "grids.xlsx", [GRID_HEADER,
        _grid("幸福社区", "一网格", community_code="001"), _grid("幸福社区", "幸福二网格"),
        _grid("石桥村", "一网格", kind="村", community_code="002", category="一般村")])
    import_grids(ctx.uow(), actor=ctx.actor, path=path)
    return ctx


def _staff(code: object, grid: object, name: object, role: object, phone: object = None,
           unit: object = None, started: object = None, days: object = None) -> list[object]:
    return [code, grid, name, role, phone, unit, None, started, days]


def test_good_staff_file_imports(with_grids: AppContext, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "人员.xlsx", [STAFF_HEADER,
        _staff(f"{STREET}001001", "一网格", "张明", "网格长", 13800005678, "居委会", "2026年1月1日"),
        _staff(None, "幸福二网格", "张明", "网格长", "138 0000 5678", started=46327),
        _staff(int(f"{STREET}002001"), None, "李红", "网格员", "０１０-６５４３２１００", "城管科",
               "2026/3/1", "18"),
        _staff(f"{STREET}002001", "一网格", "王五", "网格指导员"),
    ])
    summary = import_staff(with_grids.uow(), actor=with_grids.actor, path=path)
    assert summary.staff_created == 4
    assert "新增人员 3 名" in summary.message  # 张明 serves two grids as one person
    by_name = {}
    for row in staff_service.list_staff(with_grids.uow()):
        by_name.setdefault(row.name, []).append(row)
    assert {r.started_on for r in by_name["张明"]} == {date(2026, 1, 1), date(2026, 11, 1)}
    assert len({r.person_id for r in by_name["张明"]}) == 1
    [li] = by_name["李红"]
    assert (li.role, li.phone_masked, li.days_this_month) == (StaffRole.MEMBER, "********2100", 18)
    [wang] = by_name["王五"]
    assert wang.started_on == today()


def test_bad_staff_file_reports_every_problem(with_grids: AppContext, tmp_path: Path) -> None:
    grids = {g.code: g for g in grid_service.list_grids(with_grids.uow())}
    staff_service.assign_staff(with_grids.uow(), actor=with_grids.actor, grid_id=grids[f"{STREET}001001"].id,
                               person=staff_service.PersonInput("老网格长", "13700000000"),
                               role=StaffRole.LEADER)
    before = _snapshot(with_grids)
    path = _xlsx(tmp_path / "人员.xlsx", [STAFF_HEADER,
        _staff(None, "一网格", "甲", "网格员"),                                   # 2: ambiguous name
        _staff(f"{STREET}009001", None, "乙", "网格员"),                          # 3: unknown code
        _staff(f"{STREET}001001", "幸福二网格", "丙", "网格员"),                  # 4: code/name disagree
        _staff(None, "幸福二网格", "丁", "网格员", "1234"),                       # 5: bad phone
        _staff(None, "幸福二网格", "戊", "网格员", "138****5678"),                # 6: masked phone
        _staff(None, "幸福二网格", "己", "网格员", started="2026-02-30"),         # 7: bad date
        _staff(None, "幸福二网格", "庚", "志愿者", days=20),                      # 8: days, not member
        _staff(f"{STREET}001001", None, "辛", "网格长"),                          # 9: leader exists
        _staff(None, "幸福二网格", "壬", "网格长"),                               # 10: fine
        _staff(None, "幸福二网格", "癸", "网格长"),                               # 11: second leader
        _staff(None, "幸福二网格", "", "网格员", "电话待补"),                     # 12: no name, phone
        _staff(None, "幸福二网格", "子", "组长"),                                 # 13: unknown role
        _staff(None, None, "丑", "网格员"),                                       # 14: no grid
        _staff(None, "幸福二网格", "寅", "网格员", days=40),                      # 15: too many days
    ])
    with pytest.raises(ImportRejectedError) as caught:
        import_staff(with_grids.uow(), actor=with_grids.actor, path=path)
    assert _errors(caught) == {
        ("人员.xlsx", 2, "网格名称"), ("人员.xlsx", 3, "网格编码"), ("人员.xlsx", 4, "网格名称"),
        ("人员.xlsx", 5, "联系电话"), ("人员.xlsx", 6, "联系电话"), ("人员.xlsx", 7, "任职日期"),
        ("人员.xlsx", 8, "本月在格天数"), ("人员.xlsx", 9, "角色"), ("人员.xlsx", 11, "角色"),
        ("人员.xlsx", 12, "姓名"), ("人员.xlsx", 12, "联系电话"), ("人员.xlsx", 13, "角色"), ("人员.xlsx", 14, "网格编码"),
        ("人员.xlsx", 15, "本月在格天数"),
    }
    messages = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "幸福社区、石桥村" in messages[(2, "网格名称")]
    assert "老网格长" in messages[(9, "角色")]
    assert "第 10 行" in messages[(11, "角色")]
    assert _snapshot(with_grids) == before


def test_staff_export_masks_phones_and_does_not_reimport_masked(with_grids: AppContext,
                                                                tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "人员.xlsx", [STAFF_HEADER,
        _staff(f"{STREET}001001", None, "张明", "网格长", "13800005678", started="2026-01-01"),
        _staff(f"{STREET}001001", None, "李红", "网格员", "13900001234", days=16)])
    import_staff(with_grids.uow(), actor=with_grids.actor, path=path)

    out = tmp_path / "导出人员.xlsx"
    assert export_staff(with_grids.uow(), out, actor=with_grids.actor) == 2
    sheet = load_workbook(out)["网格人员"]
    assert "个人信息保护法" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == STAFF_HEADER
    rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows[0][2:5] == ["张明", "网格长", "138****5678"]
    assert rows[0][7].date() == date(2026, 1, 1) and sheet["H3"].is_date
    assert rows[1][4] == "139****1234" and rows[1][8] == 16
    assert "13800005678" not in str(rows)

    with pytest.raises(ImportRejectedError) as caught:
        import_staff(with_grids.uow(), actor=with_grids.actor, path=out)
    assert {(e.row, e.column) for e in caught.value.errors} == {(3, "联系电话"), (4, "联系电话")}
    assert "脱敏" in caught.value.errors[0].message


def test_staff_file_must_name_the_grid_column(with_grids: AppContext, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "人员.xlsx", [["姓名", "角色"], ["张明", "网格员"]])
    with pytest.raises(ImportRejectedError) as caught:
        import_staff(with_grids.uow(), actor=with_grids.actor, path=path)
    assert _errors(caught) == {("人员.xlsx", 0, "网格编码")}


def test_cancelled_export_leaves_no_file(with_grids: AppContext, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    target = tmp_path / "导出.xlsx"
    with pytest.raises(CancelledError):
        export_grids(with_grids.uow(), target, actor=with_grids.actor, cancel=token)
    assert list(tmp_path.glob("*导出*")) == []
