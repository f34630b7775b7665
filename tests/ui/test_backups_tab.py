"""设置 › 备份与恢复 driven as a user would, on a real migrated SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.domain.grids import CommunityKind, GridCategory, GridKind
from desktop.services import grids
from desktop.services.backup import (
    backup_now,
    ensure_daily_backup,
    list_backups,
    load_backup_settings,
)
from tests.ui.conftest import run, screenshot, settle, type_text
from ui.pages import settings_backups
from ui.pages.settings_backups import BackupsTab


def add_grid(context, name: str) -> None:  # type: ignore[no-untyped-def]
    existing = {c.name: c for c in grids.list_communities(context.uow())}
    community = existing.get("东风社区") or grids.create_community(
        context.uow(), actor=context.actor, name="东风社区", kind=CommunityKind.COMMUNITY)
    grids.create_grid(context.uow(), actor=context.actor, community_id=community.id,
                      fields=grids.GridFields(name, GridKind.BASE, GridCategory.URBAN_COMMUNITY))


def grid_names(database: Path) -> set[str]:
    connection = sqlite3.connect(database)
    try:
        return {name for (name,) in connection.execute("SELECT name FROM grid")}
    finally:
        connection.close()


@pytest.fixture
def tab(qtbot, ui_env, street) -> BackupsTab:  # type: ignore[no-untyped-def]
    tab = BackupsTab(ui_env)
    qtbot.addWidget(tab)
    tab.resize(1100, 720)
    tab.show()
    run(qtbot, ui_env, tab.reload())
    return tab


@pytest.fixture
def answers(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Every question the tab asks is answered 是; the questions are recorded."""
    asked: list[str] = []

    async def yes(_parent, title: str, text: str) -> bool:  # type: ignore[no-untyped-def]
        asked.append(f"{title}: {text}")
        return True

    monkeypatch.setattr(settings_backups, "ask", yes)
    return asked


def test_back_up_now_adds_a_row(qtbot, ui_env, tab) -> None:  # type: ignore[no-untyped-def]
    assert tab.model.rowCount() == 0
    assert "共 0 个备份" in tab.summary.text()
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert tab.model.rowCount() == 1
    assert [tab.model.index(0, c).data() for c in (1, 3)] == [
        "手动", list_backups(ui_env.context)[0].path.name]
    assert tab.model.index(0, 2).data().endswith("KB")
    assert "共 1 个备份" in tab.summary.text()


def test_settings_are_saved_and_a_bad_folder_refused(  # type: ignore[no-untyped-def]
        qtbot, ui_env, tab, tmp_path, monkeypatch) -> None:
    chosen = tmp_path / "备份盘"
    chosen.mkdir()
    monkeypatch.setattr(tab, "ask_folder", lambda _start: str(chosen))
    qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
    assert tab.folder_edit.text() == str(chosen)
    tab.keep_daily.setValue(7)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    saved = load_backup_settings(ui_env.context)
    assert (saved.folder, saved.keep_daily, saved.keep_manual) == (chosen, 7, 30)

    blocker = tmp_path / "文件.txt"
    blocker.write_text("x", encoding="utf-8")
    tab.folder_edit.clear()
    type_text(qtbot, tab.folder_edit, str(blocker / "备份"))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not ui_env.tasks.busy)
    assert "无法写入" in str(ui_env.errors.pop())
    assert load_backup_settings(ui_env.context).folder == chosen


def test_restore_the_selected_backup_then_offer_to_quit(  # type: ignore[no-untyped-def]
        qtbot, ui_env, tab, answers, monkeypatch) -> None:
    add_grid(ui_env.context, "东风一网格")
    backup_now(ui_env.context)
    add_grid(ui_env.context, "东风二网格")
    quits: list[bool] = []
    monkeypatch.setattr(tab, "quit_app", lambda: quits.append(True))
    run(qtbot, ui_env, tab.reload())
    assert not tab.restore_button.isEnabled()
    tab.view.selectRow(0)
    assert tab.restore_button.isEnabled()
    with qtbot.waitSignal(tab.restart_required) as restart:
        qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert "请重新启动程序" in restart.args[0]

    assert grid_names(ui_env.context.paths.database) == {"东风一网格"}
    assert answers[0].startswith("从备份恢复") and "另存" in answers[0]
    assert answers[1].startswith("需要重新启动") and "请重新启动程序" in answers[1]
    assert quits == [True]
    assert tab.banner.isVisible() and "before-restore" in tab.banner.text()
    assert not tab.backup_button.isEnabled() and not tab.restore_button.isEnabled()


def test_declining_the_question_changes_nothing(  # type: ignore[no-untyped-def]
        qtbot, ui_env, tab, tmp_path, monkeypatch) -> None:
    add_grid(ui_env.context, "东风一网格")
    copy = backup_now(ui_env.context, tmp_path / "外来备份.sqlite3")
    add_grid(ui_env.context, "东风二网格")

    async def no(*_args) -> bool:  # type: ignore[no-untyped-def]
        return False

    monkeypatch.setattr(settings_backups, "ask", no)
    monkeypatch.setattr(tab, "ask_restore_file", lambda _start: str(copy))
    qtbot.mouseClick(tab.restore_file_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui_env)
    assert grid_names(ui_env.context.paths.database) == {"东风一网格", "东风二网格"}
    assert tab.restored is None and tab.backup_button.isEnabled()


def test_a_damaged_file_is_refused_and_the_tab_stays_usable(  # type: ignore[no-untyped-def]
        qtbot, ui_env, tab, tmp_path, answers, monkeypatch) -> None:
    bad = tmp_path / "坏.sqlite3"
    bad.write_bytes(b"\x00garbage" * 500)
    monkeypatch.setattr(tab, "ask_restore_file", lambda _start: str(bad))
    qtbot.mouseClick(tab.restore_file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not ui_env.tasks.busy)
    assert "当前数据库未作任何更改" in str(ui_env.errors.pop())
    assert tab.restored is None and tab.backup_button.isEnabled()
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)  # the database still works
    settle(qtbot, ui_env)
    assert tab.model.rowCount() == 1


def test_screenshot(qtbot, ui_env, tab) -> None:  # type: ignore[no-untyped-def]
    add_grid(ui_env.context, "东风一网格")
    ensure_daily_backup(ui_env.context, now=datetime(2026, 3, 1, 9, 0))
    ensure_daily_backup(ui_env.context, now=datetime(2026, 3, 2, 9, 5))
    backup_now(ui_env.context)
    run(qtbot, ui_env, tab.reload())
    tab.view.selectRow(0)
    assert tab.model.rowCount() == 3
    path = screenshot(tab, "page-settings-backups")
    assert path.stat().st_size > 10_000
