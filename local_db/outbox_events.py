"""The sync outbox, written in the same transaction as each change, without touching
any service.

``install_outbox(factory)`` hooks the sessions of one session factory:

- ``before_flush`` makes sure every changed synced record's ``version`` grows once per
  transaction (base.SyncedRecord promises it; a service that bumped it itself is left
  alone), so the district can tell a newer row from an older one;
- ``after_flush`` appends one ``sync_outbox`` row per inserted, updated or deleted
  ``SyncedRecord`` instance, with the row's columns as JSON, through a Core insert on
  the flush's own connection: the outbox row commits or rolls back with the change.
  A record changed by several flushes of one transaction gets one outbox row (updated
  in place), so mutation order still follows the first change.

Not captured, on purpose:
- bulk Core statements (``session.execute(insert(...))``, the scale data generator):
  they bypass the unit of work; a bulk load is a local test fixture, not street work;
- changes made with ``session.info[APPLYING_PULL] = True``: rows that came from the
  district must not travel back to it (the pull applies with Core statements anyway);
- tables listed in ``LOCAL_ONLY_TABLES`` (user accounts hold password hashes; the
  sub-center row is set up from the district at enrolment, not sent to it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, update
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from local_db.base import SyncedRecord
from local_db.models.demands import Demand, DemandAttachment
from local_db.models.sync import OutboxEntry

APPLYING_PULL = "sync.applying_pull"
COMMAND_RULE = "sync.command_rule"  # session.info key of the installed CommandRule
_PENDING_KEY = "sync.outbox_rows"  # (table, id) -> (seq, base_version) in this transaction
_BUMPED_KEY = "sync.bumped"  # (table, id) whose version this transaction already raised
LOCAL_ONLY_TABLES = frozenset({"user_account", "sub_center"})


# (session, instance, created, {column: (before, after)}) -> [(table, record id,
# command, args)]: the status changes that travel as commands checked by the district's
# state machine (a dispatched work order's 签收, 退回, 办结), queued after the row.
CommandRule = Callable[[Session, object, bool, dict[str, tuple[Any, Any]]],
                       list[tuple[str, str, str, dict[str, Any]]]]


def json_value(value: Any) -> Any:
    """A column value as JSON: dates and times as ISO text, decimals as floats."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def row_payload(instance: object) -> dict[str, Any]:
    """Every mapped column of ``instance`` by column name (not attribute name)."""
    mapper = inspect(instance).mapper
    return {prop.columns[0].name: json_value(getattr(instance, prop.key))
            for prop in mapper.column_attrs}


def synced(instance: object) -> bool:
    return isinstance(instance, SyncedRecord) and (
        inspect(instance).mapper.local_table.name not in LOCAL_ONLY_TABLES)


def _key(instance: object) -> tuple[str, str]:
    return inspect(instance).mapper.local_table.name, str(instance.id)  # type: ignore[attr-defined]


