"""The assessment figures (双向考评, seeds 002–004): each indicator a numerator over a
denominator, both kept as the records they count so every figure drills down to them,
per unit and for the whole street, and a weighted score with configurable weights.

Definitions (a period is a half-open range of days; what falls in it is said per
indicator):

- 响应率: demands dispatched in the period that the unit signed for (签收处置) within
  ``response_workdays`` working days of dispatch / demands dispatched in the period.
- 按期结案率: demands closed in the period by their deadline / demands closed in it.
- 解决率: demands received in the period that are closed (结案 or 已评价) / demands
  received in it, leaving out merged duplicates and those sent back to the district
  (not the street's to solve).
- 满意率: demands rated in the period 满意 or 基本满意 / demands rated in it.
- 报到率: whistle targets with an arrival deadline in the period that arrived by it /
  those targets.
- 按期交接率: handovers to the district due in the period that were handed over by the
  deadline / those handovers.

A rate with an empty denominator is "—" (no data), never 0% or 100%, and the weighted
score leaves it out rather than counting it as a failure.

Pure: no database, no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from desktop.domain.labels import LabeledEnum
from desktop.domain.workdays import CalendarUnknownError, WorkCalendar


class IndicatorKind(LabeledEnum):
    RESPONSE = ("response", "响应率")
    ON_TIME_CLOSE = ("on_time_close", "按期结案率")
    RESOLUTION = ("resolution", "解决率")
    SATISFACTION = ("satisfaction", "满意率")
    ARRIVAL = ("arrival", "报到率")
    ON_TIME_HANDOVER = ("on_time_handover", "按期交接率")


DEFAULT_WEIGHTS: dict[IndicatorKind, float] = {
    IndicatorKind.RESPONSE: 15, IndicatorKind.ON_TIME_CLOSE: 25,
    IndicatorKind.RESOLUTION: 25, IndicatorKind.SATISFACTION: 20,
    IndicatorKind.ARRIVAL: 10, IndicatorKind.ON_TIME_HANDOVER: 5,
}
RESPONSE_WORKDAYS = 1
SATISFIED = frozenset({"satisfied", "basically_satisfied"})
CLOSED = frozenset({"closed", "rated"})
NOT_THE_STREETS = frozenset({"merged", "sent_back"})


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


@dataclass(frozen=True)
class ArrivalFacts:
    id: str  # the whistle target
    unit_id: str
    arrival_due_at: datetime | None
    arrived_at: datetime | None


@dataclass(frozen=True)
class HandoverDueFacts:
    id: str
    unit_id: str | None
    due_at: datetime | None
    handed_over_at: datetime | None


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
        rate = self.rate
        if rate is None:
            return "—"
        return f"{rate * 100:.1f}%（{len(self.numerator)}/{len(self.denominator)}）"

    @property
    def missing(self) -> tuple[str, ...]:
        """The records that did not count: what a director asks about first."""
        counted = set(self.numerator)
        return tuple(i for i in self.denominator if i not in counted)


@dataclass(frozen=True)
class Scorecard:
    unit_id: str | None  # None: the whole street
    indicators: dict[IndicatorKind, Indicator] = field(default_factory=dict)

    def score(self, weights: Mapping[IndicatorKind, float]) -> float | None:
        """Weighted mean of the rates that have data, on a 100-point scale."""
        pairs = [(weights.get(kind, 0.0), indicator.rate)
                 for kind, indicator in self.indicators.items()]
        used = [(w, r) for w, r in pairs if r is not None and w > 0]
        total = sum(w for w, _ in used)
        return round(100 * sum(w * r for w, r in used) / total, 1) if total else None


def _indicator(kind: IndicatorKind, records: Iterable[tuple[str, bool]]) -> Indicator:
    pairs = list(records)
    return Indicator(kind, tuple(i for i, ok in pairs if ok), tuple(i for i, _ in pairs))


def responded_in_time(calendar: WorkCalendar, facts: DemandFacts,
                      response_workdays: int) -> bool:
    if facts.dispatched_at is None or facts.started_at is None:
        return False
    try:
        limit = calendar.add_workdays(facts.dispatched_at, response_workdays)
    except CalendarUnknownError:  # a year without data: judge by calendar days, flagged
        return (facts.started_at - facts.dispatched_at).days <= response_workdays
    return facts.started_at.date() <= limit


def demand_indicators(demands: Sequence[DemandFacts], period: Period,
                      calendar: WorkCalendar, response_workdays: int = RESPONSE_WORKDAYS
                      ) -> dict[IndicatorKind, Indicator]:
    return {
        IndicatorKind.RESPONSE: _indicator(IndicatorKind.RESPONSE, (
            (d.id, responded_in_time(calendar, d, response_workdays))
            for d in demands if d.dispatched_at in period)),
        IndicatorKind.ON_TIME_CLOSE: _indicator(IndicatorKind.ON_TIME_CLOSE, (
            (d.id, d.deadline_at is not None and d.closed_at is not None
             and d.closed_at <= d.deadline_at)
            for d in demands if d.closed_at in period)),
        IndicatorKind.RESOLUTION: _indicator(IndicatorKind.RESOLUTION, (
            (d.id, d.status in CLOSED) for d in demands
            if d.received_at in period and d.status not in NOT_THE_STREETS)),
        IndicatorKind.SATISFACTION: _indicator(IndicatorKind.SATISFACTION, (
            (d.id, d.rating in SATISFIED) for d in demands
            if d.rating is not None and d.rated_at in period)),
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


def scorecards(demands: Sequence[DemandFacts], targets: Sequence[ArrivalFacts],
               handovers: Sequence[HandoverDueFacts], period: Period,
               calendar: WorkCalendar, response_workdays: int = RESPONSE_WORKDAYS
               ) -> list[Scorecard]:
    """The street's card first, then one per unit that has anything to count."""
    def card(unit_id: str | None, keep: Callable[[str | None], bool]) -> Scorecard:
        indicators = demand_indicators([d for d in demands if keep(d.unit_id)], period,
                                       calendar, response_workdays)
        indicators[IndicatorKind.ARRIVAL] = arrival_indicator(
            [t for t in targets if keep(t.unit_id)], period)
        # Handing over on time is the street's duty (departments rate the street on it),
        # so it is on the street's card only.
        indicators[IndicatorKind.ON_TIME_HANDOVER] = handover_indicator(
            handovers if unit_id is None else [], period)
        return Scorecard(unit_id, indicators)

    units = sorted({u for u in (*(d.unit_id for d in demands), *(t.unit_id for t in targets))
                    if u is not None})
    cards = [card(None, lambda _u: True)]
    for unit in units:
        unit_card = card(unit, lambda u, unit=unit: u == unit)
        if any(i.denominator for i in unit_card.indicators.values()):
            cards.append(unit_card)
    return cards
