"""Files travel before the mutations that reference them: content-addressed by SHA-256,
uploaded in chunks of at most 1 MiB, resumable (the district says how many bytes it
already has, so an interrupted upload continues where it stopped).

File reads happen on a worker thread; only the HTTP calls are awaited on the loop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from desktop.sync.client import DistrictClient, SyncError

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
        status = await client.put_chunk(sha256, offset, chunk)


async def upload_all(client: DistrictClient, folder: Path | None,
                     files: dict[str, tuple[int, str]], done: set[str]) -> None:
    """Upload every file of a batch not yet confirmed in this run (``done``)."""
    if folder is None:
        return
    for sha256, (size, media_type) in sorted(files.items()):
        if sha256 not in done:
            await upload(client, folder, sha256, size, media_type)
            done.add(sha256)
