"""No skipped change on pull while others write: three PCs of one street keep adding
and editing grids and syncing, in parallel threads, while a fourth PC keeps pulling.
When they stop, one more run of each brings everyone to the district's state. A change
that a pull had skipped (a sequence number committed after a higher one was read)
would leave its record behind on the reader for good."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from desktop.sync.client import SyncError
from tests.district.server_fixture import FURONG, DistrictServer
from tests.sync_faults.compare import assert_converged
from tests.sync_faults.harness import Install, assert_ledger

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]
SECONDS = 6.0


def test_a_reader_pulling_while_three_pcs_write_misses_nothing(
        district: DistrictServer, make_install: Callable[..., Install]) -> None:
    writers = [make_install(f"writer{n}", url=district.url) for n in range(3)]
    reader = make_install("reader", url=district.url)
    stop = time.monotonic() + SECONDS
    failures: list[BaseException] = []
    runs = {"reader": 0}

    def write(n: int, pc: Install) -> None:
        try:
            community = pc.add_community(f"并发社区{n}", f"06{n}")
            grids: list[str] = []
            while time.monotonic() < stop:
                grids.append(pc.add_grid(community, f"并发{n}网格{len(grids)}"))
                pc.update_grid(grids[len(grids) // 2], f"并发{n}改{len(grids)}", 300 + len(grids))
                pc.run()
        except (SyncError, AssertionError) as error:
            failures.append(error)

    def read() -> None:
        try:
            while time.monotonic() < stop:
                reader.run()
                runs["reader"] += 1
        except SyncError as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n, pc)) for n, pc in enumerate(writers)]
    threads.append(threading.Thread(target=read))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    assert runs["reader"] >= 3

    for pc in (*writers, reader):
        pc.sync()
    assert_converged(district.db_url, FURONG, *(pc.database for pc in (*writers, reader)))
    for pc in writers:
        assert_ledger(district.db_url, pc)
