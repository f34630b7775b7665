"""Content-addressed, resumable attachment uploads (PROTOCOL.md "Attachments").

Bytes go to ``<files>/<street>/<sha256>.part`` chunk by chunk at the offset the server
reports, so an interrupted upload resumes where it stopped; the last chunk is checked
against the SHA-256 and the file renamed to ``<sha256>``. Per street, so one street
cannot learn what another uploaded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from district.db import AttachmentRow, Database, utcnow
from district.errors import ApiError
from district.schemas import MAX_BODY_BYTES, AttachmentCreate, AttachmentStatus


class AttachmentStore:
    def __init__(self, db: Database, root: Path) -> None:
        self.db, self.root = db, root

    def _path(self, street: str, sha256: str, *, partial: bool) -> Path:
        folder = self.root / street
        folder.mkdir(parents=True, exist_ok=True)
        return folder / (f"{sha256}.part" if partial else sha256)

    def declare(self, street: str, spec: AttachmentCreate) -> AttachmentStatus:
        with self.db.write() as w:
            row = w.session.get(AttachmentRow, (street, spec.sha256))
            if row is None:
                row = AttachmentRow(street=street, sha256=spec.sha256, size=spec.size,
                                    media_type=spec.media_type, received=0,
                                    complete=False, created_at=utcnow())
                w.session.add(row)
                self._path(street, spec.sha256, partial=True).write_bytes(b"")
                if spec.size == 0 and not self._finish(street, row):
                    raise ApiError(422, "hash_mismatch", "空文件的 SHA-256 不符，请检查文件。")
            elif row.size != spec.size:
                raise ApiError(409, "size_mismatch", "同一附件声明的大小与之前不同，请检查文件。",
                               details={"size": row.size})
            return _status(row)

    def status(self, street: str, sha256: str) -> AttachmentStatus:
        with self.db.read() as session:
            row = session.get(AttachmentRow, (street, sha256))
        if row is None:
            raise ApiError(404, "attachment_not_found", "区级平台上没有该附件，请重新上传。")
        return _status(row)

    def put_chunk(self, street: str, sha256: str, offset: int, data: bytes) -> AttachmentStatus:
        if len(data) > MAX_BODY_BYTES:
            raise ApiError(413, "payload_too_large", "附件分块超过 1 MiB，请分成更小的块上传。")
        with self.db.write() as w:
            row = w.session.get(AttachmentRow, (street, sha256))
            if row is None:
                raise ApiError(404, "attachment_not_found", "请先声明附件（POST /api/attachments）再上传内容。")
            if row.complete or offset != row.received or offset + len(data) > row.size:
                if row.complete:
                    return _status(row)
                raise ApiError(409, "offset_mismatch", "附件续传位置不符，请从平台给出的位置继续上传。",
                               details={"received": row.received})
            with self._path(street, sha256, partial=True).open("r+b") as handle:
                handle.seek(offset)
                handle.write(data)
                handle.truncate()
            row.received = offset + len(data)
            intact = row.received < row.size or self._finish(street, row)
            status = _status(row)
        if not intact:
            raise ApiError(422, "hash_mismatch", "附件内容与其 SHA-256 不符，已清空，请从头重新上传。",
                           details={"received": 0})
        return status

    def _finish(self, street: str, row: AttachmentRow) -> bool:
        """Complete the upload if the bytes hash right; else start it over (False)."""
        partial = self._path(street, row.sha256, partial=True)
        digest = hashlib.sha256()
        with partial.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != row.sha256:
            partial.write_bytes(b"")
            row.received = 0
            return False
        partial.replace(self._path(street, row.sha256, partial=False))
        row.complete = True
        return True

    def content(self, street: str, sha256: str) -> tuple[Path, str]:
        status = self.status(street, sha256)
        if not status.complete:
            raise ApiError(409, "attachment_incomplete", "该附件尚未上传完整。",
                           details={"received": status.received})
        return self._path(street, sha256, partial=False), status.media_type


def _status(row: AttachmentRow) -> AttachmentStatus:
    return AttachmentStatus(sha256=row.sha256, size=row.size, media_type=row.media_type,
                            received=row.received, complete=row.complete)
