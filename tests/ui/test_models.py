"""Every table model of the app passes Qt's model tester (QAbstractItemModelTester),
filled with real rows from the services on a migrated SQLite file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.domain.grids import CommunityKind, GridCategory, GridKind, StaffRole
from desktop.services import grid_staff, grids
from desktop.services.grid_staff import PersonInput
from ui.models.grid_list import (
    GRID_WARNING_COLUMNS,
    HISTORY_COLUMNS,
    STAFF_COLUMNS,
    GridFilterProxy,
    GridListRow,
    grid_table_model,
)
from ui.models.row_table import ROW_ROLE, SORT_ROLE, RowTableModel
from ui.pages.dashboard_page import WARNING_COLUMNS


@pytest.fixture
def filled(context, street):  # type: ignore[no-untyped-def]
    """Two grids, one with a 网格员 who was in the grid 10 days this month."""
    uow, actor = context.uow, context.actor
    community = grids.create_community(uow(), actor=actor, name="东风社区",
                                       kind=CommunityKind.COMMUNITY)
    rows = [
        grids.create_grid(uow(), actor=actor, community_id=community.id, fields=grids.GridFields(
            name, GridKind.BASE, GridCategory.URBAN_COMMUNITY, households=households,
            population=population))
        for name, households, population in (("东风一网格", 100, 300), ("东风二网格", 50, 2000))
    ]
    staff = grid_staff.assign_staff(uow(), actor=actor, grid_id=rows[0].id,
                                    person=PersonInput("张晓明", "13812345678", "城管办"),
                                    role=StaffRole.MEMBER)
    grid_staff.record_presence(uow(), actor=actor, assignment_id=staff.assignment_id,
                               month=grid_staff.current_month(), days=10)
    return context


def test_grid_list_model_and_its_filter(qtmodeltester, filled):
    warnings = grid_staff.all_staffing_warnings(filled.uow())
    model = grid_table_model()
    model.set_rows([GridListRow(row, sum(w.grid_id == row.id for w in warnings))
                    for row in grids.list_grids(filled.uow())])
    qtmodeltester.check(model)
    assert model.index(1, 6).data() == "2,000"
    assert model.index(1, 6).data(SORT_ROLE) == 2000
    assert isinstance(model.index(0, 0).data(ROW_ROLE), GridListRow)
    assert model.index(0, 6).data(Qt.ItemDataRole.TextAlignmentRole)

    proxy = GridFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_text("二")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)
    proxy.set_text("")
    proxy.set_community("no such community")
    assert proxy.rowCount() == 0
    qtmodeltester.check(proxy)


@pytest.mark.parametrize("columns, load", [
    (STAFF_COLUMNS, lambda uow: grid_staff.list_staff(uow)),
    (GRID_WARNING_COLUMNS, lambda uow: grid_staff.all_staffing_warnings(uow)),
    (WARNING_COLUMNS, lambda uow: grid_staff.all_staffing_warnings(uow)),
    (HISTORY_COLUMNS, lambda uow: grids.grid_history(uow, grids.list_grids(uow)[0].id)),
], ids=["staff", "grid-warnings", "dashboard-warnings", "history"])
def test_row_table_models(qtmodeltester, filled, columns, load):
    model: RowTableModel[object] = RowTableModel(columns)
    rows = load(filled.uow())
    assert rows, "the fixture should give every model some rows"
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


def test_staff_row_shows_masked_phone_and_days(filled):
    model: RowTableModel[object] = RowTableModel(STAFF_COLUMNS)
    model.set_rows(grid_staff.list_staff(filled.uow()))
    assert [model.index(0, c).data() for c in (0, 1, 2, 4)] == [
        "张晓明", "网格员", "138****5678", "10 天"]
    assert model.index(0, 4).data(Qt.ItemDataRole.BackgroundRole) is not None  # below 15 days


def test_dashboard_certificate_model(qtmodeltester, context):  # type: ignore[no-untyped-def]
    from desktop.services.certificates import expiring_certificates
    from tests.demo_street import load_demo_street
    from ui.pages.dashboard_page import CERTIFICATE_COLUMNS

    load_demo_street(context)
    rows = expiring_certificates(context.uow())
    assert any(w.days_left < 0 for w in rows) and any(w.days_left >= 0 for w in rows)
    model: RowTableModel[object] = RowTableModel(CERTIFICATE_COLUMNS)
    model.set_rows(rows)
    qtmodeltester.check(model)
    expired = next(i for i, w in enumerate(rows) if w.days_left < 0)
    assert model.index(expired, 4).data().startswith("已过期")
    assert "不能从事执法" in model.index(expired, 4).data(Qt.ItemDataRole.ToolTipRole)
