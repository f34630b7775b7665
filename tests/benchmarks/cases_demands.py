"""The demand list cases of docs/performance.md on the scale data set (1M demands):

- list: the first screen of the demands page (100 rows, newest first) through
  ``list_demands``, against the same rows by a raw ``sqlite3`` query (≤ 3× and
  < 100 ms). The page asks for its rows first and the total right after
  (``with_total=False`` then ``count_demands``), so the case times the rows.
- search: a 4-character phrase through the FTS5 trigram index, first page, against
  the raw FTS5 query for the same rows (≤ 2× and < 50 ms); and a 2-character search,
  whose bounded LIKE fallback must answer in < 300 ms (the worst case: no match, so
  the whole bound is scanned).
- filter: 处置中 + one grid + overdue, sorted by deadline, against raw indexed SQL (≤ 2×).
- export: 100,000 demands to xlsx against openpyxl write-only of the same cells (≤ 1.5×).

Each side opens its connection once, outside the timing, like the app does.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from desktop import clock
from desktop.bootstrap import AppContext, open_context
from desktop.domain.actor import LOCAL_ADMIN
from desktop.services.demand_lists import (
    DemandFilter,
    DemandSort,
    criteria_for,
    due_soon_boundary,
    list_demands,
)
from desktop.spreadsheets.demands import COLUMNS, SHEET, export_batches, export_demands
from local_db.demand_queries import LIST_COLUMNS, SHORT_TEXT_BOUND, stamp
from tests.benchmarks.harness import Case

PHRASE = "占道经营"  # a common complaint: tens of thousands of matches
SHORT = "猫狗"  # two characters that no demand contains: the whole bound is scanned
FILTER_STATUS = "handling"
EXPORT_ROWS = 100_000
_JOINS = ("LEFT JOIN grid g ON g.id = d.grid_id "
          "LEFT JOIN unit u ON u.id = d.lead_unit_id")
_SELECT = f"SELECT d.rowid, {', '.join(LIST_COLUMNS)}"


def _contexts(home: Path) -> tuple[AppContext, sqlite3.Connection]:
    context = open_context(home)
    raw = sqlite3.connect(context.paths.database)
    return context, raw


def list_case(home: Path) -> Case:
    context, raw = _contexts(home)
    sql = (f"{_SELECT} FROM demand d {_JOINS} "
           "ORDER BY d.received_at DESC, d.rowid DESC LIMIT 100")

    def ours() -> object:
        return list_demands(context.uow(), with_total=False)

    def floor() -> object:
        return raw.execute(sql).fetchall()

    return Case("list", ours, floor, bar_ratio=3.0, bar_text="≤ 3× and < 100 ms",
                absolute_bar_s=0.100)


def search_case(home: Path) -> Case:
    context, raw = _contexts(home)
    sql = (f"{_SELECT} FROM demand_fts JOIN demand d ON d.rowid = demand_fts.rowid {_JOINS} "
           "WHERE demand_fts MATCH ? ORDER BY demand_fts.rowid DESC LIMIT 100")
    search = DemandFilter(text=PHRASE)

    def ours() -> object:
        return list_demands(context.uow(), filter=search, with_total=False)

    def floor() -> object:
        return raw.execute(sql, (f'"{PHRASE}"',)).fetchall()

    return Case("search", ours, floor, bar_ratio=2.0, bar_text="≤ 2× and < 50 ms",
                absolute_bar_s=0.050)


def short_search_case(home: Path) -> Case:
    """Two characters: only the absolute bar applies; the floor is the same bounded
    LIKE in raw SQL, for reference."""
    context, raw = _contexts(home)
    likes = " OR ".join(f"d.{c} LIKE :p" for c in ("title", "content", "number", "address"))
    sql = (f"{_SELECT} FROM demand d {_JOINS} WHERE d.received_at > (SELECT received_at FROM "
           f"demand ORDER BY received_at DESC LIMIT 1 OFFSET {SHORT_TEXT_BOUND}) AND ({likes}) "
           "ORDER BY d.received_at DESC, d.rowid DESC LIMIT 100")
    search = DemandFilter(text=SHORT)

    def ours() -> object:
        return list_demands(context.uow(), filter=search, with_total=False)

    def floor() -> object:
        return raw.execute(sql, {"p": f"%{SHORT}%"}).fetchall()

    return Case("search 2-char", ours, floor, bar_ratio=float("inf"), bar_text="< 300 ms",
                absolute_bar_s=0.300)


def _busiest_grid(raw: sqlite3.Connection, now: datetime) -> str:
    row = raw.execute("SELECT grid_id FROM demand WHERE status = ? AND deadline_at < ? "
                      "GROUP BY grid_id ORDER BY count(*) DESC LIMIT 1",
                      (FILTER_STATUS, stamp(now))).fetchone()
    return str(row[0])


def filter_case(home: Path) -> Case:
    context, raw = _contexts(home)
    grid = _busiest_grid(raw, clock.now())
    chosen = DemandFilter(statuses=frozenset({FILTER_STATUS}), grid_id=grid, overdue=True)
    sql = (f"{_SELECT} FROM demand d {_JOINS} WHERE d.grid_id = ? AND d.status = ? "
           "AND d.deadline_at < ? ORDER BY d.deadline_at, d.rowid LIMIT 100")

    def ours() -> object:
        return list_demands(context.uow(), filter=chosen, sort=DemandSort.DEADLINE_ASC,
                            with_total=False)

    def floor() -> object:
        return raw.execute(sql, (grid, FILTER_STATUS, stamp(clock.now()))).fetchall()

    return Case("filter", ours, floor, bar_ratio=2.0, bar_text="≤ 2×")


def _export_filter(raw: sqlite3.Connection, rows: int) -> DemandFilter:
    """The newest ~``rows`` demands, as a received-date filter (whole days)."""
    (moment,) = raw.execute("SELECT received_at FROM demand ORDER BY received_at DESC "
                            "LIMIT 1 OFFSET ?", (rows - 1,)).fetchone()
    return DemandFilter(received_from=datetime.fromisoformat(moment).date())


def _same_cells(context: AppContext, chosen: DemandFilter) -> list[list[Any]]:
    with context.uow() as uow:
        when = clock.now()
        boundary = due_soon_boundary(uow, when)
        criteria = criteria_for(chosen, when, boundary)
        return [values for batch in export_batches(uow, criteria, DemandSort.RECEIVED_DESC,
                                                   when, boundary) for values in batch]


def export_case(home: Path, *, rows: int = EXPORT_ROWS) -> Case:
    context, raw = _contexts(home)
    chosen = _export_filter(raw, rows)
    folder = home / "bench-export"
    folder.mkdir(parents=True, exist_ok=True)
    cells = _same_cells(context, chosen)  # prepared once, outside the timing
    header = [title for title, _width, _kind in COLUMNS]

    def ours() -> object:
        return export_demands(context.uow(), folder / "ours.xlsx", actor=LOCAL_ADMIN,
                              filter=chosen)

    def floor() -> object:
        workbook = Workbook(write_only=True)
        ws = workbook.create_sheet(SHEET)
        ws.append(header)
        for values in cells:
            ws.append(values)
        workbook.save(folder / "floor.xlsx")
        return len(cells)

    return Case("export", ours, floor, bar_ratio=1.5, bar_text="≤ 1.5×")


def demand_cases(home: Path, *, export_rows: int = EXPORT_ROWS) -> list[Case]:
    """Every demand case of performance.md, for ``tests/benchmarks/__main__.py``."""
    return [list_case(home), search_case(home), short_search_case(home), filter_case(home),
            export_case(home, rows=export_rows)]
