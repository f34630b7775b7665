"""Installs for the fault suite: real data folders enrolled with the real reference
server (usually through the fault proxy), edits through the real services, sync runs
in-process or as a ``subcenter --home DIR sync`` subprocess that a test can SIGKILL,
and the ledger checks (no mutation lost or doubled) on both sides."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.bootstrap import AppContext
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_states import HandlingLevel
from desktop.domain.grids import CommunityKind
from desktop.services import demands, grids
from desktop.services.demand_flow import Routing
from desktop.services.demand_intake import IntakeInput
from tests.integration.permission_cases import fields as grid_fields
from tests.integration.sync_helpers import DEMO_PASSWORD, DEMO_USER, synced_context
from tests.sync_faults.compare import db_path

ROOT = Path(__file__).resolve().parents[2]
OPERATOR = Actor("李坐席", Role.OPERATOR)
# the headless Linux case: the token goes to the 0600 file in the data folder, the same
# for the test process and the subprocesses it starts
KEYRING_ENV = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def cli_env(**extra: str) -> dict[str, str]:
    return {**os.environ, **KEYRING_ENV, "PYTHONPATH": str(ROOT),
            "QT_QPA_PLATFORM": "offscreen", **extra}


def subcenter_command(home: Path, *args: str) -> list[str]:
    script = Path(sys.executable).with_name("subcenter")
    if script.exists():
        return [str(script), "--home", str(home), *args]
    return [sys.executable, "-m", "ui.app", "--home", str(home), *args]


def run_cli(home: Path, *args: str, timeout: float = 120, **env: str
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(subcenter_command(home, *args), cwd=ROOT, env=cli_env(**env),
                          capture_output=True, text=True, timeout=timeout)


def spawn_cli(home: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(subcenter_command(home, *args), cwd=ROOT, env=cli_env(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def sigkill(process: subprocess.Popen[str]) -> int:
    """SIGKILL (no clean-up, no finally blocks) and reap; returns the exit status."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    return process.wait(timeout=30)


