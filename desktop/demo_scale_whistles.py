"""The scale data set's ~20,000 whistles (吹哨, seed 004) and their called units, as rows.

Each whistle names the 属地管理事项清单 item of its matter (the demand's topic, or the
whistle's own) and calls the units that item names, as the 吹哨 dialog proposes them:
a 日常哨 the street's own team, an 应急哨 the item's lead department, a 攻坚哨 the lead
and cooperating departments. So the negative list (负面清单) holds what a real street's
does, a small share: ~2% of the departmental whistles also call a unit the item does
not name (乱吹哨), a few units arrive late (不报到) or answer in writing instead
(推诿), and a few 攻坚哨 solutions come late (报到不作为).

Numbers are the app's ``哨-YYYYMMDD-NNN`` (desktop/services/whistles.next_number), by
day in calling order, after the numbers the demo street already used that day; the
报到 and solution deadlines are the app's rules (desktop/domain/whistles.py) on the
official calendar.
"""

from __future__ import annotations

import random
import re
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop.demo_scale_actions import WhistleRef
from desktop.demo_scale_db import SCALE_MARK, driver, write_rows
from desktop.demo_scale_rows import Deadlines, Place, stamp, uuid7, weighted
from desktop.demo_scale_samples import DemandSample
from desktop.demo_scale_text import TOPIC_ITEMS, WHISTLE_TOPICS, Topic
from desktop.domain.actor import Actor
from desktop.domain.deadlines import DeadlineRule
from desktop.domain.whistles import (
    DEFAULT_WHISTLE_RULES,
    WhistleKind,
    WhistleStatus,
)
from desktop.domain.workdays import WorkCalendar
from desktop.progress import CancelToken
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.responsibilities import proposal_in
from desktop.services.whistle_queries import default_responder
from desktop.services.whistle_rows import Lookup
from local_db.models import Unit, Whistle
from local_db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from desktop.bootstrap import AppContext

WHISTLE_KINDS = ((WhistleKind.DAILY.value, 60), (WhistleKind.EMERGENCY.value, 15),
                 (WhistleKind.HARD.value, 25))
WHISTLE_COLUMNS = ("id", "version", "created_at", "updated_at", "number", "kind", "demand_id",
                   "community_id", "responsibility_item_id", "title", "content", "called_by",
                   "called_at", "status", "closed_at")
TARGET_COLUMNS = ("id", "version", "created_at", "updated_at", "whistle_id", "unit_id",
                  "responder", "arrival_due_at", "arrived_at", "solution_due_at",
                  "solution_at", "response", "outcome", "evaluation", "evaluation_note")
EVALUATIONS = (("good", 70), ("fair", 24), ("poor", 6))
# What each called unit did: arrived in time, late (不报到), answered in writing (推诿).
FATES = (("ok", 95), ("late", 4), ("wrote", 1))
OFF_LIST_SHARE = 0.02  # departmental whistles that also call a unit off the list
LATE_SOLUTION_SHARE = 0.04  # 攻坚哨 departments proposing after the 5 working days
NUMBER_FORMAT = "哨-{day:%Y%m%d}-{seq:03d}"
_NUMBER = re.compile(r"^哨-(\d{8})-(\d{3})$")
CALLER = "李晓燕"  # the demo street's 坐席 (desktop/demo_whistles.CALLER)


@dataclass(frozen=True)
class WhistleSeed:
    """A demand a whistle is called for (None for a whistle of its own), its topic."""

    demand_id: str | None
    called_at: datetime
    place: Place
    topic: Topic | None = None


@dataclass(frozen=True)
class ItemRoute:
    """The units an item names: its leads and cooperating units in the directory, and
    every unit calling which is on the list (the street's offices when it names 街道)."""

    item_id: str
    code: str
    departments: tuple[str, ...]  # lead first, then cooperating; not the street's own
    listed: frozenset[str]


