"""A demand data set for the list and export tests: the demo street plus 20,000
demands from the scale generator (its bulk path, so the tests exercise it too), built
once per test session and read by every test, at a fixed "now" (``NOW``).

``Reference`` loads the same demands with plain ``sqlite3`` and answers every filter
and sort in Python: the tests compare the service with it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from desktop.bootstrap import AppContext, open_context, open_migrated_context

DEMANDS = 20_000  # from the scale generator, besides the demo street's own
NOW = datetime(2026, 11, 23, 10, 30)


def shared_folder(factory: pytest.TempPathFactory) -> Path:
    """The data folder, built on first use in the session's base temp folder (the
    clock fixed at ``NOW`` while building) and reused by every module after."""
    from desktop.demo import build_demo_street
    from desktop.demo_scale import add_scale_data

    root = factory.getbasetemp() / "demands-20k"
    if (root / "built").exists():
        return root
    with pytest.MonkeyPatch.context() as patch:
        fix_clock(patch)
        patch.setattr("desktop.demo.today", lambda: NOW.date())  # the demo's own demands
        context = open_migrated_context(root)
        build_demo_street(context)
        add_scale_data(context, demands=DEMANDS, whistles=200, officers=40)
        context.close()
    (root / "built").touch()
    return root


def fix_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop import clock

    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: NOW.date())


def open_at_now(folder: Path, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    """The data set with the core's clock fixed at ``NOW`` (the caller closes it)."""
    fix_clock(monkeypatch)
    return open_context(folder)


@dataclass(frozen=True)
class Ref:
    rowid: int
    id: str
    number: str
    received_at: str
    kind: str
    source: str
    status: str
    grid_id: str
    unit_id: str | None
    deadline_at: str | None
    closed_at: str | None
    text: str  # number, title, content, address
    phone: str


class Reference:
    """Every demand in memory, and the list's rules in plain Python."""

    def __init__(self, database: Path) -> None:
        with sqlite3.connect(database) as db:
            self.rows = [Ref(*row[:11], "\n".join(row[11:15]), row[15]) for row in db.execute(
                "SELECT rowid, id, number, received_at, kind, source, status, grid_id, "
                "lead_unit_id, deadline_at, closed_at, number, title, content, address, "
                "reporter_phone FROM demand")]

    @staticmethod
    def received_desc(rows: list[Ref]) -> list[Ref]:
        return sorted(rows, key=lambda r: (r.received_at, r.rowid), reverse=True)

    @staticmethod
    def deadline_asc(rows: list[Ref]) -> list[Ref]:
        dated = sorted((r for r in rows if r.deadline_at), key=lambda r: (r.deadline_at, r.rowid))
        return dated + sorted((r for r in rows if not r.deadline_at), key=lambda r: r.rowid)

    @staticmethod
    def by_number(rows: list[Ref], descending: bool = False) -> list[Ref]:
        return sorted(rows, key=lambda r: r.number, reverse=descending)