def query(database: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        return db.execute(sql, params).fetchall()


@dataclass
class Install:
    """One office PC of a street: its data folder and what it did."""

    home: Path
    context: AppContext
    created: list[tuple[str, str]] = field(default_factory=list)  # (table, id) made here

    @property
    def database(self) -> Path:
        return self.context.paths.database

    def reopen(self) -> None:
        """A restart of the program: a fresh engine on the same folder."""
        self.context.close()
        self.context = synced_context(self.home)

    def close(self) -> None:
        self.context.close()

    # --- sync ---------------------------------------------------------------------
    def sync(self) -> str:
        """``subcenter sync`` in this process (exit-0 semantics: raises unless drained
        and at the head), with short backoffs so an injected fault costs little time."""
        from desktop.sync.commands import _complete_or_raise

        return _complete_or_raise(self.run())

    def run(self, attempts: int = 4) -> Any:
        """One sync run (``desktop.sync.engine.run_once``); returns its RunSummary."""
        import asyncio

        from desktop.sync.client import RetryPolicy
        from desktop.sync.commands import sync_setup
        from desktop.sync.engine import run_once

        retry = RetryPolicy(attempts=attempts, base_delay=0.05, max_delay=0.5)
        return asyncio.run(run_once(sync_setup(self.context, retry=retry), trigger="test"))

    def sync_cli(self, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return run_cli(self.home, "sync", timeout=timeout)

    def spawn_sync(self) -> subprocess.Popen[str]:
        return spawn_cli(self.home, "sync")

    # --- edits through the services -------------------------------------------------
    def add_community(self, name: str, code: str) -> str:
        community = grids.create_community(self.context.uow(), actor=LOCAL_ADMIN, name=name,
                                           kind=CommunityKind.COMMUNITY, code=code)
        self.created.append(("community", community.id))
        return community.id

    def add_grid(self, community_id: str, name: str, population: int = 300) -> str:
        grid = grids.create_grid(self.context.uow(), actor=LOCAL_ADMIN,
                                 community_id=community_id,
                                 fields=grid_fields(name, population=population))
        self.created.append(("grid", grid.id))
        return grid.id

    def update_grid(self, grid_id: str, name: str, population: int) -> None:
        version = self.local_version("grid", grid_id)
        grids.update_grid(self.context.uow(), actor=LOCAL_ADMIN, grid_id=grid_id,
                          expected_version=version, fields=grid_fields(name, population))

    def intake(self, title: str, received_at: datetime | None = None) -> str:
        data = IntakeInput(title, f"{title}：群众来电反映，请核实处置。", DemandKind.LIVELIHOOD,
                           DemandSource.HOTLINE, DemandNature.COMPLAINT,
                           address="芙蓉中路一段 1 号", received_at=received_at)
        row = demands.intake_demand(self.context.uow(), actor=OPERATOR, data=data)
        self.created.append(("demand", row.id))
        return row.id

    def triage_by_community(self, demand_id: str) -> None:
        demands.triage(self.context.uow(), actor=OPERATOR, demand_id=demand_id,
                       expected_version=self.local_version("demand", demand_id),
                       routing=Routing(HandlingLevel.COMMUNITY))

    def supervise(self, demand_id: str, note: str) -> None:
        demands.supervise(self.context.uow(), actor=OPERATOR, demand_id=demand_id,
                          expected_version=self.local_version("demand", demand_id), note=note)

    # --- what the install holds -----------------------------------------------------
    def local_version(self, table: str, record_id: str) -> int:
        rows = query(self.database, f"select version from {table} where id = ?", record_id)
        assert rows, f"{table} {record_id} is not in {self.home}"
        return int(rows[0][0])

    def value(self, table: str, record_id: str, column: str) -> Any:
        rows = query(self.database, f"select {column} from {table} where id = ?", record_id)
        return rows[0][0] if rows else None

    def outbox_states(self) -> dict[str, int]:
        return dict(query(self.database, "select state, count(*) from sync_outbox group by state"))

    def waiting(self) -> int:
        return int(query(self.database, "select count(*) from sync_outbox "
                                        "where state in ('pending', 'sent')")[0][0])

    def client_id(self) -> str:
        return str(query(self.database, "select client_id from sync_state")[0][0])

    def pull_cursor(self) -> str | None:
        rows = query(self.database, "select pull_cursor from sync_state")
        return rows[0][0] if rows else None

    def mutations_made(self) -> int:
        """Mutation ids this install has used: the outbox numbers minus the enrolment
        offset (the newest acknowledged row is kept as a marker, so max(seq) survives)."""
        top, offset = query(self.database, "select (select max(seq) from sync_outbox), "
                                           "mutation_offset from sync_state")[0]
        return int(top or 0) - int(offset or 0)


def enroll(home: Path, server_url: str, street: str) -> Install:
    from desktop.sync.commands import run_enroll

    context = synced_context(home)
    run_enroll(context, server=server_url, street=street, user=DEMO_USER,
               password=DEMO_PASSWORD, ca_file=None, proxy=None)
    return Install(home, context)


# --- the ledger: exactly once, nothing lost ---------------------------------------------


def server_results(district_db: str | Path, client_id: str) -> dict[int, dict[str, Any]]:
    import json

    rows = query(db_path(district_db), "select mutation_id, result from mutation_results "
                                       "where client_id = ?", client_id)
    return {int(mid): json.loads(result) for mid, result in rows}


def server_last_mutation(district_db: str | Path, client_id: str) -> int:
    rows = query(db_path(district_db), "select last_mutation_id from clients "
                                       "where client_id = ?", client_id)
    return int(rows[0][0]) if rows else 0


def assert_ledger(district_db: str | Path, install: Install) -> dict[str, int]:
    """Every mutation the install made got exactly one answer on the server, nothing is
    left waiting, and each answered-but-not-applied outbox row matches the server's
    answer. Returns the server's statuses by count."""
    assert install.waiting() == 0, f"outbox still waiting: {install.outbox_states()}"
    client_id = install.client_id()
    made = install.mutations_made()
    results = server_results(district_db, client_id)
    assert server_last_mutation(district_db, client_id) == made
    assert sorted(results) == list(range(1, made + 1)), "a mutation id missing or extra"
    offset = query(install.database, "select mutation_offset from sync_state")[0][0] or 0
    for seq, state in query(install.database, "select seq, state from sync_outbox "
                                              "where state in ('conflict', 'rejected')"):
        assert results[seq - offset]["status"] == state, (seq, state, results[seq - offset])
    statuses: dict[str, int] = {}
    for result in results.values():
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    return statuses
