"""SIGKILL of the client (``subcenter --home DIR sync`` as a subprocess) before, during
and after a push, and in the middle of a paged download; then a normal run heals
everything: nothing lost, nothing doubled, client and server equal.

The kill point is set by the fault proxy: the client's request is held (``stall`` never
forwards it, ``delay`` forwards it after the kill, ``hold_after`` lets the server commit
and holds the answer) and the test kills the process while it waits. A client-side hook
(e.g. ``SUBCENTER_SYNC_PAUSE_AT=after_push``) would pin the point inside the client's
own steps; the proxy gives the same points at the network boundary.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest

from tests.district.server_fixture import FURONG, DistrictServer
from tests.sync_faults.compare import assert_converged, client_records, server_records
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import (
    Install,
    assert_ledger,
    server_last_mutation,
    sigkill,
)
from tests.sync_faults.seed import cursor_seq, seed_records, seqs_up_to

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]
PUSH, PULL = "/api/push", "/api/pull"


def _edits(install: Install) -> str:
    community = install.add_community("东风社区", "051")
    grid = install.add_grid(community, "东风一网格")
    install.update_grid(grid, "东风一网格", population=512)
    return grid


def _heal(district: DistrictServer, install: Install) -> None:
    """A normal ``subcenter sync`` after the fault: exit 0, then the properties."""
    done = install.sync_cli()
    assert done.returncode == 0, done.stderr
    assert_converged(district.db_url, FURONG, install.database)
    assert_ledger(district.db_url, install)


def _kill_when(rule_reached: object, install: Install, wait: float = 60) -> None:
    process = install.spawn_sync()
    try:
        assert rule_reached.wait(wait), "the client never reached the fault"  # type: ignore[attr-defined]
    finally:
        status = sigkill(process)
    assert status == -9


def test_killed_before_the_push_loses_nothing(district: DistrictServer, proxy: FaultProxy,
                                              make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    grid = _edits(pc)
    rule = proxy.add("stall", "GET", "/api/hello", seconds=60)
    _kill_when(rule.reached, pc)
    assert pc.outbox_states() == {"pending": 3}
    assert ("grid", grid) not in server_records(district.db_url, FURONG)
    proxy.clear()
    _heal(district, pc)


def test_killed_during_a_push_the_server_never_saw(district: DistrictServer, proxy: FaultProxy,
                                                   make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    _edits(pc)
    rule = proxy.add("stall", "POST", PUSH, seconds=60)
    _kill_when(rule.reached, pc)
    assert pc.outbox_states() == {"sent": 3}  # marked sent, never acknowledged
    assert server_last_mutation(district.db_url, pc.client_id()) == 0
    proxy.clear()
    _heal(district, pc)
    assert pc.outbox_states() in ({}, {"applied": 1})  # only the number-reuse marker


def test_killed_during_a_push_the_server_applies_after_the_client_died(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    grid = _edits(pc)
    rule = proxy.add("delay", "POST", PUSH, seconds=1.0)
    _kill_when(rule.reached, pc)
    proxy.wait_for(1, "POST", PUSH)  # … the request reaches the server after the kill
    assert server_last_mutation(district.db_url, pc.client_id()) == 3
    assert pc.waiting() == 3
    proxy.clear()
    _heal(district, pc)
    assert server_records(district.db_url, FURONG)[("grid", grid)].version == 2


def test_killed_after_the_server_committed_but_before_the_answer(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    grid = _edits(pc)
    rule = proxy.add("hold_after", "POST", PUSH, seconds=5)
    process = pc.spawn_sync()
    try:
        assert rule.reached.wait(60)
        deadline = time.monotonic() + 30
        while server_last_mutation(district.db_url, pc.client_id()) < 3:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        sigkill(process)
    assert pc.waiting() == 3
    proxy.clear()
    _heal(district, pc)
    assert server_records(district.db_url, FURONG)[("grid", grid)].version == 2
    resent = [e for e in proxy.entries("POST", PUSH) if e.action == "forward"]
    assert resent and resent[0].status == 200  # the resend, answered 'duplicate'


def test_killed_after_the_push_before_the_pull(district: DistrictServer, proxy: FaultProxy,
                                               make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    _edits(pc)
    rule = proxy.add("stall", "GET", PULL, seconds=60)
    _kill_when(rule.reached, pc)
    assert pc.waiting() == 0  # the answer was stored before the pull began
    pushes = len(proxy.entries("POST", PUSH))
    proxy.clear()
    _heal(district, pc)
    assert len(proxy.entries("POST", PUSH)) == pushes  # nothing was sent again


def test_kills_in_the_middle_of_a_paged_download_keep_rows_and_cursor_together(
        district: DistrictServer, proxy: FaultProxy,
        make_install: Callable[..., Install]) -> None:
    """Applying a page and saving its cursor is one transaction: after a kill at any
    moment the install holds exactly the seeded records up to its saved cursor (no row
    past the cursor, none before it missing), and the next run goes on from there."""
    pc = make_install("pc1")
    ids = seed_records(district.db_url, FURONG, 20_000)
    seeded = set(ids)
    rng = random.Random(20261123)
    kills, partial = 0, []
    for _round in range(3):
        if partial and partial[-1] == len(ids):
            break  # the download finished before a kill: nothing left to interrupt
        before = len(proxy.entries("GET", PULL))
        process = pc.spawn_sync()
        try:
            proxy.wait_for(before + 2, "GET", PULL, timeout=60)
            time.sleep(rng.uniform(0.0, 0.4))
        finally:
            kills += sigkill(process) == -9
        saved = cursor_seq(pc.pull_cursor())
        seeded_here = {key[1] for key in client_records(pc.database)
                       if key[0] in ("officer", "leave")}
        expected = {rid for _t, rid in seqs_up_to(district.db_url, FURONG, saved)} & seeded
        assert seeded_here == expected, (saved, len(seeded_here), len(expected))
        partial.append(len(seeded_here))
    assert kills >= 1 and any(0 < n < len(ids) for n in partial), partial
    resumed_from = pc.pull_cursor()
    before = len(proxy.entries("GET", PULL))
    _heal(district, pc)
    first_request = proxy.entries("GET", PULL)[before]
    assert resumed_from and f"cursor={resumed_from}" in first_request.target
