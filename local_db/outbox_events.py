"""The sync outbox, written in the same transaction as each change, without touching
any service.

``install_outbox(factory)`` hooks the sessions of one session factory:

- ``before_flush`` makes sure every changed synced record's ``version`` grows exactly
  once per transaction (base.SyncedRecord promises it), whether a service bumped it
  too or not (``raise_version``), so the district can tell a newer row from an older one;
- ``after_flush`` appends one ``sync_outbox`` row per inserted, updated or deleted
  ``SyncedRecord`` instance, with the row's columns as JSON, through a Core insert on
  the flush's own connection: the outbox row commits or rolls back with the change.
  A record changed by several flushes of one transaction gets one outbox row (updated
  in place), so mutation order still follows the first change.
  Each row's ``base_version`` is the last version the district gave the record: for
  a record with an edit still waiting, that edit's base (``_waiting_bases``).

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
import weakref
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction, object_session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from local_db.base import SyncedRecord
from local_db.models.sync import OutboxEntry
from local_db.sync_children import (
    CHILDREN_FIELD,
    carried_children,
    child_of,
    empty_children,
    parent_in_session,
    pending_children,
    read_children,
)

APPLYING_PULL = "sync.applying_pull"
COMMAND_RULE = "sync.command_rule"  # session.info key of the installed CommandRule
_PENDING_KEY = "sync.outbox_rows"  # (table, id) -> (seq, base_version) in this transaction
_BUMPED_KEY = "sync.bumped"  # (table, id) whose version this transaction already raised
_TARGET_KEY = "sync.versions"  # (table, id) -> the version this transaction gives it
_CHILDREN_KEY = "sync.children"  # this flush's inserts and (table, inserted?) -> children
LOCAL_ONLY_TABLES = frozenset({"user_account", "sub_center"})
_HOOKED_FACTORIES: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


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
    """Every mapped column of ``instance`` by column name (not attribute name); a
    parent of child rows (``local_db.sync_children``) also carries them all, as
    ``_children``, read on the flush's connection."""
    mapper = inspect(instance).mapper
    payload = {prop.columns[0].name: json_value(getattr(instance, prop.key))
               for prop in mapper.column_attrs}
    table = mapper.local_table.name
    if carried_children(table):
        payload[CHILDREN_FIELD] = _children_field(instance, table)
    return payload


def _children_field(instance: object, table: str) -> dict[str, list[dict[str, Any]]]:
    """The children of ``instance``. A parent this flush inserted has only the children
    inserted with it (read from the session, no query); for the others, the first one
    of a table in a flush loads those of every parent of that table the flush writes,
    one query per child table (an import flushes thousands). The cache lives until the
    next flush begins."""
    session = object_session(instance)
    record_id = str(instance.id)  # type: ignore[attr-defined]
    if session is None:
        return empty_children(table)
    cache: dict[Any, Any] = session.info.setdefault(_CHILDREN_KEY, {})
    inserted = cache.get("inserted")
    if inserted is None:
        inserted = cache["inserted"] = set(session.new)  # the flush's inserts (after_flush)
    if instance in inserted:
        new = cache.get((table, True))
        if new is None:
            new = cache[(table, True)] = pending_children(session, table, convert=json_value)
        return new.get(record_id) or empty_children(table)  # type: ignore[no-any-return]
    found = cache.get((table, False))
    if found is None or record_id not in found:
        ids = {str(other.id) for other in session.dirty  # type: ignore[attr-defined]
               if isinstance(other, SyncedRecord) and other.__table__.name == table}  # type: ignore[attr-defined]
        ids.add(record_id)
        found = cache[(table, False)] = {**(found or {}), **read_children(
            session.connection(), table, sorted(ids), convert=json_value)}
    return found[record_id]  # type: ignore[no-any-return]


def synced(instance: object) -> bool:
    return isinstance(instance, SyncedRecord) and (
        inspect(instance).mapper.local_table.name not in LOCAL_ONLY_TABLES)


def _key(instance: object) -> tuple[str, str]:
    return inspect(instance).mapper.local_table.name, str(instance.id)  # type: ignore[attr-defined]


def raise_version(instance: object, session: Session | None = None) -> None:
    """Give ``instance`` the version this transaction gives it: the version it had when
    the transaction first changed it, plus one, however many times a service or this
    hook raised it meanwhile (an autoflush bumps it, then the service's own ``touch``
    would bump it again). Services call it instead of ``version += 1``; a record not
    yet inserted keeps its version (1 on insert)."""
    session = session or object_session(instance)
    state = inspect(instance)
    if session is None or state.transient or state.pending:
        return
    targets = _targets(session)
    key = _key(instance)
    target = targets.get(key)
    if target is None:
        history = state.attrs.version.history
        original = history.deleted[0] if history.deleted else instance.version  # type: ignore[attr-defined]
        target = targets[key] = int(original or 0) + 1
    if instance.version != target:  # type: ignore[attr-defined]
        instance.version = target  # type: ignore[attr-defined]


def _targets(session: Session) -> dict[tuple[str, str], int]:
    """This transaction's target versions (kept with the transaction they belong to, so
    a session without the clean-up hooks never carries them into the next one)."""
    transaction = session.get_transaction()
    held = session.info.get(_TARGET_KEY)
    if held is None or held[0] is not transaction:
        held = session.info[_TARGET_KEY] = (transaction, {})
    return held[1]  # type: ignore[no-any-return]


