"""Every table model of the 执法队伍 page passes Qt's model tester
(QAbstractItemModelTester), filled with real rows from the roster services on a
migrated SQLite file, and shows what the page promises (masking, colours, counts)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop.clock import today
from desktop.domain.errors import RowError
from desktop.domain.grids import CommunityKind
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.roster import EnforcementDomain, Force, LeaveKind, StaffingType, UnitKind
from desktop.services import availability, roster, units
from desktop.services.grids import create_community
from desktop.spreadsheets.roster import PreviewRow
from ui.dialogs.roster_import_dialog import ERROR_COLUMNS, PREVIEW_COLUMNS
from ui.models.officer_list import (
    CERTIFICATE_COLUMNS,
    DUTY_COLUMNS,
    EXPIRED_COLOUR,
    EXPIRING_COLOUR,
    LEAVE_COLUMNS,
    OFFICER_HISTORY_COLUMNS,
    RESPONDER_COLUMNS,
    UNIT_COLUMNS,
    OfficerFilterProxy,
    ResponderSlot,
    officer_table_model,
)
from ui.models.row_table import ROW_ROLE, SORT_ROLE, RowTableModel
from ui.widgets.duty_table import DutyModel
from ui.widgets.leave_calendar import LEAVE_ROLE, LeaveMonthModel
from ui.widgets.roster_counts import TOTAL_COLUMN, CountsModel


def _id(sequence: str) -> str:
    first17 = f"43010219850312{sequence}"
    return first17 + gb11643_check_digit(first17)


@pytest.fixture
def filled(context, street):  # type: ignore[no-untyped-def]
    """Three people: one with an expiring certificate and leave today (on duty today),
    one X officer with an expired one, one Y without; a unit with an 应哨人."""
    uow, actor = context.uow, context.actor
    community = create_community(uow(), actor=actor, name="东风社区", kind=CommunityKind.COMMUNITY)
    unit = units.create_unit(uow(), actor=actor, data=units.UnitInput(
        "区城管执法局", UnitKind.DEPARTMENT, short_name="区城管局", chief_responder="彭悦敏"))
    units.set_responder(uow(), actor=actor, unit_id=unit.id, community_id=community.id,
                        name="何应哨", phone="13700001111")
    people = [
        roster.create_officer(uow(), actor=actor, data=roster.OfficerInput(
            name, _id(sequence), force, StaffingType.CIVIL_SERVANT, phone="13812345678",
            unit_name="区城管执法局" if force is Force.SUNK else "",
            secondment_start=today() - timedelta(days=90) if force is Force.SUNK else None))
        for name, sequence, force in (("张三", "111", Force.STREET), ("李四", "133", Force.SUNK),
                                      ("王五", "155", Force.COOPERATING))
    ]
    for officer, number, until in ((people[0], "湘A001", today() + timedelta(days=12)),
                                   (people[1], "湘A002", today() - timedelta(days=3))):
        roster.add_certificate(uow(), actor=actor, officer_id=officer.id, number=number,
                               issuing_authority="湖南省人民政府",
                               domains=[EnforcementDomain.URBAN_MANAGEMENT],
                               valid_from=until - timedelta(days=1800), valid_until=until)
    availability.set_duty(uow(), actor=actor, day=today(), officer_id=people[0].id)
    availability.add_leave(uow(), actor=actor, officer_id=people[0].id, kind=LeaveKind.SICK,
                           start=today(), end=today() + timedelta(days=1))
    return context


def _month() -> tuple[date, date]:
    first = today().replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def test_officer_list_model_and_its_filter(qtmodeltester, filled):
    short_names = {u.id: u.short_name for u in units.list_units(filled.uow())}
    model = officer_table_model(short_names=short_names)
    model.set_rows(roster.list_officers(filled.uow()))
    qtmodeltester.check(model)
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    zhang, li = rows["张三"], rows["李四"]
    assert model.index(zhang, 10).data() == "138****5678"
    assert model.index(zhang, 6).data() == "在岗·今日不可用"  # on leave today
    assert f"今日不可出勤：请假（{today()} 至" in model.index(zhang, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(zhang, 9).data(Qt.ItemDataRole.BackgroundRole).color().name() == EXPIRING_COLOUR
    assert model.index(li, 9).data(Qt.ItemDataRole.BackgroundRole).color().name() == EXPIRED_COLOUR
    assert model.index(li, 3).data() == "区城管局"
    assert model.index(li, 3).data(Qt.ItemDataRole.ToolTipRole) == "区城管执法局"
    assert model.index(li, 2).data(SORT_ROLE) == 1  # 1 < X < Y
    assert model.index(rows["王五"], 7).data() == "无"

    proxy = OfficerFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_text("湘A002")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "李四"
    proxy.set_text("5678")  # a phone tail: everyone here
    assert proxy.rowCount() == 3
    proxy.set_text(_id("155")[-4:])  # an ID tail
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["王五"]
    proxy.set_text("")
    proxy.set_group("force", Force.COOPERATING.value)
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)
    proxy.set_group("squad", "no such squad")
    assert proxy.rowCount() == 0
    qtmodeltester.check(proxy)


def _rows(filled, kind: str) -> list[object]:  # type: ignore[no-untyped-def]
    uow = filled.uow
    officers = roster.list_officers(uow())
    first, last = _month()
    unit = units.list_units(uow())[0]
    return {
        "certificates": [c for o in officers for c in o.certificates],
        "history": roster.officer_history(uow(), officers[0].id),
        "leave": availability.leave_calendar(uow(), start=first, end=last),
        "units": units.list_units(uow()),
        "responders": [ResponderSlot(r.community_id, r.community_name, r) for r in unit.responders]
        + [ResponderSlot("x", "西湖社区", None)],
        "preview": [PreviewRow(5, "王小明", "男", "430102********1234", "138****5678", "区城管执法局",
                               "1（街道综合执法队）", "行政", "执法队员", "一中队", "在岗", "")],
        "errors": [RowError("花名册.xlsx", 0, "身份证号码", "表头中找不到"),
                   RowError("花名册.xlsx", 6, "有效期至", "不是日期")],
    }[kind]


@pytest.mark.parametrize("columns, kind", [
    (CERTIFICATE_COLUMNS, "certificates"), (OFFICER_HISTORY_COLUMNS, "history"),
    (LEAVE_COLUMNS, "leave"), (UNIT_COLUMNS, "units"), (RESPONDER_COLUMNS, "responders"),
    (PREVIEW_COLUMNS, "preview"), (ERROR_COLUMNS, "errors"),
], ids=["certificates", "history", "leave", "units", "responders", "import-preview",
        "import-errors"])
def test_row_table_models(qtmodeltester, filled, columns, kind):
    model: RowTableModel[object] = RowTableModel(columns)
    rows = _rows(filled, kind)
    assert rows, "the fixture should give every model some rows"
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.index(0, 0).data(ROW_ROLE) is rows[0]
    model.set_rows([])
    qtmodeltester.check(model)


def test_leave_shows_its_collision_with_duty(filled):
    first, last = _month()
    model: RowTableModel[object] = RowTableModel(LEAVE_COLUMNS)
    model.set_rows(availability.leave_calendar(filled.uow(), start=first, end=last))
    assert model.index(0, 7).data() == f"{today().month}月{today().day}日"
    assert model.index(0, 7).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_duty_model_marks_gaps_and_problems(qtmodeltester, filled):
    first, last = _month()
    model = DutyModel(DUTY_COLUMNS)
    model.set_rows(availability.duty_roster(filled.uow(), start=first, end=last))
    qtmodeltester.check(model)
    row = today().day - 1
    assert model.index(row, 1).data() == "张三"
    back = today() + timedelta(days=1)
    assert model.index(row, 6).data() == f"不可出勤：请假（{today()} 至 {back}），请改排"
    other = 0 if row else 1
    assert model.index(other, 1).data() == "（空缺）"
    assert model.index(other, 6).data(Qt.ItemDataRole.BackgroundRole).color().name() == EXPIRING_COLOUR


def test_leave_month_model(qtmodeltester, filled):
    first, last = _month()
    model = LeaveMonthModel()
    qtmodeltester.check(model)
    leaves = availability.leave_calendar(filled.uow(), start=first, end=last)
    model.set_month(first, leaves)
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.columnCount() == last.day
    assert model.headerData(0, Qt.Orientation.Vertical) == "张三（1）"
    column = today().day - 1
    assert model.index(0, column).data() == "病"
    assert model.index(0, column).data(LEAVE_ROLE) is leaves[0]
    assert "1 人请假" in model.headerData(column, Qt.Orientation.Horizontal,
                                          Qt.ItemDataRole.ToolTipRole)
    model.set_month(first, [])
    qtmodeltester.check(model)


def test_counts_model(qtmodeltester, filled):
    model = CountsModel()
    qtmodeltester.check(model)
    counts = availability.force_domain_counts(filled.uow(), on=today() + timedelta(days=2))
    model.set_counts(counts)
    qtmodeltester.check(model)
    urban = list(EnforcementDomain).index(EnforcementDomain.URBAN_MANAGEMENT)
    # 张三 is back from leave and still certified; 李四's certificate has expired.
    assert model.index(urban, 0).data() == "1" and model.index(urban, 1).data() == "0"
    assert model.index(urban, TOTAL_COLUMN).data() == "1"
    assert model.index(len(EnforcementDomain), TOTAL_COLUMN).data() == "1"
    assert model.headerData(TOTAL_COLUMN, Qt.Orientation.Horizontal) == "合计"
    today_counts = availability.force_domain_counts(filled.uow())
    model.set_counts(today_counts)
    assert model.index(urban, TOTAL_COLUMN).data() == "0"  # 张三 is on leave today
