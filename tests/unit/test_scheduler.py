"""The assisted scheduler (desktop/scheduling): every proposal passes the legality checks
of desktop.domain.joint_actions, hand-fixed people stay, an impossible request is
explained by action and rule, the workload is spread more fairly than the greedy
baseline, and a cancel stops the search."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.errors import CancelledError
from desktop.domain.joint_actions import (
    ActionFacts,
    ForceNeed,
    OfficerFacts,
    Rule,
    Unavailability,
    check_plan,
)
from desktop.domain.roster import CertificateFacts, EnforcementDomain, Force
from desktop.progress import CancelToken
from desktop.scheduling import InfeasibleScheduleError, greedy, propose
from desktop.scheduling.demo_week import demo_week
from desktop.scheduling.prepare import conflict_cliques

MONDAY = date(2026, 11, 23)
MARKET, URBAN = EnforcementDomain.MARKET_REGULATION, EnforcementDomain.URBAN_MANAGEMENT
BUREAU, TEAM, POLICE = "区市场监管局", "街道综合执法队", "派出所"


def at(day: int, hour: float) -> datetime:
    return datetime.combine(MONDAY, datetime.min.time()) + timedelta(days=day, hours=hour)


def officer(officer_id: str, name: str, unit: str = BUREAU, *, domains=(MARKET,),
            force: Force = Force.SUNK, until: date = date(2028, 1, 1),
            leave: tuple[int, ...] = ()) -> OfficerFacts:
    certificates = (CertificateFacts(f"湘{officer_id}", frozenset(domains), date(2022, 1, 1),
                                     until),) if domains else ()
    away = tuple(Unavailability(at(d, 0), at(d + 1, 0), "请假") for d in leave)
    return OfficerFacts(officer_id, name, unit, force, certificates, away, unit_name=unit)


def helper(officer_id: str, name: str, unit: str = POLICE) -> OfficerFacts:
    return officer(officer_id, name, unit, domains=(), force=Force.COOPERATING)


def action(action_id: str, title: str, day: int, start: float, end: float, *,
           domain: EnforcementDomain = MARKET, needs: tuple[ForceNeed, ...] = (),
           units: tuple[str, ...] = ()) -> ActionFacts:
    return ActionFacts(action_id, title, domain, at(day, start), at(day, end),
                       required_units=units, needs=needs, unit_names={u: u for u in units})


def roster(*people: OfficerFacts) -> dict[str, OfficerFacts]:
    return {p.officer_id: p for p in people}


# --- every proposal is legal (hypothesis over small random instances) ---------------------

_NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[ActionFacts], dict[str, OfficerFacts], dict]:
    people = []
    for n in range(draw(st.integers(4, 12))):
        kind = draw(st.sampled_from(["market", "urban", "both", "help", "expired"]))
        leave = tuple(draw(st.sets(st.integers(0, 2), max_size=1)))
        name = f"{_NAMES[n]}{n}"
        if kind == "help":
            people.append(helper(f"P{n}", name))
            continue
        domains = {"market": (MARKET,), "urban": (URBAN,), "both": (MARKET, URBAN),
                   "expired": (MARKET,)}[kind]
        unit = BUREAU if MARKET in domains else TEAM
        until = MONDAY - timedelta(days=1) if kind == "expired" else date(2028, 1, 1)
        people.append(officer(f"P{n}", name, unit, domains=domains, until=until, leave=leave))
    actions = []
    for n in range(draw(st.integers(1, 5))):
        day, start = draw(st.integers(0, 2)), draw(st.sampled_from([9.0, 10.0, 14.0, 19.0]))
        length = draw(st.sampled_from([1.5, 2.5, 3.0]))
        domain = draw(st.sampled_from([MARKET, URBAN]))
        needs = tuple(draw(st.lists(st.sampled_from([
            ForceNeed(None, None, 3, 2), ForceNeed(POLICE, None, 1), ForceNeed(BUREAU, None, 1, 1),
        ]), max_size=2)))
        actions.append(action(f"A{n}", f"行动{n}", day, start, start + length, domain=domain,
                              needs=needs))
    fixed: dict[str, set[str]] = {}
    if draw(st.booleans()) and actions:
        fixed[actions[0].action_id] = {people[draw(st.integers(0, len(people) - 1))].officer_id}
    return actions, roster(*people), fixed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from([0.0, 2.0]))
def test_every_proposal_passes_the_legality_checks(case, rest: float) -> None:
    actions, officers, fixed = case
    try:
        proposal = propose(actions, officers, fixed=fixed, rest_hours=rest, time_limit_s=0.5)
    except InfeasibleScheduleError as refused:
        assert refused.reasons and all(isinstance(r, str) and r for r in refused.reasons)
        return
    assert check_plan(actions, proposal.assignment, officers, rest) == []
    for action_id, ids in fixed.items():
        assert ids <= set(proposal.assignment[action_id])


# --- fixed people, explanations ------------------------------------------------------------


def _market_team() -> dict[str, OfficerFacts]:
    return roster(officer("M1", "张三"), officer("M2", "李四"), officer("M3", "王五"),
                  officer("M4", "赵六"), helper("H1", "钱七"), helper("H2", "孙八"))


def test_officers_fixed_by_hand_stay_even_when_they_are_the_busiest() -> None:
    officers = _market_team()
    actions = [action("A1", "食品安全检查", 0, 9, 11, needs=(ForceNeed(None, None, 3, 2),))]
    busy = {"M4": 30.0}  # the greedy choice would never be 赵六
    proposal = propose(actions, officers, fixed={"A1": {"M4"}}, existing_load=busy,
                       time_limit_s=1)
    assert "M4" in proposal.assignment["A1"]
    assert len(proposal.assignment["A1"]) == 3
    assert check_plan(actions, proposal.assignment, officers) == []


def test_a_single_available_certified_officer_is_explained_by_name() -> None:
    officers = roster(officer("M1", "张三"), officer("M2", "李四", leave=(0,)),
                      officer("M3", "王五", until=MONDAY - timedelta(days=3)),
                      helper("H1", "钱七"), helper("H2", "孙八"))
    actions = [action("A1", "五一大道食品安全检查", 0, 9, 11)]
    with pytest.raises(InfeasibleScheduleError) as refused:
        propose(actions, officers, time_limit_s=1)
    text = str(refused.value)
    assert "五一大道食品安全检查" in text and "市场监管" in text
    assert "需要 2 名" in text and "只有 1 人可用：张三" in text
    assert "李四" in text  # certified but on leave: named so the director knows why


def test_a_missing_unit_is_explained() -> None:
    actions = [action("A1", "夜市检查", 0, 19, 21, units=(BUREAU, "区消防救援大队"))]
    with pytest.raises(InfeasibleScheduleError) as refused:
        propose(actions, _market_team(), time_limit_s=1)
    assert "夜市检查" in str(refused.value) and "区消防救援大队" in str(refused.value)


def test_actions_competing_for_the_same_people_are_named_with_the_rule() -> None:
    """Each action alone has its two certified officers; together (they overlap) they
    need four of three: only the solver's assumptions can say which actions clash."""
    officers = roster(officer("M1", "张三"), officer("M2", "李四"), officer("M3", "王五"),
                      helper("H1", "钱七"))
    actions = [action("A1", "东屯渡食品检查", 0, 9, 11), action("A2", "马王堆价格检查", 0, 10, 12),
               action("A3", "周三复查", 2, 9, 11)]
    with pytest.raises(InfeasibleScheduleError) as refused:
        propose(actions, officers, time_limit_s=2)
    text = str(refused.value)
    assert "东屯渡食品检查" in text and "马王堆价格检查" in text
    assert Rule.TWO_CERTIFIED.label in text
    assert "周三复查" not in text  # not part of the conflict