@dataclass(frozen=True)
class Routes:
    items: dict[str, ItemRoute]  # by code
    street_offices: tuple[str, ...]
    units: dict[str, Unit]  # every unit, for the 应哨人

    def item_ids(self) -> dict[str, str]:
        """Topic title → list item id (what the demand rows carry)."""
        return {title: self.items[code].item_id for title, code in TOPIC_ITEMS.items()
                if code in self.items}


def routes_in(uow: UnitOfWork) -> Routes:
    """The current list's items with their units, read once (inside an open uow)."""
    lookup = Lookup(uow)
    version = uow.responsibilities.current_version()
    items: dict[str, ItemRoute] = {}
    offices = tuple(sorted(lookup.street_office_ids))
    for item in uow.responsibilities.items(version.id) if version else ():
        proposal = proposal_in(uow, item.id)
        ordered = [proposal.lead_unit_id, *proposal.cooperating_unit_ids]
        departments = tuple(u for u in dict.fromkeys(ordered) if u and u not in offices)
        items[item.code] = ItemRoute(item.id, item.code, departments,
                                     lookup.listed(item.id) or frozenset())
    units = {u.id: u for u in uow.session.scalars(select(Unit).where(Unit.retired.is_(False)))}
    return Routes(items, offices, units)


def taken_whistle_numbers(uow: UnitOfWork) -> dict[date, int]:
    """The last 哨号 used on each day (the demo street's own whistles)."""
    taken: dict[date, int] = {}
    for number in uow.session.scalars(select(Whistle.number)):
        match = _NUMBER.match(number)
        if match:
            day = datetime.strptime(match[1], "%Y%m%d").date()
            taken[day] = max(taken.get(day, 0), int(match[2]))
    return taken


def _pick(rng: random.Random, pairs: tuple[list[object], list[float]]) -> object:
    items, cum = pairs
    return items[bisect(cum, rng.random() * cum[-1])]


