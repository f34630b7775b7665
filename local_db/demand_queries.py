"""Paged read queries for the demand lists at a million rows (docs/performance.md):
filters on indexed columns, full-text search through ``demand_fts`` (trigram; queries
under 3 characters use a bounded LIKE), keyset paging. Returns plain tuples.

How a page is read, and why:

- **One pass when an index gives the order, keys first when it does not.** When an
  index (or the FTS index) delivers the sort order, one query walks it and stops
  after a page. When SQLite must sort (a filter served by one index, the order by
  another), the inner query sorts (rowid, sort value) pairs only and the outer one
  reads the display columns of the page's rows, joined with the grid and unit names:
  whole rows never go through a sorter. Which case applies is read once per statement
  shape from ``EXPLAIN QUERY PLAN``.
- **Keyset paging** on (sort value, rowid): the next page starts strictly after the
  last row shown, so a page costs the same at row 100 and at row 900,000, and rows
  inserted meanwhile never shift a page (no duplicates, no gaps). ``rowid`` is the
  tie-break because every index carries it for free; it is stable for the life of a
  list (only a VACUUM renumbers, and the FTS index depends on it too).
- **Deadline sort, nulls last**: a dated part in (deadline, rowid) order through the
  deadline indexes, then the undated rows by rowid. Lists of some statuses (overdue,
  due soon…) are steered to (status, deadline), see ``_steer``.
- **Full-text search** (3+ characters) drives from ``demand_fts`` (FTS5 trigram) and
  joins ``demand`` on rowid. "Newest first" is the FTS index's own order, rowid
  descending: the order demands were recorded here, which is their order of receipt
  except for items a sync brought in late. Sorting every match by another column
  would cost a sort of tens of thousands of rows for a common phrase.
- **Short text** (1–2 characters) cannot use the trigram index: a LIKE over title,
  content, number and address, bounded to the newest ``SHORT_TEXT_BOUND`` demands
  of the received range (an index range on ``received_at``). The page reports
  ``bounded`` when matches may exist beyond the bound.
- **Totals** are capped counts: exact up to ``cap``, "more than" beyond.

Times are compared as the strings SQLAlchemy stores (``YYYY-MM-DD HH:MM:SS.ffffff``).
Threading: plain reads, in the caller's transaction once it has begun (see ``_all``);
run on the database executor.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

RECEIVED_DESC = "received_desc"
DEADLINE_ASC = "deadline_asc"
NUMBER_ASC = "number_asc"
NUMBER_DESC = "number_desc"
SORTS = (RECEIVED_DESC, DEADLINE_ASC, NUMBER_ASC, NUMBER_DESC)
SHORT_TEXT_BOUND = 100_000

# What a list row shows, in this order after (rowid, sort value).
LIST_COLUMNS = (
    "d.id", "d.number", "d.received_at", "d.kind", "d.source", "d.title", "g.name", "u.name",
    "d.status", "d.deadline_at", "d.closed_at", "d.reporter_phone", "d.urgent",
    "d.district_status",
)
# What an export writes, in this order after (rowid, sort value).
EXPORT_COLUMNS = (
    "d.number", "d.received_at", "d.kind", "d.nature", "d.source", "d.urgent", "cat.name",
    "d.title", "d.content", "d.address", "c.name", "g.name", "u.name", "d.handling_level",
    "d.status", "d.deadline_at", "d.closed_at", "d.rating", "d.reporter_name",
    "d.reporter_phone", "d.external_number",
)
_TEXT_COLUMNS = ("d.title", "d.content", "d.number", "d.address")
_JOINS = (  # (alias prefix, join): only the joins the columns need
    ("g.", "LEFT JOIN grid g ON g.id = d.grid_id"),
    ("c.", "LEFT JOIN community c ON c.id = g.community_id"),
    ("u.", "LEFT JOIN unit u ON u.id = d.lead_unit_id"),
    ("cat.", "LEFT JOIN demand_category cat ON cat.id = d.category_id"),
)


@dataclass(frozen=True)
class DemandCriteria:
    """A list filter in database terms (codes, ids, exact moments). Empty = no filter.

    ``deadline_from``/``deadline_before`` come with ``open_statuses`` (overdue and due
    soon concern unfinished demands only): the statuses are then those of
    ``statuses`` that are open, or every open status when ``statuses`` is empty.
    ``phrase`` (≥ 3 characters) searches the FTS index; ``short_text`` (1–2) the
    bounded LIKE."""

    statuses: tuple[str, ...] = ()
    open_statuses: tuple[str, ...] = ()
    kind: str | None = None
    source: str | None = None
    grid_id: str | None = None
    unit_id: str | None = None
    deadline_from: datetime | None = None
    deadline_before: datetime | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None
    phrase: str | None = None
    short_text: str | None = None

    @property
    def deadline_filtered(self) -> bool:
        return self.deadline_from is not None or self.deadline_before is not None

    def effective_statuses(self) -> tuple[str, ...] | None:
        """The status set to filter on; () when nothing can match; None for any."""
        if not self.deadline_filtered:
            return self.statuses or None
        if not self.statuses:
            return self.open_statuses
        return tuple(s for s in self.statuses if s in self.open_statuses)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last row's sort value and rowid. For the
    deadline sort, ``value`` None means the undated part."""

    value: str | None
    rowid: int


