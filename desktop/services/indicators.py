"""The assessment figures for a period (desktop.domain.indicators has the definitions):
the street's scorecard and one per unit, grid or category, the month-by-month trend of
the street, the weights from the settings, and the records behind any figure for the
drill-down.

A month per group is computed from the month's rows (ids kept, so every figure drills
down); the trend is counted by the database (``uow.indicators.monthly_counts``), and a
month of it is drilled into by computing that month alone (``street_indicator``).

Threading: blocking reads; run on the database executor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from desktop.bootstrap import AppContext
from desktop.domain.actor import Actor
from desktop.domain.errors import ValidationError
from desktop.domain.indicators import (
    DEFAULT_WEIGHTS,
    RESPONSE_WORKDAYS,
    TREND_MONTHS,
    ArrivalFacts,
    DemandFacts,
    Dimension,
    HandoverDueFacts,
    Indicator,
    IndicatorKind,
    KeyOf,
    Period,
    Scorecard,
    TrendRow,
    cards_by,
    category_keys,
    grid_keys,
    month_period,
    months_ending,
    response_limit,
    trend_rows,
    unit_keys,
)
from desktop.domain.permissions import Permission, require
from desktop.services.calendar import calendar_in
from local_db.unit_of_work import UnitOfWork

__all__ = ["Assessment", "Trend", "assess", "drill", "month_period", "set_weights",
           "street_indicator", "trend", "weights"]

WEIGHTS_KEY = "indicator_weights"
STREET = "全街道"
_GONE = {Dimension.UNIT: "（已撤销单位）", Dimension.GRID: "（已删除网格）",
         Dimension.CATEGORY: "（已删除类别）"}


@dataclass(frozen=True)
class Assessment:
    period: Period
    cards: list[Scorecard]  # the street's first
    names: dict[str, str]
    weights: dict[IndicatorKind, float]
    dimension: Dimension = Dimension.UNIT
    levels: dict[str, int] = field(default_factory=dict)  # 1: a 小类 under its 大类

    def name_of(self, card: Scorecard) -> str:
        if card.key is None:
            return STREET
        return self.names.get(card.key, _GONE.get(self.dimension, "（已删除）"))

    def level_of(self, card: Scorecard) -> int:
        return self.levels.get(card.key, 0) if card.key else 0


@dataclass(frozen=True)
class Trend:
    rows: list[TrendRow]  # oldest month first
    weights: dict[IndicatorKind, float]

    @property
    def text(self) -> str:
        if not self.rows:
            return ""
        return f"{self.rows[0].period.month_text}—{self.rows[-1].period.month_text}"


def weights(context: AppContext) -> dict[IndicatorKind, float]:
    saved = context.settings.get(WEIGHTS_KEY) or {}
    return {kind: float(saved.get(kind.value, DEFAULT_WEIGHTS[kind])) for kind in IndicatorKind}


def set_weights(context: AppContext, *, actor: Actor,
                values: Mapping[IndicatorKind, float]) -> None:
    """The street's weighting of the indicators (a setting: ``SETTINGS_EDIT``)."""
    require(actor, Permission.SETTINGS_EDIT)
    for kind, value in values.items():
        if not 0 <= value <= 100:
            raise ValidationError(kind.label, f"权重应在 0–100 之间（现为 {value:g}）。")
    if not any(values.values()):
        raise ValidationError("权重", "至少一项指标的权重应大于 0。")
    context.settings.set(WEIGHTS_KEY, {kind.value: float(v) for kind, v in values.items()})


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return datetime.combine(period.first, time.min), datetime.combine(period.end, time.min)


def _facts(uow: UnitOfWork, period: Period) -> tuple[list[DemandFacts], list[ArrivalFacts],
                                                      list[HandoverDueFacts]]:
    start, end = _bounds(period)
    demands = [DemandFacts(r[0], r[1], r[2], r[3], r[7], r[8], r[4], r[5], r[6], r[9],
                           returned_count=r[10], duplicate_of=r[11], grid_id=r[12],
                           category_id=r[13])
               for r in uow.indicators.demands(start, end)]
    targets = [ArrivalFacts(*r) for r in uow.indicators.arrivals(start, end)]
    handovers = [HandoverDueFacts(*r) for r in uow.indicators.handovers(start, end)]
    return demands, targets, handovers


