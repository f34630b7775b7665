"""The assessment figures (双向考评, seeds 002–004): each indicator a numerator over a
denominator, both kept as the records they count so every figure drills down to them,
for the whole street and per unit, grid or category (two levels), a weighted score
with configurable weights, and the month-by-month trend as counts.

Definitions (a period is a half-open range of days; what falls in it is said per
indicator):

- 响应率: demands dispatched in the period (first dispatch) that the unit signed for
  (签收处置) within ``response_workdays`` working days of dispatch / demands dispatched
  in the period.
- 解决率: demands received in the period that are closed (结案 or 已评价) / demands
  received in it, leaving out merged duplicates and those sent back to the district
  (not the street's to solve).
- 满意率: demands rated in the period 满意 or 基本满意 / demands rated in it.
- 按期结案率: demands closed in the period by their deadline / demands closed in it.
- 报到率: whistle targets with an arrival deadline in the period that arrived by it /
  those targets.
- 退单率: demands dispatched in the period (first dispatch) that were sent back (退单)
  at least once / demands dispatched in the period. Lower is better.
- 重复诉求率: demands received in the period that were merged into another as
  duplicates / demands received in it. Lower is better.
- 按期交接率: handovers to the district due in the period that were handed over by the
  deadline / those handovers.

A rate with an empty denominator is "—" (no data), never 0% or 100%, and the weighted
score leaves it out rather than counting it as a failure. In the score a rate where
lower is better counts as its complement (a 10% 退单率 scores like a 90% rate).

Pure: no database, no Qt.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from desktop.domain.errors import ValidationError
from desktop.domain.labels import LabeledEnum
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar


class IndicatorKind(LabeledEnum):
    RESPONSE = ("response", "响应率")
    RESOLUTION = ("resolution", "解决率")
    SATISFACTION = ("satisfaction", "满意率")
    ON_TIME_CLOSE = ("on_time_close", "按期结案率")
    ARRIVAL = ("arrival", "报到率")
    RETURN = ("returned", "退单率")
    DUPLICATE = ("duplicate", "重复诉求率")
    ON_TIME_HANDOVER = ("on_time_handover", "按期交接率")


class Dimension(LabeledEnum):
    UNIT = ("unit", "按单位")
    GRID = ("grid", "按网格")
    CATEGORY = ("category", "按类别")
    MONTH = ("month", "按月（近12个月）")


DEFAULT_WEIGHTS: dict[IndicatorKind, float] = {
    IndicatorKind.RESPONSE: 15, IndicatorKind.ON_TIME_CLOSE: 25,
    IndicatorKind.RESOLUTION: 25, IndicatorKind.SATISFACTION: 20,
    IndicatorKind.ARRIVAL: 10, IndicatorKind.ON_TIME_HANDOVER: 5,
    IndicatorKind.RETURN: 5, IndicatorKind.DUPLICATE: 5,
}
LOWER_IS_BETTER = frozenset({IndicatorKind.RETURN, IndicatorKind.DUPLICATE})
RESPONSE_WORKDAYS = 1
SATISFIED = frozenset({"satisfied", "fairly_satisfied"})  # demand_states.Rating codes
CLOSED = frozenset({"closed", "rated"})
MERGED = "merged"
NOT_THE_STREETS = frozenset({MERGED, "sent_back"})
TREND_MONTHS = 12


@dataclass(frozen=True)
class Period:
    first: date
    end: date  # exclusive

    def __contains__(self, moment: object) -> bool:
        if moment is None:
            return False
        day = moment.date() if isinstance(moment, datetime) else moment
        return isinstance(day, date) and self.first <= day < self.end

    @property
    def text(self) -> str:
        last = date.fromordinal(self.end.toordinal() - 1)
        return f"{self.first:%Y年%m月%d日}—{last:%Y年%m月%d日}"

    @property
    def month_text(self) -> str:
        return f"{self.first.year}年{self.first.month}月"


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise ValidationError("月份", f"应为 1–12（现为 {month}）。")
    last = month_calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date.fromordinal(date(year, month, last).toordinal() + 1))


def months_ending(year: int, month: int, count: int = TREND_MONTHS) -> list[Period]:
    """The ``count`` calendar months up to and including ``year``-``month``, oldest first."""
    index = year * 12 + month - 1
    return [month_period(i // 12, i % 12 + 1) for i in range(index - count + 1, index + 1)]


@dataclass(frozen=True)
class DemandFacts:
    id: str
    unit_id: str | None  # the lead unit the demand was dispatched to
    status: str
    received_at: datetime
    dispatched_at: datetime | None
    started_at: datetime | None
    closed_at: datetime | None
    deadline_at: datetime | None
    rating: str | None
    rated_at: datetime | None
    returned_count: int = 0
    duplicate_of: str | None = None
    grid_id: str | None = None
    category_id: str | None = None


@dataclass(frozen=True)
class ArrivalFacts:
    id: str  # the whistle target
    unit_id: str
    arrival_due_at: datetime | None
    arrived_at: datetime | None
    grid_id: str | None = None  # of the demand the whistle was called for, if any
    category_id: str | None = None


@dataclass(frozen=True)
class HandoverDueFacts:
    id: str
    unit_id: str | None
    due_at: datetime | None
    handed_over_at: datetime | None
    grid_id: str | None = None  # of the demand handed over
    category_id: str | None = None


def rate_text(numerator: int, denominator: int) -> str:
    if not denominator:
        return "—"
    return f"{numerator / denominator * 100:.1f}%（{numerator}/{denominator}）"


class Figure(Protocol):
    @property
    def rate(self) -> float | None: ...


@dataclass(frozen=True)
class Tally:
    """A figure as counts only (the trend: aggregated by the database)."""

    kind: IndicatorKind
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def text(self) -> str:
        return rate_text(self.numerator, self.denominator)


@dataclass(frozen=True)
class Indicator:
    kind: IndicatorKind
    numerator: tuple[str, ...]  # ids of the records that count for it
    denominator: tuple[str, ...]  # ids of every record it is measured on

    @property
    def rate(self) -> float | None:
        return len(self.numerator) / len(self.denominator) if self.denominator else None

    @property
    def text(self) -> str:
        return rate_text(len(self.numerator), len(self.denominator))

    @property
    def tally(self) -> Tally:
        return Tally(self.kind, len(self.numerator), len(self.denominator))

    @property
    def missing(self) -> tuple[str, ...]:
        """The records that did not count: what a director asks about first."""
        counted = set(self.numerator)
        return tuple(i for i in self.denominator if i not in counted)

    @property
    def first_shown(self) -> tuple[str, ...]:
        """The records to look at first: those that failed, or for a rate where lower
        is better, those that counted (the returned, the duplicates)."""
        if self.kind in LOWER_IS_BETTER:
            return (*self.numerator, *self.missing)
        return (*self.missing, *self.numerator)


def weighted_score(figures: Mapping[IndicatorKind, Figure],
                   weights: Mapping[IndicatorKind, float]) -> float | None:
    """Weighted mean of the rates that have data, on a 100-point scale; a rate where
    lower is better counts as its complement."""
    used = []
    for kind, figure in figures.items():
        rate, weight = figure.rate, weights.get(kind, 0.0)
        if rate is not None and weight > 0:
            used.append((weight, 1 - rate if kind in LOWER_IS_BETTER else rate))
    total = sum(w for w, _ in used)
    return round(100 * sum(w * r for w, r in used) / total, 1) if total else None


@dataclass(frozen=True)
class Scorecard:
    key: str | None  # None: the whole street; else a unit, grid or category id
    indicators: dict[IndicatorKind, Indicator] = field(default_factory=dict)

    def score(self, weights: Mapping[IndicatorKind, float]) -> float | None:
        return weighted_score(self.indicators, weights)


def _indicator(kind: IndicatorKind, records: Iterable[tuple[str, bool]]) -> Indicator:
    pairs = list(records)
    return Indicator(kind, tuple(i for i, ok in pairs if ok), tuple(i for i, _ in pairs))


def response_limit(calendar: WorkCalendar, day: date, response_workdays: int) -> date | None:
    """The last day a demand dispatched on ``day`` may be signed for; None when the
    calendar does not know the year (then judged by calendar days, flagged)."""
    try:
        return calendar.add_workdays(day, response_workdays)
    except CalendarUnknownError:
        return None


def responded_in_time(calendar: WorkCalendar, facts: DemandFacts,
                      response_workdays: int,
                      limits: dict[date, date | None] | None = None) -> bool:
    if facts.dispatched_at is None or facts.started_at is None:
        return False
    day = facts.dispatched_at.date()
    if limits is None:
        limits = {}
    if day not in limits:
        limits[day] = response_limit(calendar, day, response_workdays)
    limit = limits[day]
    if limit is None:
        return (facts.started_at - facts.dispatched_at).days <= response_workdays
    return facts.started_at.date() <= limit


def demand_indicators(demands: Sequence[DemandFacts], period: Period,
                      calendar: WorkCalendar, response_workdays: int = RESPONSE_WORKDAYS
                      ) -> dict[IndicatorKind, Indicator]:
    limits: dict[date, date | None] = {}
    dispatched = [d for d in demands if d.dispatched_at in period]
    received = [d for d in demands if d.received_at in period]
    return {
        IndicatorKind.RESPONSE: _indicator(IndicatorKind.RESPONSE, (
            (d.id, responded_in_time(calendar, d, response_workdays, limits))
            for d in dispatched)),
        IndicatorKind.RESOLUTION: _indicator(IndicatorKind.RESOLUTION, (
            (d.id, d.status in CLOSED) for d in received if d.status not in NOT_THE_STREETS)),
        IndicatorKind.SATISFACTION: _indicator(IndicatorKind.SATISFACTION, (
            (d.id, d.rating in SATISFIED) for d in demands
            if d.rating is not None and d.rated_at in period)),
        IndicatorKind.ON_TIME_CLOSE: _indicator(IndicatorKind.ON_TIME_CLOSE, (
            (d.id, d.deadline_at is not None and d.closed_at is not None
             and d.closed_at <= d.deadline_at)
            for d in demands if d.closed_at in period)),
        IndicatorKind.RETURN: _indicator(IndicatorKind.RETURN, (
            (d.id, d.returned_count > 0) for d in dispatched)),
        IndicatorKind.DUPLICATE: _indicator(IndicatorKind.DUPLICATE, (
            (d.id, d.status == MERGED or d.duplicate_of is not None) for d in received)),
    }


def arrival_indicator(targets: Sequence[ArrivalFacts], period: Period) -> Indicator:
    return _indicator(IndicatorKind.ARRIVAL, (
        (t.id, t.arrived_at is not None and t.arrival_due_at is not None
         and t.arrived_at <= t.arrival_due_at)
        for t in targets if t.arrival_due_at in period))


def handover_indicator(handovers: Sequence[HandoverDueFacts], period: Period) -> Indicator:
    return _indicator(IndicatorKind.ON_TIME_HANDOVER, (
        (h.id, h.handed_over_at is not None and h.due_at is not None
         and h.handed_over_at <= h.due_at)
        for h in handovers if h.due_at in period))


# --- dimensions: the groups a record belongs to ----------------------------------------------

KeyOf = Callable[[Any], Sequence[str]]  # the groups a record counts in (none: street only)


def unit_keys(record: Any) -> tuple[str, ...]:
    return (record.unit_id,) if record.unit_id else ()


def grid_keys(record: Any) -> tuple[str, ...]:
    return (record.grid_id,) if record.grid_id else ()


def category_keys(parents: Mapping[str, str | None]) -> KeyOf:
    """A record counts in its 小类 and in that 小类's 大类 (two levels)."""
    def keys(record: Any) -> tuple[str, ...]:
        category = record.category_id
        if not category:
            return ()
        parent = parents.get(category)
        return (parent, category) if parent else (category,)
    return keys


