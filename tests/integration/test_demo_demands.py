"""The demo demands on top of the demo street: the whole loop represented, every
timeline legal and consistent, numbers without gaps, deadlines in every state, fast."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, time
from itertools import pairwise

import pytest

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.clock import today
from desktop.demo import build_demo_street
from desktop.demo_demands import _plans
from desktop.domain.demand_states import (
    TRANSITIONS,
    DeadlineState,
    DemandAction,
    DemandStatus,
    Rating,
    deadline_state,
)
from desktop.domain.workdays import WorkCalendar
from desktop.services.audit import verify
from tests.integration.demand_helpers import rows

ON = today()  # the demo street is built for today
END = datetime.combine(ON, time(8, 0))
CALENDAR = WorkCalendar.build()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, float]]:
    context = open_migrated_context(tmp_path_factory.mktemp("demo-demands"))
    build_demo_street(context)  # the demo street brings its demands (add_demo_demands)
    assert rows(context, "SELECT count(*) FROM demand") == [(300,)]
    yield context, 0.0
    context.close()


def test_the_whole_loop_is_represented(demo: tuple[AppContext, float]) -> None:
    context, _took = demo
    statuses = Counter(s for (s,) in rows(context, "SELECT status FROM demand"))
    assert set(statuses) >= {s.value for s in DemandStatus} - {DemandStatus.TRIAGED.value}
    assert statuses[DemandStatus.SUSPENDED] == 1 and statuses[DemandStatus.MERGED] == 1
    assert statuses[DemandStatus.RATED] > 150
    ratings = Counter(r for (r,) in rows(context, "SELECT rating FROM demand WHERE rating IS NOT NULL"))
    assert set(ratings) == {r.value for r in Rating}
    kinds = rows(context, "SELECT count(DISTINCT kind), count(DISTINCT source), "
                          "count(DISTINCT nature), count(DISTINCT grid_id) FROM demand")[0]
    assert kinds[0] == 3 and kinds[1] == 7 and kinds[2] >= 4 and kinds[3] > 30
    assert rows(context, "SELECT count(*) FROM extension_request WHERE state = 'pending'") == [(2,)]
    assert rows(context, "SELECT count(*) FROM demand WHERE returned_count > 0")[0][0] >= 3


def test_deadlines_in_every_state(demo: tuple[AppContext, float]) -> None:
    context, _took = demo
    found = Counter(
        deadline_state(status, datetime.fromisoformat(due) if due else None, END, CALENDAR,
                       closed_at=datetime.fromisoformat(closed) if closed else None)
        for status, due, closed in rows(context, "SELECT status, deadline_at, closed_at FROM demand"))
    assert found[DeadlineState.OVERDUE] >= 5
    assert found[DeadlineState.DUE_SOON] >= 3
    assert found[DeadlineState.CLOSED_LATE] >= 1 and found[DeadlineState.CLOSED_ON_TIME] > 100
    assert found[DeadlineState.PAUSED] == 1


def test_numbers_run_per_day_without_gaps(demo: tuple[AppContext, float]) -> None:
    context, _took = demo
    by_day: dict[str, list[int]] = defaultdict(list)
    for (number,) in rows(context, "SELECT number FROM demand"):
        day, seq = number.split("-")
        by_day[day].append(int(seq))
    for day, seqs in by_day.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), day


def test_every_timeline_is_legal_and_consistent(demo: tuple[AppContext, float]) -> None:
    context, _took = demo
    demands = {d[0]: d for d in rows(context, "SELECT id, status, received_at, returned_count "
                                              "FROM demand")}
    steps: dict[str, list[tuple[str, str | None, str, str]]] = defaultdict(list)
    night_work: set[tuple[str, str]] = set()  # steps of a joint action's results
    for demand_id, *step, note in rows(context, "SELECT demand_id, action, from_status, "
                                       "to_status, occurred_at, note FROM demand_step ORDER BY id"):
        steps[demand_id].append(tuple(step))  # type: ignore[arg-type]
        if note.startswith("联合执法行动"):
            night_work.add((demand_id, step[3]))
    for demand_id, (_id, status, received, returned) in demands.items():
        timeline = steps[demand_id]
        assert timeline[0][:3] == ("accept", None, "accepted") and timeline[0][3] == received
        for previous, (action, before, after, moment) in pairwise(timeline):
            assert before == previous[2], (demand_id, action)
            assert TRANSITIONS[(DemandStatus(before), DemandAction(action))] == after
            assert previous[3] <= moment <= END.isoformat(" ")
            day = datetime.fromisoformat(moment)
            if (demand_id, moment) in night_work:
                continue  # joint actions run at night and on weekends; the office does not
            assert CALENDAR.is_workday(day) and time(8, 30) <= day.time() <= time(17, 30)
        assert timeline[-1][2] == status
        assert returned == sum(1 for step in timeline if step[0] == "return")


def test_the_duplicate_names_its_original_and_the_chain_verifies(
        demo: tuple[AppContext, float]) -> None:
    context, _took = demo
    (note, original), = rows(context, "SELECT s.note, o.number FROM demand d "
                                      "JOIN demand o ON o.id = d.duplicate_of_id "
                                      "JOIN demand_step s ON s.demand_id = d.id AND s.action = 'merge'")
    assert f"并入诉求 {original}" in note
    assert verify(context.uow()).ok


def test_plans_are_deterministic_for_a_seed() -> None:
    def titles(seed: str) -> list[tuple[str, datetime, str]]:
        return [(p.topic.category, p.received, p.fate)
                for p in _plans(random.Random(seed), ON, CALENDAR)]

    assert titles("2026:demands") == titles("2026:demands")
    assert titles("2026:demands") != titles("2027:demands")
