"""工作台 · 今日工作 on a real database: each figure counts what it says, with a clock
the test sets, and the charts' data add up."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from desktop.bootstrap import open_migrated_context
from desktop.domain.demand_states import DemandAction
from desktop.services.dashboard import CHART_DAYS, today_work
from tests.integration.demand_helpers import OPERATOR, Clock, build_desk

A = DemandAction


def test_today_counts_what_it_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch, datetime(2026, 11, 2, 9, 0))  # Monday
    desk = build_desk(open_migrated_context(tmp_path))
    old = desk.intake(received_at=datetime(2026, 10, 12, 9, 0))  # deadline long past
    desk.advance(old.id, (A.TRIAGE, A.DISPATCH), at=datetime(2026, 10, 12, 10, 0))
    waiting = desk.intake(received_at=datetime(2026, 11, 2, 8, 0))
    desk.advance(waiting.id, (A.TRIAGE, A.DISPATCH, A.START), at=datetime(2026, 11, 2, 8, 30))
    with desk.uow() as uow:  # an extension request waiting for the director
        from desktop.services.demand_extensions import add_extension_request

        add_extension_request(uow, uow.demands.get(waiting.id), actor=OPERATOR,
                              at=datetime(2026, 11, 2, 8, 40), workdays=3, reason="需协调")
        uow.commit()
    urgent = desk.intake(received_at=datetime(2026, 11, 2, 8, 50))
    with contextlib.closing(sqlite3.connect(desk.context.paths.database)) as db:
        db.execute("UPDATE demand SET deadline_at = '2026-11-02 17:00:00.000000' WHERE id = ?",
                   (urgent.id,))  # an urgent demand due within hours
        db.commit()
    clock.set(datetime(2026, 11, 2, 10, 0))
    today = today_work(desk.uow())
    assert today.day.isoformat() == "2026-11-02"
    assert today.new_today == 2
    assert today.due_today == 1
    assert today.overdue == 1  # received 12 October: its deadline has passed
    assert today.extensions_pending == 1
    assert today.letters_pending == 0
    assert today.whistles_waiting == 0
    assert len(today.received.days) == CHART_DAYS and today.received.days[-1] == today.day
    assert sum(sum(counts) for counts in today.received.by_kind.values()) == 3
    assert sum(today.received.by_kind["执法诉求"]) == 3
    assert dict(today.open_by_status)["处置中"] == 1
    assert today.overdue_by_unit == [("区城管局", 1)]
