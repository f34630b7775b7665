"""The whistle services on a real migrated SQLite file: a whistle called from a demand
with the units and 应哨人 the list and the directory propose, 报到, answers, the 攻坚哨
solution, the street's evaluation and closing; the refusals (permission, stale
version, closed); the audit trail; and the negative list, whose SQL must agree with
the domain's rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from desktop.bootstrap import AppContext
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.demand_states import DemandAction, HandlingLevel
from desktop.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from desktop.domain.responsibilities import ItemDraft, ListSource
from desktop.domain.whistles import (
    FlagKind,
    Period,
    TargetState,
    WhistleEvaluation,
    WhistleKind,
    WhistleStatus,
)
from desktop.services import audit, units, whistles
from desktop.services.demand_flow import Routing
from desktop.services.responsibilities import add_list_version
from desktop.services.whistles import TargetInput, WhistleInput
from tests.integration.demand_helpers import OPERATOR, Clock, Desk, build_desk, rows

A = DemandAction
CLERK = Actor("陈文书", Role.CLERK)
MONDAY = datetime(2025, 11, 24, 10, 0)  # an ordinary working Monday


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, MONDAY)


@pytest.fixture
def desk(context: AppContext, clock: Clock) -> Desk:
    desk = build_desk(context)
    with context.uow() as uow:
        version = add_list_version(uow, title="测试清单", published_on=date(2025, 1, 1),
                                   source=ListSource.IMPORT, items=[
                                       ItemDraft("CG-001", "城市管理", "占道经营",
                                                 lead_unit="区城管执法局",
                                                 cooperating_units=("区住建局", "街道"))])
        uow.commit()
        desk.categories["item"] = uow.responsibilities.items(version.id)[0].id
    community = rows(context, "select community_id from grid where id = ?", desk.grid_id)[0][0]
    desk.categories["community"] = community
    for unit_id, name in ((desk.city, "王应哨"), (desk.housing, "张应哨")):
        units.set_responder(context.uow(), actor=LOCAL_ADMIN, unit_id=unit_id,
                            community_id=community, name=name, phone="13800001111")
    return desk


def item(desk: Desk) -> str:
    return desk.categories["item"]


def demand_at_district(desk: Desk) -> str:
    """A demand triaged to the district's 区城管执法局 by the list item, in handling."""
    demand = desk.intake()
    with desk.uow() as uow:
        from desktop.services.calendar import calendar_in
        from desktop.services.demand_flow import ActionInput, apply_action

        record = uow.demands.get(demand.id)
        calendar = calendar_in(uow)
        routing = Routing(HandlingLevel.DISTRICT, desk.city, (desk.housing,),
                          desk.categories["占道经营"], item(desk))
        for action, data in ((A.TRIAGE, ActionInput(routing=routing)), (A.DISPATCH, None),
                             (A.START, None)):
            apply_action(uow, record, action, actor=OPERATOR, at=MONDAY, calendar=calendar,
                         data=data)
        uow.commit()
    return demand.id


def call(desk: Desk, kind: WhistleKind = WhistleKind.EMERGENCY, *, demand_id: str | None = None,
         unit_ids: tuple[str, ...] | None = None, with_item: bool = True,
         actor: Actor = OPERATOR) -> whistles.WhistleDetail:
    if unit_ids is None:
        proposal = whistles.propose_targets(desk.uow(), kind=kind, demand_id=demand_id,
                                            responsibility_item_id=item(desk) if with_item else None)
        targets = tuple(TargetInput(t.unit_id, t.responder) for t in proposal.targets)
    else:
        targets = tuple(TargetInput(u) for u in unit_ids)
    return whistles.call_whistle(desk.uow(), actor=actor, data=WhistleInput(
        kind, "" if demand_id else "黄兴中路占道经营反复出现", "" if demand_id else "需城管到场处置",
        targets, demand_id=demand_id, community_id=None if demand_id else desk.categories["community"],
        responsibility_item_id=item(desk) if with_item else None))


def audit_rows(context: AppContext) -> list[tuple]:
    return rows(context, "select action, entity_type, entity_id, summary from audit_record "
                         "where entity_type = 'whistle' order by id")


# --- the loop ---------------------------------------------------------------------------------


