"""Joint enforcement actions on a real SQLite file: planning, checks from current data,
approval refused then allowed, the life, results closing demands, audit rows."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.demo import build_demo_street
from desktop.domain.action_states import ActionResults, ActionState, Evaluation
from desktop.domain.demand_states import DemandStatus
from desktop.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from desktop.domain.joint_actions import Rule
from desktop.domain.roster import LeaveKind
from desktop.services import action_checks, action_results, availability, demands
from desktop.services import joint_actions as actions
from desktop.services.joint_actions import ParticipantInput
from tests.integration.action_fixtures import (
    DIRECTOR,
    PLANNER,
    Roster,
    build_roster,
    next_monday,
    plan,
)


@pytest.fixture
def roster(context: AppContext, street: object) -> Roster:
    return build_roster(context)


def audit_rows(context: AppContext) -> list[tuple[str, str, str, str]]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        return db.execute("select action, entity_type, entity_id, summary from audit_record "
                          "order by id").fetchall()


def people(*officer_ids: str) -> list[ParticipantInput]:
    return [ParticipantInput(officer_id) for officer_id in officer_ids]


def legal(roster: Roster) -> list[ParticipantInput]:
    return people(roster.certified[0], roster.certified[1], roster.city_officer, roster.helper)


def test_a_new_action_is_a_numbered_draft_with_its_problems_listed(context: AppContext,
                                                                  roster: Roster) -> None:
    detail = actions.create_action(context.uow(), actor=PLANNER, data=plan(roster))
    assert detail.row.state is ActionState.DRAFT and detail.row.number.startswith("LX")
    assert [u.name for u in detail.units] == ["区城管执法局", "芙蓉街道综合行政执法队"]
    assert [d.number for d in detail.demands] and detail.demands[0].demand_id == roster.demand_id
    assert {v.rule for v in detail.violations} == {Rule.TWO_CERTIFIED, Rule.UNIT_MISSING}
    assert audit_rows(context)[-1][:3] == ("create", "joint_action", detail.row.number)


def test_invalid_plans_are_refused_with_the_field(context: AppContext, roster: Roster) -> None:
    from dataclasses import replace

    data = plan(roster)
    with pytest.raises(ValidationError, match="结束时间"):
        actions.create_action(context.uow(), actor=PLANNER,
                              data=replace(data, ends_at=data.starts_at))
    with pytest.raises(ValidationError, match="持证人数"):
        actions.create_action(context.uow(), actor=PLANNER, data=replace(data, min_certified=1))


def test_approval_is_refused_with_the_reasons_then_allowed_after_fixing(context: AppContext,
                                                                        roster: Roster) -> None:
    draft = actions.create_action(context.uow(), actor=PLANNER, data=plan(roster))
    staffed = actions.set_participants(
        context.uow(), actor=PLANNER, action_id=draft.id, expected_version=draft.version,
        participants=people(roster.certified[0], roster.expired, roster.market, roster.on_leave))
    submitted = actions.submit_action(context.uow(), actor=PLANNER, action_id=staffed.id,
                                      expected_version=staffed.version)
    rows_before = len(audit_rows(context))

    with pytest.raises(actions.ActionRefusedError) as refused:
        actions.approve_action(context.uow(), actor=DIRECTOR, action_id=submitted.id,
                               expected_version=submitted.version)

    message = refused.value.message
    assert "不能批准" in message
    for text in ("陈静", "到期", "孙丽", "市场监管", "周杰", "请假", "区城管执法局"):
        assert text in message
    assert {v.rule for v in refused.value.violations} >= {
        Rule.CERTIFICATE_VALID, Rule.CERTIFICATE_DOMAIN, Rule.UNAVAILABLE, Rule.UNIT_MISSING}
    unchanged = actions.get_action(context.uow(), submitted.id)
    assert unchanged.row.state is ActionState.SUBMITTED and unchanged.version == submitted.version
    assert len(audit_rows(context)) == rows_before

    fixed = actions.set_participants(context.uow(), actor=PLANNER, action_id=submitted.id,
                                     expected_version=submitted.version, participants=legal(roster))
    assert fixed.violations == ()
    approved = actions.approve_action(context.uow(), actor=DIRECTOR, action_id=fixed.id,
                                      expected_version=fixed.version)
    assert approved.row.state is ActionState.APPROVED and approved.approved_by == "刘主任"
    assert audit_rows(context)[-1][0] == "approve"


def test_only_the_director_approves(context: AppContext, roster: Roster) -> None:
    draft = actions.create_action(context.uow(), actor=PLANNER, data=plan(roster))
    with pytest.raises(PermissionDeniedError):
        actions.approve_action(context.uow(), actor=PLANNER, action_id=draft.id,
                               expected_version=draft.version)


def _approved(context: AppContext, roster: Roster, **kwargs: object) -> actions.ActionDetail:
    draft = actions.create_action(context.uow(), actor=PLANNER, data=plan(roster, **kwargs))
    staffed = actions.set_participants(context.uow(), actor=PLANNER, action_id=draft.id,
                                       expected_version=draft.version, participants=legal(roster))
    submitted = actions.submit_action(context.uow(), actor=PLANNER, action_id=staffed.id,
                                      expected_version=staffed.version)
    return actions.approve_action(context.uow(), actor=DIRECTOR, action_id=submitted.id,
                                  expected_version=submitted.version)


def test_checks_follow_the_roster_as_it_is_now(context: AppContext, roster: Roster) -> None:
    approved = _approved(context, roster)
    assert action_checks.checks(context.uow(), approved.id) == []
    day = approved.row.starts_at.date()
    availability.add_leave(context.uow(), actor=DIRECTOR, officer_id=roster.certified[0],
                           kind=LeaveKind.SICK, start=day, end=day)
    found = action_checks.checks(context.uow(), approved.id)
    assert [(v.rule, v.officer_id) for v in found] == [(Rule.UNAVAILABLE, roster.certified[0])]
    assert "张伟请假" in found[0].message
    # the page shows it on the action too
    assert actions.get_action(context.uow(), approved.id).row.hard_count == len(found)


def test_an_approved_action_is_locked_until_sent_back(context: AppContext, roster: Roster) -> None:
    approved = _approved(context, roster)
    with pytest.raises(ConflictError, match="退回修改"):
        actions.set_participants(context.uow(), actor=PLANNER, action_id=approved.id,
                                 expected_version=approved.version, participants=legal(roster))
    reopened = actions.reopen_action(context.uow(), actor=PLANNER, action_id=approved.id,
                                     expected_version=approved.version, reason="增加交警配合")
    assert reopened.row.state is ActionState.DRAFT and reopened.approved_by is None
    with pytest.raises(ConflictError, match="已被他人修改"):
        actions.move_action(context.uow(), actor=PLANNER, action_id=approved.id,
                            expected_version=approved.version,
                            starts_at=approved.row.starts_at, ends_at=approved.row.ends_at)


def test_moving_an_action_rechecks_it_against_the_others(context: AppContext,
                                                         roster: Roster) -> None:
    first = _approved(context, roster, demand=False)
    wednesday = next_monday() + timedelta(days=2)
    other = actions.create_action(context.uow(), actor=PLANNER,
                                  data=plan(roster, day=wednesday, title="五一广场检查", demand=False))
    other = actions.set_participants(context.uow(), actor=PLANNER, action_id=other.id,
                                     expected_version=other.version, participants=legal(roster))
    assert other.violations == ()
    moved = actions.move_action(context.uow(), actor=PLANNER, action_id=other.id,
                                expected_version=other.version,
                                starts_at=first.row.starts_at + timedelta(hours=1),
                                ends_at=first.row.ends_at + timedelta(hours=1))
    overlaps = [v for v in moved.violations if v.rule is Rule.OVERLAP]
    assert len(overlaps) == 4 and all(v.other_action_id == first.id for v in overlaps)
    assert "调整行动" in audit_rows(context)[-1][3]
    plan_view = action_checks.period_plan(context.uow(), start=first.row.starts_at.date(),
                                          end=first.row.starts_at.date())
    assert {v.action_id for v in plan_view.conflicts} == {first.id, moved.id}
    assert plan_view.loads[0].total_actions == 2


def test_the_life_to_results_closes_the_triggering_demand(context: AppContext,
                                                          roster: Roster) -> None:
    approved = _approved(context, roster)
    detail = approved
    for step in (actions.notify_action, actions.start_action, actions.complete_action):
        detail = step(context.uow(), actor=PLANNER, action_id=detail.id,
                      expected_version=detail.version)
    assert detail.row.state is ActionState.COMPLETED
    with pytest.raises(ValidationError, match="整改数"):
        action_results.record_results(context.uow(), actor=PLANNER, action_id=detail.id,
                                      expected_version=detail.version,
                                      results=ActionResults(5, 2, 0, 3))

    outcome = action_results.record_results(
        context.uow(), actor=PLANNER, action_id=detail.id, expected_version=detail.version,
        results=ActionResults(12, 9, 2, 7, 150000, "清理占道摊点 9 处"))

    assert outcome.detail.row.state is ActionState.RESULTS_RECORDED
    demand = demands.get_demand(context.uow(), roster.demand_id).demand
    assert demand.status is DemandStatus.CLOSED
    assert outcome.closed == (demand.number,) and outcome.left == ()
    steps = demands.timeline(context.uow(), roster.demand_id)
    assert any(outcome.detail.row.number in step.note for step in steps)
    tail = audit_rows(context)[-2:]
    assert [(r[0], r[1]) for r in tail] == [("update", "joint_action"), ("update", "demand")]
    assert "罚没 1500.00 元" in tail[0][3]

    summary = action_results.action_results_for_period(context.uow(), date.today(),
                                                       date.today() + timedelta(days=14))
    assert (summary.actions, summary.problems_found, summary.rectified) == (1, 9, 7)
    assert (summary.fines_fen, summary.demands, summary.demands_closed) == (150000, 1, 1)

    evaluated = action_results.evaluate_action(
        context.uow(), actor=DIRECTOR, action_id=detail.id,
        expected_version=outcome.detail.version, evaluation=Evaluation.GOOD)
    assert evaluated.row.state is ActionState.EVALUATED
    with pytest.raises(ConflictError, match="已评价"):
        actions.cancel_action(context.uow(), actor=PLANNER, action_id=detail.id,
                              expected_version=evaluated.version, reason="误建")


def test_results_cannot_be_recorded_before_the_action_is_completed(context: AppContext,
                                                                   roster: Roster) -> None:
    approved = _approved(context, roster)
    with pytest.raises(ConflictError, match="不能登记结果"):
        action_results.record_results(context.uow(), actor=PLANNER, action_id=approved.id,
                                      expected_version=approved.version,
                                      results=ActionResults(1, 1, 0, 1))
    assert demands.get_demand(context.uow(), roster.demand_id).demand.status \
        is DemandStatus.HANDLING


def test_scheduling_input_keeps_hand_fixed_people(context: AppContext, roster: Roster) -> None:
    draft = actions.create_action(context.uow(), actor=PLANNER, data=plan(roster, demand=False))
    actions.set_participants(context.uow(), actor=PLANNER, action_id=draft.id,
                             expected_version=draft.version,
                             participants=[ParticipantInput(roster.certified[0]),
                                           ParticipantInput(roster.helper, fixed_by_hand=False)])
    problem = action_checks.scheduling_input(context.uow(), [draft.id])
    assert problem.fixed_by_hand == {draft.id: (roster.certified[0],)}
    assert set(problem.current[draft.id]) == {roster.certified[0], roster.helper}
    assert roster.expired in problem.officers and problem.actions[0].action_id == draft.id


def test_a_whole_proposal_is_applied_in_one_transaction_or_not_at_all(
        context: AppContext, roster: Roster) -> None:
    first = actions.create_action(context.uow(), actor=PLANNER, data=plan(roster, demand=False))
    second = actions.create_action(context.uow(), actor=PLANNER, data=plan(roster, demand=False))
    line_ups = {first.id: (first.version, legal(roster)),
                second.id: (second.version + 5, legal(roster))}  # the second one is stale
    with pytest.raises(ConflictError):
        actions.set_participants_of_many(context.uow(), actor=PLANNER, line_ups=line_ups)
    assert actions.get_action(context.uow(), first.id).participants == ()  # nothing written

    line_ups[second.id] = (second.version, legal(roster))
    done = actions.set_participants_of_many(context.uow(), actor=PLANNER, line_ups=line_ups)
    assert [len(detail.participants) for detail in done] == [4, 4]
    staffed = [row for row in audit_rows(context) if "参加人员" in row[3]]
    assert len(staffed) == 2


# --- the demo ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    context = open_migrated_context(tmp_path_factory.mktemp("demo") / "data")
    build_demo_street(context)  # its joint actions included
    with context.uow() as uow:
        added = len(uow.actions.all())
    assert 10 <= added <= 16
    yield context
    context.close()


def test_the_demo_has_legal_actions_in_every_state(demo: AppContext) -> None:
    today = date.today()
    view = action_checks.period_plan(demo.uow(), start=today - timedelta(days=7),
                                     end=today + timedelta(days=14))
    states = {row.state for row in view.actions}
    assert states >= {ActionState.EVALUATED, ActionState.RESULTS_RECORDED, ActionState.COMPLETED,
                      ActionState.UNDER_WAY, ActionState.APPROVED, ActionState.SUBMITTED,
                      ActionState.DRAFT, ActionState.CANCELLED}
    for row in view.actions:
        if row.state not in (ActionState.DRAFT, ActionState.CANCELLED):
            assert row.violations == (), (row.title, [v.message for v in row.violations])
    assert any(row.state is ActionState.DRAFT and row.hard_count for row in view.actions)


def test_the_demo_action_with_results_closed_its_demands(demo: AppContext) -> None:
    today = date.today()
    summary = action_results.action_results_for_period(demo.uow(), today - timedelta(days=7), today)
    assert summary.actions == 2 and summary.demands == 2 and summary.demands_closed == 2
