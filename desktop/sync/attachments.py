"""Files travel before the mutations that reference them: content-addressed by SHA-256,
uploaded in chunks of at most 1 MiB, resumable (the district says how many bytes it
already has, so an interrupted upload continues where it stopped).

File reads happen on a worker thread; only the HTTP calls are awaited on the loop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from desktop.sync.client import DistrictClient, RequestRefusedError, SyncError

CHUNK = 1024 * 1024


def _read(path: Path, offset: int, size: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(size)


def file_path(folder: Path, sha256: str) -> Path:
    """Where ``desktop.services.attachments`` stores a file (sha256[:2]/sha256)."""
    return folder / sha256[:2] / sha256


async def upload(client: DistrictClient, folder: Path, sha256: str, size: int,
                 media_type: str) -> None:
    """Make sure the district has the complete file (one call when it already has it)."""
    status = await client.declare_attachment(sha256, size, media_type)
    path = file_path(folder, sha256)
    while not status.get("complete"):
        offset = int(status.get("received") or 0)
        if not path.exists():
            raise SyncError(f"附件文件 {sha256[:12]}… 在本机数据目录中找不到，相关诉求暂不能上传。"
                            "请从备份恢复该附件，或在诉求中重新添加附件。")
        chunk = await asyncio.to_thread(_read, path, offset, CHUNK)
        if not chunk:
            raise SyncError(f"附件文件 {sha256[:12]}… 比登记的大小短，已损坏，相关诉求暂不能上传。")
        status = await _put(client, sha256, size, media_type, offset, chunk)


async def _put(client: DistrictClient, sha256: str, size: int, media_type: str,
               offset: int, chunk: bytes) -> dict[str, Any]:
    """Send one chunk. A 409 ``offset_mismatch`` means the district is somewhere else
    than we thought (typically: it stored this very chunk but its answer was lost, and
    the resend arrives at the old offset), so ask the district where it stands (the
    declaration is idempotent and says ``received``/``complete``) and go on from there
    instead of failing the run over a harmless network fault."""
    try:
        return await client.put_chunk(sha256, offset, chunk)
    except RequestRefusedError as error:
        if error.code != "offset_mismatch":
            raise
    status = await client.declare_attachment(sha256, size, media_type)
    if not status.get("complete") and int(status.get("received") or 0) == offset:
        # the district insists on the offset it just refused: not a lost answer
        raise SyncError(f"附件文件 {sha256[:12]}… 的上传位置与区级平台不一致，本次同步未完成；"
                        "下次同步会从平台记录的位置继续。如反复出现，请告知系统管理员。")
    return status


async def upload_all(client: DistrictClient, folder: Path | None,
                     files: dict[str, tuple[int, str]], done: set[str]) -> None:
    """Upload every file of a batch not yet confirmed in this run (``done``).

    A file whose bytes this install does not have is not declared: it is a link pulled
    from another PC (the district has the file, or the push stops with
    ``attachment_missing`` and the record waits), and its size here may be a
    placeholder (``local_db.sync_children``) that a declaration would contradict."""
    if folder is None:
        return
    for sha256, (size, media_type) in sorted(files.items()):
        if sha256 not in done and file_path(folder, sha256).is_file():
            await upload(client, folder, sha256, size, media_type)
            done.add(sha256)
