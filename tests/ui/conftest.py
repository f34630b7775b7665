"""UI test fixtures: a qasync loop marked as running while pytest-qt spins Qt events.

Pages await services through ``TaskRunner``; under ``qtbot.wait``/``waitUntil`` Qt
processes the loop's callbacks, and marking the loop as running lets coroutines use
``asyncio.get_running_loop()`` exactly as they do in the app.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from desktop.bootstrap import AppContext
from tests.conftest import TEST_OUTPUT
from ui.env import UiEnv
from ui.look import install_look
from ui.tasks import TaskRunner

SCREENSHOTS = TEST_OUTPUT / "screenshots"
# A test's background work must have finished when its page is gone; a worker still
# running this long after the test is stuck (a deadlock), and the run says so with its
# stack instead of hanging in the teardown until CI gives up.
WORKER_GRACE_SECONDS = 60.0
STUCK_WORKERS: list[threading.Thread] = []


@pytest.fixture(scope="session")
def styled_app(qapp: QApplication) -> QApplication:
    install_look(qapp)
    return qapp


@pytest.fixture
def qloop(styled_app: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(styled_app, already_running=False)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    try:
        yield loop
    finally:
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)
        loop.close()


@pytest.fixture
def ui_env(context: AppContext, qloop: asyncio.AbstractEventLoop) -> Iterator[UiEnv]:
    tasks = TaskRunner()
    errors: list[BaseException] = []
    tasks.on_error = errors.append
    env = UiEnv(context=context, tasks=tasks)
    env.errors = errors  # type: ignore[attr-defined]  # tests assert no task failed
    yield env
    stuck = tasks.shutdown(timeout=WORKER_GRACE_SECONDS)
    if stuck:
        STUCK_WORKERS.extend(stuck)
        pytest.fail("后台线程在测试结束后仍未返回（worker threads still running after the "
                    "test):\n" + worker_stacks(stuck), pytrace=False)


def worker_stacks(threads: list[threading.Thread]) -> str:
    frames = sys._current_frames()
    return "\n".join(f"--- {thread.name}\n" + "".join(traceback.format_stack(frames[thread.ident]))
                     for thread in threads if thread.ident in frames)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """A worker thread stuck for good would hang the interpreter's exit (it joins the
    pools' threads): the failure is reported above, so end the process here."""
    if STUCK_WORKERS:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(3)


def settle(qtbot, env: UiEnv, timeout: int = 10_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until every task spawned by the UI has finished, then fail on their errors."""
    qtbot.waitUntil(lambda: not env.tasks.busy, timeout=timeout)
    qtbot.wait(10)
    errors = env.errors  # type: ignore[attr-defined]
    if errors:
        raise errors[0]


def run(qtbot, env: UiEnv, coro, timeout: int = 10_000):  # type: ignore[no-untyped-def]
    """Run a coroutine (e.g. ``page.reload()``) on the loop and return its result."""
    task = env.tasks.spawn(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


def screenshot(widget, name: str) -> Path:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


def type_text(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as a user does: ASCII as key presses, Chinese as an input-method commit
    (QTest cannot press keys for characters outside ASCII; it aborts the process)."""
    run_start = 0
    for end in range(len(text) + 1):
        if end == len(text) or text[end].isascii() != text[run_start].isascii():
            chunk = text[run_start:end]
            if chunk.isascii():
                qtbot.keyClicks(widget, chunk)
            elif chunk:
                event = QInputMethodEvent()
                event.setCommitString(chunk)
                QApplication.sendEvent(widget, event)
            run_start = end