@dataclass(frozen=True)
class RowsPage:
    rows: list[tuple[Any, ...]]  # (rowid, sort value, *LIST_COLUMNS)
    next: Cursor | None
    bounded: bool  # the short-text scan stopped at its bound: matches may be missing


def stamp(moment: datetime) -> str:
    """A moment as SQLAlchemy stores a DateTime on SQLite, so string order is time order."""
    return moment.isoformat(" ", "microseconds")


def fts_phrase(text_: str) -> str:
    """An FTS5 phrase query for ``text_`` as typed: quoted, inner quotes doubled, so
    operators (AND, OR, NEAR, *, :, -) are searched for as text."""
    return '"' + text_.replace('"', '""') + '"'


def like_pattern(text_: str) -> str:
    escaped = text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class _Sql:
    """The FROM and WHERE of one query and its parameters, built term by term."""

    def __init__(self, criteria: DemandCriteria) -> None:
        self.params: dict[str, Any] = {}
        self.terms: list[str] = []
        self.fts = criteria.phrase is not None
        self.impossible = False
        self.hint = ""  # an INDEXED BY clause when the planner must not choose
        c = criteria
        statuses = c.effective_statuses()
        if statuses is not None:
            if not statuses:
                self.impossible = True
            self._in("d.status", "st", statuses)
        for column, name, value in (("d.kind", "kind", c.kind), ("d.source", "source", c.source),
                                    ("d.grid_id", "grid", c.grid_id),
                                    ("d.lead_unit_id", "unit", c.unit_id)):
            if value is not None:
                self.add(f"{column} = :{name}", **{name: value})
        for op, name, value, column in (
                (">=", "dl_from", c.deadline_from, "d.deadline_at"),
                ("<", "dl_before", c.deadline_before, "d.deadline_at"),
                (">=", "rc_from", c.received_from, "d.received_at"),
                ("<", "rc_before", c.received_before, "d.received_at")):
            if value is not None:
                self.add(f"{column} {op} :{name}", **{name: stamp(value)})
        if c.phrase is not None:
            self.add("demand_fts MATCH :phrase", phrase=fts_phrase(c.phrase))
        if c.short_text is not None:
            likes = " OR ".join(f"{col} LIKE :like ESCAPE '\\'" for col in _TEXT_COLUMNS)
            self.add(f"({likes})", like=like_pattern(c.short_text))

    def add(self, term: str, **params: Any) -> None:
        self.terms.append(term)
        self.params.update(params)

    def _in(self, column: str, prefix: str, values: Sequence[str]) -> None:
        if len(values) == 1:
            self.add(f"{column} = :{prefix}0", **{f"{prefix}0": values[0]})
            return
        names = [f"{prefix}{i}" for i in range(len(values))]
        self.add(f"{column} IN ({', '.join(':' + n for n in names)})",
                 **dict(zip(names, values, strict=True)))

    @property
    def source(self) -> str:
        if self.fts:
            return "demand_fts JOIN demand d ON d.rowid = demand_fts.rowid"
        return f"demand d{self.hint}"

    def where(self, *extra: str) -> str:
        terms = [*self.terms, *extra]
        return f"WHERE {' AND '.join(terms)}" if terms else ""


