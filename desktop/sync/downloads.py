"""After the pull: fetch the files that pulled records link to but this install lacks.

A photo attached on another PC of the street arrives as a file link inside its demand
or joint action (``local_db.sync_children``); the bytes come from
``GET /api/attachments/{sha256}``. Each download is streamed into a temporary file in
the attachments folder while it is hashed, checked against its SHA-256 (and size),
flushed to disk, and only then renamed to its real name: a file under its real name is
always complete, whatever happens to the line or the program. A failed download is
simply tried again by the next run (the list of missing files is recomputed from the
links each time), a file the district does not have yet (404: the PC that attached it
has not uploaded it) waits without failing the run.

File writes happen on a worker thread; only the HTTP calls are awaited on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from desktop.progress import CancelToken, ProgressCallback
from desktop.services.attachments import MAX_ATTACHMENT_BYTES
from desktop.sync import files
from desktop.sync.client import DistrictClient, SyncError
from local_db.models import Attachment
from local_db.unit_of_work import UnitOfWork

TEMP_PREFIX = ".download-"
STALE_SECONDS = 600  # a temporary file untouched this long belongs to a dead run
BUFFER = 1024 * 1024
WAITING = (404, 409)  # not there / not completely uploaded yet: the other PC uploads later

DbRunner = Callable[..., Awaitable[Any]]
UowFactory = Callable[[], UnitOfWork]


@dataclass
class DownloadTally:
    downloaded: int = 0
    waiting: int = 0  # files the district does not have yet
    failed: list[str] = field(default_factory=list)  # the reasons, in Chinese
    sizes: dict[str, int] = field(default_factory=dict)  # sha256 -> bytes, downloaded now


def list_missing(uow_factory: UowFactory, folder: Path) -> list[tuple[str, int]]:
    """DB step: (sha256, recorded size) of the linked files not in the data folder."""
    with uow_factory() as uow:
        return files.missing_files(uow.session, folder)


def record_sizes(uow_factory: UowFactory, sizes: dict[str, int]) -> None:
    """DB step: the true size of downloaded files (a link pulled without its file's
    facts recorded 0)."""
    if not sizes:
        return
    with uow_factory() as uow:
        for sha256, size in sizes.items():
            row = uow.session.get(Attachment, sha256)
            if row is not None and row.size != size:
                row.size = size
        uow.commit()


async def fetch_missing(client: DistrictClient, db: DbRunner, uow_factory: UowFactory,
                        folder: Path, progress: ProgressCallback,
                        cancel: CancelToken) -> DownloadTally:
    """Download every missing linked file; raises SyncError (Chinese) at the end when
    any download failed, after trying all of them (the next run tries again)."""
    missing = await db(list_missing, uow_factory, folder)
    tally = DownloadTally()
    if not missing:
        return tally
    await asyncio.to_thread(remove_stale_temporaries, folder)
    for number, (sha256, size) in enumerate(missing, start=1):
        cancel.raise_if_cancelled()
        progress(number - 1, len(missing), f"正在下载附件（{number}/{len(missing)}）……")
        try:
            got = await download(client, folder, sha256, expected_size=size)
        except SyncError as error:
            tally.failed.append(error.message)
            continue
        if got is None:
            tally.waiting += 1
        else:
            tally.downloaded += 1
            tally.sizes[sha256] = got
    await db(record_sizes, uow_factory, tally.sizes)
    if tally.failed:
        raise SyncError(f"有 {len(tally.failed)} 个附件未能从区级平台下载（{tally.failed[0]}），"
                        f"已下载 {tally.downloaded} 个；未下载的附件下次同步时会重新下载。")
    return tally


async def download(client: DistrictClient, folder: Path, sha256: str, *,
                   expected_size: int = 0) -> int | None:
    """Fetch one file into ``folder`` (its size), or None when the district does not
    have it yet. Raises SyncError when the line breaks or the bytes are wrong; never
    leaves a partial file under the real name."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{sha256[:16]}-", dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            sink = _Sink(out, sha256, expected_size)
            if not await _stream(client, sha256, sink.write):
                return None
            await sink.finish()
        target = files.file_path(folder, sha256)
        await asyncio.to_thread(_place, temp, target)
        return sink.size
    finally:
        temp.unlink(missing_ok=True)  # gone already when placed


class _Sink:
    """Hashes and counts the bytes, writing them in 1 MiB blocks on a worker thread."""

    def __init__(self, out: IO[bytes], sha256: str, expected_size: int) -> None:
        self.out, self.sha256, self.expected = out, sha256, expected_size
        self.digest, self.size, self.buffer = hashlib.sha256(), 0, bytearray()

    async def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        limit = self.expected or MAX_ATTACHMENT_BYTES
        if self.size > limit:
            raise SyncError(f"附件 {self.sha256[:12]}… 的下载内容比登记的大小长，已放弃本次下载。")
        self.digest.update(chunk)
        self.buffer += chunk
        if len(self.buffer) >= BUFFER:
            await self._flush()

    async def _flush(self) -> None:
        data, self.buffer = bytes(self.buffer), bytearray()
        await asyncio.to_thread(self.out.write, data)

    async def finish(self) -> None:
        await self._flush()
        if self.digest.hexdigest() != self.sha256 or (self.expected and self.size != self.expected):
            raise SyncError(f"附件 {self.sha256[:12]}… 下载后校验不符（内容与 SHA-256 不一致），"
                            "已丢弃，下次同步时会重新下载。")
        await asyncio.to_thread(_sync, self.out)


def _sync(out: IO[bytes]) -> None:
    out.flush()
    os.fsync(out.fileno())


def _place(temp: Path, target: Path) -> None:
    """Rename into place (atomic on one volume); the same content already there wins."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, target)


async def _stream(client: DistrictClient, sha256: str,
                  write: Callable[[bytes], Awaitable[None]]) -> bool:
    """The file's bytes into ``write``; False on 404/409 (not on the district yet)."""
    return await client.stream(
        f"/api/attachments/{sha256}", write, waiting=WAITING, chunk_size=BUFFER,
        interrupted=f"附件 {sha256[:12]}… 下载中断，未完成的部分已丢弃，下次同步时会重新下载")


def remove_stale_temporaries(folder: Path) -> int:
    """Temporary files of downloads that a killed run left behind (never under a real
    name, so nothing depends on them)."""
    removed = 0
    cutoff = time.time() - STALE_SECONDS
    for temp in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()
                removed += 1
    return removed
