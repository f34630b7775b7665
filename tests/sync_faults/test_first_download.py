"""A 100k-record first download (``subcenter enroll`` on an empty folder) killed half-way,
then resumed by ``subcenter sync``: it continues from the saved cursor instead of
starting over, and ends with the install equal to the district.

The street is bulk-seeded straight into the server's SQLite file (tests/sync_faults/
seed.py), so the test spends its time on the download itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.district.server_fixture import FURONG, DistrictServer
from tests.integration.sync_helpers import DEMO_PASSWORD, DEMO_USER, synced_context
from tests.sync_faults.compare import assert_converged, client_records
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import Install, query, run_cli, sigkill, spawn_cli
from tests.sync_faults.seed import cursor_seq, seed_records, seqs_up_to

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
ROWS = 100_000
PAGE = 500  # the client's page size (desktop/sync/engine.py PAGE_SIZE)
PULL = "/api/pull"


def test_a_first_download_killed_half_way_resumes_from_its_cursor(
        district: DistrictServer, proxy: FaultProxy, tmp_path: Path) -> None:
    ids = seed_records(district.db_url, FURONG, ROWS)
    home = tmp_path / "pc-new"
    process = spawn_cli(home, "enroll", "--server", proxy.url, "--street", FURONG,
                        "--user", DEMO_USER, "--password", DEMO_PASSWORD)
    try:
        proxy.wait_for(ROWS // PAGE // 2, "GET", PULL, timeout=180)
    finally:
        assert sigkill(process) == -9, "the download finished before the kill"
    first_run = len(proxy.entries("GET", PULL))

    # what the kill left: enrolled, and exactly the rows up to the saved cursor
    (client_id, cursor, done), = query(home / "subcenter.sqlite3", "select client_id, "
                                       "pull_cursor, initial_pull_done from sync_state")
    assert client_id and cursor and not done
    have = {key[1] for key in client_records(home / "subcenter.sqlite3")
            if key[0] in ("officer", "leave")}
    expected = {rid for _t, rid in seqs_up_to(district.db_url, FURONG, cursor_seq(cursor))}
    assert have == expected & set(ids)
    assert ROWS // 4 < len(have) < ROWS, len(have)

    finished = run_cli(home, "sync", timeout=180)
    assert finished.returncode == 0, finished.stderr

    resumed = proxy.entries("GET", PULL)[first_run:]
    assert f"cursor={cursor}" in resumed[0].target  # went on from the saved cursor …
    assert len(resumed) <= (ROWS - len(have)) // PAGE + 3  # … instead of starting over
    install = Install(home, synced_context(home))
    try:
        assert query(install.database, "select initial_pull_done from sync_state") == [(1,)]
        assert_converged(district.db_url, FURONG, install.database)
        assert query(install.database, "select count(*) from leave")[0][0] == ROWS - 1
    finally:
        install.close()
