"""Read both sides of one street and compare them record by record.

The server side is read straight from the reference server's SQLite file (its
``records`` table: the street's rows and the district-wide ones), the client side from
the install's SQLite file through the synced tables' metadata. Each record is compared
by (table, id), version and every field the server holds that the local table has a
column for, with values normalised the way the district compares them (datetimes as
datetimes, empty as empty); a parent record's child rows (``_children``: a demand's
timeline, an action's participants, …) are compared too, in order.

Records that legitimately exist on one side only are not differences: a local record
whose mutations were all refused (``rejected``) never reached the district, and the
district may hold tables this client's schema does not store. Both are reported
separately so a test can still assert on them.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select

from local_db.outbox_events import json_value
from local_db.sync_children import CHILDREN_FIELD, carried_children, read_children
from local_db.sync_repository import synced_tables

Key = tuple[str, str]


@dataclass(frozen=True)
class Record:
    table: str
    id: str
    version: int
    fields: dict[str, Any]


def db_path(url_or_path: str | Path) -> Path:
    text = str(url_or_path)
    return Path(text.removeprefix("sqlite:///"))


def server_records(district_db: str | Path, street: str) -> dict[Key, Record]:
    """Live (not deleted) records the street sees on the district: its own and the
    district-wide ones."""
    with contextlib.closing(sqlite3.connect(db_path(district_db), timeout=30)) as db:
        rows = db.execute("select table_name, id, version, fields, deleted from records "
                          "where street in (?, '*')", (street,)).fetchall()
    return {(t, i): Record(t, i, v, json.loads(f)) for t, i, v, f, deleted in rows
            if not deleted}


def server_deleted(district_db: str | Path, street: str) -> set[Key]:
    with contextlib.closing(sqlite3.connect(db_path(district_db), timeout=30)) as db:
        rows = db.execute("select table_name, id from records where street in (?, '*') "
                          "and deleted", (street,)).fetchall()
    return {(t, i) for t, i in rows}


def client_records(local_db: str | Path) -> dict[Key, Record]:
    """Every row of every synced table of an install, as JSON-like values."""
    engine = create_engine(f"sqlite:///{db_path(local_db)}")
    found: dict[Key, Record] = {}
    try:
        with engine.connect() as connection:
            for name, table in synced_tables().items():
                rows = list(connection.execute(select(table)).mappings())
                children = read_children(connection, name, [str(r["id"]) for r in rows],
                                         convert=json_value) if carried_children(name) else {}
                for row in rows:
                    values = {column: json_value(value) for column, value in row.items()}
                    if children:
                        values[CHILDREN_FIELD] = children[str(row["id"])]
                    found[(name, str(row["id"]))] = Record(name, str(row["id"]),
                                                           int(row["version"]), values)
    finally:
        engine.dispose()
    return found


def rejected_keys(local_db: str | Path) -> set[Key]:
    """Records with a refused mutation in the install's outbox."""
    with contextlib.closing(sqlite3.connect(db_path(local_db), timeout=30)) as db:
        rows = db.execute("select table_name, record_id from sync_outbox "
                          "where state = 'rejected'").fetchall()
    return {(t, i) for t, i in rows}


def normal(value: Any) -> Any:
    """A value as the district compares it."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-":
        try:
            return datetime.fromisoformat(value).isoformat()
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class Comparison:
    only_server: list[Key] = field(default_factory=list)
    only_client: list[Key] = field(default_factory=list)
    versions: list[tuple[Key, int, int]] = field(default_factory=list)  # key, server, client
    fields: list[tuple[Key, str, Any, Any]] = field(default_factory=list)
    not_stored_here: set[str] = field(default_factory=set)  # server tables without a local one
    refused_locally: list[Key] = field(default_factory=list)
    compared: int = 0

    @property
    def equal(self) -> bool:
        return not (self.only_server or self.only_client or self.versions or self.fields)

    def summary(self, limit: int = 12) -> str:
        parts = [f"compared {self.compared} records"]
        for name, items in (("only on the server", self.only_server),
                            ("only on the client", self.only_client),
                            ("version differs (server, client)", self.versions),
                            ("field differs (server, client)", self.fields)):
            if items:
                parts.append(f"{len(items)} {name}: {items[:limit]}")
        return "; ".join(parts)


def compare(server: dict[Key, Record], client: dict[Key, Record],
            refused: Iterable[Key] = ()) -> Comparison:
    local_tables = synced_tables()
    result = Comparison()
    refused = set(refused)
    for key, record in server.items():
        table = local_tables.get(record.table)
        if table is None:
            result.not_stored_here.add(record.table)
            continue
        mine = client.get(key)
        if mine is None:
            result.only_server.append(key)
            continue
        result.compared += 1
        if mine.version != record.version:
            result.versions.append((key, record.version, mine.version))
        for name, value in record.fields.items():
            if name in table.columns and name not in ("id", "version") \
                    and normal(value) != normal(mine.fields.get(name)):
                result.fields.append((key, name, value, mine.fields.get(name)))
        result.fields.extend(children_differences(key, record.fields, mine.fields))
    for key in client.keys() - server.keys():
        (result.refused_locally if key in refused else result.only_client).append(key)
    result.only_server.sort()
    result.only_client.sort()
    return result


def children_differences(key: Key, server: dict[str, Any], client: dict[str, Any]
                         ) -> list[tuple[Key, str, Any, Any]]:
    """The child rows a parent carries (``_children``, local_db/sync_children.py), table
    by table, in order, each value normalised; a record the district holds without the
    field has no children there."""
    found: list[tuple[Key, str, Any, Any]] = []
    theirs, mine = server.get(CHILDREN_FIELD) or {}, client.get(CHILDREN_FIELD) or {}
    for child in carried_children(key[0]):
        server_rows = [{name: normal(row.get(name)) for name in child.fields}
                       for row in theirs.get(child.name) or []]
        client_rows = [{name: normal(row.get(name)) for name in child.fields}
                       for row in mine.get(child.name) or []]
        if server_rows != client_rows:
            found.append((key, f"{CHILDREN_FIELD}.{child.name}", server_rows, client_rows))
    return found


def compare_street(district_db: str | Path, street: str, local_db: str | Path) -> Comparison:
    return compare(server_records(district_db, street), client_records(local_db),
                   rejected_keys(local_db))


def assert_converged(district_db: str | Path, street: str, *local_dbs: str | Path) -> Comparison:
    """Every install equals the district for the street (and so each other)."""
    last = Comparison()
    for local in local_dbs:
        last = compare_street(district_db, street, local)
        assert last.equal, f"{local}: {last.summary()}"
    return last
