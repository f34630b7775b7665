"""Child rows travel inside their parent record (local_db/sync_children.py), so two office
PCs of one street converge on them too: a demand's timeline and cooperating units, a
joint action's units, needs, participants, grids and demands, a grid's and an officer's
history, a 网格员's days in the grid."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.demand_states import HandlingLevel
from desktop.domain.grids import StaffRole
from desktop.domain.roster import EnforcementDomain, Force, OfficerStatus, StaffingType
from desktop.services import demands, grid_lifecycle, grid_staff, roster
from desktop.services import joint_actions as actions
from desktop.services.action_building import NeedInput, ParticipantInput
from desktop.services.demand_flow import Routing
from desktop.services.grid_lifecycle import SplitPart
from tests.district.server_fixture import FURONG, DistrictServer
from tests.integration.action_fixtures import PLANNER, build_roster, id_number, plan
from tests.integration.permission_cases import fields as grid_fields
from tests.sync_faults.compare import assert_converged, compare_street
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import OPERATOR, Install, assert_ledger, query

pytestmark = pytest.mark.timeout(180)


def _check(district: DistrictServer, *installs: Install) -> None:
    assert_converged(district.db_url, FURONG, *(i.database for i in installs))
    for install in installs:
        assert_ledger(district.db_url, install)


def _rows(install: Install, sql: str, *params: object) -> list[tuple[object, ...]]:
    return query(install.database, sql, *params)


def _timeline(install: Install, demand: str) -> list[tuple[object, ...]]:
    return _rows(install, "select action, from_status, to_status, occurred_at, actor, unit_id, "
                          "note from demand_step where demand_id = ? order by id", demand)


def test_a_demand_handled_on_one_pc_shows_the_same_timeline_on_the_other(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    lead, helper = (row[0] for row in _rows(one, "select id from unit order by name limit 2"))
    demand = one.intake("小区门口占道经营")
    demands.triage(one.context.uow(), actor=OPERATOR, demand_id=demand,
                   expected_version=one.local_version("demand", demand),
                   routing=Routing(HandlingLevel.DISTRICT, lead, (helper,)))
    demands.dispatch(one.context.uow(), actor=OPERATOR, demand_id=demand,
                     expected_version=one.local_version("demand", demand))
    demands.start_handling(one.context.uow(), actor=OPERATOR, demand_id=demand,
                           expected_version=one.local_version("demand", demand))
    one.sync()
    two.sync()

    steps = _timeline(one, demand)
    assert len(steps) >= 4  # 受理, 研判, 派遣, 签收
    assert _timeline(two, demand) == steps
    assert _rows(two, "select unit_id from demand_unit where demand_id = ?", demand) == [(helper,)]
    _check(district, one, two)

    # the other PC goes on with the same demand; its steps come back to the first
    demands.supervise(two.context.uow(), actor=OPERATOR, demand_id=demand,
                      expected_version=two.local_version("demand", demand), note="请加快处置")
    two.sync()
    one.sync()
    assert _timeline(one, demand) == _timeline(two, demand)
    assert len(_timeline(one, demand)) == len(steps) + 1
    _check(district, one, two)


def test_a_joint_action_arrives_whole_and_a_removed_participant_leaves(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    people = build_roster(one.context)
    community = one.add_community("东风社区", "051")
    grid = one.add_grid(community, "东风一网格")
    data = replace(plan(people), grid_ids=(grid,), needs=(
        NeedInput(people.team_unit, EnforcementDomain.URBAN_MANAGEMENT, 3, 2),))
    draft = actions.create_action(one.context.uow(), actor=PLANNER, data=data)
    staffed = actions.set_participants(
        one.context.uow(), actor=PLANNER, action_id=draft.id, expected_version=draft.version,
        participants=[ParticipantInput(o) for o in (*people.certified, people.helper)])
    one.sync()
    two.sync()

    tables = ("action_unit", "action_need", "action_participant", "action_grid", "action_demand")
    for table in tables:
        mine = _children(one, table, draft.id)
        assert mine, table
        assert _children(two, table, draft.id) == mine, table
    _check(district, one, two)

    actions.set_participants(
        one.context.uow(), actor=PLANNER, action_id=draft.id, expected_version=staffed.version,
        participants=[ParticipantInput(o) for o in people.certified])
    one.sync()
    two.sync()
    officers = {row[0] for row in _rows(two, "select officer_id from action_participant "
                                             "where action_id = ?", draft.id)}
    assert officers == set(people.certified)
    _check(district, one, two)


def _children(install: Install, table: str, action_id: str) -> list[tuple[object, ...]]:
    columns = [row[1] for row in _rows(install, f"pragma table_info({table})")
               if row[1] not in ("id", "action_id")]
    return _rows(install, f"select {', '.join(columns)} from {table} where action_id = ? "
                          "order by id", action_id)


def test_grid_and_officer_history_travel(district: DistrictServer, proxy: FaultProxy,
                                         make_install: Callable[..., Install]) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    community = one.add_community("东风社区", "051")
    grid = one.add_grid(community, "东风一网格")
    one.update_grid(grid, "东风一网格（调整）", population=420)
    staff = grid_staff.assign_staff(one.context.uow(), actor=LOCAL_ADMIN, grid_id=grid,
                                    person=grid_staff.PersonInput("刘网格", "13900000001"),
                                    role=StaffRole.MEMBER)
    grid_staff.record_presence(one.context.uow(), actor=LOCAL_ADMIN,
                               assignment_id=staff.assignment_id, month="2027-02", days=18)
    parts = grid_lifecycle.split_grid(one.context.uow(), actor=LOCAL_ADMIN, grid_id=grid, parts=[
        SplitPart(grid_fields("东风一网格北")), SplitPart(grid_fields("东风一网格南"))])
    officer = roster.create_officer(one.context.uow(), actor=LOCAL_ADMIN, data=roster.OfficerInput(
        "钱执法", id_number(61), Force.STREET, StaffingType.CIVIL_SERVANT))
    roster.change_status(one.context.uow(), actor=LOCAL_ADMIN, officer_id=officer.id,
                         status=OfficerStatus.ON_LEAVE, since=date(2027, 3, 1), note="病假")
    one.sync()
    two.sync()

    events = "select kind, occurred_at, actor, summary from grid_event where grid_id = ? order by id"
    assert len(_rows(one, events, grid)) >= 4  # created, updated, staff, presence, split
    assert _rows(two, events, grid) == _rows(one, events, grid)
    lineage = "select predecessor_id, successor_id, event from grid_lineage order by successor_id"
    assert {row[1] for row in _rows(two, lineage)} == {part.id for part in parts}
    assert _rows(two, lineage) == _rows(one, lineage)
    presence = "select assignment_id, month, days from grid_presence"
    assert _rows(two, presence) == _rows(one, presence) == [(staff.assignment_id, "2027-02", 18)]
    history = "select kind, summary from officer_event where officer_id = ? order by id"
    assert len(_rows(two, history, officer.id)) == 2
    assert _rows(two, history, officer.id) == _rows(one, history, officer.id)
    _check(district, one, two)


def test_the_comparison_sees_a_missing_child_row(
        district: DistrictServer, make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    community = pc.add_community("东风社区", "051")
    grid = pc.add_grid(community, "东风一网格")
    pc.sync()
    assert compare_street(district.db_url, FURONG, pc.database).equal
    with sqlite3.connect(pc.database) as db:
        db.execute("delete from grid_event where grid_id = ?", (grid,))
    comparison = compare_street(district.db_url, FURONG, pc.database)
    assert [(key, name) for key, name, *_ in comparison.fields] == [
        (("grid", grid), "_children.grid_event")]
