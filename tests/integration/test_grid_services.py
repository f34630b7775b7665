"""Grid use cases on a real migrated SQLite file: codes, edits, history, merge, split,
retire, staff and the seeds' staffing rules."""

from __future__ import annotations

import json
from datetime import date

import pytest

from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.grids import (
    CommunityKind,
    DedicatedType,
    GridCategory,
    GridKind,
    GridStatus,
    StaffRole,
    WarningKind,
)
from desktop.services import grid_lifecycle, grid_staff, grids
from desktop.services.grid_staff import PersonInput


def _square(x: float, y: float, size: float = 0.001) -> str:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _fields(name: str, **extra) -> grids.GridFields:  # type: ignore[no-untyped-def]
    return grids.GridFields(name, GridKind.BASE, GridCategory.URBAN_COMMUNITY,
                            households=extra.pop("households", 100),
                            population=extra.pop("population", 300), **extra)


@pytest.fixture
def community(context, street):  # type: ignore[no-untyped-def]
    return grids.create_community(context.uow(), actor=LOCAL_ADMIN, name="东风社区",
                                  kind=CommunityKind.COMMUNITY)


def _grid(context, community, name: str, boundary: str | None = None,  # type: ignore[no-untyped-def]
          **extra):
    return grids.create_grid(context.uow(), actor=LOCAL_ADMIN, community_id=community.id,
                             fields=_fields(name, **extra), boundary_geojson=boundary)


def test_codes_follow_street_community_sequence(context, community) -> None:
    first = _grid(context, community, "一网格")
    second = _grid(context, community, "二网格")
    assert community.code == "001"
    assert (first.code, second.code) == ("430102007001001", "430102007001002")
    other = grids.create_community(context.uow(), actor=LOCAL_ADMIN, name="荷花村",
                                   kind=CommunityKind.VILLAGE, code="201")
    assert _grid(context, other, "荷花一组").code == "430102007201001"


def test_a_used_sequence_and_a_duplicate_community_are_refused(context, community) -> None:
    grids.create_grid(context.uow(), actor=LOCAL_ADMIN, community_id=community.id,
                      fields=_fields("一网格"), seq=7)
    with pytest.raises(ConflictError, match="007 已被使用"):
        grids.create_grid(context.uow(), actor=LOCAL_ADMIN, community_id=community.id,
                          fields=_fields("又一网格"), seq=7)
    with pytest.raises(ConflictError, match="已有名为"):
        grids.create_community(context.uow(), actor=LOCAL_ADMIN, name="东风社区",
                               kind=CommunityKind.COMMUNITY)


def test_dedicated_grid_needs_its_type(context, community) -> None:
    with pytest.raises(ValidationError, match="专属网格类型"):
        grids.create_grid(context.uow(), actor=LOCAL_ADMIN, community_id=community.id,
                          fields=grids.GridFields("长郡中学", GridKind.DEDICATED,
                                                  GridCategory.URBAN_COMMUNITY))
    school = grids.create_grid(
        context.uow(), actor=LOCAL_ADMIN, community_id=community.id,
        fields=grids.GridFields("长郡中学", GridKind.DEDICATED, GridCategory.URBAN_COMMUNITY,
                                dedicated_type=DedicatedType.SCHOOL))
    assert school.dedicated_type is DedicatedType.SCHOOL


def test_edit_keeps_the_note_records_history_and_guards_the_version(context, community) -> None:
    grid = _grid(context, community, "一网格", note="临街商铺多")
    assert grid.note == "临街商铺多"
    edited = grids.update_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id,
                               expected_version=grid.version,
                               fields=_fields("一网格", population=450, note=grid.note))
    assert (edited.population, edited.note, edited.version) == (450, "临街商铺多", 2)
    history = [e.summary for e in grids.grid_history(context.uow(), grid.id)]
    assert any("人口：300 → 450" in line for line in history)
    with pytest.raises(ConflictError, match="已被他人修改"):
        grids.update_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id,
                          expected_version=1, fields=_fields("一网格", population=500))
    assert grids.get_grid(context.uow(), grid.id).population == 450


def test_merge_keeps_the_old_grids_with_lineage_and_unions_boundaries(context, community) -> None:
    a = _grid(context, community, "一网格", boundary=_square(112.98, 28.19))
    b = _grid(context, community, "二网格", boundary=_square(112.981, 28.19))
    merged = grid_lifecycle.merge_grids(context.uow(), actor=LOCAL_ADMIN, grid_ids=[a.id, b.id],
                               fields=_fields("一二网格", households=200, population=600))
    assert merged.has_boundary
    assert [g.id for g in grids.list_grids(context.uow())] == [merged.id]
    everything = {g.id: g for g in grids.list_grids(context.uow(), include_retired=True)}
    assert everything[a.id].status is GridStatus.MERGED
    assert everything[b.id].status is GridStatus.MERGED
    with pytest.raises(ConflictError, match="已合并"):
        grids.update_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=a.id,
                          expected_version=everything[a.id].version, fields=_fields("x"))


