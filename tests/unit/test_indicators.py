"""Each assessment indicator on a small data set computed by hand (November 2026), per
unit, grid and two-level category, and the month-by-month trend."""

from __future__ import annotations

from datetime import date, datetime

from desktop.domain.indicators import (
    DEFAULT_WEIGHTS,
    ArrivalFacts,
    DemandFacts,
    HandoverDueFacts,
    IndicatorKind,
    Period,
    Tally,
    cards_by,
    category_keys,
    demand_indicators,
    grid_keys,
    month_period,
    months_ending,
    scorecards,
    trend_rows,
)
from desktop.domain.workdays import WorkCalendar

K = IndicatorKind
NOV = Period(date(2026, 11, 1), date(2026, 12, 1))
CAL = WorkCalendar.build()
CITY, HOUSING = "city", "housing"
G1, G2 = "grid-1", "grid-2"
# two levels: 环境 › 噪声, 扬尘; 交通 › 停车
PARENTS = {"env": None, "noise": "env", "dust": "env", "traffic": None, "parking": "traffic"}


def d(id_: str, unit: str | None, status: str, received: datetime, *,
      dispatched: datetime | None = None, started: datetime | None = None,
      closed: datetime | None = None, deadline: datetime | None = None,
      rating: str | None = None, rated: datetime | None = None, returned: int = 0,
      duplicate_of: str | None = None, grid: str | None = None,
      category: str | None = None) -> DemandFacts:
    return DemandFacts(id_, unit, status, received, dispatched, started, closed, deadline,
                       rating, rated, returned, duplicate_of, grid, category)