class WhistleMaker:
    def __init__(self, rng: random.Random, routes: Routes, calendar: WorkCalendar,
                 now: datetime) -> None:
        self.rng, self.routes, self.calendar, self.now = rng, routes, calendar, now
        self._kinds = weighted(WHISTLE_KINDS)
        self._evals = weighted(EVALUATIONS)
        self._fates = weighted(FATES)
        self._by_code: dict[str, list[tuple[str, str, str]]] = {}
        for topic in WHISTLE_TOPICS:
            self._by_code.setdefault(topic[2], []).append(topic)
        self._own = [t for t in WHISTLE_TOPICS if t[2] in routes.items]
        self._responders: dict[tuple[str, str, str], str] = {}
        self._deadlines = Deadlines(calendar)  # day-based ones computed once per day

    def _due(self, rule: DeadlineRule, called: datetime) -> datetime | None:
        return self._deadlines.due(rule, called)[0]

    def _matter(self, seed: WhistleSeed) -> tuple[str, str, ItemRoute | None]:
        """事由, 情况说明 and the list item: the demand's topic when it has one."""
        rng, place = self.rng, seed.place.community_name
        code = TOPIC_ITEMS.get(seed.topic.title, "") if seed.topic else ""
        if seed.topic is not None and code in self.routes.items:
            matching = self._by_code.get(code)
            if matching:
                title, detail, _ = rng.choice(matching)
            else:
                title = f"{seed.topic.title}问题协调处置"
                detail = f"{rng.choice(seed.topic.details)}，社区多次处置未果，需相关部门到场"
            return f"{place}{title}", f"{place}{detail}", self.routes.items[code]
        title, detail, code = rng.choice(self._own or WHISTLE_TOPICS)
        return f"{place}{title}", f"{place}{detail}", self.routes.items.get(code)

    def _units(self, kind: str, route: ItemRoute | None) -> list[str]:
        """The called units as the dialog proposes them, now and then one off the list."""
        rng = self.rng
        departments = list(route.departments) if route else []
        if kind == WhistleKind.DAILY.value or not departments:
            return list(self.routes.street_offices[:1]) or departments[:1]
        if kind == WhistleKind.EMERGENCY.value:
            chosen = departments[:1]
        else:
            chosen = departments[:rng.choice((2, 2, 3))]
        if rng.random() < OFF_LIST_SHARE:
            listed = route.listed if route else frozenset()
            others = [u for u in self.routes.units if u not in listed and u not in chosen]
            if others:
                chosen.append(rng.choice(sorted(others)))
        return chosen

    def _responder(self, unit_id: str, community_id: str, kind: str) -> str:
        key = (unit_id, community_id, kind)
        name = self._responders.get(key)
        if name is None:
            unit = self.routes.units[unit_id]
            name = self._responders[key] = default_responder(unit, community_id,
                                                             WhistleKind(kind)) or unit.name
        return name

    def rows(self, number: str, seed: WhistleSeed) -> tuple[tuple[object, ...],
                                                             list[tuple[object, ...]]]:
        rng = self.rng
        kind = str(_pick(rng, self._kinds))
        title, content, route = self._matter(seed)
        called = seed.called_at
        whistle_id = uuid7(int(called.timestamp() * 1000), rng.getrandbits(74))
        age = (self.now - called).days
        closed_at = None
        if age > 20 or (age > 2 and rng.random() < 0.5):
            closed_at = min(called + timedelta(days=rng.uniform(1, 15)), self.now)
        targets = [self._target(whistle_id, unit, kind, seed, closed_at)
                   for unit in self._units(kind, route)]
        status = _status(targets, closed_at)
        whistle = (whistle_id, 1, stamp(called), stamp(closed_at or called), number, kind,
                   seed.demand_id, seed.place.community_id, route.item_id if route else None,
                   title, content, CALLER, stamp(called), status,
                   stamp(closed_at) if closed_at else None)
        return whistle, targets

    def _target(self, whistle_id: str, unit_id: str, kind: str, seed: WhistleSeed,
                closed_at: datetime | None) -> tuple[object, ...]:
        rng, called, now = self.rng, seed.called_at, self.now
        rules = DEFAULT_WHISTLE_RULES
        due = self._due(rules.arrival[WhistleKind(kind)], called)
        window = (due - called) if due else timedelta(hours=4)
        fate = str(_pick(rng, self._fates))
        arrived = None
        if fate == "ok":
            arrived = called + window * rng.uniform(0.05, 0.9)
        elif fate == "late":
            arrived = called + window * rng.uniform(1.05, 2.0)
        if arrived is not None and arrived > (closed_at or now):
            arrived = None  # not there yet
        solution = None
        solution_due = self._due(rules.solution, called) if kind == WhistleKind.HARD.value \
            else None
        if solution_due is not None:
            share = rng.uniform(1.05, 1.5) if rng.random() < LATE_SOLUTION_SHARE \
                else rng.uniform(0.3, 0.95)
            moment = called + (solution_due - called) * share
            solution = moment if arrived and moment <= (closed_at or now) else None
        response = ""
        if arrived and (closed_at or rng.random() < 0.6):
            response = "已到场核实，正在按职责处置"
        elif fate == "wrote" and (closed_at or (due and due < now)):
            response = "经核查，该事项不属于本单位职责，已书面答复"  # 推诿
        evaluation = str(_pick(rng, self._evals)) if closed_at else None
        created = stamp(called)
        return (uuid7(int(called.timestamp() * 1000), rng.getrandbits(74)), 1, created, created,
                whistle_id, unit_id, self._responder(unit_id, seed.place.community_id, kind),
                stamp(due) if due else None, stamp(arrived) if arrived else None,
                stamp(solution_due) if solution_due else None,
                stamp(solution) if solution else None, response,
                "已处置完毕" if closed_at else "", evaluation, "")


_ARRIVED, _SOLUTION, _RESPONSE = (TARGET_COLUMNS.index(c)
                                   for c in ("arrived_at", "solution_at", "response"))