def _buckets(records: Iterable[Any], key_of: KeyOf) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for record in records:
        for key in key_of(record):
            found.setdefault(key, []).append(record)
    return found


def cards_by(demands: Sequence[DemandFacts], targets: Sequence[ArrivalFacts],
             handovers: Sequence[HandoverDueFacts], period: Period, calendar: WorkCalendar,
             key_of: KeyOf, *, order: Sequence[str] = (), handovers_in_groups: bool = True,
             response_workdays: int = RESPONSE_WORKDAYS) -> list[Scorecard]:
    """The street's card first, then one per group (in ``order``, then any other key
    sorted) that has anything to count."""
    def card(key: str | None, mine: Sequence[DemandFacts], called: Sequence[ArrivalFacts],
             handed: Sequence[HandoverDueFacts]) -> Scorecard:
        indicators = demand_indicators(mine, period, calendar, response_workdays)
        indicators[IndicatorKind.ARRIVAL] = arrival_indicator(called, period)
        indicators[IndicatorKind.ON_TIME_HANDOVER] = handover_indicator(handed, period)
        return Scorecard(key, {kind: indicators[kind] for kind in IndicatorKind})

    by_demand = _buckets(demands, key_of)
    by_target = _buckets(targets, key_of)
    by_handover = _buckets(handovers, key_of) if handovers_in_groups else {}
    keys = set(by_demand) | set(by_target) | set(by_handover)
    ordered = [k for k in order if k in keys] + sorted(keys - set(order))
    cards = [card(None, demands, targets, handovers)]
    for key in ordered:
        group = card(key, by_demand.get(key, []), by_target.get(key, []),
                     by_handover.get(key, []))
        if any(i.denominator for i in group.indicators.values()):
            cards.append(group)
    return cards


