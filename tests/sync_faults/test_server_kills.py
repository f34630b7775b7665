"""The district server SIGKILLed in the middle of a push batch and restarted on the same
SQLite file: the mutations it committed before dying are answered 'duplicate' when the
client sends the batch again, the rest are applied, and nothing is lost or doubled."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import pytest

from desktop.sync.client import SyncError
from tests.district.server_fixture import FURONG, district_process, free_port
from tests.sync_faults.compare import assert_converged, server_records
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import assert_ledger, enroll, server_last_mutation

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]
GRIDS = 150


def test_the_server_killed_mid_batch_and_restarted_loses_and_doubles_nothing(
        tmp_path: Path) -> None:
    folder, port = tmp_path / "district", free_port()
    folder.mkdir()
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(district_process(folder, port=port))
        proxy = stack.enter_context(FaultProxy(first.url))
        pc = enroll(tmp_path / "pc1", proxy.url, FURONG)
        stack.callback(pc.close)
        community = pc.add_community("东风社区", "051")
        grids = [pc.add_grid(community, f"网格{n}") for n in range(GRIDS)]
        arrived = proxy.add("delay", "POST", "/api/push", seconds=0.0)
        outcome: list[BaseException | None] = []

        def run() -> None:
            try:
                pc.run(attempts=8)
                outcome.append(None)
            except SyncError as error:
                outcome.append(error)

        client = threading.Thread(target=run)
        client.start()
        assert arrived.reached.wait(30)
        time.sleep(0.15)  # the server is inside the batch …
        first.process.kill()  # type: ignore[union-attr]  # … SIGKILL
        first.process.wait(10)  # type: ignore[union-attr]
        committed = server_last_mutation(first.db_url, pc.client_id())
        second = stack.enter_context(district_process(folder, port=port))  # same file, port
        client.join(60)
        assert outcome, "the client run did not end"

        pc.sync()

        assert 0 <= committed < GRIDS + 1
        statuses = assert_ledger(second.db_url, pc)
        assert statuses == {"applied": GRIDS + 1}
        records = server_records(second.db_url, FURONG)
        assert all(records[("grid", g)].version == 1 for g in grids)  # created once each
        assert_converged(second.db_url, FURONG, pc.database)