def test_a_whistle_from_a_demand_to_closing(desk: Desk, clock: Clock) -> None:
    demand_id = demand_at_district(desk)
    proposal = whistles.propose_targets(desk.uow(), kind=WhistleKind.EMERGENCY,
                                        demand_id=demand_id)
    assert [(t.unit_name, t.role, t.responder) for t in proposal.targets] == [
        ("区城管执法局", "主体责任单位", "王应哨"), ("区住房和城乡建设局", "配合责任单位", "张应哨")]

    detail = call(desk, demand_id=demand_id)
    row = detail.whistle
    assert row.number == "哨-20251124-001" and row.status is WhistleStatus.CALLED
    assert row.title == "商户占道经营" and row.demand_number.startswith("20251124-")
    assert row.item_label == "CG-001 占道经营" and row.community_name == "东风社区"
    city, housing = detail.targets
    assert city.arrival_due_at == MONDAY + timedelta(hours=2)  # 应急哨: 2 hours on the clock
    assert city.responder == "王应哨" and city.state is TargetState.WAITING
    assert not row.flags and city.on_list and housing.on_list

    clock.set(MONDAY + timedelta(hours=1))
    detail = whistles.record_arrival(desk.uow(), actor=OPERATOR, whistle_id=row.id,
                                     target_id=city.id, expected_version=row.version)
    assert detail.whistle.status is WhistleStatus.CALLED  # 区住建局 not there yet
    detail = whistles.record_arrival(desk.uow(), actor=OPERATOR, whistle_id=row.id,
                                     target_id=housing.id, expected_version=detail.whistle.version,
                                     arrived_at=MONDAY + timedelta(minutes=50), arrived_by="李副科长")
    assert detail.whistle.status is WhistleStatus.ARRIVED and detail.whistle.arrival_text == "2/2"
    assert detail.targets[1].responder == "李副科长"
    detail = whistles.record_response(desk.uow(), actor=OPERATOR, whistle_id=row.id,
                                      target_id=city.id, expected_version=detail.whistle.version,
                                      response="当日组织清理", outcome="已清理占道货架 6 处")
    assert detail.whistle.status is WhistleStatus.RESPONDING
    assert detail.targets[0].state is TargetState.RESPONDED
    detail = whistles.evaluate_target(desk.uow(), actor=OPERATOR, whistle_id=row.id,
                                      target_id=city.id, expected_version=detail.whistle.version,
                                      evaluation=WhistleEvaluation.GOOD)
    detail = whistles.close_whistle(desk.uow(), actor=OPERATOR, whistle_id=row.id,
                                    expected_version=detail.whistle.version, note="占道已清理")
    assert detail.whistle.status is WhistleStatus.CLOSED and not detail.whistle.flags
    assert detail.targets[0].evaluation is WhistleEvaluation.GOOD

    trail = audit_rows(desk.context)
    assert [r[0] for r in trail] == ["create", "update", "update", "update", "update", "update"]
    assert all(r[2] == "哨-20251124-001" for r in trail)
    assert "应急哨 哨-20251124-001「商户占道经营」吹向：区城管执法局、区住房和城乡建设局" in trail[0][3]
    assert "结案：占道已清理" in trail[-1][3]
    assert audit.verify(desk.uow()).ok


def test_numbers_run_on_per_day_and_a_closed_demand_cannot_be_whistled_for(desk: Desk,
                                                                          clock: Clock) -> None:
    assert call(desk).whistle.number == "哨-20251124-001"
    assert call(desk, WhistleKind.DAILY).whistle.number == "哨-20251124-002"
    clock.set(MONDAY + timedelta(days=1))
    assert call(desk).whistle.number == "哨-20251125-001"
    demand = desk.intake()
    desk.advance(demand.id, (A.TRIAGE, A.DISPATCH, A.START, A.REPORT, A.VERIFY, A.CLOSE))
    with pytest.raises(ConflictError, match="已结案"):
        call(desk, demand_id=demand.id, unit_ids=(desk.city,))


def test_a_daily_whistle_goes_to_the_streets_own_offices(desk: Desk) -> None:
    proposal = whistles.propose_targets(desk.uow(), kind=WhistleKind.DAILY,
                                        responsibility_item_id=item(desk))
    assert [(t.unit_name, t.role) for t in proposal.targets] == [("测试街道综合行政执法队", "本街道站办所")]
    detail = call(desk, WhistleKind.DAILY)
    assert detail.targets[0].arrival_due_at == datetime(2025, 11, 25, 23, 59, 59)  # 1 working day


