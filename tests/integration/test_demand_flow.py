"""The closed loop on a migrated SQLite file: every legal transition through the use
cases, every illegal one refused with nothing changed, a whole loop to rating with its
timeline, 退单 and the clock, 延期 and the director, 挂起 and the paused clock, a deadline
into a year without calendar, merge, reopen, callback, optimistic concurrency, the
audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from desktop import clock as core_clock
from desktop.bootstrap import open_migrated_context
from desktop.domain.deadlines import DemandSource
from desktop.domain.demand_states import (
    TRANSITIONS,
    DeadlineState,
    DemandAction,
    DemandStatus,
    ExtensionState,
    HandlingLevel,
    IllegalTransitionError,
    Rating,
)
from desktop.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from desktop.domain.workdays import END_OF_DAY, CalendarException, CalendarSource, WorkCalendar
from desktop.services import demands
from desktop.services.audit import verify
from desktop.services.calendar import calendar_in, set_year
from desktop.services.demand_extensions import (
    add_extension_request,
    decide_extension,
    request_extension,
)
from desktop.services.demand_flow import Routing, apply_action, refresh_flagged_deadlines
from desktop.services.demand_rows import DemandRow
from tests.integration.demand_helpers import (
    DIRECTOR,
    OPERATOR,
    Clock,
    Desk,
    build_desk,
    rows,
)

S, A = DemandStatus, DemandAction
CALENDAR = WorkCalendar.build()
LOOP = (A.TRIAGE, A.DISPATCH, A.START, A.REPORT, A.VERIFY, A.CLOSE, A.RATE)
REACH: dict[DemandStatus, tuple[DemandAction, ...]] = {
    S.ACCEPTED: (), S.TRIAGED: LOOP[:1], S.DISPATCHED: LOOP[:2], S.HANDLING: LOOP[:3],
    S.REPORTED: LOOP[:4], S.VERIFIED: LOOP[:5], S.CLOSED: LOOP[:6], S.RATED: LOOP,
    S.RETURNED: (*LOOP[:2], A.RETURN), S.SUSPENDED: (*LOOP[:3], A.SUSPEND),
    S.MERGED: (A.MERGE,), S.SENT_BACK: (A.SEND_BACK,),
}


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


def end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY)


@pytest.fixture
def desk(context) -> Desk:  # type: ignore[no-untyped-def]
    return build_desk(context)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, at(9, 11, 9))


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """One street for the transition sweeps: each case takes in its own demand."""
    context = open_migrated_context(tmp_path_factory.mktemp("loop"))
    yield build_desk(context)
    context.close()


# --- moving demands along ---------------------------------------------------------------------


def reach(desk: Desk, status: DemandStatus, *, with_request: bool = False) -> DemandRow:
    """A new demand brought to ``status`` (a pending 延期 asked on the way if wanted)."""
    original = desk.intake(title="同一问题的首次反映")
    row = desk.intake()
    with desk.uow() as uow:
        demand, calendar = uow.demands.get(row.id), calendar_in(uow)
        for action in REACH[status]:
            apply_action(uow, demand, action, actor=DIRECTOR, at=core_clock.now(), calendar=calendar,
                         data=desk.input_for(action, into_id=original.id))
            if with_request and action is A.DISPATCH:
                add_extension_request(uow, demand, actor=OPERATOR, at=core_clock.now(), workdays=2,
                                      reason="需要等待检测报告")
        uow.commit()
    return desk.row(row.id)


def perform(desk: Desk, row: DemandRow, action: DemandAction) -> object:
    """The use case for ``action``, called as a user holding its permission would."""
    base = {"demand_id": row.id, "expected_version": row.version}
    op = {"actor": OPERATOR, **base}
    boss = {"actor": DIRECTOR, **base}
    uow = desk.uow()
    calls = {
        A.TRIAGE: lambda: demands.triage(uow, routing=desk.routing(), **op),
        A.DISPATCH: lambda: demands.dispatch(uow, **op),
        A.START: lambda: demands.start_handling(uow, **op),
        A.REPORT: lambda: demands.report_result(uow, note="已责令整改", **op),
        A.VERIFY: lambda: demands.verify(uow, passed=True, **op),
        A.REJECT: lambda: demands.verify(uow, passed=False, note="仍未整改", **op),
        A.CLOSE: lambda: demands.close(uow, **op),
        A.RATE: lambda: demands.rate(uow, rating=Rating.SATISFIED, **op),
        A.RETURN: lambda: demands.return_demand(uow, reason="不属本单位职责", **op),
        A.SEND_BACK: lambda: demands.send_back(uow, reason="属区级职责", **boss),
        A.SUSPEND: lambda: demands.suspend(uow, reason="待法院判决", **op),
        A.RESUME: lambda: demands.resume(uow, **op),
        A.MERGE: lambda: demands.merge_duplicate(uow, into_id=_other(desk, row), **op),
        A.REOPEN: lambda: demands.reopen(uow, reason="问题复发", **boss),
        A.REQUEST_EXTENSION: lambda: request_extension(uow, workdays=2, reason="等检测", **op),
        A.DECIDE_EXTENSION: lambda: decide_extension(
            uow, actor=DIRECTOR, request_id=_pending(desk, row), approve=True,
            expected_version=row.version),
        A.CALLBACK: lambda: demands.callback(uow, note="群众认可", satisfied=True, **op),
        A.SUPERVISE: lambda: demands.supervise(uow, note="请加快办理", **op),
    }
    return calls[action]()


def _other(desk: Desk, row: DemandRow) -> str:
    return desk.intake(title="另一件诉求").id


def _pending(desk: Desk, row: DemandRow) -> str:
    detail = demands.get_demand(desk.uow(), row.id)
    assert detail.pending_extension is not None
    return detail.pending_extension.id


def state(desk: Desk, demand_id: str) -> tuple[object, ...]:
    return rows(desk.context, "SELECT status, version, (SELECT count(*) FROM demand_step s "
                              "WHERE s.demand_id = d.id) FROM demand d WHERE id = ?", demand_id)[0]


LEGAL = sorted(TRANSITIONS, key=lambda pair: (list(S).index(pair[0]), list(A).index(pair[1])))


@pytest.mark.parametrize(("status", "action"), LEGAL, ids=[f"{s}-{a}" for s, a in LEGAL])
def test_every_legal_transition_succeeds_through_its_use_case(
        shared: Desk, status: DemandStatus, action: DemandAction) -> None:
    row = reach(shared, status, with_request=action is A.DECIDE_EXTENSION)
    assert row.status is status
    perform(shared, row, action)
    after = shared.row(row.id)
    assert after.status is TRANSITIONS[(status, action)]
    assert after.version > row.version
    last = demands.timeline(shared.uow(), row.id)[-1]
    assert (last.action, last.from_status, last.to_status) == (action, status, after.status)


# ACCEPT is intake itself (no demand to act on); a refused DECIDE_EXTENSION needs a
# pending request, which only the legal statuses can hold: the domain test covers both.
SWEPT = [a for a in DemandAction if a not in (A.ACCEPT, A.DECIDE_EXTENSION)]


@pytest.mark.parametrize("status", list(DemandStatus))
def test_every_illegal_transition_is_refused_and_changes_nothing(shared: Desk,
                                                                 status: DemandStatus) -> None:
    row = reach(shared, status)
    before = state(shared, row.id)
    refused = [a for a in SWEPT if (status, a) not in TRANSITIONS]
    assert refused
    for action in refused:
        with pytest.raises(IllegalTransitionError, match=f"^诉求当前为“{status.label}”，"
                                                         f"不能“{action.label}”。"):
            perform(shared, row, action)
        assert state(shared, row.id) == before, action


# --- the whole loop ---------------------------------------------------------------------------


def test_a_whole_loop_from_intake_to_rating_with_its_timeline(desk: Desk, clock: Clock) -> None:
    row = desk.intake()
    assert (row.number, row.status, row.reporter_phone_masked) == (
        "20260911-0001", S.ACCEPTED, "138****5678")
    assert row.deadline_at == end_of(date(2026, 9, 30))  # 13 working days, 9-20 worked
    steps: list[tuple[datetime, object]] = [
        (at(9, 11, 10), lambda r: demands.triage(
            desk.uow(), actor=OPERATOR, demand_id=r.id, expected_version=r.version,
            routing=desk.routing(desk.city, desk.team, desk.housing), note="属城管职责")),
        (at(9, 11, 11), lambda r: demands.dispatch(desk.uow(), actor=OPERATOR, demand_id=r.id,
                                                   expected_version=r.version)),
        (at(9, 14, 9), lambda r: demands.start_handling(desk.uow(), actor=OPERATOR, demand_id=r.id,
                                                        expected_version=r.version)),
        (at(9, 16, 15), lambda r: demands.report_result(
            desk.uow(), actor=OPERATOR, demand_id=r.id, expected_version=r.version,
            note="已责令商户收回货架，现场恢复通行")),
        (at(9, 17, 10), lambda r: demands.verify(desk.uow(), actor=OPERATOR, demand_id=r.id,
                                                 expected_version=r.version, passed=True,
                                                 note="网格员现场核查属实")),
        (at(9, 17, 11), lambda r: demands.close(desk.uow(), actor=OPERATOR, demand_id=r.id,
                                                expected_version=r.version)),
        (at(9, 18, 9), lambda r: demands.rate(desk.uow(), actor=OPERATOR, demand_id=r.id,
                                              expected_version=r.version,
                                              rating=Rating.FAIRLY_SATISFIED)),
        (at(9, 21, 9), lambda r: demands.callback(desk.uow(), actor=OPERATOR, demand_id=r.id,
                                                  expected_version=r.version,
                                                  note="电话回访", satisfied=True)),
    ]
    for moment, call in steps:
        clock.set(moment)
        row = call(row)
    assert (row.status, row.rating, row.closed_at) == (S.RATED, Rating.FAIRLY_SATISFIED,
                                                       at(9, 17, 11))
    detail = demands.get_demand(desk.uow(), row.id, moment=at(9, 22))
    assert detail.deadline_state is DeadlineState.CLOSED_ON_TIME
    assert [u.name for u in detail.cooperating_units] == ["测试街道综合行政执法队", "区住房和城乡建设局"]
    lines = [step.text for step in detail.steps]
    assert lines == [
        "2026-09-11 09:00 李坐席 受理：12345热线，执法诉求（投诉）",
        "2026-09-11 10:00 李坐席〔区城管执法局〕 研判（已受理 → 已研判）：街道小循环，主责单位 区城管执法局，"
        "配合单位 测试街道综合行政执法队、区住房和城乡建设局，分类 城市管理 › 占道经营；属城管职责",
        "2026-09-11 11:00 李坐席〔区城管执法局〕 派遣（已研判 → 已派遣）：承办单位 区城管执法局",
        "2026-09-14 09:00 李坐席〔区城管执法局〕 签收处置（已派遣 → 处置中）",
        "2026-09-16 15:00 李坐席〔区城管执法局〕 处置反馈（处置中 → 已反馈）：已责令商户收回货架，现场恢复通行",
        "2026-09-17 10:00 李坐席 核查通过（已反馈 → 已核查）：网格员现场核查属实",
        "2026-09-17 11:00 李坐席 结案（已核查 → 已结案）",
        "2026-09-18 09:00 李坐席 评价（已结案 → 已评价）：基本满意",
        "2026-09-21 09:00 李坐席 回访：群众满意；电话回访",
    ]
    assert detail.actions == (A.REOPEN, A.CALLBACK)
    assert verify(desk.uow()).ok
    audit = rows(desk.context, "SELECT action, summary FROM audit_record WHERE entity_type = "
                               "'demand' AND entity_id = ? ORDER BY id", row.number)
    assert [a for a, _ in audit] == ["create"] + ["update"] * 8
    assert "评价" in audit[-2][1] and "回访" in audit[-1][1]


def test_triage_can_be_corrected_and_dispatch_can_pick_another_unit(desk: Desk) -> None:
    row = desk.intake()
    row = demands.triage(desk.uow(), actor=OPERATOR, demand_id=row.id, expected_version=row.version,
                         routing=desk.routing(desk.city, desk.team, desk.housing))
    row = demands.triage(desk.uow(), actor=OPERATOR, demand_id=row.id, expected_version=row.version,
                         routing=desk.routing(desk.city, desk.housing))
    names = [u.name for u in demands.get_demand(desk.uow(), row.id).cooperating_units]
    assert names == ["区住房和城乡建设局"]
    row = demands.dispatch(desk.uow(), actor=OPERATOR, demand_id=row.id,
                           expected_version=row.version, unit_id=desk.housing)
    detail = demands.get_demand(desk.uow(), row.id)
    assert detail.demand.lead_unit is not None and detail.demand.lead_unit.id == desk.housing
    assert detail.cooperating_units == ()
    assert detail.steps[-1].note == "承办单位 区住房和城乡建设局"
    other = desk.intake()
    with pytest.raises(ValidationError, match="区级大循环须指定主责单位"):
        demands.triage(desk.uow(), actor=OPERATOR, demand_id=other.id,
                       expected_version=other.version, routing=Routing(HandlingLevel.DISTRICT))


def test_a_community_level_demand_is_dispatched_to_its_grid(desk: Desk) -> None:
    row = desk.intake()
    row = demands.triage(desk.uow(), actor=OPERATOR, demand_id=row.id, expected_version=row.version,
                         routing=Routing(HandlingLevel.COMMUNITY))
    row = demands.dispatch(desk.uow(), actor=OPERATOR, demand_id=row.id,
                           expected_version=row.version)
    assert (row.status, row.lead_unit, row.handling_level) == (
        S.DISPATCHED, None, HandlingLevel.COMMUNITY)
    assert demands.timeline(desk.uow(), row.id)[-1].note == "派遣至东风一网格处置（社区微循环）"


def test_a_failed_verification_goes_back_to_the_unit(desk: Desk) -> None:
    row = desk.intake()
    desk.advance(row.id, LOOP[:4])
    row = desk.row(row.id)
    with pytest.raises(ValidationError, match="核查意见"):
        demands.verify(desk.uow(), actor=OPERATOR, demand_id=row.id, expected_version=row.version,
                       passed=False)
    row = demands.verify(desk.uow(), actor=OPERATOR, demand_id=row.id,
                         expected_version=row.version, passed=False, note="现场仍有占道")
    assert row.status is S.HANDLING
    assert demands.timeline(desk.uow(), row.id)[-1].note == "现场仍有占道"


# --- 退单 and the clock ---------------------------------------------------------------------------


def test_a_return_goes_back_to_triage_with_its_reason_and_restarts_the_clock(
        desk: Desk, clock: Clock) -> None:
    row = desk.intake()
    desk.advance(row.id, LOOP[:3])
    row = desk.row(row.id)
    assert row.deadline_at == end_of(date(2026, 9, 30))
    clock.set(at(9, 29, 10))
    row = demands.return_demand(desk.uow(), actor=OPERATOR, demand_id=row.id,
                                expected_version=row.version, reason="属住建部门职责，申请退单")
    assert (row.status, row.returned_count) == (S.RETURNED, 1)
    assert row.deadline_at == end_of(CALENDAR.add_workdays(date(2026, 9, 29), 13))
    last = demands.timeline(desk.uow(), row.id)[-1]
    assert (last.action, last.unit.name if last.unit else None) == (A.RETURN, "区城管执法局")
    assert last.note == "第 1 次；属住建部门职责，申请退单"
    assert demands.get_demand(desk.uow(), row.id).actions[0] is A.TRIAGE

    clock.set(at(9, 30, 9))
    row = demands.triage(desk.uow(), actor=OPERATOR, demand_id=row.id, expected_version=row.version,
                         routing=desk.routing(desk.housing, desk.city))
    row = demands.dispatch(desk.uow(), actor=OPERATOR, demand_id=row.id,
                           expected_version=row.version)
    assert row.lead_unit is not None and row.lead_unit.name == "区住房和城乡建设局"
    # the new unit gets the whole period from the re-dispatch: 13 working days after 9-30
    assert row.deadline_at == end_of(date(2026, 10, 23))  # 10-10 a make-up Saturday
    detail = demands.get_demand(desk.uow(), row.id)
    assert [u.name for u in detail.cooperating_units] == ["区城管执法局"]


def test_a_rule_without_reset_keeps_the_clock_on_return(desk: Desk, clock: Clock) -> None:
    row = desk.intake(source=DemandSource.PETITION)  # 信访: 60 days, never restarted
    first = row.deadline_at
    desk.advance(row.id, LOOP[:3])
    clock.set(at(10, 20))
    row = desk.row(row.id)
    row = demands.return_demand(desk.uow(), actor=OPERATOR, demand_id=row.id,
                                expected_version=row.version, reason="不属本单位")
    assert row.deadline_at == first == end_of(date(2026, 11, 10))


# --- 延期 -------------------------------------------------------------------------------------------


def test_an_extension_approved_by_the_director_moves_the_deadline(desk: Desk,
                                                                    clock: Clock) -> None:
    row = desk.intake()  # 2026-09-11 → due 2026-09-30
    desk.advance(row.id, LOOP[:3])
    row = desk.row(row.id)
    clock.set(at(9, 24, 16))
    asked = request_extension(desk.uow(), actor=OPERATOR, demand_id=row.id,
                              expected_version=row.version, workdays=3, reason="等检测报告")
    assert asked.state is ExtensionState.PENDING
    row = desk.row(row.id)
    assert row.deadline_at == end_of(date(2026, 9, 30))  # pending changes nothing
    with pytest.raises(ConflictError, match="已有一份待审批的延期申请"):
        request_extension(desk.uow(), actor=OPERATOR, demand_id=row.id,
                          expected_version=row.version, workdays=2, reason="再申请")

    clock.set(at(9, 28, 9))
    with pytest.raises(PermissionDeniedError, match="坐席"):
        decide_extension(desk.uow(), actor=OPERATOR, request_id=asked.id,
                         expected_version=row.version, approve=True)
    assert desk.row(row.id).version == row.version
    decided = decide_extension(desk.uow(), actor=DIRECTOR, request_id=asked.id,
                               expected_version=row.version, approve=True, note="同意")
    assert (decided.state, decided.decided_by) == (ExtensionState.APPROVED, "赵主任")
    row = desk.row(row.id)
    # 3 working days after 9-30: 10-1..7 off, 10-8, 10-9 and the make-up Saturday 10-10
    assert row.deadline_at == end_of(CALENDAR.add_workdays(date(2026, 9, 30), 3))
    assert row.deadline_at == end_of(date(2026, 10, 10))
    last = demands.timeline(desk.uow(), row.id)[-1]
    assert last.action is A.DECIDE_EXTENSION and last.note == "批准 3 个工作日，期限改为 2026-10-10；同意"


def test_a_refused_extension_keeps_the_deadline_and_a_late_one_is_not_accepted(
        desk: Desk, clock: Clock) -> None:
    row = desk.intake()
    desk.advance(row.id, LOOP[:2])
    row = desk.row(row.id)
    asked = request_extension(desk.uow(), actor=OPERATOR, demand_id=row.id,
                              expected_version=row.version, workdays=5, reason="需业主表决")
    row = desk.row(row.id)
    with pytest.raises(ValidationError, match="审批意见"):
        decide_extension(desk.uow(), actor=DIRECTOR, request_id=asked.id,
                         expected_version=row.version, approve=False)
    refused = decide_extension(desk.uow(), actor=DIRECTOR, request_id=asked.id,
                               expected_version=row.version, approve=False, note="理由不充分")
    assert refused.state is ExtensionState.REFUSED
    row = desk.row(row.id)
    assert row.deadline_at == end_of(date(2026, 9, 30))
    clock.set(at(10, 8, 9))  # past the deadline
    with pytest.raises(ConflictError, match="已超过办理期限，不能再申请延期"):
        request_extension(desk.uow(), actor=OPERATOR, demand_id=row.id,
                          expected_version=row.version, workdays=2, reason="来不及")
    detail = demands.get_demand(desk.uow(), row.id)
    assert detail.deadline_state is DeadlineState.OVERDUE


def test_closing_withdraws_a_pending_extension(desk: Desk) -> None:
    row = reach(desk, S.DISPATCHED, with_request=True)
    desk.advance(row.id, LOOP[2:6])
    extension = demands.get_demand(desk.uow(), row.id).extensions[0]
    assert extension.state is ExtensionState.WITHDRAWN
    assert "诉求已结案" in extension.decision_note


# --- 挂起 --------------------------------------------------------------------------------------------


def test_suspension_pauses_the_clock(desk: Desk, clock: Clock) -> None:
    row = desk.intake()
    desk.advance(row.id, LOOP[:3])
    row = desk.row(row.id)
    clock.set(at(9, 15, 10))
    row = demands.suspend(desk.uow(), actor=OPERATOR, demand_id=row.id,
                          expected_version=row.version, reason="产权争议待法院判决")
    assert (row.status, row.deadline_at, row.deadline_text) == (S.SUSPENDED, None,
                                                                "已挂起，暂停计时")
    detail = demands.get_demand(desk.uow(), row.id, moment=at(10, 30))
    assert detail.deadline_state is DeadlineState.PAUSED  # never overdue while paused
    clock.set(at(9, 18, 10))
    row = demands.resume(desk.uow(), actor=OPERATOR, demand_id=row.id,
                         expected_version=row.version, note="判决已出")
    # 9-16, 9-17 and 9-18 did not count: three working days later than 9-30
    assert row.deadline_at == end_of(CALENDAR.add_workdays(date(2026, 9, 30), 3))
    assert row.status is S.HANDLING


# --- a year without calendar ---------------------------------------------------------------------


def test_a_deadline_into_a_year_without_calendar_is_flagged_then_computed(
        desk: Desk, clock: Clock) -> None:
    clock.set(at(12, 20, 9))
    row = desk.intake()
    assert row.deadline_at is None
    assert row.deadline_note == row.deadline_text == "2027年节假日安排未导入，期限无法准确计算"
    detail = demands.get_demand(desk.uow(), row.id)
    assert detail.deadline_state is DeadlineState.UNKNOWN
    days = [CalendarException(date(2027, 1, 1), False, "元旦")]
    set_year(desk.uow(), actor=desk.context.actor, year=2027, days=days,
             source=CalendarSource.IMPORT)
    # storing the year computed the waiting deadline in the same transaction
    # 12-21 … 12-31 is 9 working days, 2027-01-01 off, then 01-04 … 01-07
    assert desk.row(row.id).deadline_at == end_of(date(2027, 1, 7))
    with desk.uow() as uow:
        assert refresh_flagged_deadlines(uow, calendar_in(uow)) == 0  # nothing left waiting


# --- merge, send back, reopen, callback -----------------------------------------------------------


def test_a_duplicate_is_merged_and_names_the_original(desk: Desk) -> None:
    original = desk.intake()
    duplicate = desk.intake(title="占道经营（重复）")
    with pytest.raises(ValidationError, match="不能把诉求并入它自己"):
        demands.merge_duplicate(desk.uow(), actor=OPERATOR, demand_id=duplicate.id,
                                expected_version=duplicate.version, into_id=duplicate.id)
    merged = demands.merge_duplicate(desk.uow(), actor=OPERATOR, demand_id=duplicate.id,
                                     expected_version=duplicate.version, into_id=original.id,
                                     note="同一商户")
    assert (merged.status, merged.duplicate_of_id) == (S.MERGED, original.id)
    detail = demands.get_demand(desk.uow(), duplicate.id)
    assert detail.duplicate_of_number == original.number
    assert detail.steps[-1].note == f"作为重复件并入诉求 {original.number}（商户占道经营）；同一商户"
    assert detail.actions == () and detail.deadline_state is DeadlineState.NONE
    assert demands.get_demand(desk.uow(), original.id).duplicates == (duplicate.number,)
    third = desk.intake()
    with pytest.raises(ConflictError, match="不能再接收重复件"):
        demands.merge_duplicate(desk.uow(), actor=OPERATOR, demand_id=third.id,
                                expected_version=third.version, into_id=duplicate.id)


def test_only_a_dispatched_demand_goes_back_to_the_district(desk: Desk) -> None:
    walk_in = desk.intake(source=DemandSource.WALK_IN)
    with pytest.raises(ConflictError, match="没有可退回的上级派单单位"):
        demands.send_back(desk.uow(), actor=DIRECTOR, demand_id=walk_in.id,
                          expected_version=walk_in.version, reason="不属街道")
    dispatched = desk.intake(source=DemandSource.DISTRICT_DISPATCH)
    with pytest.raises(PermissionDeniedError):
        demands.send_back(desk.uow(), actor=OPERATOR, demand_id=dispatched.id,
                          expected_version=dispatched.version, reason="不属街道")
    row = demands.send_back(desk.uow(), actor=DIRECTOR, demand_id=dispatched.id,
                            expected_version=dispatched.version, reason="属区级职责")
    assert row.status is S.SENT_BACK
    audit = rows(desk.context, "SELECT action FROM audit_record ORDER BY id DESC LIMIT 1")
    assert audit == [("approve",)]


def test_reopening_needs_the_director_and_clears_the_rating(desk: Desk, clock: Clock) -> None:
    row = desk.intake()
    desk.advance(row.id, LOOP)
    row = desk.row(row.id)
    assert row.rating is Rating.SATISFIED and row.closed_at is not None
    with pytest.raises(PermissionDeniedError, match="执法办主任"):
        demands.reopen(desk.uow(), actor=OPERATOR, demand_id=row.id,
                       expected_version=row.version, reason="问题复发")
    with pytest.raises(ValidationError, match="重新办理的理由"):
        demands.reopen(desk.uow(), actor=DIRECTOR, demand_id=row.id,
                       expected_version=row.version, reason=" ")
    clock.set(at(10, 12, 9))
    row = demands.reopen(desk.uow(), actor=DIRECTOR, demand_id=row.id,
                         expected_version=row.version, reason="问题复发")
    assert (row.status, row.rating, row.closed_at) == (S.HANDLING, None, None)
    assert row.deadline_at == end_of(CALENDAR.add_workdays(date(2026, 10, 12), 13))
    assert demands.timeline(desk.uow(), row.id)[-1].note == "原评价：满意；问题复发"


# --- concurrency, permissions, privacy, audit ------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_changes(desk: Desk) -> None:
    row = desk.intake()
    demands.triage(desk.uow(), actor=OPERATOR, demand_id=row.id, expected_version=row.version,
                   routing=desk.routing())
    before = state(desk, row.id)
    with pytest.raises(ConflictError, match="已被他人办理（现为“已研判”），请刷新"):
        demands.triage(desk.uow(), actor=OPERATOR, demand_id=row.id,
                       expected_version=row.version, routing=desk.routing(desk.housing))
    assert state(desk, row.id) == before


def test_a_clerk_may_not_handle_and_the_refusal_changes_nothing(desk: Desk) -> None:
    from tests.integration.demand_helpers import CLERK

    row = desk.intake()
    before = state(desk, row.id)
    with pytest.raises(PermissionDeniedError, match="文书"):
        demands.triage(desk.uow(), actor=CLERK, demand_id=row.id, expected_version=row.version,
                       routing=desk.routing())
    assert state(desk, row.id) == before


def test_the_reporter_phone_is_masked_and_revealed_on_purpose_audited(desk: Desk) -> None:
    row = desk.intake()
    detail = demands.get_demand(desk.uow(), row.id)
    assert detail.demand.reporter_phone_masked == "138****5678"
    assert "13812345678" not in repr(detail)
    with pytest.raises(PermissionDeniedError):
        demands.reveal_reporter_phone(desk.uow(), actor=OPERATOR, demand_id=row.id)
    assert demands.reveal_reporter_phone(desk.uow(), actor=DIRECTOR, demand_id=row.id) \
        == "13812345678"
    action, summary, changes = rows(
        desk.context, "SELECT action, summary, changes_json FROM audit_record "
                      "ORDER BY id DESC LIMIT 1")[0]
    assert action == "reveal" and "138****5678" in summary
    assert "13812345678" not in summary + changes
    everything = rows(desk.context, "SELECT summary || changes_json FROM audit_record")
    assert not any("13812345678" in text for (text,) in everything)


def test_the_audit_chain_verifies_after_a_busy_day(desk: Desk, clock: Clock) -> None:
    for status in (S.RATED, S.SUSPENDED, S.RETURNED, S.ACCEPTED):
        row = reach(desk, status)
        perform(desk, row, next(a for (s, a) in TRANSITIONS if s is status))
    row = desk.intake()
    demands.reveal_reporter_phone(desk.uow(), actor=DIRECTOR, demand_id=row.id)
    report = verify(desk.uow())
    assert report.ok and report.checked > 10