def scorecards(demands: Sequence[DemandFacts], targets: Sequence[ArrivalFacts],
               handovers: Sequence[HandoverDueFacts], period: Period,
               calendar: WorkCalendar, response_workdays: int = RESPONSE_WORKDAYS
               ) -> list[Scorecard]:
    """Per unit. Handing over on time is the street's duty (departments rate the street
    on it), so it is on the street's card only."""
    return cards_by(demands, targets, handovers, period, calendar, unit_keys,
                    handovers_in_groups=False, response_workdays=response_workdays)


# --- the trend: counts per month -------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    period: Period
    figures: dict[IndicatorKind, Tally]

    def score(self, weights: Mapping[IndicatorKind, float]) -> float | None:
        return weighted_score(self.figures, weights)


def trend_rows(periods: Sequence[Period],
               counts: Mapping[str, Mapping[str, tuple[int, int]]]) -> list[TrendRow]:
    """The months in order, from ``counts[YYYY-MM][kind code] = (numerator,
    denominator)``; a month or kind without counts has no data."""
    rows = []
    for period in periods:
        month = counts.get(f"{period.first:%Y-%m}", {})
        rows.append(TrendRow(period, {
            kind: Tally(kind, *month.get(kind.value, (0, 0))) for kind in IndicatorKind}))
    return rows
