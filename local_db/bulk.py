"""Bulk writes: one executemany straight to the driver, and the outbox rows for the
records such statements write.

A bulk insert (``executemany`` straight to the driver, as the roster import does for
10,000 officers) bypasses the session hooks of ``local_db.outbox_events``, so without
this the imported people would never reach the district or the street's other PCs.
``queue_bulk_inserts`` writes the same outbox rows the hooks would have written — one
``upsert`` per record, base version 0, the row's columns as JSON and, for a parent of
child rows, its children (read back in one query per child table) — with ONE multi-row
insert on the caller's connection, so they commit or roll back with the import.

Pass the child rows inserted with the records (an officer's first history line travels
inside the officer) as ``children``; without them, call it after the children are
inserted and they are read back. Payloads are written with orjson: the standard
encoder, calling back into Python for every date, was a fifth of a 10,000-row import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Table
from sqlalchemy.orm import Session

from local_db.models.sync import OutboxEntry
from local_db.outbox_events import APPLYING_PULL, json_value
from local_db.sync_children import (
    CHILDREN_FIELD,
    carried_children,
    children_of_new_rows,
    read_children,
)
from local_db.sync_repository import synced_tables

_CHUNK = 2_000  # outbox rows per insert statement (payloads can be a few KB each)


def insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One executemany straight to the driver. Values go through SQLAlchemy's own bind
    processors for the column types (so dates are stored exactly as the ORM stores
    them), once per distinct value: per-row Core parameter processing costs as much as
    SQLite's own work, and the 10,000-row bar has no room for it."""
    if not rows:
        return
    names = [column.name for column in table.columns if column.name in rows[0]]
    skipped = {c.name for c in table.columns} - set(names)
    if skipped - {c.name for c in table.primary_key.columns if c.autoincrement is True}:
        raise RuntimeError(f"bulk insert into {table.name} misses columns {sorted(skipped)}")
    dialect = session.get_bind().dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=names)
    columns = []
    for name in compiled.positiontup or names:
        values = [row[name] for row in rows]
        process = table.columns[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            done: dict[Any, Any] = {None: None}
            values = [done[v] if v in done else done.setdefault(v, process(v)) for v in values]
        columns.append(values)
    session.connection().exec_driver_sql(compiled.string, list(zip(*columns, strict=True)))


def _json_default(value: Any) -> Any:
    """What orjson cannot write itself (decimals, bytes) goes through ``json_value``."""
    converted = json_value(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
    return converted


def queue_bulk_inserts(session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                       children: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
                       ) -> int:
    """Queue the records ``rows`` (column name → value, as inserted) of ``table``;
    returns how many outbox rows were written (0 for a table that does not travel).
    ``children``: child table name → every child row inserted with these records."""
    if not rows or session.info.get(APPLYING_PULL) or table.name not in synced_tables():
        return 0
    ids = [str(row["id"]) for row in rows]
    carried: dict[str, Any] = {}
    if carried_children(table.name):
        carried = (children_of_new_rows(table.name, ids, children) if children is not None
                   else read_children(session.connection(), table.name, ids))
    now = datetime.now()
    table_name, names = str(table.name), [str(column.name) for column in table.columns]
    # rows holding exactly the table's columns are copied whole (orjson: plain str keys)
    whole = all(type(name) is str for name in rows[0]) and set(rows[0]) == set(names)
    entries = []
    for record_id, row in zip(ids, rows, strict=True):
        payload = dict(row) if whole else {name: row.get(name) for name in names}
        if record_id in carried:
            payload[CHILDREN_FIELD] = carried[record_id]
        entries.append({"table_name": table_name, "record_id": record_id,
                        "version": int(row.get("version") or 1), "base_version": 0,
                        "op": "upsert", "payload": orjson.dumps(
                            payload, default=_json_default).decode(),
                        "created_at": now, "attempts": 0, "last_error": "",
                        "state": "pending"})
    for start in range(0, len(entries), _CHUNK):
        insert_many(session, OutboxEntry.__table__, entries[start:start + _CHUNK])
    return len(entries)
