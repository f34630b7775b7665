"""Background sync in the app, and its line in the status bar.

``SyncController`` (one per window, reached with ``controller_for(env)``) runs one sync
at a time on the qasync loop: HTTP is awaited on the loop, every database step goes to
the DB thread through ``env.tasks.db``, so the window never freezes. A timer starts a
run every few minutes while the install is enrolled; ``sync_now()`` starts one on
demand (a second request while one runs just waits for it).

``SyncStatusLabel`` shows the last success, pending count, conflicts and the last error
in plain Chinese; clicking it asks the window to show the sync page.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop.domain.errors import DomainError
from desktop.sync.commands import sync, sync_setup
from desktop.sync.engine import RunSummary
from desktop.sync.services import SyncOverview, sync_overview
from ui.env import UiEnv

log = logging.getLogger(__name__)

AUTO_INTERVAL_MS = 5 * 60 * 1000
CLOCK_WARNING_SECONDS = 5 * 60
_ATTRIBUTE = "_sync_controller"


class SyncController(QObject):
    overview_changed = Signal(object)  # SyncOverview
    running_changed = Signal(bool)
    progress = Signal(int, int, str)
    run_finished = Signal(str, bool)  # message, success

    def __init__(self, env: UiEnv, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.overview: SyncOverview | None = None
        self.running = False
        self._current: asyncio.Task[RunSummary | None] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_INTERVAL_MS)
        self.timer.timeout.connect(lambda: self.start("auto"))

    def start_timer(self) -> None:
        """Automatic runs every few minutes (the window calls this once it shows).

        It also freezes the start-up heap (``gc.freeze``): the objects alive once the
        window is up (modules, Qt wrappers, mappers) live as long as the program, and
        leaving them in the collector's oldest generation made each full collection
        during a 100k-record download scan them all, stalling the loop for ~120 ms.
        Frozen, a full collection only scans what was made since.
        """
        gc.freeze()
        self.timer.start()
        self.env.tasks.spawn(self.refresh())

    def start(self, trigger: str = "manual") -> None:
        """Start a run in the background unless one is already running."""
        if not self.running:
            self.env.tasks.spawn(self.sync_now(trigger))

    async def refresh(self) -> SyncOverview:
        overview = await self.env.tasks.db(sync_overview, self.env.context.uow())
        self.overview = overview
        self.overview_changed.emit(overview)
        return overview

    async def sync_now(self, trigger: str = "manual") -> RunSummary | None:
        """One run (or wait for the one running). Errors become the status text; a
        ``DomainError`` is raised to the caller only for a manual run."""
        if self._current is not None and not self._current.done():
            return await asyncio.shield(self._current)
        overview = self.overview or await self.refresh()
        if not overview.enrolled and trigger == "auto":
            return None
        self._current = asyncio.ensure_future(self._run(trigger))
        return await asyncio.shield(self._current)

    async def _run(self, trigger: str) -> RunSummary | None:
        self._set_running(True)
        loop = asyncio.get_running_loop()

        def report(done: int, total: int, text: str) -> None:  # may be called off the loop
            loop.call_soon_threadsafe(self.progress.emit, done, total, text)

        try:
            setup = sync_setup(self.env.context, db=self.env.tasks.db)
            summary = await sync(setup, actor=self.env.context.actor, trigger=trigger,
                                 progress=report)
            self.run_finished.emit(summary.message, True)
            return summary
        except Exception as error:
            text = error.message if isinstance(error, DomainError) else "同步时发生意外错误，详情见日志。"
            self.run_finished.emit(text, False)
            if trigger != "auto":
                raise
            if not isinstance(error, DomainError):  # an automatic run never pops a dialog
                log.error("automatic sync failed", exc_info=error)
            return None
        finally:
            self._set_running(False)
            await self.refresh()

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.running_changed.emit(running)


def controller_for(env: UiEnv) -> SyncController:
    """The window's one controller (kept on ``env`` so the status bar and the sync page
    share it and never run two syncs at once)."""
    controller = getattr(env, _ATTRIBUTE, None)
    if controller is None:
        controller = SyncController(env)
        setattr(env, _ATTRIBUTE, controller)
    return controller


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "从未"
    today = datetime.now().date()
    if moment.date() == today:
        return f"今天 {moment:%H:%M}"
    return f"{moment:%m-%d %H:%M}"


def status_text(overview: SyncOverview | None, running: bool = False) -> tuple[str, str]:
    """(short text, tooltip) for the status bar, in plain Chinese."""
    if overview is None:
        return "同步：读取中……", ""
    if not overview.enrolled:
        text = "同步：未连接区级平台（离线工作）"
        if overview.waiting:
            text += f"，{overview.waiting} 条修改待上传"
        return text, "本机尚未在区级平台注册。系统管理员可在“同步”页设置平台地址并注册本机。"
    parts = ["同步中……" if running else f"上次同步 {_when(overview.last_success_at)}"]
    parts.append(f"待上传 {overview.waiting}")
    if overview.conflicts:
        parts.append(f"冲突 {overview.conflicts}")
    if overview.rejected:
        parts.append(f"拒收 {overview.rejected}")
    tip = [f"区级平台：{overview.server_url}"]
    if overview.last_error and not running:
        parts.append("上次同步失败")
        tip.append(f"上次同步失败：{overview.last_error}")
    skew = overview.clock_skew_seconds
    if skew is not None and abs(skew) > CLOCK_WARNING_SECONDS:
        parts.append("本机时钟不准")
        tip.append(f"本机时钟与区级平台相差约 {abs(skew) // 60} 分钟，请校准系统时间"
                   "（同步结果不受影响，但显示的时间可能有误）。")
    return "同步：" + "，".join(parts), "\n".join(tip)


class SyncStatusLabel(QLabel):
    """The status-bar line; a click asks for the sync page (``clicked``)."""

    clicked = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__("同步：读取中……", parent)
        self.controller = controller
        self.setObjectName("syncStatus")
        self.setContentsMargins(8, 0, 8, 0)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        controller.overview_changed.connect(self._show)
        controller.running_changed.connect(lambda _running: self._show(controller.overview))
        controller.progress.connect(self._show_progress)

    def _show(self, overview: SyncOverview | None) -> None:
        text, tip = status_text(overview, self.controller.running)
        self.setText(text)
        self.setToolTip(tip + ("\n" if tip else "") + "单击打开“同步”页。")
        failed = bool(overview and overview.enrolled and overview.last_error
                      and not self.controller.running)
        self.setStyleSheet("color: #b3261e;" if failed else "")

    def _show_progress(self, done: int, total: int, _text: str) -> None:
        if self.controller.running:
            self.setText(f"同步：同步中（{done}/{total}）……" if total else "同步：同步中……")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)
