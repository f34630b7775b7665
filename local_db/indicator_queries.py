"""The rows the assessment figures are computed from: for one period, plain tuples in a
few indexed queries (a month of a million-demand street is some 30,000 demands); for
the month-by-month trend, counts aggregated by SQLite itself (a year is some 340,000
demands: never loaded row by row; the records behind a month are fetched only when a
figure is drilled into).

The trend's definitions are the domain's (desktop.domain.indicators) written in SQL;
tests/integration/test_indicators_service.py checks that both give the same counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
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
         WHERE s.demand_id = d.id AND s.action = 'rate') AS rated_at,
       d.returned_count, d.duplicate_of_id, d.grid_id, d.category_id
FROM demand d JOIN touched t ON t.id = d.id
"""

_TARGETS = """
SELECT t.id, t.unit_id, t.arrival_due_at, t.arrived_at, d.grid_id, d.category_id
FROM whistle_target t JOIN whistle w ON w.id = t.whistle_id
LEFT JOIN demand d ON d.id = w.demand_id
WHERE t.arrival_due_at >= :start AND t.arrival_due_at < :end
"""

_HANDED = "direction IN ('to_district', 'transfer_up') AND state != 'cancelled'"

_HANDOVERS = f"""
SELECT h.id, h.receiving_unit_id, h.due_at, h.handed_over_at, d.grid_id, d.category_id
FROM handover h LEFT JOIN demand d ON d.id = h.demand_id
WHERE h.{_HANDED.replace(" AND ", " AND h.")}
  AND h.due_at >= :start AND h.due_at < :end
"""

# --- the trend: (month, numerator, denominator) per indicator --------------------------------

_RECEIVED = """
SELECT substr(received_at, 1, 7) AS month,
       sum(status = 'merged' OR duplicate_of_id IS NOT NULL), count(*),
       sum(status IN ('closed', 'rated')), sum(status NOT IN ('merged', 'sent_back'))
FROM demand WHERE received_at >= :start AND received_at < :end GROUP BY month
"""

_CLOSED = """
SELECT substr(closed_at, 1, 7) AS month,
       sum(deadline_at IS NOT NULL AND closed_at <= deadline_at), count(*)
FROM demand WHERE closed_at >= :start AND closed_at < :end GROUP BY month
"""

# The first dispatch of each demand in the window, whether signed for by the day in
# ``limits`` (the working-day rule, computed by the caller per dispatch day; NULL where
# the calendar does not know the year: then by whole calendar days), and returned.
_DISPATCHED = """
WITH limits(day, last_day) AS (VALUES {limits}),
first AS (
    SELECT s.demand_id, s.occurred_at AS at FROM demand_step s
    WHERE s.action = 'dispatch' AND s.occurred_at >= :start AND s.occurred_at < :end
      AND NOT EXISTS (SELECT 1 FROM demand_step e
                      WHERE e.demand_id = s.demand_id AND e.action = 'dispatch'
                        AND (e.occurred_at < s.occurred_at
                             OR (e.occurred_at = s.occurred_at AND e.id < s.id)))
),
judged AS (
    SELECT f.at, d.returned_count,
           (SELECT min(x.occurred_at) FROM demand_step x
             WHERE x.demand_id = f.demand_id AND x.action = 'start') AS started,
           l.last_day
    FROM first f JOIN demand d ON d.id = f.demand_id
    LEFT JOIN limits l ON l.day = substr(f.at, 1, 10)
)
SELECT substr(at, 1, 7) AS month,
       sum(started IS NOT NULL AND CASE WHEN last_day IS NOT NULL
               THEN substr(started, 1, 10) <= last_day
               ELSE CAST(julianday(started) - julianday(at) AS INTEGER) <= :workdays END),
       sum(returned_count > 0), count(*)
FROM judged GROUP BY month
"""

_RATED = """
SELECT substr(s.occurred_at, 1, 7) AS month,
       sum(d.rating IN ('satisfied', 'fairly_satisfied')), count(*)
FROM demand_step s JOIN demand d ON d.id = s.demand_id
WHERE s.action = 'rate' AND s.occurred_at >= :start AND s.occurred_at < :end
  AND d.rating IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM demand_step e
                  WHERE e.demand_id = s.demand_id AND e.action = 'rate'
                    AND (e.occurred_at > s.occurred_at
                         OR (e.occurred_at = s.occurred_at AND e.id > s.id)))
GROUP BY month
"""

