"""Two-way dispatch on a real database: the 3-working-day clock, each step stamped and
audited, one open handover per demand, permissions and stale versions refused."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop.bootstrap import open_migrated_context
from desktop.domain.deadlines import DemandSource
from desktop.domain.errors import ConflictError, DomainError, PermissionDeniedError, ValidationError
from desktop.domain.handovers import HandoverDirection, HandoverFlag, HandoverState, HandoverStep
from desktop.services import handovers
from tests.integration.demand_helpers import CLERK, OPERATOR, Clock, Desk, build_desk, rows

FOUND = datetime(2026, 9, 30, 10, 0)  # the day before the National Day holiday


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, FOUND)


@pytest.fixture
def desk(tmp_path: Path, clock: Clock) -> Desk:
    return build_desk(open_migrated_context(tmp_path))


def test_a_handover_to_the_district_runs_on_a_three_working_day_clock(desk: Desk) -> None:
    demand = desk.intake(received_at=FOUND)
    opened = handovers.open_handover(desk.uow(), actor=OPERATOR, demand_id=demand.id,
                                     direction=HandoverDirection.TO_DISTRICT,
                                     receiving_unit_id=desk.city, at=FOUND)
    assert opened.due_at == datetime(2026, 10, 10, 23, 59, 59)  # over the holiday
    assert opened.state is HandoverState.FOUND and opened.receiving_unit == "区城管执法局"
    reported = handovers.advance_handover(
        desk.uow(), actor=OPERATOR, handover_id=opened.id, expected_version=opened.version,
        step=HandoverStep.REPORT, at=datetime(2026, 9, 30, 16, 0))
    assert reported.flags == ()
    assert reported.clock_text == "还剩3个工作日"
    handed = handovers.advance_handover(
        desk.uow(), actor=OPERATOR, handover_id=opened.id, expected_version=reported.version,
        step=HandoverStep.HAND_OVER, note="案件移送书已送达", at=datetime(2026, 10, 9, 10, 0))
    assert handed.flags == () and handed.handed_over_at == datetime(2026, 10, 9, 10, 0)
    done = handovers.advance_handover(
        desk.uow(), actor=OPERATOR, handover_id=opened.id, expected_version=handed.version,
        step=HandoverStep.RECEIPT, at=datetime(2026, 10, 9, 15, 0))
    assert done.finished and done.clock_text == "已办结"
    trail = rows(desk.context, "SELECT summary FROM audit_record WHERE entity_type = 'handover' "
                               "ORDER BY occurred_at")
    assert [summary for (summary,) in trail][1:] == [
        f"当天报告：{demand.number}", f"正式交接：{demand.number}", f"登记回执：{demand.number}"]


def test_an_overdue_handover_is_flagged_and_listed_first(desk: Desk, clock: Clock) -> None:
    late = desk.intake(received_at=FOUND)
    clock.set(datetime(2026, 10, 13, 9, 0))
    fresh = desk.intake(received_at=datetime(2026, 10, 12, 9, 0), title="违规搭建")
    for demand in (late, fresh):
        handovers.open_handover(desk.uow(), actor=OPERATOR, demand_id=demand.id,
                                direction=HandoverDirection.TO_DISTRICT,
                                receiving_unit_id=desk.housing, at=demand.received_at)
    listed = handovers.list_handovers(desk.uow(), now=datetime(2026, 10, 13, 9, 0))
    assert [row.demand_id for row in listed] == [late.id, fresh.id]
    assert set(listed[0].flags) == {HandoverFlag.NOT_REPORTED_SAME_DAY,
                                    HandoverFlag.HANDOVER_OVERDUE}
    assert listed[0].clock_text == "已逾期2个工作日"  # 12 and 13 October
    assert HandoverFlag.HANDOVER_OVERDUE not in listed[1].flags


def test_a_district_letter_is_reported_back_by_the_demand_deadline(desk: Desk) -> None:
    demand = desk.intake(received_at=FOUND, source=DemandSource.DISTRICT_DISPATCH)
    opened = handovers.open_handover(desk.uow(), actor=OPERATOR, demand_id=demand.id,
                                     direction=HandoverDirection.FROM_DISTRICT,
                                     receiving_unit_id=None, at=FOUND)
    assert opened.due_at == desk.row(demand.id).deadline_at
    with pytest.raises(DomainError, match="不能“正式交接”"):
        handovers.advance_handover(desk.uow(), actor=OPERATOR, handover_id=opened.id,
                                   expected_version=opened.version, step=HandoverStep.HAND_OVER)
    back = handovers.advance_handover(desk.uow(), actor=OPERATOR, handover_id=opened.id,
                                      expected_version=opened.version,
                                      step=HandoverStep.REPORT_BACK, note="已整改并回告")
    assert back.state is HandoverState.REPORTED_BACK and back.flags == ()


def test_refusals_leave_the_data_as_it_was(desk: Desk) -> None:
    demand = desk.intake(received_at=FOUND)
    with pytest.raises(PermissionDeniedError):
        handovers.open_handover(desk.uow(), actor=CLERK, demand_id=demand.id,
                                direction=HandoverDirection.TO_DISTRICT,
                                receiving_unit_id=desk.city)
    with pytest.raises(ValidationError, match="理由"):
        handovers.open_handover(desk.uow(), actor=OPERATOR, demand_id=demand.id,
                                direction=HandoverDirection.TRANSFER_UP,
                                receiving_unit_id=desk.city, reason=" ")
    opened = handovers.open_handover(desk.uow(), actor=OPERATOR, demand_id=demand.id,
                                     direction=HandoverDirection.TRANSFER_UP,
                                     receiving_unit_id=desk.city, reason="涉及专业鉴定，街道无法承担")
    with pytest.raises(ConflictError, match="未办结"):
        handovers.open_handover(desk.uow(), actor=OPERATOR, demand_id=demand.id,
                                direction=HandoverDirection.TO_DISTRICT,
                                receiving_unit_id=desk.city)
    handovers.advance_handover(desk.uow(), actor=OPERATOR, handover_id=opened.id,
                               expected_version=opened.version, step=HandoverStep.HAND_OVER)
    with pytest.raises(ConflictError, match="他人"):
        handovers.advance_handover(desk.uow(), actor=OPERATOR, handover_id=opened.id,
                                   expected_version=opened.version, step=HandoverStep.RECEIPT)
    assert rows(desk.context, "SELECT count(*) FROM handover") == [(1,)]
    assert [row.state for row in handovers.handovers_of(desk.uow(), demand.id)] == \
        [HandoverState.HANDED_OVER]
