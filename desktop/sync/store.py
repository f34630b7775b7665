"""The database steps of a sync run: plain blocking functions, each one short
transaction, so the engine can run them on the app's DB thread (or a worker thread on
the command line) and a kill between any two of them leaves a consistent state:

- rows are marked ``sent`` before the request (a kill after it just resends them; the
  server answers ``duplicate`` with the stored result);
- a push answer is stored in one transaction (acks, conflicts, rejections);
- a pulled page and its cursor are committed in one transaction, so a kill between the
  page and its cursor cannot happen: the page is either in with its cursor or absent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.orm import Session

from desktop.clock import now
from desktop.sync import files as sync_files
from desktop.sync.services import table_label
from local_db.models import CalendarDay, CalendarYear
from local_db.models.sync import OutboxEntry, SyncConflict, SyncRun
from local_db.outbox_events import APPLYING_PULL
from local_db.sync_repository import PulledRow, SyncRepository, synced_tables
from local_db.unit_of_work import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class Link:
    """What a run needs from the state row (read once at the start)."""

    client_id: str
    server_url: str
    street_code: str
    proxy: str
    ca_file: str
    mutation_offset: int
    pull_cursor: str | None


@dataclass(frozen=True)
class Batch:
    mutations: list[dict[str, Any]]
    seqs: list[int]
    files: dict[str, tuple[int, str]]  # sha256 -> (size, media type) the batch references


def read_link(uow_factory: UowFactory) -> Link | None:
    with uow_factory() as uow:
        state = uow.sync.peek_state()
        if state is None or not state.client_id or not state.server_url:
            return None
        return Link(state.client_id, state.server_url, state.street_code, state.proxy,
                    state.ca_file, state.mutation_offset, state.pull_cursor)


def start_run(uow_factory: UowFactory, trigger: str) -> int:
    with uow_factory() as uow:
        run = SyncRun(trigger=trigger, started_at=now(), pushed=0, pulled=0, conflicts=0,
                      rejected=0, result="running", error="")
        uow.sync.add_run(run)
        uow.sync.state().last_attempt_at = run.started_at
        uow.commit()
        return run.id


def finish_run(uow_factory: UowFactory, run_id: int, *, pushed: int, pulled: int,
               conflicts: int, rejected: int, error: str = "") -> None:
    with uow_factory() as uow:
        run = uow.sync.run(run_id)
        state = uow.sync.state()
        if run is not None:
            run.finished_at = now()
            run.pushed, run.pulled = pushed, pulled
            run.conflicts, run.rejected = conflicts, rejected
            run.result = "failed" if error else "ok"
            run.error = error
        state.last_error = error
        if not error:
            state.last_success_at = now()
        uow.commit()


def save_clock_skew(uow_factory: UowFactory, skew: int) -> None:
    with uow_factory() as uow:
        uow.sync.state().clock_skew_seconds = skew
        uow.commit()


ENVELOPE_BYTES = 200  # {"client_id": "…", "mutations": [ … ]} around the mutations
BODY_LIMIT = 1024 * 1024  # PROTOCOL.md "Limits" (the hello answer's max_body_bytes)
MUTATION_BYTES = 400  # a mutation's keys and values besides its fields, at most


def next_batch(uow_factory: UowFactory, link: Link, *, max_count: int, max_bytes: int,
               void: frozenset[int] = frozenset(), body_limit: int = BODY_LIMIT) -> Batch:
    """The oldest waiting rows, at most ``max_count`` and ``max_bytes`` of JSON (as the
    client sends it), marked ``sent`` in the same transaction.

    A row that alone would make a request over ``max_bytes`` (or that the district
    refused as too large when sent alone: ``void``) can never be sent: it goes as a
    ``void`` mutation instead (PROTOCOL.md), which the district answers ``rejected``, so
    its number is used, the queue goes on and the user reads why (``last_error``)."""
    with uow_factory() as uow:
        rows = uow.sync.waiting(max_count)
        mutations: list[dict[str, Any]] = []
        seqs: list[int] = []
        size = ENVELOPE_BYTES
        for row in rows:
            mutation = _mutation(row, link.mutation_offset)
            length = len(row.payload.encode()) + MUTATION_BYTES  # an upper bound, cheap
            if size + length > max_bytes:  # near a limit: measure exactly
                length = _json_size(mutation) + 1
            if row.seq in void or ENVELOPE_BYTES + length > max_bytes:
                mutation = _void(uow, row, mutation, body_limit)
                length = _json_size(mutation) + 1
            if mutations and size + length > max_bytes:
                break
            size += length
            mutations.append(mutation)
            seqs.append(row.seq)
        files = _attach_files(uow, mutations)
        if seqs:
            uow.sync.mark_sent(seqs)
            uow.commit()
        return Batch(mutations, seqs, files)


def _json_size(value: Any) -> int:
    """Bytes of ``value`` as the client encodes request bodies (desktop.sync.client)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def _void(uow: UnitOfWork, row: OutboxEntry, mutation: dict[str, Any],
          body_limit: int) -> dict[str, Any]:
    """The stand-in for a mutation too large to send; its row says why meanwhile."""
    uow.sync.mark_failed_attempt([row.seq], void_reason(row, body_limit))
    return {"id": mutation["id"], "table": row.table_name, "record_id": row.record_id,
            "op": "void", "base_version": row.base_version,
            "client_time": mutation.get("client_time")}


