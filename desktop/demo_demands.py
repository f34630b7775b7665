"""The demo street's demands: ~300 over the last three months, across kinds, sources,
natures, grids and the whole closed loop, so that every list, filter, highlight and
figure has something to show.

Each demand is taken in with ``demand_flow.add_demand`` and moved along with
``apply_action`` (and the extension building blocks), so its timeline obeys the state
machine and its deadline is the one the rules give; step times are office hours on
working days (the official calendar), all before 8:00 today. The mix: recent ones
still waiting for triage or dispatch, most older ones closed and rated (each rating
present), some overdue and some due soon, a few returned (退单), one suspended, two
extension requests waiting for the director, a duplicate merged into its original, one
sent back to the district, one reopened after a 不满意, a few failed verifications.

Runs inside the demo's single unit of work after the roster (it routes to the demo
unit directory by short name; without units every demand stays in its community), and
writes one audit row. Deterministic for a seed and a day.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from desktop.demo_data import NameMaker
from desktop.demo_demand_texts import (
    CALLBACK_NOTES,
    ESTATES,
    EXTENSION_REASONS,
    REJECT_NOTES,
    REOPEN_REASON,
    RETURN_REASONS,
    ROADS,
    SEND_BACK_REASON,
    SUSPEND_REASONS,
    TOPICS,
    Topic,
)
from desktop.domain.actor import Actor, Role
from desktop.domain.deadlines import DemandNature, DemandSource
from desktop.domain.demand_states import DemandAction, DemandStatus, HandlingLevel, Rating
from desktop.domain.grids import GridKind, GridStatus
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.calendar import calendar_in
from desktop.services.demand_categories import add_default_categories
from desktop.services.demand_extensions import add_extension_request
from desktop.services.demand_flow import ActionInput, Routing, add_demand, apply_action
from desktop.services.demand_intake import IntakeInput
from local_db.models import Demand
from local_db.unit_of_work import UnitOfWork

A = DemandAction
DEMO_DEMANDS = 300
OPERATOR = Actor("李晓燕", Role.OPERATOR)  # the demo accounts' 坐席 and 主任
DIRECTOR = Actor("赵国强", Role.DIRECTOR)
_SOURCES = ((DemandSource.HOTLINE, 45), (DemandSource.GRID_REPORT, 25), (DemandSource.WALK_IN, 7),
            (DemandSource.DISTRICT_DISPATCH, 10), (DemandSource.DEPUTIES, 4),
            (DemandSource.PETITION, 3), (DemandSource.DEPARTMENT_TRANSFER, 6))
_RATINGS = ((Rating.SATISFIED, 76), (Rating.FAIRLY_SATISFIED, 17), (Rating.DISSATISFIED, 7))
# (fate, how many, youngest and oldest age in working days)
_SPECIAL = (("returned", 2, 2, 4), ("redone", 3, 15, 40), ("suspended", 1, 8, 15),
            ("extension", 2, 4, 7), ("sent_back", 1, 3, 8), ("reopened", 1, 25, 40),
            ("rejected", 3, 12, 45), ("overdue", 10, 18, 45), ("due_soon", 6, 0, 0),
            ("duplicate", 1, 2, 20))
_PATH = (A.TRIAGE, A.DISPATCH, A.START, A.REPORT, A.VERIFY, A.CLOSE, A.RATE)
_GAPS = {A.TRIAGE: (0.3, 3), A.DISPATCH: (0.2, 2), A.START: (0.5, 8), A.REPORT: (6, 55),
         A.VERIFY: (2, 14), A.CLOSE: (0.5, 6), A.RATE: (1, 16), A.CALLBACK: (3, 20),
         A.RETURN: (2, 8), A.SUSPEND: (10, 40), A.SEND_BACK: (1, 6), A.REOPEN: (10, 40),
         A.REJECT: (2, 10), A.MERGE: (0.3, 4), A.REQUEST_EXTENSION: (1, 6)}
_STOP = {"accepted": 0, "triaged": 1, "dispatched": 2, "handling": 3, "reported": 4,
         "verified": 5, "closed": 6, "rated": 7}


@dataclass(frozen=True)
class DemoDemandsSummary:
    demands: int
    by_status: dict[str, int]

    @property
    def message(self) -> str:
        counts = "，".join(f"{DemandStatus(s).label} {n}" for s, n in self.by_status.items())
        return f"诉求：{self.demands} 件（{counts}）"


@dataclass
class _Plan:
    topic: Topic
    received: datetime
    fate: str
    original: _Plan | None = None  # the demand a duplicate repeats
    demand: Demand | None = field(default=None, repr=False)


class _Builder:
    """Applies each plan's steps, moving a per-demand clock through office hours."""

    def __init__(self, uow: UnitOfWork, rng: random.Random, calendar: WorkCalendar,
                 end: datetime) -> None:
        self.uow, self.rng, self.calendar, self.end = uow, rng, calendar, end
        units = list(uow.roster.units())
        self.units = {key: unit.id for unit in units for key in (unit.name, unit.short_name)
                      if key}
        self.categories = add_default_categories(uow)
        # Held so the session's identity map (weak) keeps them: lookups by id then cost
        # no query, which keeps the ~2,000 steps fast.
        self._held = (units, list(uow.demands.categories()))
        grids = [g for g in uow.grids.all() if g.status == GridStatus.ACTIVE]
        self.grids = [g for g in grids if g.kind == GridKind.BASE] or grids
        self.names = NameMaker(random.Random(f"{rng.random()}:reporters"))
        self.items = _list_items(uow)
        self.moment = end

    # time --------------------------------------------------------------------------
    def later(self, action: DemandAction) -> bool:
        """Move the clock on by the action's usual gap; False when that is past ``end``."""
        low, high = _GAPS[action]
        hours = round(self.rng.uniform(low, high) * 60) / 60  # whole minutes
        try:
            moment = self.calendar.add_work_hours(self.moment, hours)
        except CalendarUnknownError:
            moment = self.moment + timedelta(hours=hours)
        if moment >= self.end:
            return False
        self.moment = moment
        return True

    # intake ------------------------------------------------------------------------
    def intake(self, plan: _Plan) -> Demand:
        rng, topic = self.rng, plan.topic
        source = DemandSource.DISTRICT_DISPATCH if plan.fate == "sent_back" else \
            rng.choices([s for s, _ in _SOURCES], [w for _, w in _SOURCES])[0]
        grid = (self.uow.grids.get(plan.original.demand.grid_id) if plan.original
                and plan.original.demand else rng.choice(self.grids)) if self.grids else None
        words = {"road": rng.choice(ROADS), "estate": rng.choice(ESTATES), "n": rng.randint(1, 320)}
        anonymous = rng.random() < 0.15
        data = IntakeInput(
            rng.choice(topic.titles).format(**words), rng.choice(topic.contents).format(**words),
            topic.kind, source, rng.choice(topic.natures),
            urgent=plan.fate in _STOP and rng.random() < topic.urgent_share, category_id=self.categories[topic.category],
            reporter_name="" if anonymous else self.names.name(),
            reporter_phone="" if anonymous else self.names.phone(),
            address=f"芙蓉区{words['road']}{words['n']}号（{words['estate']}）",
            grid_id=grid.id if grid else None, received_at=plan.received,
            external_number=(f"12345-{plan.received:%y%m%d}{rng.randrange(10**5):05d}"
                             if source in (DemandSource.HOTLINE, DemandSource.DISTRICT_DISPATCH)
                             else None))
        return add_demand(self.uow, actor=OPERATOR, data=data, at=plan.received,
                          calendar=self.calendar)

    # steps -------------------------------------------------------------------------
    def step(self, demand: Demand, action: DemandAction, data: ActionInput | None = None,
             actor: Actor = OPERATOR) -> bool:
        if not self.later(action):
            return False
        apply_action(self.uow, demand, action, actor=actor, at=self.moment,
                     calendar=self.calendar, data=data)
        return True

    def routing(self, topic: Topic, *, avoid: str | None = None) -> Routing:
        """The topic's usual units; after a 退单 the street's own team takes it over."""
        category = self.categories[topic.category]
        lead = self.units.get(topic.lead) if topic.lead else None
        if avoid is not None and lead == avoid:
            lead = self.units.get("街道执法队")
            lead = None if lead == avoid else lead
        helpers = tuple(u for name in topic.cooperating
                        if (u := self.units.get(name)) and u != lead)
        item = self.items.get(topic.category)
        if lead is None:
            return Routing(HandlingLevel.COMMUNITY, None, helpers, category, item)
        level = HandlingLevel.STREET if topic.level is HandlingLevel.COMMUNITY else topic.level
        return Routing(level, lead, helpers, category, item)

    def input_for(self, demand: Demand, plan: _Plan, action: DemandAction) -> ActionInput:
        rng = self.rng
        if action is A.TRIAGE:
            return ActionInput(routing=self.routing(plan.topic))
        if action is A.REPORT:
            text = rng.choice(plan.topic.results).format(road=rng.choice(ROADS),
                                                         estate=rng.choice(ESTATES))
            return ActionInput(note=text)
        if action is A.RATE:
            forced = Rating.DISSATISFIED if plan.fate == "reopened" else None
            rating = forced or rng.choices([r for r, _ in _RATINGS], [w for _, w in _RATINGS])[0]
            return ActionInput(rating=rating)
        return ActionInput()

    def loop(self, demand: Demand, plan: _Plan, actions: tuple[DemandAction, ...]) -> bool:
        return all(self.step(demand, a, self.input_for(demand, plan, a)) for a in actions)

    def run(self, plan: _Plan) -> Demand:
        demand = self.intake(plan)
        plan.demand, self.moment = demand, plan.received
        script = _SCRIPTS.get(plan.fate)
        if script is not None:
            script(self, demand, plan)
        else:
            done = self.loop(demand, plan, _PATH[:_STOP[plan.fate]])
            if done and plan.fate == "rated" and self.rng.random() < 0.15:
                self.step(demand, A.CALLBACK, ActionInput(note=self.rng.choice(CALLBACK_NOTES),
                                                          satisfied=self.rng.random() < 0.8))
        return demand


