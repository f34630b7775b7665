"""The assessment figures for a period (desktop.domain.indicators has the definitions):
the street's scorecard and one per unit, with the weights from the settings, and the
records behind any figure for the drill-down."""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from desktop.bootstrap import AppContext
from desktop.domain.actor import Actor
from desktop.domain.errors import ValidationError
from desktop.domain.indicators import (
    DEFAULT_WEIGHTS,
    ArrivalFacts,
    DemandFacts,
    HandoverDueFacts,
    IndicatorKind,
    Period,
    Scorecard,
    scorecards,
)
from desktop.domain.permissions import Permission, require
from desktop.services.calendar import calendar_in
from local_db.unit_of_work import UnitOfWork

WEIGHTS_KEY = "indicator_weights"


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise ValidationError("月份", "应为 1–12。")
    last = month_calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date.fromordinal(date(year, month, last).toordinal() + 1))


@dataclass(frozen=True)
class Assessment:
    period: Period
    cards: list[Scorecard]  # the street's first
    unit_names: dict[str, str]
    weights: dict[IndicatorKind, float]

    def name_of(self, card: Scorecard) -> str:
        return "全街道" if card.unit_id is None else self.unit_names.get(card.unit_id, "（已撤销单位）")


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


def assess(context: AppContext, period: Period) -> Assessment:
    start = datetime.combine(period.first, time.min)
    end = datetime.combine(period.end, time.min)
    with context.uow() as uow:
        calendar = calendar_in(uow)
        demands = [DemandFacts(r[0], r[1], r[2], r[3], r[7], r[8], r[4], r[5], r[6], r[9])
                   for r in uow.indicators.demands(start, end)]
        targets = [ArrivalFacts(*r) for r in uow.indicators.arrivals(start, end)]
        handovers = [HandoverDueFacts(*r) for r in uow.indicators.handovers(start, end)]
        names = {unit.id: unit.name for unit in uow.roster.units(include_retired=True)}
    cards = scorecards(demands, targets, handovers, period, calendar)
    return Assessment(period, cards, names, weights(context))


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
