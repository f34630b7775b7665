"""A small street for the demand tests: two units, the default categories, one grid, a
clock the tests set, and shortcuts to take a demand in and move it along."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from desktop.bootstrap import AppContext
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_states import DemandAction, HandlingLevel, Rating
from desktop.domain.grids import CommunityKind, GridCategory, GridKind
from desktop.domain.roster import UnitKind
from desktop.services import demands, grids, units
from desktop.services.calendar import calendar_in
from desktop.services.demand_categories import add_default_categories
from desktop.services.demand_flow import ActionInput, Routing, apply_action
from desktop.services.demand_intake import IntakeInput
from desktop.services.demand_rows import DemandRow
from desktop.services.subcenter import set_up_sub_center
from tests.conftest import STREET

OPERATOR = Actor("李坐席", Role.OPERATOR)
DIRECTOR = Actor("赵主任", Role.DIRECTOR)
CLERK = Actor("陈文书", Role.CLERK)
PHONE = "13812345678"
A = DemandAction


class Clock:
    """``desktop.clock.now`` as the test sets it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        self.moment = start
        monkeypatch.setattr("desktop.clock.now", lambda: self.moment)

    def set(self, moment: datetime) -> None:
        self.moment = moment


@dataclass
class Desk:
    context: AppContext
    city: str  # 区城管执法局
    housing: str  # 区住房和城乡建设局
    team: str  # the street's own team
    grid_id: str
    categories: dict[str, str] = field(default_factory=dict)

    def uow(self):  # type: ignore[no-untyped-def]
        return self.context.uow()

    def intake(self, actor: Actor = OPERATOR, **overrides: Any) -> DemandRow:
        values: dict[str, Any] = {
            "title": "商户占道经营", "content": "黄兴中路商户长期把货架摆上人行道。",
            "kind": DemandKind.ENFORCEMENT, "source": DemandSource.HOTLINE,
            "nature": DemandNature.COMPLAINT, "reporter_name": "王先生", "reporter_phone": PHONE,
            "address": "黄兴中路88号", "grid_id": self.grid_id,
            "category_id": self.categories["占道经营"],
        } | overrides
        data = IntakeInput(values.pop("title"), values.pop("content"), values.pop("kind"),
                           values.pop("source"), values.pop("nature"), **values)
        return demands.intake_demand(self.uow(), actor=actor, data=data)

    def routing(self, lead: str | None = None, *helpers: str) -> Routing:
        return Routing(HandlingLevel.STREET, lead or self.city, tuple(helpers),
                       self.categories["占道经营"])

    def advance(self, demand_id: str, actions: tuple[DemandAction, ...],
                actor: Actor = OPERATOR, at: datetime | None = None) -> None:
        """Move a demand along with the building blocks, in one transaction (fast)."""
        from desktop import clock

        with self.uow() as uow:
            demand = uow.demands.get(demand_id)
            calendar = calendar_in(uow)
            for action in actions:
                apply_action(uow, demand, action, actor=actor, at=at or clock.now(),
                             calendar=calendar, data=self.input_for(action))
            uow.commit()

    def input_for(self, action: DemandAction, into_id: str | None = None) -> ActionInput:
        return {
            A.TRIAGE: ActionInput(routing=self.routing()),
            A.RATE: ActionInput(rating=Rating.SATISFIED),
            A.MERGE: ActionInput(into_id=into_id),
        }.get(action, ActionInput(note=f"{action.label}说明"))

    def row(self, demand_id: str) -> DemandRow:
        return demands.get_demand(self.uow(), demand_id).demand


def build_desk(context: AppContext) -> Desk:
    admin = LOCAL_ADMIN
    set_up_sub_center(context.uow(), actor=admin, **STREET)
    community = grids.create_community(context.uow(), actor=admin, name="东风社区",
                                       kind=CommunityKind.COMMUNITY, code="001")
    grid = grids.create_grid(context.uow(), actor=admin, community_id=community.id,
                             fields=grids.GridFields("东风一网格", GridKind.BASE,
                                                     GridCategory.URBAN_COMMUNITY,
                                                     households=100, population=300))
    made = [units.create_unit(context.uow(), actor=admin, data=units.UnitInput(
        name, kind, short_name=short)) for name, short, kind in (
        ("区城管执法局", "区城管局", UnitKind.DEPARTMENT),
        ("区住房和城乡建设局", "区住建局", UnitKind.DEPARTMENT),
        ("测试街道综合行政执法队", "街道执法队", UnitKind.STREET_OFFICE))]
    with context.uow() as uow:
        categories = add_default_categories(uow)
        uow.commit()
    return Desk(context, made[0].id, made[1].id, made[2].id, grid.id, categories)


def rows(context: AppContext, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        return list(db.execute(sql, params))
