"""The legality rules of a joint action (desktop/domain/joint_actions.py), one by one,
and the action's life (desktop/domain/action_states.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from desktop.domain.action_states import (
    ActionResults,
    ActionState,
    ActionStep,
    next_state,
    require_editable,
    steps_from,
)
from desktop.domain.errors import ConflictError, ValidationError
from desktop.domain.joint_actions import (
    ActionFacts,
    Assignment,
    ForceNeed,
    OfficerFacts,
    Rule,
    check_action,
    check_plan,
    refusal_message,
    unavailable_periods,
)
from desktop.domain.roster import (
    AvailabilityFacts,
    CertificateFacts,
    EnforcementDomain,
    Force,
    OfficerStatus,
)

CITY, MARKET = EnforcementDomain.URBAN_MANAGEMENT, EnforcementDomain.MARKET_REGULATION
DAY = date(2026, 11, 24)
TEAM, BUREAU = "unit-team", "unit-city"


def cert(*domains: EnforcementDomain, start: date = date(2024, 1, 1),
         end: date = date(2028, 12, 31), revoked: bool = False) -> CertificateFacts:
    return CertificateFacts("湘4301020001", frozenset(domains), start, end, revoked)


def officer(officer_id: str, name: str, *certificates: CertificateFacts, unit: str = TEAM,
            force: Force = Force.STREET, availability: AvailabilityFacts | None = None) -> OfficerFacts:
    periods = unavailable_periods(availability) if availability else ()
    return OfficerFacts(officer_id, name, unit, force, tuple(certificates), periods)


def action(action_id: str = "a1", *, start: int = 9, end: int = 12, day: date = DAY,
           units: tuple[str, ...] = (), needs: tuple[ForceNeed, ...] = ()) -> ActionFacts:
    return ActionFacts(action_id, "黄兴中路占道经营整治", CITY,
                       datetime(day.year, day.month, day.day, start),
                       datetime(day.year, day.month, day.day, end), units, needs,
                       unit_names={TEAM: "街道综合执法队", BUREAU: "区城管执法局"})


ZHANG = officer("o1", "张伟", cert(CITY))
WANG = officer("o2", "王芳", cert(CITY))


def rules(violations: list) -> list[Rule]:  # type: ignore[type-arg]
    return [v.rule for v in violations]


def test_two_valid_certified_officers_in_the_domain_pass() -> None:
    assert check_action(action(), [ZHANG, WANG]) == []


def test_a_single_certified_officer_breaks_article_42() -> None:
    helper = officer("o3", "吴刚", force=Force.COOPERATING)  # a 协管员: supports, no certificate
    found = check_action(action(), [ZHANG, helper])
    assert rules(found) == [Rule.TWO_CERTIFIED]
    assert found[0].hard and found[0].officer_id is None
    assert "只有 1 人（张伟）" in found[0].message and "第四十二条" in found[0].message


def test_an_expired_certificate_does_not_count_and_the_officer_may_not_enforce() -> None:
    lapsed = officer("o3", "陈静", cert(CITY, start=date(2020, 1, 1), end=date(2026, 11, 20)))
    found = check_action(action(), [ZHANG, lapsed])
    assert set(rules(found)) == {Rule.TWO_CERTIFIED, Rule.CERTIFICATE_VALID}
    personal = next(v for v in found if v.rule is Rule.CERTIFICATE_VALID)
    assert personal.officer_id == "o3"
    assert "陈静" in personal.message and "2026-11-20 到期" in personal.message
    assert "2026-11-24" in personal.message  # names the action's date


def test_a_certificate_expiring_during_a_two_day_action_is_not_valid_for_it() -> None:
    ending = officer("o3", "陈静", cert(CITY, end=DAY))
    two_days = ActionFacts("a1", "夜查", CITY, datetime(2026, 11, 24, 20), datetime(2026, 11, 25, 2))
    assert Rule.CERTIFICATE_VALID in rules(check_action(two_days, [ZHANG, WANG, ending]))
    assert check_action(action(), [ZHANG, WANG, ending]) == []  # the one-day action is fine


def test_a_revoked_certificate_is_refused() -> None:
    revoked = officer("o3", "陈静", cert(CITY, revoked=True))
    found = check_action(action(), [ZHANG, WANG, revoked])
    assert rules(found) == [Rule.CERTIFICATE_VALID] and "已吊销" in found[0].message


def test_a_domain_mismatch_is_refused_for_an_enforcing_officer() -> None:
    market = officer("o3", "孙丽", cert(MARKET), force=Force.SUNK)
    found = check_action(action(), [ZHANG, WANG, market])
    assert rules(found) == [Rule.CERTIFICATE_DOMAIN]
    assert found[0].officer_id == "o3" and "市场监管" in found[0].message


def test_a_need_in_another_domain_makes_that_domain_part_of_the_action() -> None:
    market = officer("o3", "孙丽", cert(MARKET), unit="unit-market", force=Force.SUNK)
    joint = action(needs=(ForceNeed("unit-market", MARKET, 1, 1),))
    assert check_action(joint, [ZHANG, WANG, market]) == []
    assert rules(check_action(joint, [ZHANG, WANG])) == [Rule.NEEDS_UNMET, Rule.NEEDS_UNMET]


def test_an_officer_of_force_1_without_any_certificate_may_not_enforce() -> None:
    found = check_action(action(), [ZHANG, WANG, officer("o3", "李明")])
    assert rules(found) == [Rule.CERTIFICATE_VALID] and "没有当日有效的执法证" in found[0].message


def test_overlapping_actions_are_refused_for_the_same_person() -> None:
    other = Assignment("o1", "a2", datetime(2026, 11, 24, 11), datetime(2026, 11, 24, 14), "五一广场检查")
    found = check_action(action(), [ZHANG, WANG], others=[other])
    assert rules(found) == [Rule.OVERLAP]
    assert found[0].officer_id == "o1" and found[0].other_action_id == "a2"
    assert "五一广场检查" in found[0].message and "张伟" in found[0].message


def test_the_action_itself_in_others_is_not_an_overlap() -> None:
    own = Assignment("o1", "a1", datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 12))
    assert check_action(action(), [ZHANG, WANG], others=[own]) == []


def test_the_rest_rule_between_actions_is_configurable() -> None:
    after = Assignment("o1", "a2", datetime(2026, 11, 24, 13), datetime(2026, 11, 24, 15))
    assert rules(check_action(action(), [ZHANG, WANG], others=[after], rest_hours=2)) == [Rule.REST]
    assert check_action(action(), [ZHANG, WANG], others=[after], rest_hours=1) == []
    assert check_action(action(), [ZHANG, WANG], others=[after], rest_hours=0) == []


def test_leave_makes_an_officer_unavailable_and_not_count() -> None:
    leave = AvailabilityFacts(OfficerStatus.ON_DUTY, None, None, [(DAY, DAY + timedelta(days=2))])
    away = officer("o3", "周杰", cert(CITY), availability=leave)
    found = check_action(action(), [ZHANG, away])
    assert set(rules(found)) == {Rule.UNAVAILABLE, Rule.TWO_CERTIFIED}
    assert "请假（2026-11-24 至 2026-11-26）" in next(
        v.message for v in found if v.rule is Rule.UNAVAILABLE)
    assert check_action(action(day=DAY + timedelta(days=3)), [ZHANG, away]) == []


def test_outside_the_secondment_period_is_unavailable() -> None:
    sunk = AvailabilityFacts(OfficerStatus.ON_DUTY, date(2025, 1, 1), date(2026, 11, 23), [])
    gone = officer("o3", "赵磊", cert(CITY), unit=BUREAU, force=Force.SUNK, availability=sunk)
    found = check_action(action(), [ZHANG, WANG, gone])
    assert rules(found) == [Rule.UNAVAILABLE] and "下沉期已于 2026-11-23 结束" in found[0].message
    early = AvailabilityFacts(OfficerStatus.ON_DUTY, date(2026, 11, 25), None, [])
    later = officer("o4", "钱进", cert(CITY), force=Force.SUNK, availability=early)
    assert "下沉期自 2026-11-25 起" in check_action(action(), [ZHANG, WANG, later])[0].message


@pytest.mark.parametrize(("status", "text"), [(OfficerStatus.SECONDED, "借调中"),
                                              (OfficerStatus.LEFT, "已离岗")])
def test_a_status_that_keeps_the_person_away_is_unavailable(status: OfficerStatus,
                                                            text: str) -> None:
    away = officer("o3", "刘洋", cert(CITY), availability=AvailabilityFacts(status, None, None, []))
    found = check_action(action(), [ZHANG, WANG, away])
    assert rules(found) == [Rule.UNAVAILABLE] and text in found[0].message


def test_every_required_unit_must_be_represented() -> None:
    found = check_action(action(units=(TEAM, BUREAU)), [ZHANG, WANG])
    assert rules(found) == [Rule.UNIT_MISSING] and "区城管执法局" in found[0].message
    bureau = officer("o3", "赵磊", cert(CITY), unit=BUREAU, force=Force.SUNK)
    assert check_action(action(units=(TEAM, BUREAU)), [ZHANG, WANG, bureau]) == []


def test_needs_count_people_and_certified_people() -> None:
    need = ForceNeed(TEAM, None, 3, 3)
    found = check_action(action(needs=(need,)), [ZHANG, WANG])
    assert [v.rule for v in found] == [Rule.NEEDS_UNMET, Rule.NEEDS_UNMET]
    assert "出动 3 人，现只安排 2 人" in found[0].message


def test_check_plan_reports_an_overlap_on_both_actions() -> None:
    first, second = action("a1", start=9, end=12), action("a2", start=10, end=13)
    people = {o.officer_id: o for o in (ZHANG, WANG, officer("o3", "李强", cert(CITY)))}
    found = check_plan([first, second], {"a1": ["o1", "o2"], "a2": ["o1", "o3"]}, people, 2)
    assert sorted((v.action_id, v.rule) for v in found) == [("a1", Rule.OVERLAP),
                                                          ("a2", Rule.OVERLAP)]
    fixed = [Assignment("o2", "elsewhere", datetime(2026, 11, 24, 8), datetime(2026, 11, 24, 10))]
    assert ("a1", Rule.OVERLAP, "o2") in {(v.action_id, v.rule, v.officer_id) for v in check_plan(
        [first], {"a1": ["o1", "o2"]}, people, 2, fixed=fixed)}


def test_the_refusal_lists_every_reason() -> None:
    found = check_action(action(units=(BUREAU,)), [ZHANG])
    text = refusal_message("黄兴中路占道经营整治", found)
    assert "有 2 项硬性规则未满足，不能批准" in text and "1. " in text and "2. " in text


# --- the life ----------------------------------------------------------------------------


def test_the_life_of_an_action_in_order() -> None:
    state = ActionState.DRAFT
    for step in (ActionStep.SUBMIT, ActionStep.APPROVE, ActionStep.NOTIFY, ActionStep.START,
                 ActionStep.COMPLETE, ActionStep.RECORD_RESULTS, ActionStep.EVALUATE):
        state = next_state(state, step)
    assert state is ActionState.EVALUATED
    assert steps_from(ActionState.EVALUATED) == []


@pytest.mark.parametrize(("state", "step"), [
    (ActionState.DRAFT, ActionStep.APPROVE), (ActionState.SUBMITTED, ActionStep.START),
    (ActionState.UNDER_WAY, ActionStep.CANCEL), (ActionState.COMPLETED, ActionStep.EVALUATE),
    (ActionState.CANCELLED, ActionStep.SUBMIT),
])
def test_illegal_transitions_are_refused_in_chinese(state: ActionState, step: ActionStep) -> None:
    with pytest.raises(ConflictError, match=f"行动当前为“{state.label}”，不能{step.label}"):
        next_state(state, step)


def test_only_drafts_and_submitted_actions_are_editable() -> None:
    require_editable(ActionState.SUBMITTED)
    with pytest.raises(ConflictError, match="退回修改"):
        require_editable(ActionState.APPROVED)


def test_results_are_checked() -> None:
    ActionResults(10, 5, 2, 5, 100000).validate()
    with pytest.raises(ValidationError, match="整改数"):
        ActionResults(10, 5, 2, 6).validate()
    with pytest.raises(ValidationError, match="不能为负数"):
        ActionResults(-1).validate()