def _bump_versions(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    """Raise ``version`` by exactly one for each synced record changed in this
    transaction, whoever raised it already (see ``raise_version``)."""
    if session.info.get(APPLYING_PULL):
        return
    bumped: set[tuple[str, str]] = session.info.setdefault(_BUMPED_KEY, set())
    _touch_parents_of_changed_children(session, bumped)
    for instance in list(session.dirty):
        if not synced(instance) or not session.is_modified(instance, include_collections=False):
            continue
        bumped.add(_key(instance))
        raise_version(instance, session)


def _touch_parents_of_changed_children(session: Session, bumped: set[tuple[str, str]]
                                       ) -> None:
    """Child rows (``local_db.sync_children.REGISTRY``: a demand's steps, an action's
    participants, a grid's or officer's history, a demand's file links) travel inside
    their parent: a child inserted, changed or deleted makes its parent travel again,
    one version up per transaction; a parent already raised by an earlier flush of the
    transaction is marked changed so its queued payload is rewritten with the children."""
    session.info.pop(_CHILDREN_KEY, None)  # children may change in this flush
    new, deleted = set(session.new), set(session.deleted)
    changed = [instance for instance in session.dirty
               if child_of(instance) is not None and session.is_modified(instance)]
    for instance in (*new, *changed, *deleted):
        child = child_of(instance)
        if child is None:
            continue
        parent_id, parent = parent_in_session(session, child, instance)
        if parent_id is None or parent is None or parent in new or parent in deleted:
            continue  # a new parent travels anyway, with its children
        bumped.add((child.parent_table, parent_id))
        raise_version(parent, session)
        if not session.is_modified(parent, include_collections=False):
            flag_modified(parent, "version")


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
    targets = _targets(session)
    connection = session.connection()
    earlier = _waiting_bases(connection, [_key(instance) for instance, _op, _base in changes
                                          if instance not in session.new])
    now = datetime.now()
    rows: list[dict[str, Any]] = []
    keys: list[tuple[tuple[str, str], int] | None] = []  # the record (and base) of each row
    with session.no_autoflush:
        for instance, op, base in changes:
            key = _key(instance)
            bumped.add(key)  # changed once in this transaction: no second version bump
            version = int(instance.version or 1)  # type: ignore[attr-defined]
            targets.setdefault(key, version)  # an insert keeps its version for good
            payload = json.dumps(row_payload(instance), ensure_ascii=False)
            if key in pending and _rewrite(connection, pending[key][0], version, op, payload):
                base = pending[key][1]
            else:
                base = earlier.get(key, base)
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


def _waiting_bases(connection: Any, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The base version of the oldest edit of each record still waiting for the district
    (committed earlier, or written earlier in this transaction).

    A later edit of such a record must carry the same base: the install's own version
    numbers are not the district's, and a base the district never issued would read
    as "made after your last version" and silently undo a district override. Once the
    waiting edit is answered, the record carries the district's number again
    (desktop.sync.store), and new edits start from it."""
    found: dict[tuple[str, str], int] = {}
    ids = sorted({record_id for _table, record_id in keys})
    for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        rows = connection.execute(
            select(OutboxEntry.table_name, OutboxEntry.record_id, OutboxEntry.base_version)
            .where(OutboxEntry.record_id.in_(ids[start:start + 900]),
                   OutboxEntry.state.in_(("pending", "sent")))
            .order_by(OutboxEntry.seq.desc()))
        for table, record_id, base in rows:
            found[(table, record_id)] = int(base)  # the oldest row wins (read last)
    wanted = set(keys)
    return {key: base for key, base in found.items() if key in wanted}


def _rewrite(connection: Any, seq: int, version: int, op: str, payload: str) -> bool:
    """The second flush of a record in one transaction updates its first outbox row;
    False when a rolled-back savepoint took that row away (then it is written anew)."""
    done = connection.execute(update(OutboxEntry).where(OutboxEntry.seq == seq)
                              .values(version=version, op=op, payload=payload))
    return bool(done.rowcount == 1)


def _forget_transaction(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_BUMPED_KEY, None)
    session.info.pop(_TARGET_KEY, None)


def install_outbox(factory: sessionmaker[Session], *,
                   command_rule: CommandRule | None = None) -> None:
    """Hook the outbox into every session ``factory`` makes (idempotent). With
    ``command_rule``, status changes it recognises also queue command mutations."""
    if command_rule is not None:
        factory.kw.setdefault("info", {})[COMMAND_RULE] = command_rule
    # Not ``event.contains``: SQLAlchemy keys its registry by id() of the factory's
    # Session subclass, and a new factory made after an old one was collected often
    # gets the same id, so ``contains`` answered True for hooks the new factory never
    # had and its sessions wrote no outbox rows at all.
    if factory in _HOOKED_FACTORIES:
        return
    for name, hook in (("before_flush", _bump_versions), ("after_flush", _record_outbox),
                       ("after_commit", _forget_transaction),
                       ("after_soft_rollback", _forget_transaction)):
        event.listen(factory, name, hook)
    _HOOKED_FACTORIES.add(factory)
