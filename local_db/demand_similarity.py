"""Reads for the intake desk: demands that may be the same matter as the one being
typed (duplicate suggestions), and the addresses already filed with their grid (the
address completer). Plain SQL over the list indexes and ``demand_fts``; plain tuples.

Why these shapes, at a million demands:

- **Same place**: ``ix_demand_grid_received`` (grid_id, received_at) gives a grid's
  demands of the last N days as an index range; the category is checked on those few
  rows. A grid receives tens of demands a month, never thousands.
- **Similar text**: an FTS5 trigram query (``"abc" OR "bcd" …``) limited to the rowids
  of the last N days. FTS5 applies a ``rowid >=`` constraint inside its doclists, so
  the query never walks three years of matches. The lower rowid is the first rowid
  recorded since the start of the window (rowids follow recording order, received_at
  nearly so; a demand synced late may be missed, which a suggestion can afford). The
  caller ranks the candidates by its own measure (shared trigrams), so ``bm25`` ranks
  a bounded candidate set only.
- **Addresses**: the newest filed addresses with their grid, read backwards along
  ``ix_demand_received_at`` and stopped after ``scan`` rows.

Times are compared as SQLAlchemy stores them (see ``demand_queries.stamp``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from local_db.demand_queries import fts_phrase, stamp

# (id, number, title, address, content, received_at, status, grid name, category id)
SUGGESTION_COLUMNS = ("d.id", "d.number", "d.title", "d.address", "substr(d.content, 1, 300)",
                      "d.received_at", "d.status", "g.name", "d.category_id")
_SELECT = f"SELECT {', '.join(SUGGESTION_COLUMNS)} FROM demand d " \
          "LEFT JOIN grid g ON g.id = d.grid_id"


class DemandSimilarity:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _all(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.session.execute(text(sql), params).all()]

    def same_place(self, grid_id: str, category_id: str | None, since: datetime, *,
                   limit: int = 20) -> list[tuple[Any, ...]]:
        """The grid's demands received since ``since`` (of ``category_id`` when given),
        newest first."""
        where = "d.grid_id = :grid AND d.received_at >= :since"
        params: dict[str, Any] = {"grid": grid_id, "since": stamp(since), "limit": limit}
        if category_id is not None:
            where += " AND d.category_id = :category"
            params["category"] = category_id
        return self._all(f"{_SELECT} WHERE {where} ORDER BY d.received_at DESC LIMIT :limit",
                         params)

    def first_rowid_since(self, since: datetime) -> int | None:
        """The smallest rowid among the first demands received since ``since``."""
        value = self.session.execute(text(
            "SELECT min(r) FROM (SELECT rowid AS r FROM demand WHERE received_at >= :since "
            "ORDER BY received_at LIMIT 500)"), {"since": stamp(since)}).scalar()
        return int(value) if value is not None else None

    def text_matches(self, phrases: Sequence[str], since: datetime, *,
                     limit: int = 60) -> list[tuple[Any, ...]]:
        """Demands received since ``since`` holding any of ``phrases`` (3+ characters
        each), best ``bm25`` first, at most ``limit``."""
        phrases = [p for p in phrases if len(p) >= 3]
        lowest = self.first_rowid_since(since) if phrases else None
        if lowest is None:
            return []
        query = " OR ".join(fts_phrase(p) for p in phrases)
        return self._all(
            f"{_SELECT} JOIN (SELECT rowid AS r, rank AS k FROM demand_fts "
            "WHERE demand_fts MATCH :query AND rowid >= :lowest ORDER BY rank LIMIT :limit) m "
            "ON m.r = d.rowid WHERE d.received_at >= :since ORDER BY m.k",
            {"query": query, "lowest": lowest, "limit": limit, "since": stamp(since)})

    def recent_addresses(self, *, scan: int = 3000) -> list[tuple[str, str, str]]:
        """(address, grid id, grid name) of the newest ``scan`` demands that have both,
        newest first, each address once."""
        rows = self._all(
            "SELECT d.address, d.grid_id, g.name FROM (SELECT address, grid_id FROM demand "
            "WHERE grid_id IS NOT NULL AND address != '' ORDER BY received_at DESC "
            "LIMIT :scan) d JOIN grid g ON g.id = d.grid_id", {"scan": scan})
        seen: dict[str, tuple[str, str, str]] = {}
        for address, grid_id, grid_name in rows:
            seen.setdefault(address, (address, grid_id, grid_name))
        return list(seen.values())
