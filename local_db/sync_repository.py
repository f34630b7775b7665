"""The sync outbox, cursor, conflicts and runs, and the bulk apply of pulled pages.

A pulled page is applied with one ``INSERT ... ON CONFLICT(id) DO UPDATE ... WHERE
excluded.version > version`` per table (executemany), never with per-row ORM flushes:
a 100k-record first download stays within a few times the raw download time. Rows
with a waiting local edit (an outbox row still pending or sent) are left alone: they
wait until the district has answered that edit. A parent record's ``_children``
field (``local_db.sync_children``) replaces its child rows in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    Table,
    and_,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from local_db.base import Base, SyncedRecord
from local_db.models.sync import OutboxEntry, SyncConflict, SyncRun, SyncState
from local_db.outbox_events import LOCAL_ONLY_TABLES
from local_db.sync_children import (
    CHILDREN_FIELD,
    carried_children,
    delete_children,
    replace_children,
)

WAITING = ("pending", "sent")
ANSWERED = ("conflict", "rejected")


@dataclass(frozen=True)
class PulledRow:
    """One change from the district, already decoded from JSON."""

    table: str
    id: str
    version: int
    deleted: bool
    fields: dict[str, Any]


@dataclass(frozen=True)
class ApplyOutcome:
    applied: int  # rows written or deleted
    waiting: int  # skipped: a local edit of the row is still waiting for the district
    failed: list[tuple[PulledRow, str]]  # could not be stored here (kept as conflicts)


def synced_tables() -> dict[str, Table]:
    """Every table whose records travel (mapped on SyncedRecord), by name."""
    tables: dict[str, Table] = {}
    for mapper in Base.registry.mappers:
        if issubclass(mapper.class_, SyncedRecord):
            table = mapper.local_table
            if isinstance(table, Table) and table.name not in LOCAL_ONLY_TABLES:
                tables[table.name] = table
    return tables


def decode_fields(table: Table, fields: dict[str, Any]) -> dict[str, Any]:
    """JSON values back into the column types SQLite's driver expects. Fields this
    schema has no column for are dropped (a newer version, or ``_children``, which
    ``local_db.sync_children`` applies). Called for every pulled row and child row, so
    each table's column kinds are looked up once."""
    kinds = _column_kinds(table)
    row: dict[str, Any] = {}
    for name, value in fields.items():
        kind = kinds.get(name)
        if kind is None:
            continue  # a column this schema does not have: ignore, the version says newer
        if kind and value is not None:
            if isinstance(value, str):
                if kind == _DATETIME:
                    value = datetime.fromisoformat(value).replace(tzinfo=None)
                elif kind == _DATE:
                    value = date.fromisoformat(value[:10])
            elif kind == _BOOLEAN:
                value = bool(value)
            elif kind == _INTEGER and isinstance(value, float):
                value = int(value)
        row[name] = value
    return row


_PLAIN, _DATETIME, _DATE, _BOOLEAN, _INTEGER = range(5)


@cache
def _column_kinds(table: Table) -> dict[str, int]:
    """Each column's name and how a JSON value is decoded for it."""
    kinds: dict[str, int] = {}
    for column in table.columns:
        kind = column.type
        kinds[column.name] = (_DATETIME if isinstance(kind, DateTime) else
                              _DATE if isinstance(kind, Date) else
                              _BOOLEAN if isinstance(kind, Boolean) else
                              _INTEGER if isinstance(kind, Integer) else _PLAIN)
    return kinds


class SyncRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- state --------------------------------------------------------------------
    def state(self) -> SyncState:
        """The one state row, created on first use."""
        state = self.session.get(SyncState, 1)
        if state is None:
            state = SyncState(id=1, server_url="", street_code="", proxy="", ca_file="",
                              mutation_offset=0, initial_pull_done=False, pulled_records=0,
                              last_error="")
            self.session.add(state)
            self.session.flush()
        return state

    def peek_state(self) -> SyncState | None:
        return self.session.get(SyncState, 1)

    # --- outbox -------------------------------------------------------------------
    def next_seq(self) -> int:
        return int(self.session.scalar(select(func.max(OutboxEntry.seq))) or 0) + 1

    def first_waiting_seq(self) -> int | None:
        return self.session.scalar(
            select(func.min(OutboxEntry.seq)).where(OutboxEntry.state.in_(WAITING)))

    def waiting(self, limit: int, *, after: int = 0) -> Sequence[OutboxEntry]:
        """Outbox rows not yet answered, oldest first."""
        return self.session.scalars(
            select(OutboxEntry).where(OutboxEntry.state.in_(WAITING), OutboxEntry.seq > after)
            .order_by(OutboxEntry.seq).limit(limit)).all()

    def waiting_count(self) -> int:
        return int(self.session.scalar(
            select(func.count()).select_from(OutboxEntry)
            .where(OutboxEntry.state.in_(WAITING))) or 0)

    def answered_count(self, state: str) -> int:
        return int(self.session.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == state))
            or 0)

    def recent_outbox(self, limit: int = 500) -> Sequence[OutboxEntry]:
        """What the sync page lists: waiting and answered-but-not-applied rows."""
        return self.session.scalars(
            select(OutboxEntry).where(OutboxEntry.state != "applied")
            .order_by(OutboxEntry.seq).limit(limit)).all()

    def mark_sent(self, seqs: Sequence[int]) -> None:
        self.session.execute(
            update(OutboxEntry).where(OutboxEntry.seq.in_(seqs))
            .values(state="sent", attempts=OutboxEntry.attempts + 1))

    def mark_failed_attempt(self, seqs: Sequence[int], error: str) -> None:
        self.session.execute(
            update(OutboxEntry).where(OutboxEntry.seq.in_(seqs), OutboxEntry.state.in_(WAITING))
            .values(last_error=error))

    def mark_answered(self, seq: int, state: str, message: str) -> None:
        self.session.execute(update(OutboxEntry).where(OutboxEntry.seq == seq)
                             .values(state=state, last_error=message))

    def acknowledge(self, seqs: Sequence[int]) -> None:
        """Applied (or duplicate) rows leave the queue; the newest stays as a marker so
        its number is never reused (see local_db.models.sync)."""
        if not seqs:
            return
        self.session.execute(update(OutboxEntry).where(OutboxEntry.seq.in_(seqs))
                             .values(state="applied", last_error=""))
        self.prune_applied()

    def prune_applied(self) -> None:
        top = select(func.max(OutboxEntry.seq)).scalar_subquery()
        self.session.execute(delete(OutboxEntry).where(OutboxEntry.state == "applied",
                                                       OutboxEntry.seq < top))

    def outbox_entry(self, seq: int) -> OutboxEntry | None:
        return self.session.get(OutboxEntry, seq)

    def waiting_keys(self, table: str, ids: Iterable[str], *,
                     except_seq: int | None = None) -> set[str]:
        """Ids of ``table`` with a local edit still waiting for the district's answer;
        ``except_seq``: leave that outbox row out (the one being answered right now)."""
        ids = list(ids)
        if not ids:
            return set()
        found: set[str] = set()
        for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
            chunk = ids[start:start + 900]
            query = select(OutboxEntry.record_id).where(
                OutboxEntry.record_id.in_(chunk), OutboxEntry.table_name == table,
                OutboxEntry.state.in_(WAITING))
            if except_seq is not None:
                query = query.where(OutboxEntry.seq != except_seq)
            found.update(self.session.scalars(query).all())
        return found

    # --- conflicts ----------------------------------------------------------------
    def add_conflict(self, conflict: SyncConflict) -> None:
        self.session.add(conflict)

    def conflict(self, conflict_id: int) -> SyncConflict | None:
        return self.session.get(SyncConflict, conflict_id)

    def open_conflicts(self, limit: int = 500) -> Sequence[SyncConflict]:
        return self.session.scalars(
            select(SyncConflict).where(SyncConflict.resolved.is_(False))
            .order_by(SyncConflict.id).limit(limit)).all()

    def open_conflict_count(self) -> int:
        return int(self.session.scalar(
            select(func.count()).select_from(SyncConflict)
            .where(SyncConflict.resolved.is_(False))) or 0)

    # --- runs ---------------------------------------------------------------------
    def add_run(self, run: SyncRun) -> None:
        self.session.add(run)

    def run(self, run_id: int) -> SyncRun | None:
        return self.session.get(SyncRun, run_id)

    def recent_runs(self, limit: int = 50) -> Sequence[SyncRun]:
        return self.session.scalars(
            select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)).all()

    def last_run(self) -> SyncRun | None:
        return self.session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(1)).first()

    # --- applying pulled rows -----------------------------------------------------
    def apply_rows(self, rows: Sequence[PulledRow]) -> ApplyOutcome:
        """Store a page of district rows: newer versions only, waiting local edits kept.

        Call inside the page's transaction with foreign keys off for it (rows of one
        page may name a parent that comes in a later page). A table whose batch breaks
        a unique rule locally is applied row by row in savepoints; a row that still
        fails is returned in ``failed`` for the caller to record as a conflict.
        """
        tables = synced_tables()
        by_table: dict[str, list[PulledRow]] = {}
        for row in rows:
            if row.table in tables:
                by_table.setdefault(row.table, []).append(row)
        applied = waiting = 0
        failed: list[tuple[PulledRow, str]] = []
        for name, table_rows in by_table.items():
            table = tables[name]
            keep = self.waiting_keys(name, {row.id for row in table_rows})
            todo = _newest_per_id([row for row in table_rows if row.id not in keep])
            waiting += sum(1 for row in table_rows if row.id in keep)
            done, broken = self._apply_table(table, todo)
            applied += done
            failed.extend(broken)
        return ApplyOutcome(applied, waiting, failed)

    def _apply_table(self, table: Table, rows: list[PulledRow]
                     ) -> tuple[int, list[tuple[PulledRow, str]]]:
        try:
            with self.session.begin_nested():
                return self._write(table, rows), []
        except IntegrityError:
            pass
        done, failed = 0, []
        for row in rows:  # rare: find the row that breaks a local unique rule
            try:
                with self.session.begin_nested():
                    done += self._write(table, [row])
            except IntegrityError as error:
                failed.append((row, str(error.orig)))
        return done, failed

    def _write(self, table: Table, rows: list[PulledRow]) -> int:
        removed = [row for row in rows if row.deleted]
        kept = [row for row in rows if not row.deleted]
        count = 0
        if removed:
            ids = [row.id for row in removed]
            for start in range(0, len(ids), 900):
                self.session.execute(delete(table).where(table.c.id.in_(ids[start:start + 900])))
            if carried_children(table.name):
                delete_children(self.session, table.name, ids)
            count += len(removed)
        children = self._newer_children(table, kept)  # read before the upsert changes them
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in kept:
            values = decode_fields(table, row.fields)
            values["id"], values["version"] = row.id, row.version
            groups.setdefault(tuple(sorted(values)), []).append(values)
        for columns, values_list in groups.items():
            statement = sqlite_insert(table)
            changed = {name: statement.excluded[name] for name in columns if name != "id"}
            statement = statement.on_conflict_do_update(
                index_elements=[table.c.id], set_=changed,
                where=statement.excluded.version > table.c.version)
            self.session.execute(statement, values_list)
            count += len(values_list)
        if children:
            replace_children(self.session, table.name, children, decode=decode_fields)
        return count

    def _newer_children(self, table: Table, rows: list[PulledRow]) -> dict[str, Any]:
        """``_children`` of the pulled parents that the upsert will apply (absent here or
        newer than the local version): record id -> that field. Empty for tables
        without children, and for records that do not carry the field."""
        if not carried_children(table.name):
            return {}
        carrying = {row.id: row for row in rows
                    if isinstance(row.fields.get(CHILDREN_FIELD), dict)}
        if not carrying:
            return {}
        ids = list(carrying)
        local: dict[str, int] = {}
        for start in range(0, len(ids), 900):
            local.update(self.record_ids(table, ids[start:start + 900]))
        return {rid: row.fields[CHILDREN_FIELD] for rid, row in carrying.items()
                if local.get(rid, -1) < row.version}

    def force_row(self, table: Table, record_id: str, fields: dict[str, Any],
                  version: int) -> None:
        """Write one record as given, whatever the local version (the district's side
        of a conflict, or the user's side chosen again)."""
        row = decode_fields(table, {k: v for k, v in fields.items() if not k.startswith("_")})
        row["id"], row["version"] = record_id, version
        statement = sqlite_insert(table).values(row)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={name: statement.excluded[name] for name in row if name != "id"}))
        children = fields.get(CHILDREN_FIELD)
        if isinstance(children, dict) and carried_children(table.name):
            replace_children(self.session, table.name, {record_id: children},
                             decode=decode_fields)

    def record_ids(self, table: Table, ids: Sequence[str]) -> dict[str, int]:
        """Local versions of ``ids`` (tests and conflict checks)."""
        found = self.session.execute(select(table.c.id, table.c.version)
                                     .where(table.c.id.in_(ids))).all()
        return {row_id: int(version) for row_id, version in found}

    def set_local_version(self, table: Table, record_id: str, version: int) -> None:
        """After the district applied our edit: take its version number, unless a newer
        local edit is already waiting (that one carries its own base version)."""
        self.session.execute(update(table).where(and_(table.c.id == record_id,
                                                      table.c.version < version))
                             .values(version=version))


def _newest_per_id(rows: list[PulledRow]) -> list[PulledRow]:
    """A page may repeat a record; keep its newest version only."""
    newest: dict[str, PulledRow] = {}
    for row in rows:
        seen = newest.get(row.id)
        if seen is None or row.version >= seen.version:
            newest[row.id] = row
    return list(newest.values())
