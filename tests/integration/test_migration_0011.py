"""Migration 0011 adds columns to ``demand`` with plain ADD COLUMN and drops them again
on downgrade, leaving the FTS triggers of 0005 working both ways."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.bootstrap import open_migrated_context
from local_db import migrate
from tests.integration.demand_helpers import build_desk

WORK_ORDER_COLUMNS = {"district_status", "district_note", "extension_request",
                      "return_request", "completion", "accepted_at"}


def _columns(database: Path, table: str) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def _search(database: Path, phrase: str) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [title for (title,) in connection.execute(
            "SELECT d.title FROM demand_fts JOIN demand d ON d.rowid = demand_fts.rowid "
            "WHERE demand_fts MATCH ?", (f'"{phrase}"',))]


def test_0011_down_and_up_keeps_the_demands_and_their_search(tmp_path: Path) -> None:
    context = open_migrated_context(tmp_path)
    try:
        build_desk(context).intake(title="黄兴中路井盖缺失")
        database = context.paths.database
        assert _columns(database, "demand") >= WORK_ORDER_COLUMNS
        assert "install_number" in _columns(database, "sync_state")

        migrate.downgrade(context.engine, "0010")
        assert not WORK_ORDER_COLUMNS & _columns(database, "demand")
        assert "install_number" not in _columns(database, "sync_state")
        assert _search(database, "井盖缺失") == ["黄兴中路井盖缺失"]
        with sqlite3.connect(database) as connection:  # the triggers still index changes
            connection.execute("UPDATE demand SET title = '芙蓉路路灯不亮'")
        assert _search(database, "路灯不亮") == ["芙蓉路路灯不亮"]

        context.migrate()
        assert _columns(database, "demand") >= WORK_ORDER_COLUMNS
        assert _search(database, "路灯不亮") == ["芙蓉路路灯不亮"]
    finally:
        context.close()