_ARRIVED = """
SELECT substr(arrival_due_at, 1, 7) AS month,
       sum(arrived_at IS NOT NULL AND arrived_at <= arrival_due_at), count(*)
FROM whistle_target WHERE arrival_due_at >= :start AND arrival_due_at < :end GROUP BY month
"""

_HANDED_OVER = f"""
SELECT substr(due_at, 1, 7) AS month,
       sum(handed_over_at IS NOT NULL AND handed_over_at <= due_at), count(*)
FROM handover WHERE {_HANDED} AND due_at >= :start AND due_at < :end GROUP BY month
"""

Counts = dict[str, dict[str, tuple[int, int]]]  # month "YYYY-MM" → indicator code → (n, d)


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _limits_sql(limits: Sequence[tuple[date, date | None]]) -> str:
    """The VALUES rows of the limits table: dates we made ourselves, so literal."""
    rows = [f"('{day.isoformat()}', " + (f"'{last.isoformat()}')" if last else "NULL)")
            for day, last in limits]
    return ", ".join(rows) or "(NULL, NULL)"


class IndicatorQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _rows(self, sql: str, start: datetime, end: datetime,
              **extra: Any) -> list[tuple[Any, ...]]:
        params = {"start": stamp(start), "end": stamp(end), **extra}
        return [tuple(row) for row in self.session.execute(text(sql), params)]

    def demands(self, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        """(id, unit, status, received, closed, deadline, rating, dispatched, started,
        rated, returned_count, duplicate_of, grid, category) with datetimes."""
        return [(r[0], r[1], r[2], _moment(r[3]), _moment(r[4]), _moment(r[5]), r[6],
                 _moment(r[7]), _moment(r[8]), _moment(r[9]), int(r[10] or 0), r[11], r[12],
                 r[13]) for r in self._rows(_DEMANDS, start, end)]

    def arrivals(self, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        """(target, unit, due, arrived, grid, category)."""
        return [(r[0], r[1], _moment(r[2]), _moment(r[3]), r[4], r[5])
                for r in self._rows(_TARGETS, start, end)]

    def handovers(self, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        """(handover, receiving unit, due, handed over, grid, category)."""
        return [(r[0], r[1], _moment(r[2]), _moment(r[3]), r[4], r[5])
                for r in self._rows(_HANDOVERS, start, end)]

    def monthly_counts(self, start: datetime, end: datetime,
                       limits: Sequence[tuple[date, date | None]],
                       response_workdays: int) -> Counts:
        """Per month of [start, end) and indicator code, (numerator, denominator)."""
        counts: Counts = {}

        def put(rows: list[tuple[Any, ...]], *codes: str) -> None:
            for month, *values in rows:
                found = counts.setdefault(str(month), {})
                for index, code in enumerate(codes):
                    found[code] = (int(values[2 * index] or 0), int(values[2 * index + 1] or 0))

        received = self._rows(_RECEIVED, start, end)
        put(received, "duplicate", "resolution")
        put(self._rows(_CLOSED, start, end), "on_time_close")
        dispatched = self._rows(_DISPATCHED.format(limits=_limits_sql(limits)), start, end,
                                workdays=response_workdays)
        put([(m, responded, total, returned, total) for m, responded, returned, total
             in dispatched], "response", "returned")
        put(self._rows(_RATED, start, end), "satisfaction")
        put(self._rows(_ARRIVED, start, end), "arrival")
        put(self._rows(_HANDED_OVER, start, end), "on_time_handover")
        return counts

    def categories(self) -> list[tuple[str, str | None, str, int]]:
        """(id, parent, name, sort order) of every category, retired ones too."""
        return [tuple(r) for r in self.session.execute(text(  # type: ignore[misc]
            "SELECT id, parent_id, name, sort_order FROM demand_category"))]

    def grids(self) -> list[tuple[str, str, str]]:
        """(id, code, name) of every grid."""
        return [tuple(r) for r in self.session.execute(text(  # type: ignore[misc]
            "SELECT id, code, name FROM grid"))]
