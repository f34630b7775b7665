"""One sync run: hello, push the outbox in order, pull to the head.

Async inside, so the app runs it on the qasync loop (HTTP awaited on the loop) while
every database step goes through ``db`` (the app passes ``TaskRunner.db``, the command
line a worker thread). The steps are the short, idempotent transactions of
``desktop.sync.store``: a run can be killed at any point and the next run carries on
(rows marked ``sent`` are simply sent again; the district answers ``duplicate``; the
pull resumes from the last saved cursor, which is how an interrupted first download
resumes instead of starting over).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine

from desktop.domain.errors import DomainError
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.sync import attachments, downloads, store
from desktop.sync.client import (
    Connection,
    DistrictClient,
    NotEnrolledError,
    RequestRefusedError,
    RetryPolicy,
    SyncError,
    clock_skew_seconds,
)
from desktop.sync.store import Link, UowFactory
from desktop.sync.tokens import TokenStore

log = logging.getLogger(__name__)

T = TypeVar("T")
DbRunner = Callable[..., Awaitable[Any]]  # db(fn, *args, **kw) -> awaitable fn(*args, **kw)

PAGE_SIZE = 500
MAX_PUSH_ROUNDS = 10_000  # a safety stop, far above any real queue (1M mutations)
BODY_SLACK = 16 * 1024  # below the body limit: attachment hashes are added after measuring


async def in_thread(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """The command line's DB runner: a worker thread, so the loop keeps serving HTTP."""
    return await asyncio.to_thread(fn, *args, **kwargs)


@dataclass
class SyncSetup:
    """What a run needs: the data folder's database, where the token is, how to run DB
    work, and (for tests and the fault suite) the retry policy and an HTTP transport."""

    uow: UowFactory
    engine: Engine
    tokens: TokenStore
    db: DbRunner = in_thread
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    transport: Any = None  # httpx.AsyncBaseTransport for tests
    page_size: int = PAGE_SIZE
    attachments: Path | None = None  # the data folder's attachments/ (files to up/download)


@dataclass(frozen=True)
class RunSummary:
    pushed: int
    pulled: int
    conflicts: int
    rejected: int
    waiting: int  # outbox rows still waiting after the run
    reached_head: bool
    clock_skew_seconds: int | None
    files_downloaded: int = 0  # attachments fetched from the district in this run
    files_waiting: int = 0  # linked files the district does not have yet (not a failure)

    @property
    def complete(self) -> bool:
        return self.waiting == 0 and self.reached_head

    @property
    def message(self) -> str:
        text = (f"同步完成：上传 {self.pushed} 条修改，下载 {self.pulled} 条记录")
        if self.conflicts:
            text += f"，{self.conflicts} 条冲突待处理"
        if self.rejected:
            text += f"，{self.rejected} 条被区级平台拒收"
        if self.waiting:
            text += f"，仍有 {self.waiting} 条待上传"
        if self.files_downloaded:
            text += f"，下载 {self.files_downloaded} 个附件"
        if self.files_waiting:
            text += f"，{self.files_waiting} 个附件尚未上传到区级平台（等待其他终端上传）"
        return text + "。"


async def client_for(setup: SyncSetup, link_or_connection: Link | Connection) -> DistrictClient:
    """Built on a worker thread: loading the system's CA certificates for TLS takes tens
    of milliseconds, too long for the GUI's loop."""
    connection = link_or_connection if isinstance(link_or_connection, Connection) else \
        Connection(link_or_connection.server_url, link_or_connection.ca_file,
                   link_or_connection.proxy)
    return await asyncio.to_thread(DistrictClient, connection, refresh_token=setup.tokens.load,
                                   retry=setup.retry, transport=setup.transport)


async def run_once(setup: SyncSetup, *, trigger: str = "manual",
                   progress: ProgressCallback = no_progress,
                   cancel: CancelToken = NEVER_CANCELLED, pull: bool = True) -> RunSummary:
    """Push everything waiting, then pull to the head. Raises SyncError (Chinese) when
    the district cannot be reached or refuses; the outbox keeps every change.
    ``pull=False`` pushes only (the push benchmark, the fault suite)."""
    link = await setup.db(store.read_link, setup.uow)
    if link is None:
        raise NotEnrolledError("本机尚未在区级平台注册，无法同步。请由系统管理员在“同步”页设置"
                               "平台地址并注册本机（或使用命令 subcenter enroll）。本机可继续离线工作。")
    run_id = await setup.db(store.start_run, setup.uow, trigger)
    tally = _Tally()
    try:
        async with await client_for(setup, link) as client:
            hello = await client.hello()
            skew = clock_skew_seconds(str(hello.get("server_time")))
            await setup.db(store.save_clock_skew, setup.uow, skew)
            await _push_all(setup, client, link, hello, tally, progress, cancel)
            reached = pull and await _pull_all(setup, client, tally, progress, cancel)
            fetched = await _download_files(setup, client, reached, progress, cancel)
    except BaseException as error:
        message = _failure_text(error)
        await asyncio.shield(setup.db(store.finish_run, setup.uow, run_id, pushed=tally.pushed,
                                      pulled=tally.pulled, conflicts=tally.conflicts,
                                      rejected=tally.rejected, error=message or type(error).__name__))
        raise
    waiting = await setup.db(store.waiting_count, setup.uow)
    await setup.db(store.finish_run, setup.uow, run_id, pushed=tally.pushed, pulled=tally.pulled,
                   conflicts=tally.conflicts, rejected=tally.rejected)
    return RunSummary(tally.pushed, tally.pulled, tally.conflicts, tally.rejected, waiting,
                      reached, skew, fetched.downloaded, fetched.waiting)


