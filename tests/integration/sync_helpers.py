"""Shared pieces of the sync tests: data folders with the outbox hooked in, the
reference district server on 127.0.0.1, and small queries on the outbox."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from desktop.bootstrap import AppContext, open_migrated_context
from local_db.outbox_events import install_outbox


def synced_context(root: Path) -> AppContext:
    """A migrated data folder whose sessions write the outbox.

    ``install_outbox`` is idempotent: once the composition root installs it for every
    context, this call changes nothing."""
    from desktop.sync.work_orders import work_order_commands

    context = open_migrated_context(root)
    install_outbox(context.session_factory, command_rule=work_order_commands)
    return context


def query(context: AppContext, sql: str, *params: object) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        return db.execute(sql, params).fetchall()


def outbox(context: AppContext) -> list[tuple]:
    """(table, record id, op, state) of every outbox row still listed, oldest first (not
    the acknowledged marker row kept against number reuse)."""
    return query(context, "select table_name, record_id, op, state from sync_outbox "
                          "where state != 'applied' order by seq")


def waiting(context: AppContext) -> int:
    return query(context, "select count(*) from sync_outbox where state in ('pending','sent')")[0][0]


# --- the reference server and enrolled installs -------------------------------------------

DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"


def enroll_folder(root: Path, server_url: str, street: str) -> AppContext:
    """A data folder enrolled with the demo credentials (set up from the district when
    empty) after its first sync."""
    from desktop.sync.commands import run_enroll

    context = synced_context(root)
    run_enroll(context, server=server_url, street=street, user=DEMO_USER,
               password=DEMO_PASSWORD, ca_file=None, proxy=None)
    return context


def sync(context: AppContext) -> str:
    from desktop.sync.commands import run_sync

    return run_sync(context)


def street_rows(context: AppContext, table: str, columns: str = "*") -> list[tuple]:
    return query(context, f"select {columns} from {table} order by id")
