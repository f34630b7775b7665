"""The demand rows of the scale data set (docs/performance.md): a million demands over
three years, as plain tuples ready for ``executemany`` (whistles, actions and documents
are made from a sample of them: ``demo_scale_whistles``, ``_actions``, ``_documents``).

Why tuples and not services: the intake service computes one deadline, writes a
timeline step and an audit row per demand, which is right for a person at a keyboard
and hours of work for a million rows. Here every costly part is computed once and
reused: the deadline rule per (kind, source, nature, urgent), the deadline per (rule,
day of receipt) on the official calendar (day-based deadlines depend on the date
only), the text from small pools of realistic phrases. ~10 µs a row.

Deterministic for a seed: ids are UUIDv7 made from the receipt time and the seed's
random bits, so the same seed gives the same rows (dates are relative to ``end``).
Status codes follow the closed loop (受理 → 研判 → 派遣 → 处置 → 反馈 → 核查 → 结案 →
评价, plus 退单, 挂起 and 合并); a demand's status depends on its age, so old demands
are nearly all finished and the open ones, and the overdue ones, are recent.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from desktop.demo_scale_text import (
    ADDRESS_PLACES,
    ASKS,
    DURATIONS,
    GIVEN_CHARS,
    OPENERS,
    ROADS,
    TOPICS,
    Topic,
)
from desktop.domain.deadlines import (
    DeadlineRule,
    DeadlineUnit,
    DemandSource,
    compute_deadline,
    rule_for,
)
from desktop.domain.demand_clock import PAUSED_NOTE
from desktop.domain.demand_states import DemandStatus, HandlingLevel, Rating
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar

NUMBER_FORMAT = "{day:%Y%m%d}-{seq:04d}"  # the intake's 受理编号 (demand_flow.next_number)
SOURCES = ((DemandSource.HOTLINE, 55), (DemandSource.GRID_REPORT, 20),
           (DemandSource.DISTRICT_DISPATCH, 8), (DemandSource.WALK_IN, 7),
           (DemandSource.DEPARTMENT_TRANSFER, 5), (DemandSource.PETITION, 3),
           (DemandSource.DEPUTIES, 2))
SENDABLE_BACK = frozenset({DemandSource.HOTLINE.value, DemandSource.DISTRICT_DISPATCH.value,
                           DemandSource.DEPARTMENT_TRANSFER.value})
LEVELS = ((HandlingLevel.COMMUNITY.value, 30), (HandlingLevel.STREET.value, 60),
          (HandlingLevel.DISTRICT.value, 10))
RATINGS = ((Rating.SATISFIED.value, 82), (Rating.FAIRLY_SATISFIED.value, 13),
           (Rating.DISSATISFIED.value, 5))
SURNAMES = "刘李陈王张彭周谭罗曾唐胡黄邓易杨赵吴徐孙朱何高林郭肖梁谢宋许韩冯曹袁蒋蔡余叶程魏丁"
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 13, 9, 10, 14, 15, 14, 12, 9, 7, 5, 4, 3, 2)
_S = DemandStatus
# status by age in days: (upper bound of age, ((status, weight), ...))
_BY_AGE: tuple[tuple[int, tuple[tuple[str, float], ...]], ...] = tuple(
    (bound, tuple((status.value, weight) for status, weight in pairs)) for bound, pairs in (
        (2, ((_S.ACCEPTED, 30), (_S.TRIAGED, 25), (_S.DISPATCHED, 25), (_S.HANDLING, 15),
             (_S.RETURNED, 2), (_S.MERGED, 3))),
        (7, ((_S.ACCEPTED, 3), (_S.TRIAGED, 7), (_S.DISPATCHED, 15), (_S.HANDLING, 40),
             (_S.REPORTED, 12), (_S.VERIFIED, 8), (_S.CLOSED, 8), (_S.RETURNED, 3),
             (_S.MERGED, 4))),
        (20, ((_S.DISPATCHED, 4), (_S.HANDLING, 22), (_S.REPORTED, 12), (_S.VERIFIED, 12),
              (_S.CLOSED, 25), (_S.RATED, 17), (_S.RETURNED, 2), (_S.SUSPENDED, 2),
              (_S.MERGED, 4), (_S.SENT_BACK, 1))),
        (60, ((_S.HANDLING, 4), (_S.REPORTED, 2), (_S.VERIFIED, 3), (_S.CLOSED, 30),
              (_S.RATED, 55), (_S.SUSPENDED, 2), (_S.MERGED, 4), (_S.SENT_BACK, 1))),
        (10**6, ((_S.HANDLING, 0.15), (_S.SUSPENDED, 0.25), (_S.CLOSED, 22), (_S.RATED, 73),
                 (_S.MERGED, 3.6), (_S.SENT_BACK, 1))),
    ))
_CLOSED = frozenset({_S.CLOSED.value, _S.RATED.value})
_SUSPENDED, _MERGED, _ACCEPTED = _S.SUSPENDED.value, _S.MERGED.value, _S.ACCEPTED.value
_SENT_BACK, _CLOSED_CODE = _S.SENT_BACK.value, _S.CLOSED.value


@dataclass(frozen=True)
class Place:
    """A grid and what is needed to make demands in it."""

    grid_id: str
    community_id: str
    community_name: str
    weight: float


@dataclass(frozen=True)
class Catalog:
    """Ids the rows point at: grids (weighted by population), units and 小类
    categories by name (a topic without its category stays unclassified), officer
    names (who calls whistles), the 受理编号 already taken per day (the demo
    street's own demands) and the list item of each topic that has one."""

    places: Sequence[Place]
    units: dict[str, str]  # unit name → id
    categories: dict[str, str]  # 小类 name → id
    people: Sequence[str]
    taken: dict[date, int] = field(default_factory=dict)  # day → last number used
    items: dict[str, str] = field(default_factory=dict)  # topic title → list item id


def uuid7(ms: int, bits: int) -> str:
    """A UUIDv7 string for a moment (ms since the epoch) and 74 random bits."""
    value = ((ms & 0xFFFFFFFFFFFF) << 80) | (0x7 << 76) | (((bits >> 62) & 0xFFF) << 64) \
        | (0b10 << 62) | (bits & 0x3FFFFFFFFFFFFFFF)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def stamp(moment: datetime) -> str:
    """How SQLAlchemy stores a DateTime on SQLite (so comparisons agree):
    ``2026-11-23 09:30:00.000000``."""
    return moment.isoformat(" ", "microseconds")


def weighted(pairs: Sequence[tuple[object, float]]) -> tuple[list[object], list[float]]:
    return [p[0] for p in pairs], list(accumulate(p[1] for p in pairs))


class Deadlines:
    """Deadlines on the official calendar, each (rule, day) computed once."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._rules: dict[tuple[str, str, str, bool], DeadlineRule] = {}
        self._days: dict[tuple[DeadlineRule, date], tuple[datetime | None, str]] = {}

    def rule(self, kind: str, source: str, nature: str, urgent: bool) -> DeadlineRule:
        key = (kind, source, nature, urgent)
        rule = self._rules.get(key)
        if rule is None:
            rule = self._rules[key] = rule_for(kind, source, urgent, nature=nature)
        return rule

    def due(self, rule: DeadlineRule, received: datetime) -> tuple[datetime | None, str]:
        if rule.unit in (DeadlineUnit.WORKDAYS, DeadlineUnit.CALENDAR_DAYS):
            key = (rule, received.date())
            cached = self._days.get(key)
            if cached is None:
                cached = self._days[key] = self._compute(rule, received)
            return cached
        return self._compute(rule, received)

    def _compute(self, rule: DeadlineRule, received: datetime) -> tuple[datetime | None, str]:
        try:
            result = compute_deadline(rule, received, self.calendar)
        except CalendarUnknownError as error:  # compute_deadline flags; belt and braces
            return None, str(error)[:120]
        if result.due_at is None:
            return None, result.text[:120]  # the flag, as the intake stores it
        return result.due_at, ""


def day_counts(start: date, end: date, total: int, rng: random.Random) -> list[int]:
    """``total`` demands spread over the days: volume grows over the years, weekends
    and holidays are quieter. Exact: the counts add up to ``total``."""
    days = (end - start).days + 1
    weights = []
    for n in range(days):
        day = start + timedelta(days=n)
        weight = 0.7 + 0.6 * n / max(days - 1, 1)
        weight *= 0.55 if day.weekday() >= 5 else 1.0
        weights.append(weight * rng.uniform(0.85, 1.15))
    cumulative = list(accumulate(weights))
    scale = total / cumulative[-1]
    marks = [round(c * scale) for c in cumulative]
    return [b - a for a, b in zip([0, *marks[:-1]], marks, strict=True)]


class DemandMaker:
    """Makes the demand rows of one day at a time, in receipt order."""

    def __init__(self, rng: random.Random, catalog: Catalog, deadlines: Deadlines,
                 now: datetime) -> None:
        self.rng, self.catalog, self.deadlines, self.now = rng, catalog, deadlines, now
        self._places, self._place_cum = weighted([(p, p.weight) for p in catalog.places])
        self._topics, self._topic_cum = weighted([(t, t.weight) for t in TOPICS])
        self._sources, self._source_cum = weighted(
            [(s.value, w) for s, w in SOURCES])
        self._levels, self._level_cum = weighted(LEVELS)
        self._ratings, self._rating_cum = weighted(RATINGS)
        self._ages = [(bound, *weighted(pairs)) for bound, pairs in _BY_AGE]
        self._natures = {t: weighted(t.natures) for t in TOPICS}
        self._hours = list(accumulate(HOUR_WEIGHTS))
        self._recent: list[str] = []  # ids of the last demands, for 合并 targets

    def _pick(self, items: list, cum: list[float]) -> object:
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def times_of(self, day: date, count: int) -> list[datetime]:
        """``count`` receipt times on ``day``, busiest in office hours, sorted; today's
        fall before now."""
        rng, hours = self.rng, self._hours
        midnight = datetime.combine(day, time())
        if day == self.now.date():
            span = (self.now - midnight).total_seconds()
            return sorted(midnight + timedelta(seconds=int(rng.random() * span))
                          for _ in range(count))
        moments = []
        for _ in range(count):
            hour = bisect(hours, rng.random() * hours[-1])
            moments.append(datetime.combine(day, time(hour, rng.randrange(60),
                                                      rng.randrange(60))))
        moments.sort()
        return moments

    def text(self, topic: Topic, place: Place) -> tuple[str, str, str]:
        rng = self.rng
        road = rng.choice(ROADS[place.community_name])
        address = f"{road}{rng.randrange(1, 400)}号{rng.choice(ADDRESS_PLACES)}"
        detail = rng.choice(topic.details)
        title = f"{road}{topic.title}"
        content = (f"{rng.choice(OPENERS)}{address}{detail}，{rng.choice(DURATIONS)}，"
                   f"{rng.choice(ASKS)}")
        return title, content, f"长沙市芙蓉区{address}"

    def reporter(self) -> tuple[str, str]:
        rng = self.rng
        given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.8 else "")
        return (rng.choice(SURNAMES) + given,
                f"1{rng.choice('3589')}{rng.randrange(10)}{rng.randrange(100_000_000):08d}")

    def row(self, number: str, received: datetime) -> tuple[object, ...]:
        """One demand row in ``DEMAND_COLUMNS`` order."""
        rng = self.rng
        topic: Topic = self._pick(self._topics, self._topic_cum)  # type: ignore[assignment]
        place: Place = self._pick(self._places, self._place_cum)  # type: ignore[assignment]
        source: str = self._pick(self._sources, self._source_cum)  # type: ignore[assignment]
        nature: str = self._pick(*self._natures[topic])  # type: ignore[assignment]
        urgent = rng.random() < 0.03
        status = self._status((self.now - received).total_seconds() / 86400, source)
        if status == _SUSPENDED:  # the clock stops: no deadline while suspended
            due_at, note = None, PAUSED_NOTE
        else:
            due_at, note = self.deadlines.due(
                self.deadlines.rule(topic.kind.value, source, nature, urgent), received)
        closed_at, rating = self._closing(status, received, due_at)
        title, content, address = self.text(topic, place)
        name, phone = self.reporter()
        ms = int(received.timestamp() * 1000)
        demand_id = uuid7(ms, rng.getrandbits(74))
        merged_into = None
        if status == _MERGED:
            if not self._recent:
                status = _ACCEPTED  # nothing earlier to merge into
            else:
                merged_into = rng.choice(self._recent)
        self._recent.append(demand_id)
        if len(self._recent) > 50:
            del self._recent[:25]
        unit_name = topic.units[int(rng.random() * len(topic.units))]
        created = stamp(received)
        return (
            demand_id, 1, created, stamp(closed_at or received), number,
            f"12345-{received:%y%m%d}{ms % 100_000:05d}" if source in SENDABLE_BACK else None,
            topic.kind.value, nature, source, self.catalog.categories.get(topic.category),
            urgent, title, content, name, phone, address, None, None, place.grid_id,
            self.catalog.items.get(topic.title), self.catalog.units.get(unit_name), self._pick(self._levels, self._level_cum),
            status, created, stamp(due_at) if due_at else None, note,
            stamp(closed_at) if closed_at else None, rating, merged_into,
            1 if rng.random() < 0.04 else 0,
        )

    def _status(self, age_days: float, source: str) -> str:
        for bound, items, cum in self._ages:
            if age_days < bound:
                status: str = self._pick(items, cum)  # type: ignore[assignment]
                if status == _SENT_BACK and source not in SENDABLE_BACK:
                    return _CLOSED_CODE  # only an item sent down can go back up
                return status
        raise AssertionError("unreachable")

    def _closing(self, status: str, received: datetime,
                 due_at: datetime | None) -> tuple[datetime | None, str | None]:
        """结案 time (closed and rated only, as the closed loop sets it) and rating."""
        if status not in _CLOSED:
            return None, None
        rng = self.rng
        span = (due_at - received) if due_at else timedelta(days=10)
        late = rng.random() < 0.07
        closed = received + span * (rng.uniform(1.0, 1.6) if late else rng.uniform(0.1, 0.95))
        closed = min(closed, self.now)
        rating = self._pick(self._ratings, self._rating_cum) if status == "rated" else None
        return closed, rating  # type: ignore[return-value]


# Columns in the order ``DemandMaker.row`` fills them (checked against the table).
DEMAND_COLUMNS = (
    "id", "version", "created_at", "updated_at", "number", "external_number", "kind",
    "nature", "source", "category_id", "urgent", "title", "content", "reporter_name",
    "reporter_phone", "address", "longitude", "latitude", "grid_id",
    "responsibility_item_id", "lead_unit_id", "handling_level", "status", "received_at",
    "deadline_at", "deadline_note", "closed_at", "rating", "duplicate_of_id",
    "returned_count",
)


def demand_rows(maker: DemandMaker, start: date, counts: Sequence[int],
                batch: int) -> Iterator[list[tuple[object, ...]]]:
    """Batches of rows, day by day from ``start``, in receipt order, numbered after
    the day's numbers already taken."""
    rows: list[tuple[object, ...]] = []
    taken = maker.catalog.taken
    for offset, count in enumerate(counts):
        day = start + timedelta(days=offset)
        first = taken.get(day, 0) + 1
        for seq, received in enumerate(maker.times_of(day, count), start=first):
            rows.append(maker.row(NUMBER_FORMAT.format(day=day, seq=seq), received))
            if len(rows) >= batch:
                yield rows
                rows = []
    if rows:
        yield rows