def _status(targets: Sequence[tuple[object, ...]], closed_at: datetime | None) -> str:
    """As the app derives it (desktop.domain.whistles.whistle_status)."""
    if closed_at is not None:
        return WhistleStatus.CLOSED.value
    if any(t[_ARRIVED] is None for t in targets):
        return WhistleStatus.CALLED.value
    if any(t[_RESPONSE] or t[_SOLUTION] for t in targets):
        return WhistleStatus.RESPONDING.value
    return WhistleStatus.ARRIVED.value


def whistle_rows(maker: WhistleMaker, seeds: Sequence[WhistleSeed],
                 taken: dict[date, int]) -> tuple[list[tuple[object, ...]],
                                                  list[tuple[object, ...]]]:
    """Whistle and target rows for ``seeds`` (in calling order), numbered by day."""
    whistles: list[tuple[object, ...]] = []
    targets: list[tuple[object, ...]] = []
    per_day = dict(taken)
    for seed in sorted(seeds, key=lambda s: s.called_at):
        day = seed.called_at.date()
        per_day[day] = per_day.get(day, 0) + 1
        whistle, called = maker.rows(NUMBER_FORMAT.format(day=day, seq=per_day[day]), seed)
        whistles.append(whistle)
        targets += called
    return whistles, targets


def whistle_seeds(rng: random.Random, samples: Sequence[DemandSample],
                  places: Sequence[Place], now: datetime, total: int) -> list[WhistleSeed]:
    """~70% of the whistles called for a sampled demand a few hours after it came in
    (while it was open), the rest of the communities' own."""
    start = now - timedelta(days=3 * 365)
    by_grid = {p.grid_id: p for p in places}
    seeds: list[WhistleSeed] = []
    for sample in rng.sample(list(samples), min(len(samples), round(0.7 * total))):
        called = sample.received_at + timedelta(hours=rng.uniform(2, 30))
        if called <= now and sample.open_at(called) and sample.grid_id in by_grid:
            seeds.append(WhistleSeed(sample.id, called, by_grid[sample.grid_id], sample.topic))
    span = int((now - start).total_seconds())
    while len(seeds) < total:
        seeds.append(WhistleSeed(None, start + timedelta(seconds=rng.randrange(span)),
                                 rng.choice(list(places))))
    return seeds


def load_whistles(context: AppContext, actor: Actor, seeds: Sequence[WhistleSeed],
                  calendar: WorkCalendar, now: datetime, seed: int,
                  cancel: CancelToken) -> tuple[int, int, list[WhistleRef]]:
    """Write the whistles and their units in one transaction with one audit row.
    Returns (whistles, called units, the 攻坚哨/应急哨 an action may follow up)."""
    with context.uow() as uow:
        maker = WhistleMaker(random.Random(f"{seed}:scale-whistles"), routes_in(uow),
                             calendar, now)
        whistles, targets = whistle_rows(maker, seeds, taken_whistle_numbers(uow))
        db = driver(uow)
        write_rows(db, "whistle", WHISTLE_COLUMNS, whistles, cancel)
        write_rows(db, "whistle_target", TARGET_COLUMNS, targets, cancel)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="whistle", entity_id=SCALE_MARK,
                     summary=f"载入大规模演示数据：{len(whistles):,} 次吹哨")
        uow.commit()
    return len(whistles), len(targets), _refs(whistles, targets)


def _refs(whistles: Sequence[tuple[object, ...]],
          targets: Sequence[tuple[object, ...]]) -> list[WhistleRef]:
    """The departmental whistles (攻坚哨, 应急哨) with a list item, as later steps need them."""
    units: dict[str, list[str]] = {}
    for target in targets:
        units.setdefault(str(target[4]), []).append(str(target[5]))
    number, kind, called, item, title, content = (WHISTLE_COLUMNS.index(c) for c in (
        "number", "kind", "called_at", "responsibility_item_id", "title", "content"))
    return [WhistleRef(str(w[0]), datetime.fromisoformat(str(w[called])), str(w[item]),
                       str(w[number]), str(w[kind]), str(w[title]), str(w[content]),
                       tuple(units.get(str(w[0]), ())))
            for w in whistles if w[item] and w[kind] != WhistleKind.DAILY.value]