def _bump_versions(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    """Raise ``version`` by one for each synced record changed in this transaction,
    unless the service already did."""
    if session.info.get(APPLYING_PULL):
        return
    bumped: set[tuple[str, str]] = session.info.setdefault(_BUMPED_KEY, set())
    _touch_parents_of_new_files(session, bumped)
    for instance in list(session.dirty):
        if not synced(instance) or not session.is_modified(instance, include_collections=False):
            continue
        key = _key(instance)
        if key in bumped:
            continue
        bumped.add(key)
        if not inspect(instance).attrs.version.history.has_changes():
            instance.version = (instance.version or 0) + 1  # type: ignore[attr-defined]


def _touch_parents_of_new_files(session: Session, bumped: set[tuple[str, str]]) -> None:
    """A demand's attachment links do not travel on their own: a new link makes its
    demand travel again, one version up (the push uploads the file first, names it)."""
    for instance in list(session.new):
        if isinstance(instance, DemandAttachment):
            with session.no_autoflush:
                parent = session.get(Demand, instance.demand_id)
            key = ("demand", instance.demand_id)
            if parent is None or parent in session.new or key in bumped:
                continue
            bumped.add(key)
            if not inspect(parent).attrs.version.history.has_changes():
                parent.version = (parent.version or 0) + 1


def _base_version(instance: object) -> int:
    history = inspect(instance).attrs.version.history
    if history.deleted:
        return int(history.deleted[0] or 0)
    return int(instance.version or 0)  # type: ignore[attr-defined]


def _changes(session: Session) -> list[tuple[object, str, int]]:
    """(instance, op, base version) for every synced record this flush wrote."""
    found: list[tuple[object, str, int]] = []
    for instance in session.new:
        if synced(instance):
            found.append((instance, "upsert", 0))
    for instance in session.dirty:
        if synced(instance) and session.is_modified(instance, include_collections=False):
            found.append((instance, "upsert", _base_version(instance)))
    for instance in session.deleted:
        if synced(instance):
            found.append((instance, "delete", _base_version(instance)))
    return found


def _column_changes(instance: object) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    state = inspect(instance)
    for prop in state.mapper.column_attrs:
        history = state.attrs[prop.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            changes[prop.columns[0].name] = (before, getattr(instance, prop.key))
    return changes


def _commands(session: Session, instance: object, op: str, base: int,
              now: datetime) -> list[dict[str, Any]]:
    """Outbox rows for the commands the installed rule derives from this change."""
    rule: CommandRule | None = session.info.get(COMMAND_RULE)
    if rule is None or op == "delete":
        return []
    created = instance in session.new
    commands = rule(session, instance, created, {} if created else _column_changes(instance))
    return [{"table_name": table, "record_id": record_id, "op": "command",
             "version": int(instance.version or 1), "base_version": base,  # type: ignore[attr-defined]
             "payload": json.dumps({"command": command, "args": args}, ensure_ascii=False),
             "created_at": now, "attempts": 0, "last_error": "", "state": "pending"}
            for table, record_id, command, args in commands]


def _record_outbox(session: Session, _ctx: UOWTransaction) -> None:
    """Queue this flush's changes with ONE multi-row insert (a big import flushes
    thousands of records; one statement each made it a third slower)."""
    if session.info.get(APPLYING_PULL):
        return
    changes = _changes(session)
    if not changes:
        return
    pending: dict[tuple[str, str], tuple[int, int]] = session.info.setdefault(_PENDING_KEY, {})
    bumped: set[tuple[str, str]] = session.info.setdefault(_BUMPED_KEY, set())
    connection = session.connection()
    now = datetime.now()
    rows: list[dict[str, Any]] = []
    keys: list[tuple[tuple[str, str], int] | None] = []  # the record (and base) of each row
    with session.no_autoflush:
        for instance, op, base in changes:
            key = _key(instance)
            bumped.add(key)  # changed once in this transaction: no second version bump
            version = int(instance.version or 1)  # type: ignore[attr-defined]
            payload = json.dumps(row_payload(instance), ensure_ascii=False)
            if key in pending and _rewrite(connection, pending[key][0], version, op, payload):
                base = pending[key][1]
            else:
                rows.append({"table_name": key[0], "record_id": key[1], "version": version,
                             "base_version": base, "op": op, "payload": payload,
                             "created_at": now, "attempts": 0, "last_error": "",
                             "state": "pending"})
                keys.append((key, base))
            commands = _commands(session, instance, op, base, now)
            rows.extend(commands)
            keys.extend([None] * len(commands))
    if rows:
        statement = insert(OutboxEntry).returning(OutboxEntry.seq, sort_by_parameter_order=True)
        for known, seq in zip(keys, connection.execute(statement, rows).scalars(), strict=True):
            if known is not None:
                pending[known[0]] = (int(seq), known[1])


def _rewrite(connection: Any, seq: int, version: int, op: str, payload: str) -> bool:
    """The second flush of a record in one transaction updates its first outbox row;
    False when a rolled-back savepoint took that row away (then it is written anew)."""
    done = connection.execute(update(OutboxEntry).where(OutboxEntry.seq == seq)
                              .values(version=version, op=op, payload=payload))
    return bool(done.rowcount == 1)


def _forget_transaction(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_BUMPED_KEY, None)


def install_outbox(factory: sessionmaker[Session], *,
                   command_rule: CommandRule | None = None) -> None:
    """Hook the outbox into every session ``factory`` makes (idempotent). With
    ``command_rule``, status changes it recognises also queue command mutations."""
    if command_rule is not None:
        factory.kw.setdefault("info", {})[COMMAND_RULE] = command_rule
    hooks = (
        ("before_flush", _bump_versions),
        ("after_flush", _record_outbox),
        ("after_commit", _forget_transaction),
        ("after_soft_rollback", _forget_transaction),
    )
    for name, hook in hooks:
        if not event.contains(factory, name, hook):
            event.listen(factory, name, hook)