def _record_name(row: OutboxEntry) -> str:
    """How the user knows the record: its name, title or number."""
    try:
        fields = json.loads(row.payload)
    except ValueError:
        fields = {}
    for key in ("name", "title", "number", "code"):
        value = fields.get(key) if isinstance(fields, dict) else None
        if value:
            return str(value)[:30]
    return row.record_id[:8]


def void_reason(row: OutboxEntry, body_limit: int = BODY_LIMIT) -> str:
    """What the user reads about a change too large to upload, naming the record."""
    mib = 1024 * 1024
    limit = f"{body_limit // mib} MiB" if body_limit % mib == 0 else f"{body_limit // 1024} KiB"
    return (f"{table_label(row.table_name)}“{_record_name(row)}”的内容超过平台单条 {limit} "
            "上限，未上传，请精简后重新保存。")


def _attach_files(uow: UnitOfWork, mutations: list[dict[str, Any]]) -> dict[str, tuple[int, str]]:
    """A record's files travel before the record (content-addressed, uploaded once):
    a demand's and a joint action's file links (``desktop.sync.files``)."""
    return sync_files.attach_files(uow.session, mutations)


def _mutation(row: OutboxEntry, offset: int) -> dict[str, Any]:
    mutation: dict[str, Any] = {
        "id": row.seq - offset, "table": row.table_name, "record_id": row.record_id,
        "op": row.op, "base_version": row.base_version,
        "client_time": row.created_at.isoformat()}
    payload = json.loads(row.payload)
    if row.op == "command":
        mutation["command"] = payload.get("command")
        mutation["args"] = payload.get("args", {})
    elif row.op == "upsert":
        mutation["fields"] = payload
    return mutation


@dataclass
class PushTally:
    acknowledged: int = 0
    conflicts: int = 0
    rejected: int = 0


def store_push_answer(uow_factory: UowFactory, link: Link, answer: dict[str, Any], *,
                      body_limit: int = BODY_LIMIT) -> PushTally:
    """Store every result of one push answer in one transaction."""
    tally = PushTally()
    tables = synced_tables()
    with uow_factory() as uow:
        acknowledged: list[int] = []
        for result in answer.get("results", []):
            seq = int(result["mutation_id"]) + link.mutation_offset
            entry = uow.sync.outbox_entry(seq)
            if entry is None or entry.state not in ("pending", "sent"):
                continue  # already answered (a repeated answer)
            status = result.get("status")
            if status == "duplicate":
                status = result.get("original_status") or "applied"
            if status == "applied":
                acknowledged.append(seq)
                uow.sync.mark_answered(seq, "applied", "")  # answered: no longer waiting
                _take_server_version(uow, tables, entry, result)
            elif status == "rejected":
                tally.rejected += 1
                reason = (void_reason(entry, body_limit) if result.get("code") == "void"
                          else _reason(result, "区级平台拒收"))
                uow.sync.mark_answered(seq, "rejected", reason)
            elif status == "conflict":
                tally.conflicts += 1
                _record_conflict(uow, entry, result)
        uow.sync.acknowledge(acknowledged)
        tally.acknowledged = len(acknowledged)
        uow.commit()
    return tally


def _reason(result: dict[str, Any], fallback: str) -> str:
    message = str(result.get("message") or "").strip()
    code = str(result.get("code") or "").strip()
    return message or (f"{fallback}（{code}）" if code else fallback)


def _take_server_version(uow: UnitOfWork, tables: dict[str, Any], entry: OutboxEntry,
                         result: dict[str, Any]) -> None:
    """The district numbers versions itself; take its number unless another local
    edit of the record is still waiting (its own answer brings the number then). The
    entry itself and edits already answered in this push do not count. Where the
    district kept some of its own values (``server_fields``), its record is taken whole:
    with the same version number, the pull would never bring them."""
    table = tables.get(entry.table_name)
    version = result.get("version")
    if table is None or version is None or entry.op == "delete":
        return
    if uow.sync.waiting_keys(entry.table_name, [entry.record_id], except_seq=entry.seq):
        return
    kept = result.get("server_fields")
    if isinstance(kept, dict):
        uow.sync.force_row(table, entry.record_id, kept, int(version))
        return
    if entry.op == "command":
        return  # changed nothing here: the pull brings whatever the district holds
    uow.session.execute(update(table).where(table.c.id == entry.record_id)
                        .values(version=int(version)))