def _groups(uow: UnitOfWork, dimension: Dimension
            ) -> tuple[KeyOf, list[str], dict[str, str], dict[str, int]]:
    """How records fall into groups, the groups' order, names and indent levels."""
    if dimension is Dimension.GRID:
        grids = sorted(uow.indicators.grids(), key=lambda g: g[1])
        return grid_keys, [g[0] for g in grids], {g[0]: g[2] for g in grids}, {}
    if dimension is Dimension.CATEGORY:
        rows = uow.indicators.categories()
        parents = {r[0]: r[1] for r in rows}
        ordered: list[str] = []
        for top in sorted((r for r in rows if r[1] is None), key=lambda r: (r[3], r[2])):
            ordered.append(top[0])
            ordered += [r[0] for r in sorted((r for r in rows if r[1] == top[0]),
                                             key=lambda r: (r[3], r[2]))]
        levels = {r[0]: 1 for r in rows if r[1] is not None}
        return category_keys(parents), ordered, {r[0]: r[2] for r in rows}, levels
    units = uow.roster.units(include_retired=True)
    return unit_keys, [u.id for u in units], {u.id: u.name for u in units}, {}


def assess(context: AppContext, period: Period,
           dimension: Dimension = Dimension.UNIT) -> Assessment:
    """The period's cards: the street's, then one per unit, grid or category."""
    if dimension is Dimension.MONTH:
        raise ValidationError("统计维度", "按月的趋势请用 trend()。")
    with context.uow() as uow:
        calendar = calendar_in(uow)
        demands, targets, handovers = _facts(uow, period)
        key_of, order, names, levels = _groups(uow, dimension)
    if dimension is Dimension.UNIT:
        order = []  # units in the order they were set up (their ids), as before
    cards = cards_by(demands, targets, handovers, period, calendar, key_of, order=order,
                     handovers_in_groups=dimension is not Dimension.UNIT)
    return Assessment(period, cards, names, weights(context), dimension, levels)


def street_indicator(context: AppContext, period: Period, kind: IndicatorKind) -> Indicator:
    """The street's figure for one month with its records (a trend cell drilled into)."""
    return assess(context, period).cards[0].indicators[kind]


def trend(context: AppContext, year: int, month: int, months: int = TREND_MONTHS) -> Trend:
    """The street's figures for the ``months`` months up to ``year``-``month``, counted
    by the database."""
    periods = months_ending(year, month, months)
    start, end = _bounds(Period(periods[0].first, periods[-1].end))
    with context.uow() as uow:
        calendar = calendar_in(uow)
        days = [periods[0].first + timedelta(days=n)
                for n in range((periods[-1].end - periods[0].first).days)]
        limits: list[tuple[date, date | None]] = [
            (day, response_limit(calendar, day, RESPONSE_WORKDAYS)) for day in days]
        counts = uow.indicators.monthly_counts(start, end, limits, RESPONSE_WORKDAYS)
    return Trend(trend_rows(periods, counts), weights(context))


DRILL_LIMIT = 2000


def demand_numbers(uow: UnitOfWork, ids: list[str]) -> list[tuple[str, str, str]]:
    """(受理编号, 标题, 状态) of the demands behind a figure, for the drill-down list."""
    from desktop.domain.demand_states import DemandStatus

    with uow:
        found = [uow.demands.get(i) for i in ids[:DRILL_LIMIT]]
        return [(d.number, d.title, DemandStatus(d.status).label) for d in found if d is not None]


def drill(uow: UnitOfWork, kind: IndicatorKind, ids: list[str]) -> list[tuple[str, str, str]]:
    """The records behind a figure as (编号, 内容, 情况) lines, whatever their type."""
    if kind not in (IndicatorKind.ARRIVAL, IndicatorKind.ON_TIME_HANDOVER):
        return demand_numbers(uow, ids)
    from local_db.models import Demand, Handover, Whistle, WhistleTarget

    lines: list[tuple[str, str, str]] = []
    with uow:
        for record_id in ids[:DRILL_LIMIT]:
            if kind is IndicatorKind.ARRIVAL:
                target = uow.session.get(WhistleTarget, record_id)
                whistle = uow.session.get(Whistle, target.whistle_id) if target else None
                if target is not None and whistle is not None:
                    unit = uow.roster.unit(target.unit_id)
                    arrived = f"{target.arrived_at:%m-%d %H:%M}报到" if target.arrived_at \
                        else "未报到"
                    lines.append((whistle.number, f"{whistle.title}（{unit.name if unit else ''}）",
                                  arrived))
            else:
                handover = uow.session.get(Handover, record_id)
                demand = uow.session.get(Demand, handover.demand_id) if handover else None
                if handover is not None and demand is not None:
                    moment = handover.handed_over_at
                    lines.append((demand.number, demand.title,
                                  f"{moment:%m-%d %H:%M}交接" if moment else "未交接"))
    return lines