def _steer(sql: _Sql, criteria: DemandCriteria, sort: str) -> None:
    """A deadline-sorted list of some statuses (the overdue and due-soon views among
    them) is read status by status through (status, deadline): the open demands are a
    few thousand among a million, and a plain deadline index, which the planner would
    otherwise prefer for the order, walks past every closed demand before them. With a
    grid the (grid, status, deadline) index is better still, and the planner takes it."""
    if (sort == DEADLINE_ASC and not sql.hint and not sql.fts and criteria.grid_id is None
            and criteria.effective_statuses()):
        sql.hint = " INDEXED BY ix_demand_status_deadline"


_ORDERED: dict[str, bool] = {}  # statement shape → its ORDER BY needs no sort


def _joins(columns: Sequence[str]) -> str:
    needed = {prefix for prefix, _join in _JOINS if any(c.startswith(prefix) for c in columns)}
    if "c." in needed:
        needed.add("g.")
    return " ".join(join for prefix, join in _JOINS if prefix in needed)


class DemandQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _all(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Plain tuples straight from the SQLite driver: these statements are plain SQL
        with named parameters, and SQLAlchemy's result layer would add a sixth to a
        page. When the unit of work has begun (it wrote, flushed or read something),
        the read runs on its connection, inside its transaction, after a flush, so it
        sees the unit of work's own changes. A unit of work that has touched nothing
        has nothing to see: the read takes a pooled connection directly, which skips
        the session's transaction bookkeeping (another sixth of a first page)."""
        session = self.session
        if session.new or session.dirty or session.deleted:
            session.flush()
        if session.in_transaction():
            driver = session.connection().connection.driver_connection
            return driver.execute(sql, params).fetchall()  # type: ignore[union-attr,no-any-return]
        with session.get_bind().connect() as connection:
            driver = connection.connection.driver_connection
            return driver.execute(sql, params).fetchall()  # type: ignore[union-attr,no-any-return]

    # --- pages ---------------------------------------------------------------------------

    def page(self, criteria: DemandCriteria, sort: str = RECEIVED_DESC, *, limit: int = 100,
             after: Cursor | None = None, columns: Sequence[str] = LIST_COLUMNS) -> RowsPage:
        """``limit`` rows in ``sort`` order after ``after``, and the cursor of the next
        page (None at the end). Rows are (rowid, sort value, *columns)."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}")
        sql = _Sql(criteria)
        if sql.impossible:
            return RowsPage([], None, False)
        self._bound(sql, criteria, sort)
        _steer(sql, criteria, sort)
        if sort == DEADLINE_ASC:
            rows = self._deadline_rows(sql, limit + 1, after, columns,
                                       undated=not criteria.deadline_filtered)
        else:
            rows = self._rows(sql, *self._order(sort, sql.fts, after), limit + 1, columns)
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = Cursor(rows[-1][1], rows[-1][0]) if more else None
        return RowsPage(rows, nxt, not more and "bound" in sql.params)

    def stream(self, criteria: DemandCriteria, sort: str = RECEIVED_DESC, *,
               columns: Sequence[str], batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        """Every row ``criteria`` selects, in pages of ``batch`` (an export): memory
        stays at one batch whatever the size of the list."""
        after: Cursor | None = None
        while True:
            page = self.page(criteria, sort, limit=batch, after=after, columns=columns)
            if page.rows:
                yield page.rows
            if page.next is None:
                return
            after = page.next

    def _order(self, sort: str, fts: bool, after: Cursor | None
               ) -> tuple[str, str, list[str], dict[str, Any]]:
        """(sort value expression, ORDER BY, keyset terms, keyset params)."""
        if sort == RECEIVED_DESC and fts:
            terms = ["demand_fts.rowid < :kr"] if after else []
            return "d.received_at", "demand_fts.rowid DESC", terms, \
                {"kr": after.rowid} if after else {}
        if sort == RECEIVED_DESC:
            terms = ["(d.received_at, d.rowid) < (:kv, :kr)"] if after else []
            return "d.received_at", "d.received_at DESC, d.rowid DESC", terms, \
                {"kv": after.value, "kr": after.rowid} if after else {}
        descending = sort == NUMBER_DESC
        terms = [f"d.number {'<' if descending else '>'} :kv"] if after else []
        return "d.number", f"d.number {'DESC' if descending else 'ASC'}", terms, \
            {"kv": after.value} if after else {}

    def _rows(self, sql: _Sql, key: str, order: str, keyset: list[str],
              keyset_params: dict[str, Any], limit: int,
              columns: Sequence[str]) -> list[tuple[Any, ...]]:
        """One query when an index (or the FTS index) delivers the order: SQLite walks
        it and stops after ``limit`` rows. Otherwise keys first: the inner query sorts
        (rowid, sort value) pairs only, the outer one reads the page's rows."""
        filters = f"{sql.where(*keyset)} ORDER BY {order} LIMIT :limit"
        params = {**sql.params, **keyset_params, "limit": limit}
        shown = ", ".join(columns)
        if self._ordered_by_index(f"SELECT d.rowid FROM {sql.source} {filters}", params):
            return self._all(f"SELECT d.rowid, {key}, {shown} FROM {sql.source} "
                             f"{_joins(columns)} {filters}", params)
        outer_order = order.replace("demand_fts.rowid", "k.rid").replace("d.rowid", "k.rid") \
            .replace(key, "k.v")
        return self._all(
            f"SELECT k.rid, k.v, {shown} FROM (SELECT d.rowid AS rid, {key} AS v "
            f"FROM {sql.source} {filters}) AS k JOIN demand d ON d.rowid = k.rid "
            f"{_joins(columns)} ORDER BY {outer_order}", params)

    def _ordered_by_index(self, statement: str, params: dict[str, Any]) -> bool:
        """Whether SQLite serves ``statement``'s ORDER BY without a sort. The answer
        depends on the SQL text only (the plan does not look at parameter values), so
        it is asked once per statement shape and kept for the process."""
        known = _ORDERED.get(statement)
        if known is None:
            plan = self._all(f"EXPLAIN QUERY PLAN {statement}", params)
            known = _ORDERED[statement] = not any("TEMP B-TREE" in str(row[3]) for row in plan)
        return known

    def _deadline_rows(self, sql: _Sql, limit: int, after: Cursor | None,
                       columns: Sequence[str], *, undated: bool) -> list[tuple[Any, ...]]:
        """The dated part in (deadline, rowid) order, then (``undated``: unless a
        deadline filter rules them out) the rows without a deadline by rowid."""
        rows: list[tuple[Any, ...]] = []
        if after is None or after.value is not None:
            keyset = ["(d.deadline_at, d.rowid) > (:kv, :kr)"] if after else []
            params = {"kv": after.value, "kr": after.rowid} if after else {}
            rows = self._rows(sql, "d.deadline_at", "d.deadline_at ASC, d.rowid ASC",
                              ["d.deadline_at IS NOT NULL", *keyset], params, limit, columns)
        if undated and len(rows) < limit:
            in_nulls = after is not None and after.value is None
            keyset = ["d.rowid > :kr"] if in_nulls else []
            params = {"kr": after.rowid} if in_nulls and after else {}
            rows += self._rows(sql, "d.deadline_at", "d.rowid ASC",
                               ["d.deadline_at IS NULL", *keyset], params, limit - len(rows),
                               columns)
        return rows

    def _bound(self, sql: _Sql, criteria: DemandCriteria, sort: str = RECEIVED_DESC,
               bound: str | None = None) -> None:
        """Limit a short-text search to the newest demands of its received range."""
        if criteria.short_text is None:
            return
        bound = bound if bound is not None else self.short_text_bound(criteria)
        if bound is not None:
            sql.add("d.received_at > :bound", bound=bound)
            if sort != RECEIVED_DESC:  # sorting through another index would scan it all
                sql.hint = " INDEXED BY ix_demand_received_at"

    def short_text_bound(self, criteria: DemandCriteria) -> str | None:
        """The receipt time below which the short-text scan stops: that of the
        (bound + 1)-th newest demand of the received range; None if there are fewer."""
        terms, params = [], {"offset": SHORT_TEXT_BOUND}
        if criteria.received_from is not None:
            terms.append("received_at >= :rc_from")
            params["rc_from"] = stamp(criteria.received_from)
        if criteria.received_before is not None:
            terms.append("received_at < :rc_before")
            params["rc_before"] = stamp(criteria.received_before)
        where = f"WHERE {' AND '.join(terms)}" if terms else ""
        rows = self._all(f"SELECT received_at FROM demand {where} "
                         "ORDER BY received_at DESC LIMIT 1 OFFSET :offset", params)
        return rows[0][0] if rows else None

    # --- counts --------------------------------------------------------------------------

    def count(self, criteria: DemandCriteria, *, cap: int) -> tuple[int, bool]:
        """(count, capped): exact up to ``cap``; (cap, True) when there are more."""
        sql = _Sql(criteria)
        if sql.impossible:
            return 0, False
        self._bound(sql, criteria)
        if sql.fts and sql.terms == ["demand_fts MATCH :phrase"]:
            source = "demand_fts"  # the search alone: no need to visit the table
            where = "WHERE demand_fts MATCH :phrase"
        else:
            source, where = sql.source, sql.where()
        rows = self._all(f"SELECT count(*) FROM (SELECT 1 FROM {source} {where} LIMIT :cap)",
                         {**sql.params, "cap": cap + 1})
        found = int(rows[0][0])
        return (cap, True) if found > cap else (found, False)

    def count_by_status(self, criteria: DemandCriteria) -> dict[str, int]:
        """Exact counts per status of what ``criteria`` selects (its statuses
        ignored): the status tabs' figures."""
        sql = _Sql(DemandCriteria(**{**vars(criteria), "statuses": ()}))
        if sql.impossible:
            return {}
        self._bound(sql, criteria)
        rows = self._all(f"SELECT d.status, count(*) FROM {sql.source} {sql.where()} "
                         "GROUP BY d.status", sql.params)
        return {status: int(count) for status, count in rows}

    # --- streaming and plans ----------------------------------------------------------------

    def plan(self, criteria: DemandCriteria, sort: str = RECEIVED_DESC) -> list[str]:
        """EXPLAIN QUERY PLAN of a first page's key query: how the list finds its rows."""
        sql = _Sql(criteria)
        key, order, keyset, _ = (("d.deadline_at", "d.deadline_at ASC, d.rowid ASC",
                                  ["d.deadline_at IS NOT NULL"], {})
                                 if sort == DEADLINE_ASC else self._order(sort, sql.fts, None))
        self._bound(sql, criteria, sort, bound="")
        _steer(sql, criteria, sort)
        statement = (f"EXPLAIN QUERY PLAN SELECT d.rowid AS rid, {key} AS v FROM {sql.source} "
                     f"{sql.where(*keyset)} ORDER BY {order} LIMIT 100")
        return [str(row[3]) for row in self._all(statement, sql.params)]
