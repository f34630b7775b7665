"""Two office PCs of one street converge through the district: each sees the other's
work after a sync, and the same record edited on both ends the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from desktop.domain.actor import LOCAL_ADMIN
from desktop.services.subcenter import set_up_sub_center
from desktop.sync.services import list_conflicts
from tests.conftest import STREET
from tests.district.server_fixture import FURONG, DistrictServer
from tests.integration.sync_helpers import synced_context
from tests.sync_faults.compare import assert_converged, server_records
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import Install, assert_ledger, enroll, query

pytestmark = pytest.mark.timeout(120)


def _check(district: DistrictServer, *installs: Install) -> None:
    assert_converged(district.db_url, FURONG, *(i.database for i in installs))
    for install in installs:
        assert_ledger(district.db_url, install)


def test_grid_edits_and_a_demand_made_on_two_pcs_converge(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    community = one.add_community("东风社区", "051")
    grid = one.add_grid(community, "东风一网格")
    demand = one.intake("路灯不亮")
    one.sync()
    two.sync()
    two.add_grid(community, "东风二网格")
    two.update_grid(grid, "东风一网格（二号机）", population=700)
    one.update_grid(grid, "东风一网格（一号机）", population=900)
    one.sync()
    two.sync()
    one.sync()
    assert one.value("demand", demand, "title") == two.value("demand", demand, "title")
    assert one.value("grid", grid, "name") == "东风一网格（二号机）"  # the later push
    _check(district, one, two)


def test_a_district_edit_after_a_local_demand_step_reaches_the_street(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    demand = pc.intake("路灯不亮")
    pc.sync()
    pc.triage_by_community(demand)  # local version 1 -> 3; the district's 1 -> 2
    pc.sync()
    answer = district.admin("PATCH", f"/admin/api/streets/{FURONG}/records/demand/{demand}",
                            json={"address": "区里核实后的地址"})  # the district's 2 -> 3
    assert answer.status_code == 200, answer.text
    pc.sync()  # version 3 is not newer than the local 3: not applied
    assert pc.value("demand", demand, "address") == "区里核实后的地址"
    _check(district, pc)


def test_demands_taken_in_on_two_pcs_the_same_day_both_arrive_everywhere(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    first = one.intake("一号机受理的诉求")
    second = two.intake("二号机受理的诉求")
    one.sync()
    two.sync()
    one.sync()
    assert {row[0] for row in query(one.database, "select id from demand")} >= {first, second}
    day = f"{datetime.now():%Y%m%d}"
    assert one.value("demand", first, "number") == f"{day}-0001"  # install 1: as before
    assert two.value("demand", second, "number") == f"{day}-2-0001"  # install 2
    assert one.value("demand", second, "number") == f"{day}-2-0001"
    assert list_conflicts(one.context.uow()) == [] and list_conflicts(two.context.uow()) == []
    third = two.intake("二号机受理的第二件")
    assert two.value("demand", third, "number") == f"{day}-2-0002"  # its own sequence
    two.sync()
    one.sync()
    _check(district, one, two)


def test_numbers_made_before_enrolling_that_clash_are_kept_as_a_conflict(
        district: DistrictServer, proxy: FaultProxy, tmp_path: Path,
        make_install: Callable[..., Install]) -> None:
    """Two installs that numbered before the second one enrolled can still give the same
    受理编号: the pulled demand is not lost, it waits as a conflict the user sees."""
    one = make_install("pc1")
    first = one.intake("一号机受理的诉求")
    one.sync()
    early = synced_context(tmp_path / "pc2")  # set up by hand, numbered, then enrolled
    set_up_sub_center(early.uow(), actor=LOCAL_ADMIN, **STREET)
    own = Install(tmp_path / "pc2", early)
    mine = own.intake("二号机注册前受理的诉求")
    assert own.value("demand", mine, "number") == one.value("demand", first, "number")
    early.close()

    two = enroll(tmp_path / "pc2", proxy.url, FURONG)
    try:
        conflicts = [c for c in list_conflicts(two.context.uow()) if c.record_id == first]
        assert conflicts, "the district's demand with the same number was dropped"
        assert "无法保存到本机" in conflicts[0].reason
        assert conflicts[0].server["title"] == "一号机受理的诉求"  # both sides kept
        assert two.value("demand", mine, "title") == "二号机注册前受理的诉求"
        assert ("demand", mine) in server_records(district.db_url, FURONG)  # pushed anyway
    finally:
        two.close()
