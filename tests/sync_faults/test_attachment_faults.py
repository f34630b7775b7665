"""Attachments travel before the demand that references them, in resumable chunks of
at most 1 MiB: an interrupted upload continues where the district stopped, and a chunk
whose answer was lost after the district stored it does not corrupt the file."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.services.attachments import store_attachment
from desktop.sync.client import SyncError
from tests.district.server_fixture import FURONG, DistrictServer
from tests.sync_faults.compare import assert_converged, server_records
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import OPERATOR, Install, assert_ledger, query

pytestmark = pytest.mark.timeout(120)
CHUNK = 1024 * 1024
PUT = "/api/attachments/"


def _demand_with_a_photo(pc: Install, tmp_path: Path) -> tuple[str, str]:
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(os.urandom(2 * CHUNK + 12345))  # three chunks
    demand = pc.intake("占道堆放杂物")
    store_attachment(pc.context.paths, pc.context.uow(), actor=OPERATOR, demand_id=demand,
                     source_path=photo)
    return demand, hashlib.sha256(photo.read_bytes()).hexdigest()


def _district_file(district: DistrictServer, sha256: str) -> tuple[int, bool, bytes]:
    db = Path(district.db_url.removeprefix("sqlite:///"))
    received, complete = query(db, "select received, complete from attachments "
                                   "where sha256 = ?", sha256)[0]
    stored = db.parent / "district-files" / FURONG / sha256
    return received, bool(complete), stored.read_bytes() if stored.exists() else b""


def test_an_interrupted_upload_resumes_where_the_district_stopped(
        district: DistrictServer, proxy: FaultProxy, make_install: Callable[..., Install],
        tmp_path: Path) -> None:
    pc = make_install("pc1")
    demand, sha256 = _demand_with_a_photo(pc, tmp_path)
    proxy.add("drop_before", "PUT", PUT, nth=2, times=0)  # the line dies after chunk 1
    with pytest.raises(SyncError):
        pc.run(attempts=2)
    assert _district_file(district, sha256)[:2] == (CHUNK, False)
    assert ("demand", demand) not in server_records(district.db_url, FURONG)  # waits for it

    proxy.clear()
    before = len(proxy.entries("PUT", PUT))
    pc.sync()

    resumed = proxy.entries("PUT", PUT)[before:]
    assert f"offset={CHUNK}" in resumed[0].target  # not from 0
    _received, complete, data = _district_file(district, sha256)
    assert complete and hashlib.sha256(data).hexdigest() == sha256
    assert_converged(district.db_url, FURONG, pc.database)
    assert_ledger(district.db_url, pc)


def test_a_chunk_answer_lost_after_the_district_stored_it_is_resumed_in_the_same_run(
        district: DistrictServer, proxy: FaultProxy, make_install: Callable[..., Install],
        tmp_path: Path) -> None:
    pc = make_install("pc1")
    _demand, sha256 = _demand_with_a_photo(pc, tmp_path)
    proxy.add("drop_after", "PUT", PUT, nth=2)
    pc.sync()
    _received, complete, data = _district_file(district, sha256)
    assert complete and hashlib.sha256(data).hexdigest() == sha256
    assert_converged(district.db_url, FURONG, pc.database)
    assert_ledger(district.db_url, pc)


def test_a_chunk_answer_lost_after_the_district_stored_it_never_corrupts_the_file(
        district: DistrictServer, proxy: FaultProxy, make_install: Callable[..., Install],
        tmp_path: Path) -> None:
    pc = make_install("pc1")
    _demand, sha256 = _demand_with_a_photo(pc, tmp_path)
    proxy.add("drop_after", "PUT", PUT, nth=2)
    # Whether this run resumes (the test above) or gives up, the file must never be
    # stored half or corrupt, and the next full sync completes it.
    with contextlib.suppress(SyncError):
        pc.run()
    pc.sync()
    _received, complete, data = _district_file(district, sha256)
    assert complete and hashlib.sha256(data).hexdigest() == sha256
    assert_converged(district.db_url, FURONG, pc.database)
    assert_ledger(district.db_url, pc)