async def _download_files(setup: SyncSetup, client: DistrictClient, reached: bool,
                          progress: ProgressCallback, cancel: CancelToken
                          ) -> downloads.DownloadTally:
    """At the head, fetch the files that local records link to but the data folder
    lacks (a photo attached on another PC). A failed download fails the run (SyncError,
    after trying the others); the next run tries again."""
    if not reached or setup.attachments is None:
        return downloads.DownloadTally()
    return await downloads.fetch_missing(client, setup.db, setup.uow, setup.attachments,
                                         progress, cancel)


def _failure_text(error: BaseException) -> str:
    """What the run history and the status bar say; never a raw English trace."""
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, asyncio.CancelledError | KeyboardInterrupt):
        return "同步被中断，下次同步时会从中断处继续。"
    log.error("sync run failed unexpectedly", exc_info=error)
    return (f"同步时发生意外错误（{type(error).__name__}），修改仍保留在本机，下次同步时会重试。"
            "详细信息已写入日志文件，如持续出现请联系技术支持。")


@dataclass
class _Tally:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    rejected: int = 0


async def _push_all(setup: SyncSetup, client: DistrictClient, link: Link, hello: dict[str, Any],
                    tally: _Tally, progress: ProgressCallback, cancel: CancelToken) -> None:
    max_count = min(100, int(hello.get("max_mutations") or 100))
    body_limit = int(hello.get("max_body_bytes") or store.BODY_LIMIT)
    max_bytes = body_limit - BODY_SLACK
    total = await setup.db(store.waiting_count, setup.uow)
    uploaded: set[str] = set()
    void: set[int] = set()  # rows the district refused as too large when sent alone
    for _round in range(MAX_PUSH_ROUNDS):
        cancel.raise_if_cancelled()
        batch = await setup.db(store.next_batch, setup.uow, link, max_count=max_count,
                               max_bytes=max_bytes, void=frozenset(void),
                               body_limit=body_limit)
        if not batch.mutations:
            return
        progress(tally.pushed, total, f"正在上传本机修改（{tally.pushed}/{total}）……")
        try:
            await attachments.upload_all(client, setup.attachments, batch.files, uploaded)
            answer = await client.push(link.client_id, batch.mutations)
        except RequestRefusedError as error:
            if error.status != 413:
                await setup.db(store.note_push_failure, setup.uow, batch.seqs, str(error))
                raise
            max_count = _smaller_batch(batch.seqs, void)
            continue
        except SyncError as error:
            await setup.db(store.note_push_failure, setup.uow, batch.seqs, str(error))
            raise
        counted = await setup.db(store.store_push_answer, setup.uow, link, answer,
                                 body_limit=body_limit)
        tally.pushed += counted.acknowledged + counted.conflicts + counted.rejected
        tally.conflicts += counted.conflicts
        tally.rejected += counted.rejected
        stopped = answer.get("stopped")
        if stopped:
            _stop(stopped, link)


def _smaller_batch(seqs: list[int], void: set[int]) -> int:
    """After a 413 (the district found the request too large although the client
    measured it under the limit, e.g. a smaller limit behind a proxy): half the batch
    next time; a row refused alone goes as ``void`` (the next batch starts with it)."""
    if len(seqs) == 1:
        void.add(seqs[0])
        return 1
    log.info("push of %d mutations refused as too large; splitting", len(seqs))
    return max(1, len(seqs) // 2)


def _stop(stopped: dict[str, Any], link: Link) -> None:
    """The district stopped the batch: a gap means this install and the district
    disagree about which changes were already sent; it needs a person to look."""
    code = stopped.get("code")
    if code == "attachment_missing":
        raise SyncError("有附件尚未完整上传到区级平台，相关修改暂缓上传，下次同步时会重试。")
    expected = stopped.get("expected_mutation_id")
    raise SyncError(
        f"上传队列与区级平台的记录不连续（平台期待第 {expected} 号修改，本机发送的是第 "
        f"{stopped.get('mutation_id')} 号），同步已停止，修改仍保留在本机。"
        "请联系系统管理员重新注册本机后再同步。")


async def _pull_all(setup: SyncSetup, client: DistrictClient, tally: _Tally,
                    progress: ProgressCallback, cancel: CancelToken) -> bool:
    cursor, done = await setup.db(store.pull_position, setup.uow)
    while True:
        cancel.raise_if_cancelled()
        page = await client.pull(cursor, setup.page_size)
        changes = page.get("changes") or []
        cursor = str(page.get("cursor") or cursor or "")
        remaining = page.get("remaining")
        result = await setup.db(store.apply_page, setup.engine, changes, cursor, remaining)
        tally.pulled += result.applied
        tally.conflicts += result.failed
        done += result.received
        total = done + int(remaining or 0)
        progress(done, total, f"正在下载区级平台的数据（{done}/{total}）……")
        if not page.get("has_more"):
            await setup.db(store.mark_initial_pull_done, setup.uow)
            return True
