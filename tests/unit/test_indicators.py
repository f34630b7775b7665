"""Each assessment indicator on a small data set computed by hand (November 2026)."""

from __future__ import annotations

from datetime import date, datetime

from desktop.domain.indicators import (
    DEFAULT_WEIGHTS,
    ArrivalFacts,
    DemandFacts,
    HandoverDueFacts,
    IndicatorKind,
    Period,
    demand_indicators,
    scorecards,
)
from desktop.domain.workdays import WorkCalendar

K = IndicatorKind
NOV = Period(date(2026, 11, 1), date(2026, 12, 1))
CAL = WorkCalendar.build()
CITY, HOUSING = "city", "housing"


def d(id_: str, unit: str | None, status: str, received: datetime, *,
      dispatched: datetime | None = None, started: datetime | None = None,
      closed: datetime | None = None, deadline: datetime | None = None,
      rating: str | None = None, rated: datetime | None = None) -> DemandFacts:
    return DemandFacts(id_, unit, status, received, dispatched, started, closed, deadline,
                       rating, rated)


DEMANDS = [
    # dispatched Fri 6 Nov, signed Mon 9 Nov: 1 working day later → responded in time;
    # closed before its deadline; rated 满意.
    d("a", CITY, "rated", datetime(2026, 11, 5, 9), dispatched=datetime(2026, 11, 6, 10),
      started=datetime(2026, 11, 9, 9), closed=datetime(2026, 11, 12, 9),
      deadline=datetime(2026, 11, 20, 23, 59), rating="satisfied",
      rated=datetime(2026, 11, 13, 9)),
    # dispatched Mon 9 Nov, signed Wed 11 Nov: 2 working days → late; closed after the
    # deadline; rated 不满意.
    d("b", CITY, "rated", datetime(2026, 11, 9, 8), dispatched=datetime(2026, 11, 9, 9),
      started=datetime(2026, 11, 11, 9), closed=datetime(2026, 11, 25, 9),
      deadline=datetime(2026, 11, 24, 23, 59), rating="dissatisfied",
      rated=datetime(2026, 11, 26, 9)),
    # dispatched, never signed; still open.
    d("c", HOUSING, "dispatched", datetime(2026, 11, 16, 9),
      dispatched=datetime(2026, 11, 16, 10), deadline=datetime(2026, 12, 3, 23, 59)),
    # received in October, closed on time in November, rated 基本满意 in November.
    d("e", HOUSING, "rated", datetime(2026, 10, 28, 9), dispatched=datetime(2026, 10, 28, 10),
      started=datetime(2026, 10, 28, 15), closed=datetime(2026, 11, 3, 9),
      deadline=datetime(2026, 11, 4, 23, 59), rating="basically_satisfied",
      rated=datetime(2026, 11, 4, 9)),
    # a merged duplicate received in November: not the street's to solve.
    d("f", None, "merged", datetime(2026, 11, 20, 9)),
    # closed in November without a deadline (calendar unknown): not on time.
    d("g", None, "closed", datetime(2026, 11, 2, 9), closed=datetime(2026, 11, 6, 9)),
]


def test_demand_indicators_by_hand() -> None:
    found = demand_indicators(DEMANDS, NOV, CAL)
    # 响应率: dispatched in November: a, b, c (e was dispatched in October) → only a.
    assert (found[K.RESPONSE].numerator, found[K.RESPONSE].denominator) == (("a",), ("a", "b", "c"))
    # 按期结案率: closed in November: a (on time), b (late), e (on time), g (no deadline).
    assert found[K.ON_TIME_CLOSE].numerator == ("a", "e")
    assert found[K.ON_TIME_CLOSE].denominator == ("a", "b", "e", "g")
    # 解决率: received in November, not merged: a, b, c, g → closed: a, b, g.
    assert found[K.RESOLUTION].numerator == ("a", "b", "g")
    assert found[K.RESOLUTION].denominator == ("a", "b", "c", "g")
    # 满意率: rated in November: a (满意), b (不满意), e (基本满意).
    assert found[K.SATISFACTION].numerator == ("a", "e")
    assert found[K.SATISFACTION].text == "66.7%（2/3）"
    assert found[K.SATISFACTION].missing == ("b",)


def test_arrivals_handovers_and_the_weighted_score_by_hand() -> None:
    targets = [
        ArrivalFacts("t1", CITY, datetime(2026, 11, 10, 12), datetime(2026, 11, 10, 11)),
        ArrivalFacts("t2", CITY, datetime(2026, 11, 11, 12), datetime(2026, 11, 11, 14)),
        ArrivalFacts("t3", HOUSING, datetime(2026, 11, 12, 12), None),
        ArrivalFacts("t4", HOUSING, datetime(2026, 10, 30, 12), None),  # October: not counted
    ]
    handovers = [
        HandoverDueFacts("h1", CITY, datetime(2026, 11, 5, 23, 59), datetime(2026, 11, 5, 9)),
        HandoverDueFacts("h2", CITY, datetime(2026, 11, 9, 23, 59), None),
    ]
    street, *units = scorecards(DEMANDS, targets, handovers, NOV, CAL)
    assert street.unit_id is None
    assert street.indicators[K.ARRIVAL].numerator == ("t1",)
    assert len(street.indicators[K.ARRIVAL].denominator) == 3
    assert street.indicators[K.ON_TIME_HANDOVER].text == "50.0%（1/2）"
    assert [card.unit_id for card in units] == [CITY, HOUSING]
    city = units[0]
    assert city.indicators[K.RESPONSE].text == "50.0%（1/2）"
    assert city.indicators[K.ON_TIME_HANDOVER].denominator == ()  # the street's duty only
    # City: response 1/2, on-time close 1/2, resolution 2/2, satisfaction 1/2, arrival 1/2;
    # weights 15, 25, 25, 20, 10 (handover has no data and is left out):
    # (15×.5 + 25×.5 + 25×1 + 20×.5 + 10×.5) / 95 × 100 = 60.0 / 95 × 100 = 63.2
    assert city.score(DEFAULT_WEIGHTS) == 63.2
    housing = units[1]
    # Housing: response 0/1 (c), close 1/1 (e), resolution 0/1 (c), satisfaction 1/1 (e),
    # arrival 0/1 (t3): (0 + 25 + 0 + 20 + 0) / 95 × 100 = 47.4
    assert housing.score(DEFAULT_WEIGHTS) == 47.4
    assert housing.score({K.RESPONSE: 0, K.ON_TIME_CLOSE: 0, K.RESOLUTION: 0,
                          K.SATISFACTION: 0, K.ARRIVAL: 0, K.ON_TIME_HANDOVER: 0}) is None


def test_an_empty_denominator_is_no_data_not_zero() -> None:
    found = demand_indicators([], NOV, CAL)
    assert all(indicator.rate is None and indicator.text == "—" for indicator in found.values())
