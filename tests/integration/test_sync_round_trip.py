"""The sync client against the real reference district server on 127.0.0.1: enrolment
of an empty folder, push and pull, two installs of one street converging, district
edits arriving, a pending local edit surviving a pull, conflicts with both sides."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.grids import CommunityKind
from desktop.services import grids
from desktop.services.subcenter import get_sub_center
from desktop.sync import store
from desktop.sync.services import list_conflicts, resolve_conflict, sync_overview
from tests.district.conftest import Api
from tests.district.server_fixture import FURONG, DistrictServer, running_district
from tests.integration.permission_cases import fields
from tests.integration.sync_helpers import (
    enroll_folder,
    outbox,
    query,
    street_rows,
    sync,
    waiting,
)


@pytest.fixture
def district(tmp_path: Path) -> Iterator[DistrictServer]:
    (tmp_path / "district").mkdir()
    with running_district(tmp_path / "district") as server:
        yield server


def _street_records(district: DistrictServer) -> dict[tuple[str, str], dict]:
    """What the district holds for 芙蓉街道 (through a separate enrolment)."""
    return Api(district, district.enroll(FURONG)).pull_all()


def _add_grid(context, name: str = "东风一网格"):  # type: ignore[no-untyped-def]
    community = grids.create_community(context.uow(), actor=LOCAL_ADMIN, name=f"{name}社区",
                                       kind=CommunityKind.COMMUNITY, code="051")
    return grids.create_grid(context.uow(), actor=LOCAL_ADMIN, community_id=community.id,
                             fields=fields(name))


def test_enrolling_an_empty_folder_sets_the_sub_center_up_and_downloads_the_street(
        district: DistrictServer, tmp_path: Path) -> None:
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)

    info = get_sub_center(context.uow())
    assert info is not None and info.division_code == FURONG and info.street_name == "芙蓉街道"
    server = _street_records(district)
    local_ids = {row[0] for row in query(context, "select id from demand")}
    assert local_ids == {rid for (table, rid) in server if table == "demand"}
    assert query(context, "select count(*) from unit")[0][0] == sum(
        1 for table, _ in server if table == "unit")
    assert query(context, "select count(*) from calendar_year")[0][0] >= 1  # holidays came down
    overview = sync_overview(context.uow())
    assert overview.enrolled and overview.initial_pull_done and overview.waiting == 0
    assert outbox(context) == []  # applying the download queued nothing


def test_local_changes_are_pushed_once_and_leave_the_outbox(district: DistrictServer,
                                                           tmp_path: Path) -> None:
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    grid = _add_grid(context)
    grids.update_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id,
                      expected_version=grid.version, fields=fields("东风一网格", population=512))
    assert waiting(context) == 3

    message = sync(context)

    assert "上传 3 条" in message
    assert waiting(context) == 0
    server = _street_records(district)
    assert server[("grid", grid.id)]["fields"]["population"] == 512
    assert server[("grid", grid.id)]["version"] == 2
    local_version = query(context, "select version from grid where id = ?", grid.id)[0][0]
    assert local_version == 2  # the district's number
    sync(context)  # nothing doubled by a second run
    assert _street_records(district)[("grid", grid.id)]["version"] == 2


def test_two_installs_of_one_street_converge_through_the_district(district: DistrictServer,
                                                                 tmp_path: Path) -> None:
    one = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    grid = _add_grid(one)
    sync(one)
    two = enroll_folder(tmp_path / "pc2", district.url, FURONG)  # an empty second PC
    assert street_rows(two, "grid", "id, name") == [(grid.id, "东风一网格")]

    row = query(two, "select version from grid")[0][0]
    grids.update_grid(two.uow(), actor=LOCAL_ADMIN, grid_id=grid.id, expected_version=row,
                      fields=fields("东风一网格（调整）", population=999))
    sync(two)
    sync(one)

    for table in ("grid", "community", "demand", "unit"):
        assert street_rows(one, table) == street_rows(two, table), table
    assert query(one, "select name, population from grid") == [("东风一网格（调整）", 999)]


def test_a_district_work_order_and_a_holiday_table_arrive(district: DistrictServer,
                                                          tmp_path: Path) -> None:
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    order = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders", json={
        "title": "芙蓉路井盖缺失", "content": "芙蓉路 88 号门前井盖缺失，需尽快处置。"})
    assert order.status_code == 200, order.text
    days = [{"day": "2031-01-01", "is_workday": False, "name": "元旦"}]
    holidays = district.admin("PUT", "/admin/api/holidays/2031", json={"year": 2031, "days": days})
    assert holidays.status_code == 200, holidays.text

    sync(context)

    demand = query(context, "select title, source, version from demand where id = ?",
                   order.json()["id"])
    assert demand == [("芙蓉路井盖缺失", "district_dispatch", order.json()["version"])]
    assert query(context, "select source from calendar_year where year = 2031") == [("district",)]
    assert query(context, "select name from calendar_day where day = '2031-01-01'") == [("元旦",)]
    assert outbox(context) == []


def test_a_pending_local_edit_is_not_overwritten_by_a_pull_and_conflicts_after(
        district: DistrictServer, tmp_path: Path) -> None:
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    grid = _add_grid(context)
    sync(context)
    override = district.admin("PATCH", f"/admin/api/streets/{FURONG}/records/grid/{grid.id}",
                              json={"name": "区里改的名字"})
    assert override.status_code == 200, override.text
    version = query(context, "select version from grid")[0][0]
    grids.update_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id,
                      expected_version=version, fields=fields("街道改的名字"))

    # a pull while the edit waits: the district's row does not replace the local edit
    api = Api(district, district.enroll(FURONG))
    page = api.pull()
    store.apply_page(context.engine, page["changes"], page["cursor"], page.get("remaining"))
    assert query(context, "select name from grid") == [("街道改的名字",)]

    sync(context)  # the push meets the district's edit: a conflict the street may override
    conflicts = list_conflicts(context.uow())
    assert len(conflicts) == 1 and conflicts[0].resendable
    assert conflicts[0].local["name"] == "街道改的名字"
    assert conflicts[0].server["name"] == "区里改的名字"

    resolve_conflict(context.uow(), actor=LOCAL_ADMIN, conflict_id=conflicts[0].id, choice="mine")
    sync(context)
    assert _street_records(district)[("grid", grid.id)]["fields"]["name"] == "街道改的名字"
    assert list_conflicts(context.uow()) == [] and waiting(context) == 0


def test_a_change_to_a_district_owned_field_is_a_conflict_and_the_district_value_stands(
        district: DistrictServer, tmp_path: Path) -> None:
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    order = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders", json={
        "title": "区级派单", "content": "请街道核实处置。"}).json()
    sync(context)
    with context.uow() as uow:  # the street rewrites the district's title and rates it
        demand = uow.demands.get(order["id"]) if hasattr(uow.demands, "get") else None
        if demand is None:
            from local_db.models import Demand

            demand = uow.session.get(Demand, order["id"])
        demand.title, demand.rating = "街道改的标题", "satisfied"
        uow.commit()

    sync(context)

    conflicts = list_conflicts(context.uow())
    assert len(conflicts) == 1 and not conflicts[0].resendable
    assert conflicts[0].server["title"] == "区级派单"
    # the district value came back by pull; the street-owned rating was kept
    assert query(context, "select title, rating from demand where id = ?", order["id"]) == [
        ("区级派单", "satisfied")]
    with pytest.raises(Exception, match="只能采用平台的版本"):
        resolve_conflict(context.uow(), actor=LOCAL_ADMIN, conflict_id=conflicts[0].id,
                         choice="mine")
    resolve_conflict(context.uow(), actor=LOCAL_ADMIN, conflict_id=conflicts[0].id,
                     choice="district")
    assert list_conflicts(context.uow()) == []


def test_a_refused_mutation_is_kept_for_the_user_and_never_blocks_the_queue(
        district: DistrictServer, tmp_path: Path) -> None:
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    with context.uow() as uow:  # a list version made locally: the district owns lists
        from desktop.clock import now
        from local_db.models import ResponsibilityListVersion

        uow.session.add(ResponsibilityListVersion(
            id="0190f000-0000-7000-8000-000000000001", number=99, title="本地清单",
            published_on=now().date(), source="import", is_current=False,
            created_at=now(), updated_at=now()))
        uow.commit()
    grid = _add_grid(context)  # queued after the refused one

    sync(context)

    assert [row[3] for row in outbox(context)] == ["rejected"]
    assert ("grid", grid.id) in _street_records(district)
    assert json.loads(query(context, "select payload from sync_outbox where state='rejected'")[0][0])[
        "title"] == "本地清单"


def test_work_order_steps_travel_as_commands_the_district_checks(district: DistrictServer,
                                                                 tmp_path: Path) -> None:
    from desktop.clock import now
    from local_db.models import Demand, DemandStep

    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    order = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders", json={
        "title": "区级派单：噪音扰民", "content": "夜间施工噪音扰民。"}).json()
    sync(context)

    def step(status: str, note: str = "") -> None:
        with context.uow() as uow:
            demand = uow.session.get(Demand, order["id"])
            uow.session.add(DemandStep(demand_id=demand.id, action="x", from_status=demand.status,
                                       to_status=status, occurred_at=now(), actor="坐席甲",
                                       note=note))
            demand.status = status
            uow.commit()

    step("triaged")  # the first step after receipt: 签收
    assert [row[2] for row in outbox(context)] == ["upsert", "command"]
    sync(context)
    server = _street_records(district)[("demand", order["id"])]["fields"]
    assert server["district_status"] == "accepted" and server["status"] == "triaged"

    step("handling")
    step("reported", "已责令停止夜间施工")  # 处置反馈 → 办结反馈 to the district
    sync(context)
    server = _street_records(district)[("demand", order["id"])]["fields"]
    assert server["district_status"] == "completion_submitted"
    assert server["completion"]["summary"] == "已责令停止夜间施工"
    assert waiting(context) == 0 and list_conflicts(context.uow()) == []

    district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders/{order['id']}/recall",
                   json={"reason": "重复派单"})
    step("sent_back", "不属于本街道")  # a step on a recalled order: the district refuses it
    sync(context)
    conflicts = list_conflicts(context.uow())
    assert len(conflicts) == 1 and "撤回" in conflicts[0].reason


def test_a_demands_file_is_uploaded_in_chunks_before_the_demand(district: DistrictServer,
                                                                tmp_path: Path) -> None:
    import hashlib
    import os

    from desktop.domain.actor import Actor, Role
    from desktop.services.attachments import store_attachment

    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    order = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders", json={
        "title": "占道经营", "content": "附现场照片。"}).json()
    sync(context)
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(os.urandom(2 * 1024 * 1024 + 12345))  # three chunks
    store_attachment(context.paths, context.uow(), actor=Actor("坐席甲", Role.OPERATOR),
                     demand_id=order["id"], source_path=photo)
    assert [row[:3] for row in outbox(context)] == [("demand", order["id"], "upsert")]

    sync(context)

    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    api = Api(district, district.enroll(FURONG))
    status = api.http.get(f"/api/attachments/{sha}/status", headers=api.headers).json()
    assert status["complete"] and status["received"] == photo.stat().st_size
    assert api.http.get(f"/api/attachments/{sha}", headers=api.headers).content == \
        photo.read_bytes()
    assert waiting(context) == 0