DEMANDS = [
    # dispatched Fri 6 Nov, signed Mon 9 Nov: 1 working day later → responded in time;
    # closed before its deadline; rated 满意.
    d("a", CITY, "rated", datetime(2026, 11, 5, 9), dispatched=datetime(2026, 11, 6, 10),
      started=datetime(2026, 11, 9, 9), closed=datetime(2026, 11, 12, 9),
      deadline=datetime(2026, 11, 20, 23, 59), rating="satisfied",
      rated=datetime(2026, 11, 13, 9), grid=G1, category="noise"),
    # dispatched Mon 9 Nov, signed Wed 11 Nov: 2 working days → late; closed after the
    # deadline; rated 不满意; returned once (退单) on the way.
    d("b", CITY, "rated", datetime(2026, 11, 9, 8), dispatched=datetime(2026, 11, 9, 9),
      started=datetime(2026, 11, 11, 9), closed=datetime(2026, 11, 25, 9),
      deadline=datetime(2026, 11, 24, 23, 59), rating="dissatisfied",
      rated=datetime(2026, 11, 26, 9), returned=1, grid=G1, category="dust"),
    # dispatched, never signed; still open.
    d("c", HOUSING, "dispatched", datetime(2026, 11, 16, 9),
      dispatched=datetime(2026, 11, 16, 10), deadline=datetime(2026, 12, 3, 23, 59),
      grid=G2, category="parking"),
    # received in October, closed on time in November, rated 基本满意 in November.
    d("e", HOUSING, "rated", datetime(2026, 10, 28, 9), dispatched=datetime(2026, 10, 28, 10),
      started=datetime(2026, 10, 28, 15), closed=datetime(2026, 11, 3, 9),
      deadline=datetime(2026, 11, 4, 23, 59), rating="fairly_satisfied",
      rated=datetime(2026, 11, 4, 9), grid=G2),
    # a duplicate of a, merged, received in November: not the street's to solve.
    d("f", None, "merged", datetime(2026, 11, 20, 9), duplicate_of="a", grid=G1,
      category="noise"),
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
    # 退单率: dispatched in November a, b, c → returned at least once: b.
    assert (found[K.RETURN].numerator, found[K.RETURN].denominator) == (("b",), ("a", "b", "c"))
    assert found[K.RETURN].text == "33.3%（1/3）"
    # lower is better: the returned one is shown first
    assert found[K.RETURN].first_shown == ("b", "a", "c")
    # 重复诉求率: received in November a, b, c, f, g → merged as a duplicate: f.
    assert found[K.DUPLICATE].numerator == ("f",)
    assert found[K.DUPLICATE].denominator == ("a", "b", "c", "f", "g")
    assert found[K.DUPLICATE].text == "20.0%（1/5）"


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
    assert street.key is None
    assert street.indicators[K.ARRIVAL].numerator == ("t1",)
    assert len(street.indicators[K.ARRIVAL].denominator) == 3
    assert street.indicators[K.ON_TIME_HANDOVER].text == "50.0%（1/2）"
    assert [card.key for card in units] == [CITY, HOUSING]
    city = units[0]
    assert city.indicators[K.RESPONSE].text == "50.0%（1/2）"
    assert city.indicators[K.ON_TIME_HANDOVER].denominator == ()  # the street's duty only
    # City: response 1/2, on-time close 1/2, resolution 2/2, satisfaction 1/2, arrival 1/2,
    # 退单率 1/2 (b; lower is better: scores as 1 − ½), 重复诉求率 0/2 (scores as 1);
    # weights 15, 25, 25, 20, 10, 5, 5 (handover has no data and is left out):
    # (7.5 + 12.5 + 25 + 10 + 5 + 2.5 + 5) / 105 × 100 = 67.5 / 105 × 100 = 64.3
    assert city.score(DEFAULT_WEIGHTS) == 64.3
    housing = units[1]
    # Housing: response 0/1 (c), close 1/1 (e), resolution 0/1 (c), satisfaction 1/1 (e),
    # arrival 0/1 (t3), 退单率 0/1 (→ 1), 重复诉求率 0/1 (→ 1):
    # (0 + 25 + 0 + 20 + 0 + 5 + 5) / 105 × 100 = 52.4
    assert housing.score(DEFAULT_WEIGHTS) == 52.4
    assert housing.score(dict.fromkeys(K, 0)) is None


def test_an_empty_denominator_is_no_data_not_zero() -> None:
    found = demand_indicators([], NOV, CAL)
    assert all(indicator.rate is None and indicator.text == "—" for indicator in found.values())


def test_per_grid_by_hand() -> None:
    targets = [ArrivalFacts("t1", CITY, datetime(2026, 11, 10, 12), datetime(2026, 11, 10, 11),
                            grid_id=G1)]
    handovers = [HandoverDueFacts("h1", CITY, datetime(2026, 11, 5, 23, 59),
                                  datetime(2026, 11, 6, 9), grid_id=G2)]
    street, *grids = cards_by(DEMANDS, targets, handovers, NOV, CAL, grid_keys, order=[G2, G1])
    assert street.key is None and [card.key for card in grids] == [G2, G1]  # as ordered
    g2, g1 = grids
    # G1 holds a, b and the duplicate f (g has no grid: on the street's card only).
    assert g1.indicators[K.RESOLUTION].text == "100.0%（2/2）"  # a, b closed; f left out
    assert g1.indicators[K.DUPLICATE].numerator == ("f",)
    assert g1.indicators[K.DUPLICATE].denominator == ("a", "b", "f")
    assert g1.indicators[K.RESPONSE].numerator == ("a",)
    assert g1.indicators[K.ARRIVAL].text == "100.0%（1/1）"
    # G2 holds c (dispatched, never signed) and e (closed on time in November).
    assert g2.indicators[K.RESPONSE].text == "0.0%（0/1）"
    assert g2.indicators[K.ON_TIME_CLOSE].numerator == ("e",)
    assert g2.indicators[K.ON_TIME_HANDOVER].text == "0.0%（0/1）"  # handed over a day late
    assert g2.indicators[K.RETURN].text == "0.0%（0/1）"


def test_per_category_on_two_levels_by_hand() -> None:
    order = ["env", "noise", "dust", "traffic", "parking"]
    street, *cards = cards_by(DEMANDS, [], [], NOV, CAL, category_keys(PARENTS), order=order)
    by_key = {card.key: card for card in cards}
    assert [card.key for card in cards] == order
    # 环境 = 噪声 (a, f) + 扬尘 (b): a demand counts in its 小类 and its 大类.
    assert by_key["env"].indicators[K.DUPLICATE].text == "33.3%（1/3）"
    assert by_key["noise"].indicators[K.DUPLICATE].text == "50.0%（1/2）"
    assert by_key["noise"].indicators[K.RESOLUTION].denominator == ("a",)
    assert by_key["dust"].indicators[K.RETURN].text == "100.0%（1/1）"
    assert by_key["env"].indicators[K.RETURN].text == "50.0%（1/2）"
    assert by_key["traffic"].indicators[K.RESPONSE].text == "0.0%（0/1）"
    assert by_key["parking"].indicators[K.RESPONSE].denominator == ("c",)
    # e and g have no category: on the street's card only
    assert "e" in street.indicators[K.ON_TIME_CLOSE].denominator
    assert all("e" not in card.indicators[K.ON_TIME_CLOSE].denominator for card in cards)


def test_the_trend_is_twelve_months_of_counts() -> None:
    periods = months_ending(2026, 2)
    assert len(periods) == 12
    assert periods[0] == month_period(2025, 3) and periods[-1] == month_period(2026, 2)
    assert periods[-1].end.isoformat() == "2026-03-01"
    rows = trend_rows(periods, {"2026-01": {"resolution": (3, 4), "returned": (1, 10)}})
    january = rows[-2]
    assert january.period.month_text == "2026年1月"
    assert january.figures[K.RESOLUTION] == Tally(K.RESOLUTION, 3, 4)
    assert january.figures[K.RESOLUTION].text == "75.0%（3/4）"
    assert january.figures[K.SATISFACTION].text == "—"  # no counts: no data, not 0%
    # resolution 75% (weight 25) and 退单率 10% scoring as 90% (weight 5):
    # (25 × .75 + 5 × .9) / 30 × 100 = 23.25 / 30 × 100 = 77.5
    assert january.score(DEFAULT_WEIGHTS) == 77.5
    assert rows[0].score(DEFAULT_WEIGHTS) is None
