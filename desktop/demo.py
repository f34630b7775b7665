"""The demo street: a realistic, made-up 芙蓉街道 (长沙市芙蓉区) to explore the app with.

``subcenter demo`` and the first-run wizard's "载入演示街道" call ``build_demo_street``.
It refuses a data folder that already belongs to a sub-center, and is deterministic for a
seed: the same seed gives the same communities, grid codes, names and people (record ids
and dates relative to today differ).

What it builds, through the same services the screens and imports use so every rule
applies: the sub-center (``is_demo``); 8 communities/villages covering the four grid
categories; ~60 base grids whose GeoJSON boundaries tile each community without gaps or
overlaps, numbered west→east, north→south; 7 dedicated grids (school, hospital, markets,
park, construction site, scenic area) carved out of base grids; every grid's staff and
the 网格员's days in the grid for this month and last, with a few grids deliberately
short so the staffing warnings show. ``demo_officers`` gives the 1+X+Y roster's officers
as plain values for the roster to persist.

The whole street is ONE unit of work and one commit: fast, and a cancel or an error
leaves the data folder empty. Non-committing steps (``add_community``, ``add_grid``,
``add_assignment``) are called directly; use cases that commit on their own
(``record_presence``) run through ``JoinedUnitOfWork``
(local_db/unit_of_work.py), which shares the open transaction and turns their commit
into a flush.

Extending it: later issues add demands, whistles, joint actions and documents, and the
scale data set (``--scale``: ~300 officers, 1,000,000 demands over three years). Each
step below is a small function taking the unit of work and its OWN random generator
(``_rng(seed, "step")``), so adding a step never changes what earlier steps produce.
Bulk steps for the scale set should insert with executemany-style statements rather
than one service call per row, and report progress and honour ``cancel`` per batch.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from desktop.clock import today
from desktop.demo_accounts import add_demo_accounts
from desktop.demo_actions import add_demo_actions
from desktop.demo_data import (
    COMMUNITIES,
    DIVISION_CODE,
    DOC_PREFIX,
    ISSUING_AUTHORITY,
    STREET_NAME,
    CommunitySpec,
    chinese_ordinal,
)
from desktop.demo_demands import add_demo_demands
from desktop.demo_handovers import add_demo_handovers
from desktop.demo_officers import DemoOfficer, demo_officers
from desktop.demo_responsibilities import add_demo_responsibilities
from desktop.demo_roster import add_demo_roster
from desktop.demo_staff import (
    DemoGrid,
    Shortfalls,
    Staffer,
    add_community_staff,
    add_presence,
    add_sunk_staff,
    choose_shortfalls,
)
from desktop.demo_whistles import add_demo_whistles
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError
from desktop.domain.grids import GridKind
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services.grids import GridFields, add_community, add_grid
from desktop.services.subcenter import add_sub_center
from local_db.unit_of_work import JoinedUnitOfWork, UnitOfWork

if TYPE_CHECKING:
    from desktop.bootstrap import AppContext
    from desktop.demo_geometry import PlannedGrid

__all__ = ["DEMO_SEED", "DemoOfficer", "DemoSummary", "build_demo_street", "demo_officers"]

DEMO_SEED = 2026


@dataclass(frozen=True)
class DemoSummary:
    """What was built, for the wizard and the command line; ``message`` says it in Chinese."""

    street_name: str
    communities: int
    base_grids: int
    dedicated_grids: int
    people: int
    assignments: int
    presence_records: int
    officers: int
    message: str


def _rng(seed: int, step: str) -> random.Random:
    return random.Random(f"{seed}:{step}")


def build_demo_street(
    context: AppContext,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
    seed: int = DEMO_SEED,
) -> DemoSummary:
    """Build the demo street into an empty, migrated data folder in one transaction.

    Raises ConflictError when the folder already belongs to a sub-center, and
    CancelledError (nothing stored) when ``cancel`` is set. Runs on a worker thread.
    """
    actor, on = context.actor, today()
    total = 2 * len(COMMUNITIES) + 3
    with context.uow() as uow:
        _refuse_if_not_empty(uow)
        _add_sub_center(uow, actor)
        progress(1, total, f"已建立{STREET_NAME}")
        grids = _add_communities_and_grids(uow, actor, _rng(seed, "grids"), progress, cancel,
                                           total)
        shortfalls = choose_shortfalls(grids, _rng(seed, "shortfalls"))
        staffer = Staffer(uow, actor, _rng(seed, "staff"), on)
        _add_grid_staff(staffer, grids, shortfalls, progress, cancel, total)
        cancel.raise_if_cancelled()
        _add_presence(uow, actor, staffer, shortfalls, _rng(seed, "presence"), on)
        roster = add_demo_roster(uow, actor=actor, rng_seed=seed, on=on)
        add_demo_responsibilities(uow, actor=actor, on=on)
        add_demo_demands(uow, actor=actor, rng_seed=seed, on=on)
        add_demo_whistles(uow, actor=actor, rng_seed=seed, on=on)
        add_demo_handovers(uow, actor=actor, rng_seed=seed, on=on)
        add_demo_actions(uow, actor=actor, rng_seed=seed, on=on)
        progress(total - 1, total, "正在保存……")
        cancel.raise_if_cancelled()
        uow.commit()
    progress(total, total, "演示街道已载入")
    return _summary(grids, staffer, roster.officers)


def _refuse_if_not_empty(uow: UnitOfWork) -> None:
    """The demo never mixes with real data: it goes into an empty data folder only."""
    existing = uow.sub_center.get()
    if existing is not None:
        raise ConflictError(
            f"本数据目录已属于“{existing.center_name}”，不能再载入演示街道（演示数据会与"
            "现有数据混在一起）。如需查看演示，请选择一个新的空数据目录后再载入。"
        )
    if uow.grids.communities():
        raise ConflictError(
            "本数据目录中已有社区/村数据，不能再载入演示街道。"
            "如需查看演示，请选择一个新的空数据目录后再载入。"
        )


def _add_sub_center(uow: UnitOfWork, actor: Actor) -> None:
    """The street and one account per role (password ``DEMO_PASSWORD``)."""
    add_sub_center(uow, actor=actor, street_name=STREET_NAME, division_code=DIVISION_CODE,
                   issuing_authority=ISSUING_AUTHORITY, doc_prefix=DOC_PREFIX, is_demo=True)
    add_demo_accounts(uow, actor=actor)


# --- communities and grids -------------------------------------------------------------


def _grid_fields(spec: CommunitySpec, grid: PlannedGrid, name: str,
                 rng: random.Random) -> GridFields:
    if grid.dedicated is not None:
        return GridFields(name=name, kind=GridKind.DEDICATED, category=spec.category,
                          dedicated_type=grid.dedicated.kind, households=0,
                          population=rng.randint(*grid.dedicated.population),
                          area_km2=grid.area_km2)
    households = rng.randint(*spec.households)
    population = round(households * rng.uniform(*spec.people_per_household))
    return GridFields(name=name, kind=GridKind.BASE, category=spec.category,
                      households=households, population=population, area_km2=grid.area_km2)


def _add_communities_and_grids(uow: UnitOfWork, actor: Actor, rng: random.Random,
                               progress: ProgressCallback, cancel: CancelToken,
                               total: int) -> list[DemoGrid]:
    from desktop.demo_geometry import plan_street  # shapely loads only when a demo is built

    stored: list[DemoGrid] = []
    plans = plan_street(COMMUNITIES, rng)
    for index, (spec, ordered) in enumerate(zip(COMMUNITIES, plans, strict=True)):
        cancel.raise_if_cancelled()
        community = add_community(uow, name=spec.name, kind=spec.kind, code=spec.code)
        base_number = 0
        for seq, planned in enumerate(ordered, start=1):
            if planned.dedicated is None:
                base_number += 1
                name = f"{spec.name}第{chinese_ordinal(base_number)}网格"
            else:
                name = planned.dedicated.name
            grid = add_grid(uow, actor=actor, community_id=community.id,
                            fields=_grid_fields(spec, planned, name, rng), seq=seq,
                            boundary_geojson=planned.boundary_geojson,
                            summary="载入演示数据")
            stored.append(DemoGrid(grid.id, grid.code, grid.name, spec, planned.dedicated, grid))
        progress(2 + index, total, f"已划分{spec.name}的网格")
    return stored


# --- staff -----------------------------------------------------------------------------


def _add_grid_staff(staffer: Staffer, grids: list[DemoGrid], shortfalls: Shortfalls,
                    progress: ProgressCallback, cancel: CancelToken, total: int) -> None:
    for index, spec in enumerate(COMMUNITIES):
        cancel.raise_if_cancelled()
        mine = [grid for grid in grids if grid.community is spec]
        add_community_staff(staffer, spec, mine, shortfalls)
        progress(2 + len(COMMUNITIES) + index, total, f"已配备{spec.name}的网格人员")
    cancel.raise_if_cancelled()
    add_sunk_staff(staffer, grids)


def _add_presence(uow: UnitOfWork, actor: Actor, staffer: Staffer, shortfalls: Shortfalls,
                  rng: random.Random, on: date) -> None:
    uow.flush()  # record_presence looks the assignments up by id
    add_presence(JoinedUnitOfWork(uow), actor, staffer.tally, shortfalls, rng, on)


def _summary(grids: list[DemoGrid], staffer: Staffer, officers: int) -> DemoSummary:
    dedicated = sum(1 for grid in grids if grid.dedicated is not None)
    tally = staffer.tally
    message = (
        f"已载入演示街道“{STREET_NAME}”：{len(COMMUNITIES)} 个社区/村，"
        f"{len(grids) - dedicated} 个基础网格，{dedicated} 个专属网格，"
        f"{len(tally.people)} 名网格工作人员，{officers} 名执法人员。演示数据均为虚构，仅供熟悉功能；"
        "正式使用请另选一个空的数据目录。"
    )
    return DemoSummary(
        street_name=STREET_NAME, communities=len(COMMUNITIES),
        base_grids=len(grids) - dedicated, dedicated_grids=dedicated,
        people=len(tally.people), assignments=tally.assignments,
        presence_records=tally.presence_records, officers=officers, message=message,
    )