def _list_items(uow: UnitOfWork) -> dict[str, str]:
    """小类 → the current responsibility list's item whose name mentions it (when the
    demo street has a list by the time demands are added)."""
    version = uow.responsibilities.current_version()
    if version is None:
        return {}
    items = uow.responsibilities.items(version.id)
    found: dict[str, str] = {}
    for topic in TOPICS:
        item = next((i for i in items if topic.category in i.name), None)
        if item is not None:
            found[topic.category] = item.id
    return found


# --- the side roads ------------------------------------------------------------------------


def _returned(b: _Builder, demand: Demand, plan: _Plan) -> None:
    if b.loop(demand, plan, _PATH[:2]):
        b.step(demand, A.RETURN, ActionInput(note=b.rng.choice(RETURN_REASONS)))


def _redone(b: _Builder, demand: Demand, plan: _Plan) -> None:
    if not (b.loop(demand, plan, _PATH[:3])
            and b.step(demand, A.RETURN, ActionInput(note=b.rng.choice(RETURN_REASONS)))):
        return
    routing = b.routing(plan.topic, avoid=demand.lead_unit_id)
    if b.step(demand, A.TRIAGE, ActionInput(routing=routing, note="退单后重新研判，改派承办单位")):
        b.loop(demand, plan, _PATH[1:])


