"""The one way work leaves the GUI thread.

- ``TaskRunner.db``: the database executor, one thread (SQLite has one writer; one
  thread also keeps each session on the thread that made it).
- ``TaskRunner.cpu``: a small pool for PDF and Excel work.
- HTTP is async (httpx.AsyncClient) and is awaited directly on the qasync loop.

Threading contract: functions given to ``db``/``cpu`` run on a worker thread and must
not touch widgets. Their progress reaches the GUI through ``loop.call_soon_threadsafe``
(see ``ProgressDialog``). Coroutines started from slots are kept in ``_tasks`` until
they finish, so none is garbage-collected mid-flight and none fails silently.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop.progress import CancelToken, ProgressCallback

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class TaskRunner:
    def __init__(self) -> None:
        # Thread names carry the runner's id so ``shutdown`` can tell its own workers.
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"db-{id(self):x}")
        self._cpu = ThreadPoolExecutor(
            max_workers=max(2, (os.cpu_count() or 2) - 1), thread_name_prefix=f"cpu-{id(self):x}"
        )
        self._tasks: set[asyncio.Task[Any]] = set()
        self.on_error: Callable[[BaseException], None] = lambda exc: log.error(
            "unhandled error in a background task", exc_info=exc
        )

    async def db(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` on the database thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, functools.partial(fn, *args, **kwargs))

    async def cpu(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run CPU-heavy ``fn`` (PDF, Excel) on the worker pool and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu, functools.partial(fn, *args, **kwargs))

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start a coroutine from a slot, keep a reference, report what it raises."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.on_error(exc)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def wait_idle(self) -> None:
        """Wait for every spawned task (tests and shutdown use it)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def shutdown(self, timeout: float | None = None) -> list[threading.Thread]:
        """Cancel the tasks and the queued work, then wait for the work already running:
        without end when ``timeout`` is None, else up to ``timeout`` seconds in all.
        Returns the worker threads still running (empty when all have finished)."""
        for task in list(self._tasks):
            task.cancel()
        if timeout is None:
            self._db.shutdown(wait=True, cancel_futures=True)
            self._cpu.shutdown(wait=True, cancel_futures=True)
            return []
        self._db.shutdown(wait=False, cancel_futures=True)
        self._cpu.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + timeout
        mine = (f"db-{id(self):x}_", f"cpu-{id(self):x}_")
        workers = [t for t in threading.enumerate() if t.name.startswith(mine)]
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        return [worker for worker in workers if worker.is_alive()]


def slot(runner_of: Callable[[Any], TaskRunner]) -> Callable[
    [Callable[..., Awaitable[None]]], Callable[..., None]
]:
    """Turn ``async def on_x(self, ...)`` into a Qt slot that spawns it on the runner.

    ``runner_of(self)`` returns the TaskRunner; exceptions go to the runner's
    ``on_error`` (which shows the Chinese message), never into the void.
    """

    def decorate(method: Callable[..., Awaitable[None]]) -> Callable[..., None]:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any) -> None:
            runner_of(self).spawn(method(self, *args))  # type: ignore[arg-type]

        return wrapper

    return decorate


class ProgressDialog(QDialog):
    """A modal progress bar with a cancel button for long core work.

    ``progress`` is safe to call from a worker thread: it hops to the GUI thread with
    ``call_soon_threadsafe`` before touching the bar.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(420)
        self.token = CancelToken()
        self._label = QLabel("正在准备……")
        self._bar = QProgressBar()
        self._bar.setRange(0, 0)
        self._cancel = QPushButton("取消")
        self._cancel.clicked.connect(self._on_cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self._label)
        layout.addWidget(self._bar)
        layout.addWidget(self._cancel, alignment=Qt.AlignmentFlag.AlignRight)
        self._loop = asyncio.get_event_loop()

    def progress_callback(self) -> ProgressCallback:
        def report(done: int, total: int, text: str) -> None:
            self._loop.call_soon_threadsafe(self._show_progress, done, total, text)

        return report

    def _show_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self._bar.setRange(0, total)
            self._bar.setValue(min(done, total))
        if text:
            self._label.setText(text)

    def _on_cancel(self) -> None:
        self.token.cancel()
        self._cancel.setEnabled(False)
        self._label.setText("正在取消，请稍候……")

    def reject(self) -> None:  # Esc or the window's close button cancel too
        self._on_cancel()


async def run_with_progress(
    runner: TaskRunner,
    parent: QWidget | None,
    title: str,
    work: Callable[[ProgressCallback, CancelToken], T],
    *,
    pool: str = "db",
) -> T:
    """Run ``work(progress, cancel)`` off the GUI thread behind a progress dialog.

    When the user cancels, the core raises ``CancelledError`` after rolling back, and it
    propagates from here; work that finished before it saw the cancel keeps its result.
    """
    dialog = ProgressDialog(title, parent)
    dialog.show()
    try:
        execute = runner.db if pool == "db" else runner.cpu
        result = await execute(work, dialog.progress_callback(), dialog.token)
    finally:
        dialog.hide()
        dialog.deleteLater()
    return result
