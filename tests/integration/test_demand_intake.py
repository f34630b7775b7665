"""Taking a demand in (受理): checks of the form, 受理编号 without gaps, the deadline the
rules give, the audit row with the phone masked, and triage proposed by the
responsibility list."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.domain.actor import Actor, Role
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_states import HandlingLevel
from desktop.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from desktop.domain.ids import new_id
from desktop.domain.workdays import END_OF_DAY, WorkCalendar
from desktop.services import grid_lifecycle
from desktop.services.calendar import calendar_in
from desktop.services.demand_flow import Routing, add_demand
from desktop.services.demand_intake import IntakeInput
from desktop.services.demand_routing import propose_routing, triage_proposal
from desktop.services.demands import triage
from local_db.models import ResponsibilityItem, ResponsibilityListVersion
from tests.integration.demand_helpers import CLERK, OPERATOR, Clock, Desk, build_desk, rows

CALENDAR = WorkCalendar.build()


@pytest.fixture
def desk(context) -> Desk:  # type: ignore[no-untyped-def]
    return build_desk(context)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, datetime(2026, 9, 28, 9, 30))  # Monday before 国庆


def numbers(desk: Desk) -> list[str]:
    return [n for (n,) in rows(desk.context, "SELECT number FROM demand ORDER BY number")]


# --- the form ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": "  "}, "标题"),
    ({"content": ""}, "诉求内容"),
    ({"reporter_phone": "12345"}, "联系电话"),
    ({"kind": "不知道"}, "诉求类型"),
    ({"title": "长" * 201}, "标题"),
    ({"longitude": 113.0}, "位置"),
    ({"received_at": datetime(2026, 9, 29, 9)}, "受理时间"),
])
def test_a_bad_form_is_refused_naming_the_field_and_stores_nothing(
        desk: Desk, clock: Clock, overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        desk.intake(**overrides)
    assert refused.value.field == field
    assert numbers(desk) == []


def test_the_category_must_be_a_second_level_one_and_the_grid_must_exist(desk: Desk,
                                                                          clock: Clock) -> None:
    with desk.uow() as uow:
        major = uow.demands.category(uow.demands.category(desk.categories["占道经营"]).parent_id)
        major_id, major_name = major.id, major.name
    with pytest.raises(ValidationError, match=f"“{major_name}”是大类，请选择其下的小类"):
        desk.intake(category_id=major_id)
    with pytest.raises(ValidationError, match="所属网格"):
        desk.intake(grid_id=new_id())
    grid_lifecycle.retire_grid(desk.uow(), actor=desk.context.actor, grid_id=desk.grid_id,
                               reason="并入相邻网格")
    with pytest.raises(ValidationError, match="已撤销或合并"):
        desk.intake()
    row = desk.intake(grid_id=None, category_id=None)  # both optional
    assert (row.grid_id, row.category_id) == (None, None)


def test_values_are_normalised(desk: Desk, clock: Clock) -> None:
    row = desk.intake(title="  井盖缺失 ", reporter_phone="１３８ １２３４ ５６７８", kind="执法",
                      source="12345热线", nature="report", external_number=" GD001 ")
    assert (row.title, row.kind, row.source, row.nature) == (
        "井盖缺失", DemandKind.ENFORCEMENT, DemandSource.HOTLINE, DemandNature.REPORT)
    assert row.reporter_phone_masked == "138****5678"
    assert row.external_number == "GD001"
    assert row.category_path == "城市管理 › 占道经营" and row.grid_name == "东风一网格"


def test_only_a_role_that_takes_in_demands_may(desk: Desk, clock: Clock) -> None:
    with pytest.raises(PermissionDeniedError, match="文书"):
        desk.intake(actor=CLERK)
    with pytest.raises(PermissionDeniedError, match="系统管理员"):
        desk.intake(actor=Actor("管理员", Role.SYSADMIN))
    assert numbers(desk) == []
    assert desk.intake(actor=Actor("赵主任", Role.DIRECTOR)).number == "20260928-0001"


# --- numbering -----------------------------------------------------------------------------------


def test_numbers_run_per_day_without_gaps(desk: Desk, clock: Clock) -> None:
    first = desk.intake()
    with pytest.raises(ValidationError):
        desk.intake(reporter_phone="abc")  # a refused intake takes no number
    second = desk.intake(title="噪音扰民")
    clock.set(datetime(2026, 9, 29, 8, 0))
    third = desk.intake()
    late = desk.intake(received_at=datetime(2026, 9, 28, 22, 15))  # entered the next morning
    assert [first.number, second.number, third.number, late.number] == [
        "20260928-0001", "20260928-0002", "20260929-0001", "20260928-0003"]
    with desk.uow() as uow:  # two in one transaction (the demo, a batch)
        calendar = calendar_in(uow)
        data = IntakeInput("路灯不亮", "八一路路灯不亮", DemandKind.LIVELIHOOD,
                           DemandSource.GRID_REPORT, DemandNature.HELP)
        made = [add_demand(uow, actor=OPERATOR, data=data, at=datetime(2026, 9, 29, 9),
                           calendar=calendar).number for _ in range(2)]
        uow.commit()
    assert made == ["20260929-0002", "20260929-0003"]
    assert len(set(numbers(desk))) == 6


# --- the deadline the rules give -----------------------------------------------------------------


def test_deadlines_follow_the_rules_on_the_official_calendar(desk: Desk, clock: Clock) -> None:
    consultation = desk.intake(nature=DemandNature.CONSULTATION)  # 3 working days
    assert consultation.deadline_at == datetime.combine(date(2026, 10, 8), END_OF_DAY)
    urgent = desk.intake(urgent=True)  # 4 working hours from 9:30
    assert urgent.deadline_at == datetime(2026, 9, 28, 15, 0)
    petition = desk.intake(source=DemandSource.PETITION)  # 60 days
    assert petition.deadline_at == datetime.combine(date(2026, 11, 27), END_OF_DAY)
    assert consultation.deadline_text == "2026年10月8日 星期四"


def test_a_deadline_into_2027_is_flagged_not_guessed(desk: Desk, clock: Clock) -> None:
    clock.set(datetime(2026, 12, 30, 9))
    row = desk.intake(nature=DemandNature.CONSULTATION)  # 12-31, then 2027
    assert row.deadline_at is None
    assert row.deadline_note == "2027年节假日安排未导入，期限无法准确计算"
    short = desk.intake(urgent=True)  # 4 working hours stay inside 2026
    assert short.deadline_at == datetime(2026, 12, 30, 14, 30)


def test_the_audit_row_lists_the_form_with_the_phone_masked(desk: Desk, clock: Clock) -> None:
    row = desk.intake()
    action, entity, summary, changes = rows(
        desk.context, "SELECT action, entity_id, summary, changes_json FROM audit_record "
                      "WHERE entity_type = 'demand'")[0]
    assert (action, entity) == ("create", row.number)
    assert summary == f"受理诉求 {row.number}「商户占道经营」"
    assert "138****5678" in changes and "13812345678" not in changes
    assert "2026年10月" in changes  # the deadline


# --- routing by the responsibility list ----------------------------------------------------------


def _item(desk: Desk, lead: str, cooperating: str) -> str:
    stamp = datetime(2026, 9, 1)
    with desk.uow() as uow:
        version = ResponsibilityListVersion(id=new_id(), created_at=stamp, updated_at=stamp,
                                            number=1, title="属地管理事项清单", source="import",
                                            published_on=date(2026, 9, 1), is_current=True)
        item = ResponsibilityItem(id=new_id(), created_at=stamp, updated_at=stamp,
                                  version_id=version.id, code="CG-001", item_type="城市管理",
                                  name="占道经营的查处", lead_unit=lead,
                                  cooperating_units=cooperating)
        uow.session.add(version)
        uow.flush()
        uow.session.add(item)
        uow.commit()
        return item.id


def test_the_list_item_proposes_lead_and_cooperating_units(desk: Desk) -> None:
    item_id = _item(desk, "区城管执法局", "测试街道综合行政执法队、区住房和城乡建设局、区水务局")
    proposal = propose_routing(desk.uow(), responsibility_item_id=item_id)
    assert proposal.lead_unit_id == desk.city
    assert proposal.cooperating_unit_ids == (desk.team, desk.housing)
    assert proposal.unmatched == ("区水务局",)
    routing = triage_proposal(desk.uow(), responsibility_item_id=item_id,
                              category_id=desk.categories["占道经营"])
    assert routing == Routing(HandlingLevel.DISTRICT, desk.city, (desk.team, desk.housing),
                              desk.categories["占道经营"], item_id)
    row = desk.intake()
    row = triage(desk.uow(), actor=OPERATOR, demand_id=row.id, expected_version=row.version,
                 routing=routing)
    assert row.responsibility_item_id == item_id and row.lead_unit is not None
    with pytest.raises(NotFoundError):
        propose_routing(desk.uow(), responsibility_item_id=new_id())


def test_a_street_office_lead_proposes_the_street_level(desk: Desk) -> None:
    item_id = _item(desk, "街道执法队", "")
    routing = triage_proposal(desk.uow(), responsibility_item_id=item_id)
    assert (routing.handling_level, routing.lead_unit_id) == (HandlingLevel.STREET, desk.team)
