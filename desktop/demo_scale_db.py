"""The bulk writing shared by the scale data set's steps (``demo_scale``): rows go in
with ``executemany`` on the session's own SQLite connection, inside the session's
transaction, so each step stays one transaction that a cancel or an error rolls back
whole (no ORM object per row: a million of them would take hours)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from desktop.progress import CancelToken
from local_db.unit_of_work import UnitOfWork

BATCH = 10_000
SCALE_MARK = "demo-scale"  # the audit rows' entity_id: marks a folder that has the data


def driver(uow: UnitOfWork) -> sqlite3.Connection:
    """The session's own SQLite connection, inside the session's transaction."""
    connection = uow.session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    if not connection.in_transaction:
        connection.execute("BEGIN IMMEDIATE")  # so any DDL that follows is part of it
    return connection


def insert_sql(table: str, columns: Sequence[str]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})")


def write_rows(db: sqlite3.Connection, table: str, columns: Sequence[str],
               rows: Sequence[tuple[object, ...]], cancel: CancelToken) -> None:
    """``rows`` in batches (a cancel is noticed between two batches)."""
    sql = insert_sql(table, columns)
    for offset in range(0, len(rows), BATCH):
        cancel.raise_if_cancelled()
        db.executemany(sql, rows[offset:offset + BATCH])