def _record_conflict(uow: UnitOfWork, entry: OutboxEntry, result: dict[str, Any]) -> None:
    code = str(result.get("code") or "")
    uow.sync.mark_answered(entry.seq, "conflict", _reason(result, "与区级平台的数据冲突"))
    server = result.get("server_fields")
    if server is not None and result.get("version") is not None:
        server = {**server, "_version": int(result["version"])}  # for "keep the district's"
    _show_district_side(uow, entry, server)
    uow.sync.add_conflict(SyncConflict(
        table_name=entry.table_name, record_id=entry.record_id, outbox_seq=entry.seq,
        local_json=entry.payload,
        server_json=json.dumps(server, ensure_ascii=False) if server is not None else "",
        reason=_reason(result, "与区级平台的数据冲突"),
        resendable=code == "district_override", created_at=now(), resolved=False))


def _show_district_side(uow: UnitOfWork, entry: OutboxEntry, server: dict[str, Any] | None
                        ) -> None:
    """The district decides: its record replaces the local one at once (the feed would
    not resend it, its version being no newer than the local edit's). The user's side
    stays in the conflict and can be chosen again where the policy allows."""
    table = synced_tables().get(entry.table_name)
    if table is None or not server or "_version" not in server:
        return
    if uow.sync.waiting_keys(entry.table_name, [entry.record_id], except_seq=entry.seq):
        return  # a later local edit waits; its own answer settles the record
    uow.sync.force_row(table, entry.record_id, server, int(server["_version"]))


def note_push_failure(uow_factory: UowFactory, seqs: list[int], error: str) -> None:
    with uow_factory() as uow:
        uow.sync.mark_failed_attempt(seqs, error)
        uow.commit()


# --- pull ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageResult:
    applied: int
    waiting: int
    failed: int
    received: int


def apply_page(engine: Engine, changes: list[dict[str, Any]], cursor: str,
               remaining: int | None) -> PageResult:
    """Apply one pulled page and save its cursor in ONE transaction.

    Foreign keys are off on this connection for the transaction: the feed orders records
    by their last change, so a child can arrive a page before its parent. The write
    lock is taken up front (BEGIN IMMEDIATE) so a concurrent writer waits instead of
    failing half-way.
    """
    rows = [PulledRow(c["table"], str(c["id"]), int(c["version"]), bool(c.get("deleted")),
                      c.get("fields") or {}) for c in changes]
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            with Session(bind=connection, join_transaction_mode="rollback_only") as session:
                session.info[APPLYING_PULL] = True
                result = _apply(session, rows, cursor, remaining)
                session.flush()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    return result


def _apply(session: Session, rows: list[PulledRow], cursor: str,
           remaining: int | None) -> PageResult:
    repository = SyncRepository(session)
    calendar = [row for row in rows if row.table == "calendar_year"]
    outcome = repository.apply_rows([row for row in rows if row.table != "calendar_year"])
    for row in calendar:
        _apply_calendar_year(session, row)
    for row, error in outcome.failed:
        repository.add_conflict(SyncConflict(
            table_name=row.table, record_id=row.id, outbox_seq=None, local_json="",
            server_json=json.dumps(row.fields, ensure_ascii=False),
            reason=f"区级平台下发的记录无法保存到本机（{error}），请联系系统管理员核对两边数据。",
            resendable=False, created_at=now(), resolved=False))
    state = repository.state()
    state.pull_cursor = cursor
    state.pulled_records += len(rows)
    if remaining is not None:
        state.pull_total = state.pulled_records + remaining
    return PageResult(outcome.applied + len(calendar), outcome.waiting, len(outcome.failed),
                      len(rows))


def _apply_calendar_year(session: Session, row: PulledRow) -> None:
    """``calendar_year`` travels as one record per year with its days inside."""
    fields = row.fields
    year = int(fields.get("year") or row.id)
    session.execute(delete(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                              CalendarDay.day <= date(year, 12, 31)))
    session.execute(delete(CalendarYear).where(CalendarYear.year == year))
    if row.deleted:
        return
    days = [{"day": date.fromisoformat(str(day["day"])[:10]),
             "is_workday": bool(day.get("is_workday")), "name": str(day.get("name") or "")}
            for day in fields.get("days") or []]
    if days:
        session.execute(insert(CalendarDay), days)
    published = fields.get("published_on")
    session.execute(insert(CalendarYear).values(
        year=year, source="district", updated_at=datetime.now().replace(microsecond=0),
        published_on=date.fromisoformat(str(published)[:10]) if published else None))


def mark_initial_pull_done(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        state = uow.sync.state()
        if not state.initial_pull_done:
            state.initial_pull_done = True
            uow.commit()


def waiting_count(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return uow.sync.waiting_count()


def pull_position(uow_factory: UowFactory) -> tuple[str | None, int]:
    """(saved cursor, records received so far): where the pull resumes."""
    with uow_factory() as uow:
        state = uow.sync.peek_state()
        return (state.pull_cursor, state.pulled_records) if state else (None, 0)

