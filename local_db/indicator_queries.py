"""The rows the assessment figures are computed from, for one period: plain tuples in a
few indexed queries (a month of a million-demand street is some 30,000 demands)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from local_db.demand_queries import stamp

_DEMANDS = """
WITH touched AS (
    SELECT id FROM demand WHERE received_at >= :start AND received_at < :end
    UNION SELECT id FROM demand WHERE closed_at >= :start AND closed_at < :end
    UNION SELECT demand_id FROM demand_step
          WHERE action IN ('dispatch', 'rate') AND occurred_at >= :start AND occurred_at < :end
)
SELECT d.id, d.lead_unit_id, d.status, d.received_at, d.closed_at, d.deadline_at, d.rating,
       (SELECT min(s.occurred_at) FROM demand_step s
         WHERE s.demand_id = d.id AND s.action = 'dispatch') AS dispatched_at,
       (SELECT min(s.occurred_at) FROM demand_step s
         WHERE s.demand_id = d.id AND s.action = 'start') AS started_at,
       (SELECT max(s.occurred_at) FROM demand_step s
         WHERE s.demand_id = d.id AND s.action = 'rate') AS rated_at
FROM demand d JOIN touched t ON t.id = d.id
"""

_TARGETS = """
SELECT id, unit_id, arrival_due_at, arrived_at FROM whistle_target
WHERE arrival_due_at >= :start AND arrival_due_at < :end
"""

_HANDOVERS = """
SELECT id, receiving_unit_id, due_at, handed_over_at FROM handover
WHERE direction IN ('to_district', 'transfer_up') AND state != 'cancelled'
  AND due_at >= :start AND due_at < :end
"""


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class IndicatorQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _rows(self, sql: str, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        params = {"start": stamp(start), "end": stamp(end)}
        return [tuple(row) for row in self.session.execute(text(sql), params)]

    def demands(self, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        """(id, unit, status, received, closed, deadline, rating, dispatched, started,
        rated) with the moments as datetimes."""
        return [(r[0], r[1], r[2], _moment(r[3]), _moment(r[4]), _moment(r[5]), r[6],
                 _moment(r[7]), _moment(r[8]), _moment(r[9]))
                for r in self._rows(_DEMANDS, start, end)]

    def arrivals(self, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        return [(r[0], r[1], _moment(r[2]), _moment(r[3]))
                for r in self._rows(_TARGETS, start, end)]

    def handovers(self, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        return [(r[0], r[1], _moment(r[2]), _moment(r[3]))
                for r in self._rows(_HANDOVERS, start, end)]
