"""Paged read queries for the demand lists at a million rows (docs/performance.md):
filters on indexed columns, full-text search through ``demand_fts`` (trigram; queries
under 3 characters use a bounded LIKE), keyset or offset paging. Returns plain rows."""

from __future__ import annotations

from sqlalchemy.orm import Session


class DemandQueries:
    def __init__(self, session: Session) -> None:
        self.session = session
