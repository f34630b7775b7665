"""The numbers an install gives carry its 终端号 (desktop/services/numbering.py): install
1 and an install not enrolled keep the plain format, install k ≥ 2 inserts ``k-``, and
each install's sequence runs on without gaps, never reading another install's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.bootstrap import AppContext
from desktop.domain.whistles import WhistleKind
from desktop.services import numbering
from desktop.services.action_building import add_action
from local_db.models import Demand
from tests.integration.action_fixtures import PLANNER, build_roster, plan
from tests.integration.demand_helpers import Clock, Desk
from tests.integration.test_whistles import MONDAY, call
from tests.integration.test_whistles import clock as clock  # the fixtures it uses
from tests.integration.test_whistles import desk as desk


def _install(context: AppContext, number: int | None, *, enrolled: bool = True) -> None:
    with context.uow() as uow:
        state = uow.sync.state()
        state.client_id = "0190-client" if enrolled else None
        state.install_number = number
        uow.commit()


def _numbers(desk: Desk, count: int) -> list[str]:
    return [desk.intake(title=f"第{n}件").number for n in range(count)]


def test_demand_numbers_per_install(desk: Desk, clock: Clock) -> None:
    day = f"{MONDAY:%Y%m%d}"
    assert _numbers(desk, 2) == [f"{day}-0001", f"{day}-0002"]  # not enrolled: as before
    _install(desk.context, 2)
    assert _numbers(desk, 2) == [f"{day}-2-0001", f"{day}-2-0002"]
    _install(desk.context, 12)
    assert _numbers(desk, 1) == [f"{day}-12-0001"]  # 12- is not read as 1… or 2-
    _install(desk.context, 1)
    assert _numbers(desk, 1) == [f"{day}-0003"]  # install 1 skips the others' numbers
    _install(desk.context, 2, enrolled=False)  # the link cut (a restore): plain again
    assert _numbers(desk, 1) == [f"{day}-0004"]
    _install(desk.context, 2)
    assert _numbers(desk, 1) == [f"{day}-2-0003"]  # install 2 goes on, no gap
    clock.set(MONDAY + timedelta(days=1))
    assert _numbers(desk, 1) == [f"{MONDAY + timedelta(days=1):%Y%m%d}-2-0001"]


def test_the_new_numbers_are_found_by_search(desk: Desk, clock: Clock) -> None:
    from desktop.services.demand_lists import DemandFilter, list_demands

    _install(desk.context, 2)
    number = desk.intake(title="路灯不亮").number
    found = list_demands(desk.uow(), filter=DemandFilter(text=number))
    assert [row.number for row in found.rows] == [number]
    found = list_demands(desk.uow(), filter=DemandFilter(text="-2-0001"))
    assert [row.number for row in found.rows] == [number]


def test_whistle_numbers_per_install(desk: Desk, clock: Clock) -> None:
    day = f"{MONDAY:%Y%m%d}"
    assert call(desk).whistle.number == f"哨-{day}-001"
    _install(desk.context, 3)
    assert call(desk).whistle.number == f"哨-{day}-3-001"
    assert call(desk, WhistleKind.DAILY).whistle.number == f"哨-{day}-3-002"
    _install(desk.context, 1)
    assert call(desk).whistle.number == f"哨-{day}-002"


def test_action_numbers_per_install(context: AppContext) -> None:
    roster = build_roster(context)
    year = plan(roster).starts_at.year

    def number() -> str:
        with context.uow() as uow:
            action = add_action(uow, actor=PLANNER, data=plan(roster, demand=False))
            uow.commit()
            return action.number

    assert number() == f"LX{year}-0001"
    _install(context, 2)
    assert [number(), number()] == [f"LX{year}-2-0001", f"LX{year}-2-0002"]
    _install(context, 1)
    assert number() == f"LX{year}-0002"


def test_a_prefix_with_glob_wildcards_is_refused(context: AppContext) -> None:
    with context.uow() as uow, pytest.raises(ValueError, match="GLOB"):
        numbering.last_sequence(uow, Demand.number, "2026*-", 4)
