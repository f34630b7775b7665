"""Photos and documents reach the street's other PCs: a file link travels inside its
demand or joint action (``_children``, with the file's size and media type), the bytes
go up before the record and come down after the pull, streamed into a temporary file,
checked against their SHA-256 and only then renamed into place."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop import clock
from desktop.services.action_results import link_photo
from desktop.services.attachments import attachment_path, put_file, store_attachment
from desktop.services.demands import get_demand
from desktop.services.joint_actions import create_action
from desktop.sync.downloads import TEMP_PREFIX
from tests.district.server_fixture import FURONG, DistrictServer
from tests.integration.action_fixtures import PLANNER, build_roster, plan
from tests.sync_faults.compare import assert_converged
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import OPERATOR, Install, assert_ledger, query

pytestmark = pytest.mark.timeout(180)
GET = "/api/attachments/"


def _check(district: DistrictServer, *installs: Install) -> None:
    assert_converged(district.db_url, FURONG, *(i.database for i in installs))
    for install in installs:
        assert_ledger(district.db_url, install)


def _photo(tmp_path: Path, name: str = "现场照片.jpg", size: int = 2 * 1024 * 1024 + 4321
           ) -> tuple[Path, str]:
    photo = tmp_path / name
    photo.write_bytes(os.urandom(size))  # more than one download buffer
    return photo, hashlib.sha256(photo.read_bytes()).hexdigest()


def _demand_with_photo(pc: Install, tmp_path: Path) -> tuple[str, Path, str]:
    photo, sha256 = _photo(tmp_path)
    demand = pc.intake("占道堆放杂物")
    store_attachment(pc.context.paths, pc.context.uow(), actor=OPERATOR, demand_id=demand,
                     source_path=photo)
    return demand, photo, sha256


def _file(pc: Install, sha256: str) -> Path:
    return attachment_path(pc.context.paths, sha256)


def _temporaries(pc: Install) -> list[Path]:
    return list(pc.context.paths.attachments.glob(f"{TEMP_PREFIX}*"))


def test_a_photo_attached_on_one_pc_appears_on_the_other_byte_identical(
        district: DistrictServer, proxy: FaultProxy, make_install: Callable[..., Install],
        tmp_path: Path) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    demand, photo, sha256 = _demand_with_photo(one, tmp_path)
    one.sync()
    assert not _file(two, sha256).exists()
    summary = two.run()
    assert summary.files_downloaded == 1 and "下载 1 个附件" in summary.message
    assert _file(two, sha256).read_bytes() == photo.read_bytes()
    assert query(two.database, "select file_name, added_by from demand_attachment "
                               "where demand_id = ?", demand) == [("现场照片.jpg", "李坐席")]
    assert query(two.database, "select size, media_type from attachment where sha256 = ?",
                 sha256) == [(photo.stat().st_size, "image/jpeg")]
    detail = get_demand(two.context.uow(), demand)
    assert [a.sha256 for a in detail.attachments] == [sha256]
    assert two.run().files_downloaded == 0  # there now: not fetched again
    _check(district, one, two)


def test_a_joint_action_photo_goes_up_and_comes_down(
        district: DistrictServer, proxy: FaultProxy, make_install: Callable[..., Install],
        tmp_path: Path) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    people = build_roster(one.context)
    draft = create_action(one.context.uow(), actor=PLANNER, data=plan(people))
    photo, sha256 = _photo(tmp_path, "行动现场.png", 300_000)
    stored = put_file(one.context.paths, photo)
    with one.context.uow() as uow:
        action = uow.actions.get(draft.id)
        assert link_photo(uow, action, stored, actor=PLANNER, at=clock.now())
        uow.commit()
    one.sync()
    assert proxy.entries("PUT", GET), "the action's photo was never uploaded"
    two.sync()
    assert _file(two, sha256).read_bytes() == photo.read_bytes()
    assert query(two.database, "select sha256, file_name from action_attachment "
                               "where action_id = ?", draft.id) == [(sha256, "行动现场.png")]
    _check(district, one, two)


def test_a_download_cut_mid_stream_leaves_no_half_file_and_is_retried(
        district: DistrictServer, proxy: FaultProxy, make_install: Callable[..., Install],
        tmp_path: Path) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    _demand, photo, sha256 = _demand_with_photo(one, tmp_path)
    one.sync()
    cut = proxy.add("cut_after", "GET", GET + sha256)
    failed = two.sync_cli()  # `subcenter sync`: exits non-zero, says why in Chinese
    assert cut.fired == 1
    assert failed.returncode != 0
    assert "附件" in failed.stderr + failed.stdout and "下次同步" in failed.stderr + failed.stdout
    assert not _file(two, sha256).exists() and _temporaries(two) == []
    assert query(two.database, "select result from sync_run order by id desc limit 1") == [
        ("failed",)]

    two.sync()  # the next run fetches it whole
    assert _file(two, sha256).read_bytes() == photo.read_bytes()
    assert _temporaries(two) == []
    _check(district, one, two)


def test_a_file_the_district_does_not_have_yet_waits_without_failing_the_run(
        district: DistrictServer, proxy: FaultProxy, make_install: Callable[..., Install],
        tmp_path: Path) -> None:
    one, two = make_install("pc1"), make_install("pc2")
    demand, photo, sha256 = _demand_with_photo(one, tmp_path)
    one.sync()
    proxy.add("error_before", "GET", GET + sha256, status=404, times=0)
    summary = two.run()
    assert summary.complete and summary.files_waiting == 1 and summary.files_downloaded == 0
    assert "等待其他终端上传" in summary.message
    assert not _file(two, sha256).exists()
    # the other PC works on the demand meanwhile: its push must not need the bytes
    two.triage_by_community(demand)
    summary = two.run()
    assert summary.complete and summary.pushed == 1 and summary.files_waiting == 1
    proxy.clear()
    assert two.run().files_downloaded == 1
    assert _file(two, sha256).read_bytes() == photo.read_bytes()
    one.sync()  # takes the other PC's triage
    _check(district, one, two)
