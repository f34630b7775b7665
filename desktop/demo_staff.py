"""The demo street's grid staff: who serves each grid, and the 网格员's days in the grid.

Every grid gets a 网格长, 1–2 网格员 (street cadres), 5–7 网格指导员 (shared by the
grids of a community, as 包片干部 and department specialists are in practice) and a few
volunteers; department staff are sunk into one or several grids. A handful of grids are
left short on purpose (``Shortfalls``) so the staffing warnings have something to show.

Runs inside the demo's single unit of work through the same services the screens and
imports use (``find_or_add_person``, ``add_assignment``, ``record_presence``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from desktop.demo_data import (
    INSTRUCTOR_SOURCES,
    STREET_OFFICES,
    SUNK_SOURCES,
    VOLUNTEER_DUTIES,
    CommunitySpec,
    DedicatedSpec,
    NameMaker,
)
from desktop.domain.actor import Actor
from desktop.domain.grids import CommunityKind, StaffRole
from desktop.services.grid_staff import (
    PersonInput,
    add_assignment,
    find_or_add_person,
    record_presence,
)
from local_db.models import Grid, GridAssignment, GridPerson
from local_db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DemoGrid:
    """A grid the demo has stored, with what the staffing step needs to know of it."""

    id: str
    code: str
    name: str
    community: CommunitySpec
    dedicated: DedicatedSpec | None
    # Holding the row keeps it in the session's identity map (weakly referenced), so
    # the services' look-ups by id during the build cost no SELECT.
    row: Grid = field(repr=False, compare=False)


@dataclass(frozen=True)
class Shortfalls:
    """The grids deliberately left short: one without a 网格员, some with fewer than 5
    指导员 (grid id → how many), and some whose 网格员 spent under 15 days this month."""

    no_member: str
    few_instructors: dict[str, int]
    low_presence: frozenset[str]


def choose_shortfalls(grids: Sequence[DemoGrid], rng: random.Random) -> Shortfalls:
    base = [grid.id for grid in grids if grid.dedicated is None]
    no_member, few_a, few_b, low_a, low_b = rng.sample(base, 5)
    return Shortfalls(no_member, {few_a: 3, few_b: 4}, frozenset({low_a, low_b}))


@dataclass
class StaffTally:
    """What the staffing steps stored, for the summary."""

    people: set[str] = field(default_factory=set)
    assignments: int = 0
    members: list[GridAssignment] = field(default_factory=list)
    presence_records: int = 0


class Staffer:
    """Adds people and assignments for one build and counts them. One staffer serves all
    the staffing steps of a build so names and phones stay unique across them."""

    def __init__(self, uow: UnitOfWork, actor: Actor, rng: random.Random, on: date) -> None:
        self.uow, self.actor, self.rng, self.on = uow, actor, rng, on
        self.names = NameMaker(rng)
        self.tally = StaffTally()

    def person(self, unit: str, duties: str, gender: str | None = None) -> GridPerson:
        values = PersonInput(self.names.name(gender), self.names.phone(), unit, duties)
        row = find_or_add_person(self.uow, values)
        self.tally.people.add(row.id)
        return row

    def assign(self, grid: DemoGrid, person: GridPerson, role: StaffRole) -> GridAssignment:
        started = self.on - timedelta(days=self.rng.randint(90, 1100))
        assignment = add_assignment(self.uow, actor=self.actor, grid_id=grid.id, person=person,
                                    role=role, started_on=started)
        self.tally.assignments += 1
        if role is StaffRole.MEMBER:
            self.tally.members.append(assignment)
        return assignment


_COMMUNITY_CADRES = ("党委书记、居委会主任", "党委副书记", "居委会副主任", "两委委员",
                     "党委委员", "居务监督委员会主任")
_VILLAGE_CADRES = ("党总支书记、村委会主任", "党总支副书记", "村委会副主任", "两委委员",
                   "村务监督委员会主任", "村民小组长")


def _committee(community: CommunitySpec) -> str:
    if community.kind is CommunityKind.VILLAGE:
        return f"{community.name}村委会"
    return f"{community.name}居委会"


def add_community_staff(staffer: Staffer, community: CommunitySpec,
                        grids: Sequence[DemoGrid], shortfalls: Shortfalls) -> None:
    """网格长, 网格员, 网格指导员 and volunteers for the grids of one community."""
    rng = staffer.rng
    titles = _VILLAGE_CADRES if community.kind is CommunityKind.VILLAGE else _COMMUNITY_CADRES
    cadres: list[GridPerson] = []
    instructors = [rng.choice(INSTRUCTOR_SOURCES) for _ in range(max(9, 2 * len(grids) + 3))]
    pool: dict[int, GridPerson] = {}
    for index, grid in enumerate(grids):
        if grid.dedicated is not None:
            leader = staffer.person(grid.dedicated.leader_unit, grid.dedicated.leader_duties)
        else:
            if index // 2 >= len(cadres):  # a 两委 member leads two neighbouring grids
                title = titles[len(cadres) % len(titles)]
                cadres.append(staffer.person(_committee(community), f"{community.name}{title}"))
            leader = cadres[index // 2]
        staffer.assign(grid, leader, StaffRole.LEADER)
        members = 0 if grid.id == shortfalls.no_member else (2 if rng.random() < 0.2 else 1)
        for _ in range(members):
            cadre = staffer.person(rng.choice(STREET_OFFICES), f"包联{community.name}干部")
            staffer.assign(grid, cadre, StaffRole.MEMBER)
        wanted = shortfalls.few_instructors.get(grid.id, rng.randint(5, 7))
        for slot in rng.sample(range(len(instructors)), wanted):
            if slot not in pool:
                unit, duties = instructors[slot]
                pool[slot] = staffer.person(unit, duties)
            staffer.assign(grid, pool[slot], StaffRole.INSTRUCTOR)
        for _ in range(rng.randint(1, 3)):
            volunteer = staffer.person(f"{community.name}志愿服务队", rng.choice(VOLUNTEER_DUTIES))
            staffer.assign(grid, volunteer, StaffRole.VOLUNTEER)


def add_sunk_staff(staffer: Staffer, grids: Sequence[DemoGrid]) -> None:
    """Department staff sunk into grids: most in one grid, some in two to four grids of
    one community ("一人一格、一人多格")."""
    rng = staffer.rng
    by_community: dict[str, list[DemoGrid]] = {}
    for grid in grids:
        by_community.setdefault(grid.community.code, []).append(grid)
    for unit, duties in SUNK_SOURCES:
        for _ in range(3):
            person = staffer.person(unit, duties)
            community_grids = by_community[rng.choice(sorted(by_community))]
            count = min(len(community_grids), rng.choice((1, 1, 2, 3, 4)))
            for grid in rng.sample(community_grids, count):
                staffer.assign(grid, person, StaffRole.SUNK)


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def previous_month(day: date) -> str:
    return month_of(day.replace(day=1) - timedelta(days=1))


def add_presence(uow: UnitOfWork, actor: Actor, tally: StaffTally, shortfalls: Shortfalls,
                 rng: random.Random, on: date) -> None:
    """Days in the grid for every 网格员, last month and this month. This month's figure
    is a whole month's worth even early in the month: the demo shows a month's picture.
    The first 网格员 of each low-presence grid gets fewer than 15 days."""
    flagged: set[str] = set()
    for assignment in tally.members:
        last = rng.randint(16, 24)
        this = rng.randint(15, 23)
        if assignment.grid_id in shortfalls.low_presence and assignment.grid_id not in flagged:
            flagged.add(assignment.grid_id)
            this = rng.randint(7, 13)
        for month, days in ((previous_month(on), last), (month_of(on), this)):
            record_presence(uow, actor=actor, assignment_id=assignment.id, month=month, days=days)
            tally.presence_records += 1