def test_split_and_retire(context, community) -> None:
    grid = _grid(context, community, "大网格", households=400, population=1200)
    parts = grid_lifecycle.split_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id, parts=[
        grid_lifecycle.SplitPart(_fields("北片", households=200, population=600)),
        grid_lifecycle.SplitPart(_fields("南片", households=200, population=600)),
    ])
    assert len(parts) == 2 and len({p.code for p in parts}) == 2
    assert grids.get_grid(context.uow(), grid.id).status is GridStatus.SPLIT
    with pytest.raises(ValidationError, match="撤销原因"):
        grid_lifecycle.retire_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=parts[0].id, reason=" ")
    retired = grid_lifecycle.retire_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=parts[0].id,
                                reason="拆迁", on=date(2026, 11, 1))
    assert retired.status is GridStatus.RETIRED
    assert [g.name for g in grids.list_grids(context.uow())] == ["南片"]


def test_one_person_serves_several_grids_and_one_leader_per_grid(context, community) -> None:
    a = _grid(context, community, "一网格")
    b = _grid(context, community, "二网格")
    person = PersonInput("李四", "13912345678", unit="区城管执法局")
    first = grid_staff.assign_staff(context.uow(), actor=LOCAL_ADMIN, grid_id=a.id,
                                    person=person, role=StaffRole.SUNK)
    second = grid_staff.assign_staff(context.uow(), actor=LOCAL_ADMIN, grid_id=b.id,
                                     person=person, role=StaffRole.SUNK)
    assert first.person_id == second.person_id
    assert first.phone_masked == "139****5678"
    grid_staff.assign_staff(context.uow(), actor=LOCAL_ADMIN, grid_id=a.id,
                            person=PersonInput("王五", "13700000000"), role=StaffRole.LEADER)
    with pytest.raises(ConflictError, match="已有网格长王五"):
        grid_staff.assign_staff(context.uow(), actor=LOCAL_ADMIN, grid_id=a.id,
                                person=PersonInput("赵六", "13600000000"), role=StaffRole.LEADER)
    with pytest.raises(ValidationError, match="联系电话"):
        grid_staff.assign_staff(context.uow(), actor=LOCAL_ADMIN, grid_id=a.id,
                                person=PersonInput("钱七", "12345"), role=StaffRole.VOLUNTEER)


def test_staffing_warnings_follow_the_seeds(context, community) -> None:
    grid = _grid(context, community, "一网格")
    month = "2026-11"

    def kinds() -> set[WarningKind]:
        return {w.kind for w in grid_staff.all_staffing_warnings(context.uow(), month=month)}

    assert kinds() == {WarningKind.NO_LEADER, WarningKind.NO_MEMBER, WarningKind.FEW_INSTRUCTORS}
    member = grid_staff.assign_staff(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id,
                                     person=PersonInput("张三", "13812345678"),
                                     role=StaffRole.MEMBER)
    grid_staff.assign_staff(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id,
                            person=PersonInput("王五", "13700000000"), role=StaffRole.LEADER)
    for index in range(5):
        grid_staff.assign_staff(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id,
                                person=PersonInput(f"指导员{index}", f"1350000000{index}"),
                                role=StaffRole.INSTRUCTOR)
    assert kinds() == set()
    grid_staff.record_presence(context.uow(), actor=LOCAL_ADMIN,
                               assignment_id=member.assignment_id, month=month, days=14)
    assert kinds() == {WarningKind.LOW_PRESENCE}
    grid_staff.record_presence(context.uow(), actor=LOCAL_ADMIN,
                               assignment_id=member.assignment_id, month=month, days=15)
    assert kinds() == set()
    with pytest.raises(ValidationError, match="0–30"):
        grid_staff.record_presence(context.uow(), actor=LOCAL_ADMIN,
                                   assignment_id=member.assignment_id, month=month, days=31)
    grid_staff.end_assignment(context.uow(), actor=LOCAL_ADMIN,
                              assignment_id=member.assignment_id)
    assert WarningKind.NO_MEMBER in kinds()
    with pytest.raises(NotFoundError):
        grid_staff.end_assignment(context.uow(), actor=LOCAL_ADMIN,
                                  assignment_id=member.assignment_id)


def test_nothing_can_be_created_before_the_sub_center_is_set_up(context) -> None:
    community = grids.create_community(context.uow(), actor=LOCAL_ADMIN, name="东风社区",
                                       kind=CommunityKind.COMMUNITY)
    with pytest.raises(ConflictError, match="尚未设置本分中心"):
        _grid(context, community, "一网格")