def _suspended(b: _Builder, demand: Demand, plan: _Plan) -> None:
    if b.loop(demand, plan, _PATH[:3]):
        b.step(demand, A.SUSPEND, ActionInput(note=SUSPEND_REASONS[0]))


def _extension(b: _Builder, demand: Demand, plan: _Plan) -> None:
    if (b.loop(demand, plan, _PATH[:3]) and b.later(A.REQUEST_EXTENSION)
            and demand.deadline_at is not None and b.moment < demand.deadline_at):
        add_extension_request(b.uow, demand, actor=OPERATOR, at=b.moment,
                              workdays=b.rng.choice((3, 5)),
                              reason=b.rng.choice(EXTENSION_REASONS))


def _sent_back(b: _Builder, demand: Demand, plan: _Plan) -> None:
    b.step(demand, A.SEND_BACK, ActionInput(note=SEND_BACK_REASON), actor=DIRECTOR)


def _reopened(b: _Builder, demand: Demand, plan: _Plan) -> None:
    if b.loop(demand, plan, _PATH):
        b.step(demand, A.REOPEN, ActionInput(note=REOPEN_REASON), actor=DIRECTOR)


def _rejected(b: _Builder, demand: Demand, plan: _Plan) -> None:
    if b.loop(demand, plan, _PATH[:4]) and b.step(
            demand, A.REJECT, ActionInput(note=b.rng.choice(REJECT_NOTES))):
        b.loop(demand, plan, _PATH[3:])


