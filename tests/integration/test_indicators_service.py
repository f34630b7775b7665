"""The assessment read from a real database: the SQL picks the right records for the
period, the figures drill down to the demands, the grid and category dimensions group
them, and the trend counted by SQL equals the month computed record by record."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop.bootstrap import open_migrated_context
from desktop.domain.demand_states import DemandAction, HandlingLevel
from desktop.domain.errors import PermissionDeniedError, ValidationError
from desktop.domain.indicators import Dimension, IndicatorKind
from desktop.services import indicators
from desktop.services.calendar import calendar_in
from desktop.services.demand_flow import ActionInput, Routing, apply_action
from tests.integration.demand_helpers import OPERATOR, Clock, Desk, build_desk

A = DemandAction
LOOP = (A.TRIAGE, A.DISPATCH, A.START, A.REPORT, A.VERIFY, A.CLOSE, A.RATE)


def test_a_month_of_demands_gives_the_figures(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch, datetime(2026, 11, 2, 10, 0))
    desk = build_desk(open_migrated_context(tmp_path))
    done = desk.intake(received_at=datetime(2026, 11, 2, 9, 0))
    desk.advance(done.id, LOOP, at=datetime(2026, 11, 3, 10, 0))
    waiting = desk.intake(received_at=datetime(2026, 11, 2, 9, 30))
    desk.advance(waiting.id, (A.TRIAGE, A.DISPATCH), at=datetime(2026, 11, 2, 11, 0))
    clock.set(datetime(2026, 12, 1, 9, 0))
    october = desk.intake(received_at=datetime(2026, 12, 1, 8, 0))  # December: not counted
    assessment = indicators.assess(desk.context, indicators.month_period(2026, 11))
    street = assessment.cards[0]
    assert assessment.name_of(street) == "全街道"
    response = street.indicators[IndicatorKind.RESPONSE]
    assert set(response.denominator) == {done.id, waiting.id}
    assert response.numerator == (done.id,)
    assert street.indicators[IndicatorKind.RESOLUTION].text == "50.0%（1/2）"
    assert street.indicators[IndicatorKind.SATISFACTION].text == "100.0%（1/1）"
    assert october.id not in street.indicators[IndicatorKind.RESOLUTION].denominator
    city = next(card for card in assessment.cards if card.key == desk.city)
    assert assessment.name_of(city) == "区城管执法局"
    drilled = indicators.demand_numbers(desk.uow(), list(response.missing))
    assert drilled == [(waiting.number, waiting.title, "已派遣")]


def test_weights_are_a_setting_for_the_administrator(tmp_path: Path) -> None:
    context = open_migrated_context(tmp_path)
    values = indicators.weights(context)
    values[IndicatorKind.SATISFACTION] = 40
    with pytest.raises(PermissionDeniedError):
        indicators.set_weights(context, actor=OPERATOR, values=values)
    from desktop.domain.actor import LOCAL_ADMIN

    values[IndicatorKind.ARRIVAL] = 120
    with pytest.raises(ValidationError, match="0–100"):
        indicators.set_weights(context, actor=LOCAL_ADMIN, values=values)
    values[IndicatorKind.ARRIVAL] = 10
    indicators.set_weights(context, actor=LOCAL_ADMIN, values=values)
    assert indicators.weights(open_migrated_context(tmp_path))[IndicatorKind.SATISFACTION] == 40


K = IndicatorKind


def _act(desk: Desk, demand_id: str, action: DemandAction, data: ActionInput,
         at: datetime) -> None:
    with desk.uow() as uow:
        apply_action(uow, uow.demands.get(demand_id), action, actor=OPERATOR, at=at,
                     calendar=calendar_in(uow), data=data)
        uow.commit()


def _november(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Desk, dict[str, str]]:
    """Four demands in November 2026 and one in October: a loop to rating, one returned
    by the unit and dispatched again, one merged as a duplicate, one still waiting."""
    Clock(monkeypatch, datetime(2026, 11, 30, 18, 0))
    desk = build_desk(open_migrated_context(tmp_path))
    noise = desk.categories["噪音扰民"]
    made = {
        "done": desk.intake(received_at=datetime(2026, 11, 2, 9, 0)).id,
        "returned": desk.intake(received_at=datetime(2026, 11, 3, 9, 0),
                                category_id=noise).id,
        "duplicate": desk.intake(received_at=datetime(2026, 11, 4, 9, 0)).id,
        "october": desk.intake(received_at=datetime(2026, 10, 20, 9, 0)).id,
    }
    desk.advance(made["done"], LOOP, at=datetime(2026, 11, 3, 10, 0))
    triage = ActionInput(routing=Routing(HandlingLevel.STREET, desk.city, (), noise))
    _act(desk, made["returned"], A.TRIAGE, triage, datetime(2026, 11, 4, 9, 0))
    desk.advance(made["returned"], (A.DISPATCH, A.RETURN, A.DISPATCH),
                 at=datetime(2026, 11, 4, 10, 0))
    desk.advance(made["october"], (A.TRIAGE, A.DISPATCH, A.START),
                 at=datetime(2026, 10, 21, 10, 0))
    _act(desk, made["duplicate"], A.MERGE, ActionInput(into_id=made["done"]),
         datetime(2026, 11, 5, 9, 0))
    return desk, made


def test_returns_and_duplicates_by_grid_and_category(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    desk, made = _november(tmp_path, monkeypatch)
    november = indicators.month_period(2026, 11)
    street = indicators.assess(desk.context, november).cards[0]
    # 退单率: dispatched in November: done, returned → returned once: 1/2.
    assert set(street.indicators[K.RETURN].denominator) == {made["done"], made["returned"]}
    assert street.indicators[K.RETURN].numerator == (made["returned"],)
    # 重复诉求率: received in November: done, returned, duplicate → merged: 1/3.
    assert street.indicators[K.DUPLICATE].text == "33.3%（1/3）"
    assert street.indicators[K.DUPLICATE].numerator == (made["duplicate"],)
    by_grid = indicators.assess(desk.context, november, Dimension.GRID)
    assert [by_grid.name_of(card) for card in by_grid.cards] == ["全街道", "东风一网格"]
    assert by_grid.cards[1].indicators[K.DUPLICATE].text == "33.3%（1/3）"
    by_category = indicators.assess(desk.context, november, Dimension.CATEGORY)
    names = [(by_category.name_of(c), by_category.level_of(c)) for c in by_category.cards]
    # 城市管理 › 占道经营 (done, duplicate) comes before 生态环境 › 噪音扰民 (returned)
    assert names == [("全街道", 0), ("城市管理", 0), ("占道经营", 1), ("生态环境", 0),
                     ("噪音扰民", 1)]
    noise = by_category.cards[4]
    assert noise.indicators[K.RETURN].text == "100.0%（1/1）"
    lines = indicators.drill(desk.uow(), K.RETURN, list(noise.indicators[K.RETURN].first_shown))
    assert [line[2] for line in lines] == ["已派遣"]


def test_the_trend_counted_by_sql_equals_each_month(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    desk, _made = _november(tmp_path, monkeypatch)
    trend = indicators.trend(desk.context, 2026, 11)
    assert len(trend.rows) == 12 and trend.text == "2025年12月—2026年11月"
    for row in trend.rows[-2:]:  # October and November have records
        card = indicators.assess(desk.context, row.period).cards[0]
        for kind in IndicatorKind:
            assert row.figures[kind] == card.indicators[kind].tally, (row.period, kind)
    october, november = trend.rows[-2], trend.rows[-1]
    assert october.figures[K.RESPONSE].text == "100.0%（1/1）"
    assert november.figures[K.RETURN].text == "50.0%（1/2）"
    assert trend.rows[0].figures[K.RESOLUTION].denominator == 0
    drilled = indicators.street_indicator(desk.context, november.period, K.DUPLICATE)
    assert drilled.tally == november.figures[K.DUPLICATE]