def test_the_rest_rule_counts_as_a_clash() -> None:
    officers = roster(officer("M1", "张三"), officer("M2", "李四"))
    actions = [action("A1", "上午检查", 0, 9, 11), action("A2", "午后检查", 0, 12, 14)]
    with pytest.raises(InfeasibleScheduleError) as refused:
        propose(actions, officers, rest_hours=2, time_limit_s=2)
    assert "间隔不足 2 小时" in str(refused.value)
    proposal = propose(actions, officers, rest_hours=0.5, time_limit_s=2)
    assert proposal.assignment == {"A1": ("M1", "M2"), "A2": ("M1", "M2")}


def test_conflict_cliques_follow_overlap_and_rest() -> None:
    actions = [action("A", "甲", 0, 9, 11), action("B", "乙", 0, 10, 12), action("C", "丙", 0, 13, 14),
               action("D", "丁", 1, 9, 10)]
    assert conflict_cliques(actions, timedelta(0)) == [[0, 1]]
    assert conflict_cliques(actions, timedelta(hours=2)) == [[0, 1], [1, 2]]


# --- fairness against the greedy baseline -----------------------------------------------


def test_fairness_beats_greedy_where_greedy_wastes_a_certified_officer() -> None:
    """Greedy fills the morning's open place with the least-loaded person, 王五 (listed
    before the helper), so the afternoon's two certified places fall on 张三 and 李四
    again: loads 4, 4, 2, 0 (spread 4 h). Keeping 王五 for the afternoon and the
    helper for the morning gives 4, 2, 2, 2 (spread 2 h)."""
    officers = roster(officer("M1", "张三"), officer("M2", "李四"), officer("M3", "王五"),
                      helper("H1", "钱七"))
    actions = [action("A1", "上午检查", 0, 9, 11, needs=(ForceNeed(None, None, 3, 2),)),
               action("A2", "下午检查", 0, 14, 16)]
    base = greedy(actions, officers, rest_hours=1)
    ours = propose(actions, officers, rest_hours=1, time_limit_s=2)
    assert base.fairness.spread_hours == 4 and base.assignment["A1"] == ("M1", "M2", "M3")
    assert ours.fairness.spread_hours == 2
    assert ours.fairness.better_than(base.fairness)
    assert check_plan(actions, ours.assignment, officers, 1) == []


