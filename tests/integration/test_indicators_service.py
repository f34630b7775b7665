"""The assessment read from a real database: the SQL picks the right records for the
period and the figures drill down to the demands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop.bootstrap import open_migrated_context
from desktop.domain.demand_states import DemandAction
from desktop.domain.errors import PermissionDeniedError, ValidationError
from desktop.domain.indicators import IndicatorKind
from desktop.services import indicators
from tests.integration.demand_helpers import OPERATOR, Clock, build_desk

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
    city = next(card for card in assessment.cards if card.unit_id == desk.city)
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
