"""Attachments (photos, documents) stored by content under the data folder.

Why by content: the same photo attached to two demands (a duplicate, a re-report) is
stored once; a file's name is its SHA-256, so nothing can overwrite another file and a
backup can check every file against its name. Layout: ``attachments/<sha[:2]>/<sha>``
(256 sub-folders keep directories small at a million files).

Writing is crash-safe: the file is copied to a temporary name in the attachments
folder while it is hashed, flushed to disk, then renamed into place (atomic on one
volume). A file copied for a transaction that then rolls back stays on disk unlinked:
harmless (content-addressed, reused when attached again).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop import clock
from desktop.config import DataPaths
from desktop.domain.actor import Actor
from desktop.domain.demand_states import TERMINAL, DemandStatus
from desktop.domain.errors import ConflictError, ValidationError
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.demand_flow import load_demand
from desktop.services.demand_rows import AttachmentRow, attachment_row
from local_db.models import Attachment, Demand, DemandAttachment
from local_db.unit_of_work import UnitOfWork

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024
NAME_MAX = 200


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str
    file_name: str


def attachment_path(paths: DataPaths, sha256: str) -> Path:
    """Where the file with this SHA-256 lives (whether or not it is there)."""
    return paths.attachments / sha256[:2] / sha256


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _checked_source(source_path: Path) -> Path:
    source = Path(source_path)
    if not source.is_file():
        raise ValidationError("附件", f"找不到文件“{source}”，可能已被移动或删除，请重新选择。")
    size = source.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError("附件", f"文件“{source.name}”大小为 {_megabytes(size)}，超过 "
                                    f"{_megabytes(MAX_ATTACHMENT_BYTES)} 的上限。请压缩照片或"
                                    "拆分文档后再上传。")
    if len(source.name) > NAME_MAX:
        raise ValidationError("附件", f"文件名过长（{len(source.name)} 个字符），请改短后再上传。")
    return source


def put_file(paths: DataPaths, source_path: Path) -> StoredFile:
    """Copy a file into the store (once per content); no database work."""
    source = _checked_source(source_path)
    paths.attachments.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temp_name = tempfile.mkstemp(prefix=".incoming-", dir=paths.attachments)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as data:
            while chunk := data.read(_CHUNK):
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:  # grew while being copied
                    raise ValidationError("附件", f"文件“{source.name}”超过 "
                                                f"{_megabytes(MAX_ATTACHMENT_BYTES)} 的上限。")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        target = attachment_path(paths, sha)
        if target.exists():
            temp.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    return StoredFile(sha, size, media_type, source.name)


def link_attachment(uow: UnitOfWork, demand: Demand, stored: StoredFile, *, actor: Actor,
                    at: datetime) -> tuple[DemandAttachment, Attachment, bool]:
    """Record a stored file and attach it to ``demand`` inside an open unit of work
    (no commit, no audit). The flag says whether the demand did not have it yet."""
    attachment = uow.demands.attachment(stored.sha256)
    if attachment is None:
        attachment = Attachment(sha256=stored.sha256, size=stored.size,
                                media_type=stored.media_type, stored_at=at)
        uow.demands.add_attachment(attachment)
    link = uow.demands.demand_attachment(demand.id, stored.sha256)
    if link is not None:
        return link, attachment, False
    link = DemandAttachment(demand_id=demand.id, sha256=stored.sha256,
                            file_name=stored.file_name, added_at=at, added_by=actor.name)
    uow.demands.add_demand_attachment(link)
    return link, attachment, True


def store_attachment(paths: DataPaths, uow: UnitOfWork, *, actor: Actor, demand_id: str,
                     source_path: Path) -> AttachmentRow:
    """Attach a file to a demand: stored once by content, linked once per demand,
    audited. Attaching the same content again returns the existing attachment."""
    require(actor, Permission.DEMAND_HANDLE)
    stored = put_file(paths, source_path)
    with uow:
        demand = load_demand(uow, demand_id)
        if DemandStatus(demand.status) in TERMINAL:
            raise ConflictError(f"诉求 {demand.number} 当前为“{DemandStatus(demand.status).label}”，"
                                "不能再添加附件。")
        link, attachment, new = link_attachment(uow, demand, stored, actor=actor, at=clock.now())
        if new:
            audit.record(uow, actor, AuditAction.CREATE, entity_type="demand_attachment",
                         entity_id=demand.number,
                         summary=f"为诉求 {demand.number} 添加附件“{stored.file_name}”"
                                 f"（{_megabytes(stored.size)}）",
                         changes={"附件": (None, stored.file_name), "SHA-256": (None, stored.sha256)})
            uow.commit()
        return attachment_row(link, attachment)
