"""The scale data set's ~5,000 joint enforcement actions (联合执法行动) over the three years
and the coming weeks, with their units, forces asked for, participants, grids and the
demands or whistle that triggered them, written as rows in one transaction.

What makes them plausible: the kinds of action a street runs (demo_scale_action_text),
led by the unit the responsibility list names, staffed from the roster within the
basic rules (demo_scale_staffing: two certified officers of the domain, enforcers only
within their certificates, nobody on two actions at once), the state each would have
today (demo_scale_action_life) with results on the finished ones, ~30% triggered by
demands of the same list item received in the month before (still open at the start),
~10% by a 攻坚哨 or 应急哨 of the same item. Numbers are the app's ``LXYYYY-NNNN`` per
year of the start, in order of planning, after those the demo street already took.
An action that cannot be staffed on its day (early on the departments had no officers
sunk to the street yet) becomes another kind the street's own team can run.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop.demo_scale_action_life import Life, LifeMaker
from desktop.demo_scale_action_text import (
    CANCEL_NOTES,
    EQUIPMENT_DAY,
    EQUIPMENT_NIGHT,
    EVALUATION_NOTES,
    TEMPLATES,
    UNIT_DOMAINS,
    ActionTemplate,
)
from desktop.demo_scale_db import SCALE_MARK, driver, write_rows
from desktop.demo_scale_rows import Catalog, Place, stamp, uuid7, weighted
from desktop.demo_scale_samples import DemandSample
from desktop.demo_scale_staffing import Staffer, Staffing, Window
from desktop.demo_scale_text import ROADS, TEAM
from desktop.domain.action_states import (
    ActionState,
    ActionTrigger,
    ActionType,
    ParticipantRole,
    UnitRole,
)
from desktop.domain.actor import Actor
from desktop.domain.roster import Force
from desktop.progress import CancelToken
from desktop.services import audit
from desktop.services.action_rows import assignments_of, roster_facts
from desktop.services.audit import AuditAction
from local_db.models.actions import JointAction

if TYPE_CHECKING:
    from desktop.bootstrap import AppContext

ACTION_COLUMNS = tuple(c.name for c in JointAction.__table__.columns)
LINK_TABLES = {  # table → columns (ids are assigned by SQLite)
    "action_unit": ("action_id", "unit_id", "role"),
    "action_need": ("action_id", "unit_id", "domain", "count", "certified"),
    "action_participant": ("action_id", "officer_id", "role", "fixed_by_hand"),
    "action_grid": ("action_id", "grid_id"),
    "action_demand": ("action_id", "demand_id"),
}
PLANNERS = ("李晓燕", "李晓燕", "赵国强")  # the demo accounts' 坐席 and director
DIRECTOR = "赵国强"
SIZES = ((2, 3), (3, 8), (4, 14), (5, 16), (6, 16), (7, 12), (8, 10), (9, 7), (10, 6),
         (11, 4), (12, 4))
DEMAND_TRIGGERED, WHISTLE_TRIGGERED = 0.30, 0.10
FUTURE_SHARE, FUTURE_DAYS = 0.01, 21


@dataclass(frozen=True)
class WhistleRef:
    """A 攻坚哨 or 应急哨 an action may follow up (and a letter may be drafted from)."""

    id: str
    called_at: datetime
    item_id: str
    number: str = ""
    kind: str = ""
    title: str = ""
    content: str = ""
    unit_ids: tuple[str, ...] = ()


@dataclass
class MadeAction:
    """One action as made (the documents step drafts 行动通知 from these)."""

    id: str
    template: ActionTemplate
    title: str
    places: str
    place: Place
    starts_at: datetime
    ends_at: datetime
    life: Life
    staffing: Staffing
    lead_id: str
    item_id: str | None
    demand_ids: tuple[str, ...] = ()
    whistle_id: str | None = None
    number: str = ""
    grid_ids: tuple[str, ...] = ()

    @property
    def content(self) -> str:
        return (f"依据属地管理事项清单，{self.template.lead}牵头，开展{self.title}，"
                "发现问题当场督促整改，违法行为依法立案查处。")

    @property
    def equipment(self) -> str:
        return EQUIPMENT_NIGHT if self.starts_at.hour >= 18 else EQUIPMENT_DAY

    @property
    def state(self) -> ActionState:
        return self.life.state


def action_windows(rng: random.Random, start: date, now: datetime,
                   total: int) -> list[tuple[date, int]]:
    """(day, count) for ``total`` actions: weekdays busier, a few in the coming weeks."""
    future = max(1, round(total * FUTURE_SHARE)) if total > 1 else 0
    # today's calendar is the demo street's own (its action under way, tonight's)
    past_days = [start + timedelta(days=n) for n in range((now.date() - start).days)]
    weights = [1.0 if d.weekday() < 5 else 0.35 for d in past_days]
    chosen = rng.choices(past_days, weights, k=total - future)
    chosen += [now.date() + timedelta(days=rng.randint(1, FUTURE_DAYS)) for _ in range(future)]
    counts: dict[date, int] = {}
    for day in chosen:
        counts[day] = counts.get(day, 0) + 1
    return sorted(counts.items())


class ActionMaker:
    def __init__(self, rng: random.Random, catalog: Catalog, staffer: Staffer, now: datetime,
                 items: dict[str, str], samples: Sequence[DemandSample],
                 whistles: Sequence[WhistleRef]) -> None:
        self.rng, self.catalog, self.staffer, self.now = rng, catalog, staffer, now
        self.items = items  # code → item id
        self.lives = LifeMaker(rng, now)
        usable = [t for t in TEMPLATES if t.lead in catalog.units]
        self._templates = weighted([(t, t.weight) for t in usable])
        self._sizes = weighted(SIZES)
        self._team = [t for t in usable if t.lead == TEAM]
        self._demands: dict[str, list[DemandSample]] = {}
        for sample in sorted(samples, key=lambda s: s.received_at):
            if sample.item_id:
                self._demands.setdefault(sample.item_id, []).append(sample)
        self._received = {k: [s.received_at for s in v] for k, v in self._demands.items()}
        self._whistles: dict[str, list[WhistleRef]] = {}
        for ref in sorted(whistles, key=lambda w: w.called_at):
            self._whistles.setdefault(ref.item_id, []).append(ref)
        self._used: set[str] = set()
        self._grids: dict[str, list[str]] = {}
        for place in catalog.places:
            self._grids.setdefault(place.community_id, []).append(place.grid_id)

    def _pick(self, pairs: tuple[list[object], list[float]]) -> object:
        items, cum = pairs
        return items[min(bisect_left(cum, self.rng.random() * cum[-1]), len(items) - 1)]

    def _hours(self, template: ActionTemplate) -> tuple[float, float]:
        rng = self.rng
        if template.kind is ActionType.NIGHT_PATROL:
            begin = rng.choice((19.0, 19.5, 20.0, 20.5))
        else:
            begin = rng.choice((8.5, 9.0, 9.0, 9.5, 14.0, 14.5, 15.0))
        return begin, begin + rng.choice((2.0, 2.5, 3.0, 3.0, 3.5, 4.0))

    def make(self, day: date) -> MadeAction | None:
        """One action on ``day`` (None when nobody could be found to staff any kind)."""
        rng = self.rng
        first: ActionTemplate = self._pick(self._templates)  # type: ignore[assignment]
        for template in (first, *rng.sample(self._team, min(3, len(self._team)))):
            begin, finish = self._hours(template)
            midnight = datetime.combine(day, time())
            starts, ends = midnight + timedelta(hours=begin), midnight + timedelta(hours=finish)
            made = self._staffed(template, starts, ends)
            if made is not None:
                return made
        return None

    def _staffed(self, template: ActionTemplate, starts: datetime,
                 ends: datetime) -> MadeAction | None:
        units = self.catalog.units
        lead = units[template.lead]
        cooperating = [(units[name], UNIT_DOMAINS.get(name)) for name in template.cooperating
                       if name in units]
        size: int = self._pick(self._sizes)  # type: ignore[assignment]
        staffing = self.staffer.staff(Window(starts, ends, template.domain), lead, cooperating,
                                      size)
        if staffing is None:
            return None
        rng = self.rng
        place: Place = rng.choice(self.catalog.places)
        road = rng.choice(ROADS.get(place.community_name, ("人民中路",)))
        fill = {"road": road, "community": place.community_name}
        action_id = uuid7(int(starts.timestamp() * 1000), rng.getrandbits(74))
        made = MadeAction(action_id, template, template.title.format(**fill),
                          template.places.format(**fill), place, starts, ends,
                          self.lives.life(starts, ends), staffing, lead,
                          self.items.get(template.item))
        nearby = [g for g in self._grids.get(place.community_id, []) if g != place.grid_id]
        made.grid_ids = (place.grid_id, *nearby[:rng.choice((0, 0, 1))])
        self._trigger(made)
        return made

    def _trigger(self, made: MadeAction) -> None:
        """Demands of the same item received in the month before and open at the start,
        or a whistle of the same item called in the two weeks before."""
        rng, item = self.rng, made.item_id
        if item is None:
            return
        draw = rng.random()
        if draw < DEMAND_TRIGGERED:
            found = self._window(self._demands.get(item, []), self._received.get(item, []),
                                 made.starts_at - timedelta(days=30), made.starts_at)
            open_ones = [s for s in found if s.id not in self._used and
                         s.open_at(made.starts_at - timedelta(hours=2))]
            if open_ones:
                chosen = rng.sample(open_ones, min(len(open_ones), rng.choice((1, 1, 2, 3))))
                self._used.update(s.id for s in chosen)
                made.demand_ids = tuple(s.id for s in chosen)
        elif draw < DEMAND_TRIGGERED + WHISTLE_TRIGGERED:
            refs = self._whistles.get(item, [])
            times = [w.called_at for w in refs]
            found = self._window(refs, times, made.starts_at - timedelta(days=14),
                                 made.starts_at - timedelta(hours=2))
            if found:
                made.whistle_id = rng.choice(found).id

    @staticmethod
    def _window(items: Sequence, times: Sequence[datetime], since: datetime,
                until: datetime) -> list:
        return list(items[bisect_left(times, since):bisect_left(times, until)])


def number_actions(made: Sequence[MadeAction], taken: dict[int, int]) -> None:
    """LXYYYY-NNNN per year of the start, in order of planning, after ``taken``."""
    last = dict(taken)
    for action in sorted(made, key=lambda a: (a.life.created, a.id)):
        year = action.starts_at.year
        last[year] = last.get(year, 0) + 1
        action.number = f"LX{year}-{last[year]:04d}"


def taken_action_numbers(session) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """The last LX number of each year already used (the demo street's actions)."""
    taken: dict[int, int] = {}
    for number in session.scalars(select(JointAction.number)):
        year, _, seq = number.removeprefix("LX").partition("-")
        if year.isdigit() and seq.isdigit():
            taken[int(year)] = max(taken.get(int(year), 0), int(seq))
    return taken


def action_row(action: MadeAction, lives: LifeMaker) -> tuple[object, ...]:
    life, t = action.life, action.template
    done = life.results is not None
    results = lives.results(action.title) if done else None
    evaluation = lives.evaluation() if life.evaluated else None
    planner = PLANNERS[int(action.id[-2:], 16) % len(PLANNERS)]

    def at(moment: datetime | None) -> str | None:
        return stamp(moment) if moment else None

    trigger = ActionTrigger.DEMANDS if action.demand_ids else \
        ActionTrigger.WHISTLE if action.whistle_id else ActionTrigger.PLAN
    values: dict[str, object] = {
        "id": action.id, "version": life.version, "created_at": stamp(life.created),
        "updated_at": stamp(life.updated), "number": action.number, "title": action.title,
        "action_type": t.kind.value, "trigger": trigger.value, "whistle_id": action.whistle_id,
        "domain": t.domain.value, "lead_unit_id": action.lead_id,
        "responsibility_item_id": action.item_id, "content": action.content,
        "starts_at": stamp(action.starts_at), "ends_at": stamp(action.ends_at),
        "deadline": (action.starts_at.date() + timedelta(days=7)).isoformat(),
        "places": action.places, "equipment": action.equipment, "min_certified": 2,
        "state": life.state.value, "created_by": planner, "submitted_at": at(life.submitted),
        "approved_by": DIRECTOR if life.approved else None, "approved_at": at(life.approved),
        "notified_at": at(life.notified), "started_at": at(life.started),
        "completed_at": at(life.completed),
        "units_inspected": results.units_inspected if results else 0,
        "problems_found": results.problems_found if results else 0,
        "cases_filed": results.cases_filed if results else 0,
        "rectified": results.rectified if results else 0,
        "fines_fen": results.fines_fen if results else 0,
        "minutes": results.minutes if results else "", "results_at": at(life.results),
        "results_by": planner if done else None, "evaluation": evaluation,
        "evaluation_note": EVALUATION_NOTES[evaluation] if evaluation else "",
        "evaluated_by": DIRECTOR if evaluation else None, "evaluated_at": at(life.evaluated),
        "note": CANCEL_NOTES[int(action.id[-1], 16) % len(CANCEL_NOTES)]
        if life.state is ActionState.CANCELLED else "",
    }
    return tuple(values[c] for c in ACTION_COLUMNS)


def link_rows(action: MadeAction) -> dict[str, list[tuple]]:
    """The rows of the action's link tables, by table."""
    staffing, a = action.staffing, action.id
    people = staffing.people
    return {
        "action_unit": [(a, action.lead_id, UnitRole.LEAD.value)] +
                       [(a, u, UnitRole.COOPERATING.value) for u in staffing.units],
        "action_need": [(a, u, d.value, count, certified)
                        for u, d, count, certified in staffing.needs],
        "action_participant": [(a, p.officer_id, _role(i, p.force).value, 0)
                               for i, p in enumerate(people)],
        "action_grid": [(a, g) for g in action.grid_ids],
        "action_demand": [(a, d) for d in action.demand_ids],
    }


def _role(index: int, force: Force) -> ParticipantRole:
    if index == 0:
        return ParticipantRole.LEADER
    return ParticipantRole.SUPPORT if force is Force.COOPERATING else ParticipantRole.ENFORCER


def load_actions(context: AppContext, actor: Actor, catalog: Catalog,
                 samples: Sequence[DemandSample], whistles: Sequence[WhistleRef],
                 now: datetime, total: int, seed: int, cancel: CancelToken) -> list[MadeAction]:
    """Make and write ~``total`` actions in one transaction with one audit row."""
    rng = random.Random(f"{seed}:scale-actions")
    with context.uow() as uow:
        officers = list(roster_facts(uow).values())
        fixed = [(a.officer_id, a.starts_at, a.ends_at) for a in assignments_of(uow.actions.all())]
        version = uow.responsibilities.current_version()
        items = {i.code: i.id for i in uow.responsibilities.items(version.id)} if version else {}
        taken = taken_action_numbers(uow.session)
        maker = ActionMaker(rng, catalog, Staffer(officers, fixed, rng), now, items, samples,
                            whistles)
        made: list[MadeAction] = []
        start = (now - timedelta(days=3 * 365)).date()
        for day, count in action_windows(rng, start, now, total):
            cancel.raise_if_cancelled()
            made += filter(None, (maker.make(day) for _ in range(count)))
        number_actions(made, taken)
        links: dict[str, list[tuple]] = {table: [] for table in LINK_TABLES}
        for action in made:
            for table, rows in link_rows(action).items():
                links[table] += rows
        db = driver(uow)
        write_rows(db, "joint_action", ACTION_COLUMNS,
                   [action_row(a, maker.lives) for a in made], cancel)
        for table, columns in LINK_TABLES.items():
            write_rows(db, table, columns, links[table], cancel)
        audit.record(uow, actor, AuditAction.CREATE, entity_type="joint_action",
                     entity_id=SCALE_MARK, summary=f"载入大规模演示数据：联合执法行动 {len(made):,} 项")
        uow.commit()
    return made
