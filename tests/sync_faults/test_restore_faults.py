"""Restoring a backup rewinds the outbox numbers (the mutation ids the district counts
per install). The restore cuts the link, so nothing made after it can be taken by the
district for an already applied mutation and dropped: the next sync asks for a new
enrolment, which starts a new counter, and every change arrives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.services.backup import backup_now
from desktop.services.restore import restore_in_app
from desktop.sync.client import NotEnrolledError
from tests.district.server_fixture import FURONG, DistrictServer
from tests.sync_faults.compare import assert_converged, server_records
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import Install, assert_ledger, enroll

pytestmark = pytest.mark.timeout(120)


def test_changes_after_a_restore_are_not_dropped_as_duplicates(
        district: DistrictServer, proxy: FaultProxy, tmp_path: Path,
        make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    before = pc.intake("备份前受理的诉求")
    pc.sync()
    backup = backup_now(pc.context)
    after_backup = pc.intake("备份后受理的诉求")  # mutation ids the district has applied
    pc.sync()

    result = restore_in_app(pc.context, backup)
    assert result.unlinked and "重新注册" in result.message
    pc.reopen()
    with pytest.raises(NotEnrolledError):  # the rewound numbers never reach the district
        pc.sync()
    pc.close()

    again = enroll(tmp_path / "pc1", proxy.url, FURONG)  # a new counter at the district
    try:
        fresh = again.intake("恢复并重新注册后受理的诉求")
        again.sync()
        on_district = server_records(district.db_url, FURONG)
        assert {("demand", before), ("demand", after_backup), ("demand", fresh)} \
            <= on_district.keys()
        assert on_district[("demand", fresh)].fields["title"] == "恢复并重新注册后受理的诉求"
        assert again.value("demand", after_backup, "title") == "备份后受理的诉求"  # pulled back
        assert_converged(district.db_url, FURONG, again.database)
        assert_ledger(district.db_url, again)
    finally:
        again.close()
