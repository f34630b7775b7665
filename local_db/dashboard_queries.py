"""The figures of the 工作台 (today's work and its charts), each one indexed query that
counts or groups in SQLite: the dashboard opens instantly on a million demands.

- counts by deadline and status use ``ix_demand_status_deadline``;
- what came in lately uses ``ix_demand_received_at``;
- pending extension requests and letters waiting for approval are small tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from local_db.demand_queries import stamp


class DashboardQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _scalar(self, sql: str, **params: Any) -> int:
        statement = text(sql)
        if "statuses" in params:
            statement = statement.bindparams(bindparam("statuses", expanding=True))
        return int(self.session.execute(statement, params).scalar() or 0)

    def received_since(self, since: datetime) -> int:
        return self._scalar("SELECT count(*) FROM demand WHERE received_at >= :since",
                            since=stamp(since))

    def due_between(self, statuses: Sequence[str], start: datetime, end: datetime) -> int:
        """Demands in ``statuses`` whose deadline falls in [start, end)."""
        return self._scalar("SELECT count(*) FROM demand WHERE status IN :statuses "
                            "AND deadline_at >= :start AND deadline_at < :end",
                            statuses=list(statuses), start=stamp(start), end=stamp(end))

    def overdue(self, statuses: Sequence[str], now: datetime) -> int:
        return self._scalar("SELECT count(*) FROM demand WHERE status IN :statuses "
                            "AND deadline_at < :now", statuses=list(statuses), now=stamp(now))

    def pending_extensions(self) -> int:
        return self._scalar("SELECT count(*) FROM extension_request WHERE state = 'pending'")

    def documents_in_state(self, state: str) -> int | None:
        """None when the documents module's table is not there (an older database)."""
        try:
            return self._scalar("SELECT count(*) FROM document WHERE state = :state",
                                state=state)
        except OperationalError:
            self.session.rollback()
            return None

    def received_per_day(self, since: datetime) -> list[tuple[str, str, int]]:
        """(YYYY-MM-DD, kind code, count) of the demands received since ``since``."""
        rows = self.session.execute(text(
            "SELECT substr(received_at, 1, 10) AS day, kind, count(*) FROM demand "
            "WHERE received_at >= :since GROUP BY day, kind"), {"since": stamp(since)})
        return [(str(day), str(kind), int(count)) for day, kind, count in rows]

    def count_by_status(self, statuses: Sequence[str]) -> dict[str, int]:
        statement = text("SELECT status, count(*) FROM demand WHERE status IN :statuses "
                         "GROUP BY status").bindparams(bindparam("statuses", expanding=True))
        return {str(s): int(n) for s, n in self.session.execute(
            statement, {"statuses": list(statuses)})}

    def overdue_by_unit(self, statuses: Sequence[str], now: datetime,
                        limit: int) -> list[tuple[str | None, int]]:
        """(lead unit, overdue demands), most first."""
        statement = text(
            "SELECT lead_unit_id, count(*) AS n FROM demand WHERE status IN :statuses "
            "AND deadline_at < :now GROUP BY lead_unit_id ORDER BY n DESC LIMIT :limit"
        ).bindparams(bindparam("statuses", expanding=True))
        rows = self.session.execute(statement, {"statuses": list(statuses), "now": stamp(now),
                                                "limit": limit})
        return [(unit, int(n)) for unit, n in rows]