def test_a_hard_whistle_needs_a_solution_within_five_working_days(desk: Desk, clock: Clock) -> None:
    clock.set(datetime(2025, 9, 29, 9, 0))  # the Monday before the National Day holiday
    detail = call(desk, WhistleKind.HARD)
    target = detail.targets[0]
    # 9-30, 10-9, 10-10, 10-11 (make-up Saturday), 10-13
    assert target.solution_due_at == datetime(2025, 10, 13, 23, 59, 59)
    with pytest.raises(ConflictError, match="只有攻坚哨"):
        daily = call(desk, WhistleKind.DAILY)
        whistles.record_solution(desk.uow(), actor=OPERATOR, whistle_id=daily.whistle.id,
                                 target_id=daily.targets[0].id,
                                 expected_version=daily.whistle.version, solution="x")
    clock.set(datetime(2025, 10, 10, 16, 0))
    detail = whistles.record_solution(desk.uow(), actor=OPERATOR, whistle_id=detail.whistle.id,
                                      target_id=target.id, expected_version=detail.whistle.version,
                                      solution="城管牵头、住建配合，两周内完成整治")
    assert detail.targets[0].state is TargetState.SOLVED
    assert FlagKind.INACTION not in detail.whistle.flag_kinds


# --- refusals ----------------------------------------------------------------------------------


def test_a_role_without_the_permission_is_refused_and_nothing_is_stored(desk: Desk) -> None:
    with pytest.raises(PermissionDeniedError, match="文书"):
        call(desk, unit_ids=(desk.city,), actor=CLERK)
    assert rows(desk.context, "select count(*) from whistle")[0][0] == 0
    detail = call(desk, unit_ids=(desk.city,))
    with pytest.raises(PermissionDeniedError):
        whistles.record_arrival(desk.uow(), actor=CLERK, whistle_id=detail.whistle.id,
                                target_id=detail.targets[0].id,
                                expected_version=detail.whistle.version)


def test_a_stale_version_is_refused_and_changes_nothing(desk: Desk) -> None:
    detail = call(desk)
    row, (city, housing) = detail.whistle, detail.targets
    whistles.record_arrival(desk.uow(), actor=OPERATOR, whistle_id=row.id, target_id=city.id,
                            expected_version=row.version)
    before = len(audit_rows(desk.context))
    with pytest.raises(ConflictError, match="已被他人更新"):
        whistles.record_arrival(desk.uow(), actor=OPERATOR, whistle_id=row.id,
                                target_id=housing.id, expected_version=row.version)
    assert len(audit_rows(desk.context)) == before
    assert whistles.whistle_detail(desk.uow(), row.id).targets[1].arrived_at is None


def test_bad_input_is_refused_in_chinese(desk: Desk, clock: Clock) -> None:
    with pytest.raises(ValidationError, match="至少选择一个应哨单位"):
        call(desk, unit_ids=())
    with pytest.raises(ValidationError, match="选了两次"):
        call(desk, unit_ids=(desk.city, desk.city))
    detail = call(desk, unit_ids=(desk.city,))
    with pytest.raises(ValidationError, match="不能早于吹哨时间"):
        whistles.record_arrival(desk.uow(), actor=OPERATOR, whistle_id=detail.whistle.id,
                                target_id=detail.targets[0].id,
                                expected_version=detail.whistle.version,
                                arrived_at=MONDAY - timedelta(hours=1))
    with pytest.raises(ValidationError, match="不满意"):
        whistles.evaluate_target(desk.uow(), actor=OPERATOR, whistle_id=detail.whistle.id,
                                 target_id=detail.targets[0].id,
                                 expected_version=detail.whistle.version,
                                 evaluation=WhistleEvaluation.POOR)
    closed = whistles.close_whistle(desk.uow(), actor=OPERATOR, whistle_id=detail.whistle.id,
                                    expected_version=detail.whistle.version, note="街道自行解决")
    with pytest.raises(ConflictError, match=r"已于.*结案"):
        whistles.record_arrival(desk.uow(), actor=OPERATOR, whistle_id=detail.whistle.id,
                                target_id=detail.targets[0].id,
                                expected_version=closed.whistle.version)


# --- the negative list ---------------------------------------------------------------------------


