"""Attachments stored by content: one file per content however often it is attached,
one link per demand, a size limit with a Chinese message, evidence with a report."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from desktop.domain.demand_states import DemandAction, DemandStatus
from desktop.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from desktop.services import attachments, demands
from desktop.services.attachments import attachment_path, store_attachment
from tests.integration.demand_helpers import CLERK, OPERATOR, Desk, build_desk, rows

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes are bytes" * 100


@pytest.fixture
def desk(context) -> Desk:  # type: ignore[no-untyped-def]
    return build_desk(context)


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def stored_files(desk: Desk) -> list[Path]:
    return sorted(p for p in desk.context.paths.attachments.rglob("*") if p.is_file())


def test_the_same_content_is_stored_once(desk: Desk, tmp_path: Path) -> None:
    one, two = desk.intake(), desk.intake(title="重复反映")
    first = write(tmp_path / "in", "现场照片.jpg", PHOTO)
    renamed = write(tmp_path / "in", "IMG_0001.JPG", PHOTO)
    paths = desk.context.paths
    a = store_attachment(paths, desk.uow(), actor=OPERATOR, demand_id=one.id, source_path=first)
    again = store_attachment(paths, desk.uow(), actor=OPERATOR, demand_id=one.id,
                             source_path=renamed)
    b = store_attachment(paths, desk.uow(), actor=OPERATOR, demand_id=two.id, source_path=renamed)
    sha = hashlib.sha256(PHOTO).hexdigest()
    assert a.sha256 == b.sha256 == again.sha256 == sha
    assert (a.file_name, again.file_name, b.file_name) == ("现场照片.jpg", "现场照片.jpg",
                                                           "IMG_0001.JPG")
    assert (a.size, a.media_type) == (len(PHOTO), "image/jpeg")
    assert stored_files(desk) == [attachment_path(paths, sha)]
    assert attachment_path(paths, sha) == paths.attachments / sha[:2] / sha
    assert attachment_path(paths, sha).read_bytes() == PHOTO
    assert rows(desk.context, "SELECT count(*) FROM attachment") == [(1,)]
    assert rows(desk.context, "SELECT count(*) FROM demand_attachment") == [(2,)]
    audit = rows(desk.context, "SELECT count(*) FROM audit_record "
                               "WHERE entity_type = 'demand_attachment'")
    assert audit == [(2,)]  # attaching what is already there records nothing
    detail = demands.get_demand(desk.uow(), one.id)
    assert [(x.file_name, x.added_by) for x in detail.attachments] == [("现场照片.jpg", "李坐席")]


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(
        desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 1024)
    row = desk.intake()
    big = write(tmp_path, "整改视频.mp4", b"x" * 2048)
    with pytest.raises(ValidationError, match="的上限。请压缩照片或拆分文档后再上传"):
        store_attachment(desk.context.paths, desk.uow(), actor=OPERATOR, demand_id=row.id,
                         source_path=big)
    with pytest.raises(ValidationError, match="找不到文件"):
        store_attachment(desk.context.paths, desk.uow(), actor=OPERATOR, demand_id=row.id,
                         source_path=tmp_path / "没有这个文件.pdf")
    assert stored_files(desk) == []
    assert rows(desk.context, "SELECT count(*) FROM attachment") == [(0,)]


def test_permission_and_terminal_demands(desk: Desk, tmp_path: Path) -> None:
    row = desk.intake()
    photo = write(tmp_path, "照片.png", PHOTO)
    with pytest.raises(PermissionDeniedError, match="文书"):
        store_attachment(desk.context.paths, desk.uow(), actor=CLERK, demand_id=row.id,
                         source_path=photo)
    assert stored_files(desk) == []  # refused before copying
    original = desk.intake()
    with desk.uow() as uow:
        from desktop.services.calendar import calendar_in
        from desktop.services.demand_flow import ActionInput, apply_action

        demand = uow.demands.get(row.id)
        apply_action(uow, demand, DemandAction.MERGE, actor=OPERATOR, at=demand.received_at,
                     calendar=calendar_in(uow), data=ActionInput(into_id=original.id))
        uow.commit()
    with pytest.raises(ConflictError, match="已合并"):
        store_attachment(desk.context.paths, desk.uow(), actor=OPERATOR, demand_id=row.id,
                         source_path=photo)


def test_a_report_carries_its_evidence_in_one_transaction(desk: Desk, tmp_path: Path) -> None:
    row = desk.intake()
    desk.advance(row.id, (DemandAction.TRIAGE, DemandAction.DISPATCH, DemandAction.START))
    row = desk.row(row.id)
    files = [write(tmp_path, "整改前.jpg", PHOTO), write(tmp_path, "整改后.jpg", PHOTO + b"after")]
    row = demands.report_result(desk.uow(), actor=OPERATOR, demand_id=row.id,
                                expected_version=row.version, note="已清理占道货物",
                                attachments=files, paths=desk.context.paths)
    assert row.status is DemandStatus.REPORTED
    detail = demands.get_demand(desk.uow(), row.id)
    assert [a.file_name for a in detail.attachments] == ["整改前.jpg", "整改后.jpg"]
    assert detail.steps[-1].note == "已清理占道货物（附件：整改前.jpg、整改后.jpg）"
    assert len(stored_files(desk)) == 2