def test_fairness_beats_greedy_on_a_random_realistic_week() -> None:
    actions, officers, existing = demo_week(9, actions=30, officers=120)
    base = greedy(actions, officers, existing_load=existing)
    ours = propose(actions, officers, existing_load=existing, time_limit_s=2)
    assert check_plan(actions, ours.assignment, officers) == []
    assert ours.fairness.better_than(base.fairness), (ours.fairness.text, base.fairness.text)


def test_the_proposal_is_a_diff_against_the_current_participants() -> None:
    officers = _market_team()
    actions = [action("A1", "食品安全检查", 0, 9, 11)]
    proposal = propose(actions, officers, current={"A1": {"M1", "H1"}},
                       existing_load={"M1": 1.0, "M2": 3.0, "M3": 3.0, "M4": 3.0},
                       time_limit_s=1)
    assert "M1" in proposal.assignment["A1"]  # kept: the tie-break favours no change
    change = proposal.changes[0]
    assert change.removed == ("H1",) and len(change.added) == 1


# --- cancel ------------------------------------------------------------------------------------


def test_cancel_before_start_raises_at_once() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        propose([action("A1", "检查", 0, 9, 11)], _market_team(), cancel=token)


def test_cancel_during_the_search_stops_it() -> None:
    actions, officers, existing = demo_week(7)
    token = CancelToken()
    reports: list[str] = []

    def progress(_done: int, _total: int, text: str) -> None:
        reports.append(text)
        if len(reports) == 3:
            threading.Timer(0.05, token.cancel).start()

    started = time.perf_counter()
    with pytest.raises(CancelledError):
        propose(actions, officers, existing_load=existing, time_limit_s=30, progress=progress,
                cancel=token)
    assert time.perf_counter() - started < 5
    assert reports
