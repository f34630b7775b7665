"""The 同步 page and the status-bar line, against the real reference server: the
outbox, a conflict with both sides and the choice the policy allows, the history of
runs, 立即同步 running on the qasync loop without freezing the window, and settings
disabled for roles that may not change them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel

from desktop.bootstrap import AppContext
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.services import grids
from tests.district.server_fixture import FURONG, DistrictServer, running_district
from tests.integration.permission_cases import fields
from tests.integration.sync_helpers import enroll_folder, query, sync
from tests.integration.test_sync_round_trip import _add_grid
from tests.ui.conftest import run, screenshot, settle
from ui.pages.sync_page import SyncPage
from ui.sync_status import SyncStatusLabel, controller_for


@pytest.fixture
def district(tmp_path: Path) -> Iterator[DistrictServer]:
    (tmp_path / "district").mkdir()
    with running_district(tmp_path / "district") as server:
        yield server


@pytest.fixture
def context(district: DistrictServer, tmp_path: Path) -> Iterator[AppContext]:
    """An enrolled install with a conflict waiting, two edits queued and a run history."""
    ctx = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    grid = _add_grid(ctx)
    sync(ctx)
    district.admin("PATCH", f"/admin/api/streets/{FURONG}/records/grid/{grid.id}",
                   json={"name": "东风一网格（区级调整）", "population": 800})
    version = query(ctx, "select version from grid")[0][0]
    grids.update_grid(ctx.uow(), actor=LOCAL_ADMIN, grid_id=grid.id, expected_version=version,
                      fields=fields("东风一网格（街道调整）", population=650))
    sync(ctx)  # → a conflict the street may override
    second = grids.create_grid(ctx.uow(), actor=LOCAL_ADMIN, community_id=grid.community_id,
                               fields=fields("东风二网格"))
    assert second.id
    yield ctx
    ctx.close()


def open_page(qtbot, ui_env) -> SyncPage:  # type: ignore[no-untyped-def]
    page = SyncPage(ui_env)
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    run(qtbot, ui_env, page.reload())
    return page


def test_the_sync_page_shows_the_outbox_the_conflict_and_the_history(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, ui_env)

    states = [page.outbox_model.row_at(r).state for r in range(page.outbox_model.rowCount())]
    assert states == ["conflict", "pending"]  # the conflicting edit, then the new grid
    assert page.tabs.tabText(1) == "冲突（1）"
    assert page.run_model.rowCount() == 3
    page.tabs.setCurrentIndex(1)
    page.conflict_view.selectionModel().select(
        page.conflict_model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    sides = {page.sides.item(r, 0).text(): (page.sides.item(r, 1).text(),
                                            page.sides.item(r, 2).text())
             for r in range(page.sides.rowCount())}
    assert sides["名称"] == ("东风一网格（街道调整）", "东风一网格（区级调整）")
    assert sides["人口"] == ("650", "800")
    assert page.sides.item(0, 0).text() in ("名称", "人口")  # what differs comes first
    assert page.take_district.isEnabled() and page.resend_mine.isEnabled()
    screenshot(page, "sync-page")

    page.resend_mine.click()
    settle(qtbot, ui_env)
    assert page.conflict_model.rowCount() == 0
    states = [page.outbox_model.row_at(r).state for r in range(page.outbox_model.rowCount())]
    assert states == ["pending", "pending"]  # the new grid, then mine again


def test_sync_now_runs_in_the_background_and_the_status_bar_follows(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, ui_env)
    label = SyncStatusLabel(controller_for(ui_env))
    qtbot.addWidget(label)
    run(qtbot, ui_env, controller_for(ui_env).refresh())
    assert "待上传 1" in label.text() and "冲突 1" in label.text()

    page.sync_button.click()
    qtbot.waitUntil(lambda: not controller_for(ui_env).running and not ui_env.tasks.busy,
                    timeout=20_000)
    settle(qtbot, ui_env)

    assert [page.outbox_model.row_at(0).state] == ["conflict"]  # only the answered conflict
    assert "待上传 0" in label.text() and "今天" in label.text()
    assert page.run_model.rowCount() == 4
    assert query(ui_env.context, "select count(*) from grid")[0][0] == 2


def test_settings_are_read_only_for_a_role_that_may_not_configure(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    ui_env.context.actor = Actor("坐席甲", Role.OPERATOR)
    page = open_page(qtbot, ui_env)

    assert not page.settings.server_edit.isEnabled()
    assert not page.settings.enroll_button.isEnabled()
    assert "系统管理员" in page.settings.enroll_button.toolTip()
    assert page.sync_button.isEnabled()  # every role may sync
    assert page.settings.server_edit.text().startswith("http://127.0.0.1")


def test_sync_commands_are_disabled_with_the_reason_for_a_role_without_sync_run(
        qtbot, ui_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.permissions import Permission
    from tests.integration.permission_cases import narrowed

    monkeypatch.setattr("desktop.domain.permissions.ROLE_PERMISSIONS",
                        narrowed(Permission.SYNC_RUN))
    ui_env.context.actor = Actor("坐席甲", Role.OPERATOR)
    page = open_page(qtbot, ui_env)
    page.tabs.setCurrentIndex(1)
    page.conflict_view.selectRow(0)

    for button in (page.sync_button, page.take_district, page.resend_mine):
        assert not button.isEnabled()
        assert "无权“立即与区级平台同步、处理同步冲突”" in button.toolTip()