def _overdue(b: _Builder, demand: Demand, plan: _Plan) -> None:
    b.loop(demand, plan, _PATH[:3])


def _duplicate(b: _Builder, demand: Demand, plan: _Plan) -> None:
    original = plan.original.demand if plan.original else None
    if original is not None:
        b.step(demand, A.MERGE, ActionInput(into_id=original.id, note="同一地点同一问题重复反映"))


_SCRIPTS = {"returned": _returned, "redone": _redone, "suspended": _suspended,
            "extension": _extension, "sent_back": _sent_back, "reopened": _reopened,
            "rejected": _rejected, "overdue": _overdue, "due_soon": _overdue,
            "duplicate": _duplicate}


# --- planning ------------------------------------------------------------------------------


def _regular_fate(age: int, rng: random.Random) -> str:
    table = ((1, (("accepted", 4), ("triaged", 3), ("dispatched", 3))),
             (6, (("dispatched", 15), ("handling", 40), ("reported", 20), ("verified", 10),
                  ("closed", 15))),
             (20, (("handling", 12), ("reported", 10), ("verified", 5), ("closed", 25),
                   ("rated", 48))),
             (10**6, (("closed", 15), ("rated", 85))))
    choices = next(c for limit, c in table if age <= limit)
    return rng.choices([f for f, _ in choices], [w for _, w in choices])[0]


def _received(on: date, age: int, rng: random.Random) -> datetime:
    hour = rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19, 20))
    return datetime.combine(on - timedelta(days=age), time(hour, rng.randrange(60)))


def _workdays_back(calendar: WorkCalendar, on: date, count: int) -> date:
    day = on
    while count > 0:
        day -= timedelta(days=1)
        if not calendar.knows(day.year) or calendar.is_workday(day):
            count -= 1
    return day


def _plans(rng: random.Random, on: date, calendar: WorkCalendar) -> list[_Plan]:
    weights = [t.weight for t in TOPICS]
    routed = [t for t in TOPICS if t.lead]  # the side roads need a unit to return it
    complaints = [t for t in routed if t.natures == (DemandNature.COMPLAINT,)]
    plans: list[_Plan] = []
    for fate, count, youngest, oldest in _SPECIAL:
        for _ in range(count):
            if fate == "due_soon":  # 13 working days for complaints: due today or next
                topic = rng.choice(complaints)
                day = _workdays_back(calendar, on, rng.choice((12, 13)))
                received = datetime.combine(day, time(9 + rng.randrange(7), rng.randrange(60)))
                plans.append(_Plan(topic, received, fate))
                continue
            pool = TOPICS if fate in ("duplicate", "sent_back") else routed
            topic = rng.choices(pool, [t.weight for t in pool])[0]
            day = _workdays_back(calendar, on, rng.randint(youngest, oldest))
            plans.append(_Plan(topic, _received(day, 0, rng), fate))
    for _ in range(DEMO_DEMANDS - len(plans)):
        age = rng.randint(1, 90)
        plans.append(_Plan(rng.choices(TOPICS, weights)[0], _received(on, age, rng),
                           _regular_fate(age, rng)))
    plans.sort(key=lambda p: p.received)
    for duplicate in (p for p in plans if p.fate == "duplicate"):
        earlier = [p for p in plans if p.received < duplicate.received - timedelta(days=1)
                   and p.fate in ("handling", "dispatched", "reported", "overdue")]
        if earlier:
            duplicate.original = rng.choice(earlier)
            duplicate.topic = duplicate.original.topic
    return plans


def add_demo_demands(uow: UnitOfWork, *, actor: Actor, rng_seed: int,
                     on: date) -> DemoDemandsSummary:
    """Build the demo demands into the demo's open unit of work (no commit)."""
    rng = random.Random(f"{rng_seed}:demands")
    calendar = calendar_in(uow)
    end = datetime.combine(on, time(8, 0))
    builder = _Builder(uow, rng, calendar, end)
    demands = [builder.run(plan) for plan in _plans(rng, on, calendar)]
    counts = Counter(d.status for d in demands)
    summary = DemoDemandsSummary(len(demands), {s.value: counts[s.value] for s in DemandStatus
                                                if counts[s.value]})
    audit.record(uow, actor, AuditAction.CREATE, entity_type="demand", entity_id="demo",
                 summary=f"载入演示数据：{summary.message}")
    return summary