def test_the_negative_list_names_each_fault_with_its_reason(desk: Desk, clock: Clock) -> None:
    on_time = call(desk)  # both arrive in time: no flag
    for target in on_time.targets:
        version = whistles.whistle_detail(desk.uow(), on_time.whistle.id).whistle.version
        whistles.record_arrival(desk.uow(), actor=OPERATOR, whistle_id=on_time.whistle.id,
                                target_id=target.id, expected_version=version)
    absent = call(desk, unit_ids=(desk.city,))  # never arrives → 不报到
    answered = call(desk, unit_ids=(desk.housing,))  # answers instead of coming → 推诿
    whistles.record_response(desk.uow(), actor=OPERATOR, whistle_id=answered.whistle.id,
                             target_id=answered.targets[0].id,
                             expected_version=answered.whistle.version, response="不属于我局职责")
    wrong = call(desk, unit_ids=(desk.city,), with_item=False)  # no list item → 乱吹哨
    hard = call(desk, WhistleKind.HARD, unit_ids=(desk.city,))
    overdue_demand = demand_at_district(desk)  # 13 working days, never whistled for → 有哨不吹

    clock.set(datetime(2025, 12, 31, 12, 0))
    result = whistles.negative_list(desk.uow(), Period.month(2025, 12))
    assert [e.flag.kind for e in result.entries] == [FlagKind.UNBLOWN]  # due in December
    assert result.entries[0].demand_id == overdue_demand
    assert "须区直部门处置" in result.entries[0].flag.reason
    result = whistles.negative_list(desk.uow(), Period.month(2025, 11))
    found = {(e.flag.kind, e.whistle_id) for e in result.entries}
    assert found == {(FlagKind.NO_SHOW, absent.whistle.id), (FlagKind.SHIRKING, answered.whistle.id),
                     (FlagKind.WRONG_CALL, wrong.whistle.id), (FlagKind.NO_SHOW, hard.whistle.id),
                     (FlagKind.INACTION, hard.whistle.id)}
    reasons = {(e.flag.kind, e.whistle_id): e.flag.reason for e in result.entries}
    assert reasons[FlagKind.NO_SHOW, absent.whistle.id] == (
        "区城管执法局应于2025年11月24日 星期一 12:00前报到，至今仍未报到（已超过 37 天）")
    assert reasons[FlagKind.NO_SHOW, hard.whistle.id].startswith(
        "区城管执法局应于2025年11月25日 星期二 24:00前报到")
    assert "仅作书面或电话答复" in reasons[FlagKind.SHIRKING, answered.whistle.id]
    reasons = {e.flag.kind: e.flag.reason for e in result.entries}
    assert "未选择属地管理事项清单事项" in reasons[FlagKind.WRONG_CALL]
    assert "5 个工作日内" in reasons[FlagKind.INACTION]
    assert result.text.startswith("2025年11月负面清单：不报到 2 项，乱吹哨 1 项")

    # the SQL filter of the list agrees with the domain's flags
    page = whistles.list_whistles(desk.uow(), flagged=True)
    assert {r.id for r in page.rows} == {absent.whistle.id, answered.whistle.id,
                                         wrong.whistle.id, hard.whistle.id}
    assert page.total == 4
    everything = whistles.list_whistles(desk.uow())
    assert {r.id for r in everything.rows if r.flags} == {r.id for r in page.rows}
    workload = whistles.whistle_workload(desk.uow())  # absent, wrong and hard; answered: 推诿
    assert (workload.waiting, workload.late) == (3, 3)


def test_whistling_for_an_overdue_demand_clears_you_of_unblown(desk: Desk, clock: Clock) -> None:
    demand_id = demand_at_district(desk)
    clock.set(datetime(2025, 12, 31, 12, 0))
    assert len(whistles.negative_list(desk.uow(), Period.month(2025, 12)).entries) == 1
    call(desk, demand_id=demand_id)
    flags = whistles.negative_list(desk.uow(), Period.month(2025, 12)).entries
    assert not [e for e in flags if e.flag.kind is FlagKind.UNBLOWN]


def test_the_list_filters_by_kind_status_and_unit(desk: Desk) -> None:
    first = call(desk, WhistleKind.EMERGENCY)
    call(desk, WhistleKind.DAILY)
    call(desk, WhistleKind.HARD, unit_ids=(desk.housing,))
    numbers = lambda page: [r.number for r in page.rows]  # noqa: E731
    assert numbers(whistles.list_whistles(desk.uow())) == [
        "哨-20251124-003", "哨-20251124-002", "哨-20251124-001"]
    assert numbers(whistles.list_whistles(desk.uow(), kind=WhistleKind.DAILY)) == ["哨-20251124-002"]
    assert numbers(whistles.list_whistles(desk.uow(), unit_id=desk.city)) == ["哨-20251124-001"]
    whistles.close_whistle(desk.uow(), actor=OPERATOR, whistle_id=first.whistle.id,
                           expected_version=first.whistle.version, note="已解决")
    closed = whistles.list_whistles(desk.uow(), status=WhistleStatus.CLOSED.value)
    assert numbers(closed) == ["哨-20251124-001"] and closed.text == "第 1–1 条 / 共 1 条"
    paged = whistles.list_whistles(desk.uow(), offset=1, limit=1)
    assert numbers(paged) == ["哨-20251124-002"] and paged.total == 3
