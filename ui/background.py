"""Work the app does by itself after the window is up: the daily database backup
(now, then every few hours while it runs) and the audit trail's integrity check.

Each run is a one-off task on the DB thread started by a QTimer, so shutting down never
waits on an endless loop. Problems go to the status bar, never a modal dialog: an
unplugged USB backup folder must not interrupt a clerk's work.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from desktop.domain.errors import DomainError
from desktop.services.audit_queries import startup_integrity_warning
from desktop.services.backup import ensure_daily_backup
from ui.env import UiEnv

log = logging.getLogger(__name__)
BACKUP_INTERVAL_MS = 3 * 60 * 60 * 1000


class BackgroundJobs(QObject):
    def __init__(self, env: UiEnv, window: QObject) -> None:
        super().__init__(window)
        self.env = env
        self.window = window
        self.timer = QTimer(self)
        self.timer.setInterval(BACKUP_INTERVAL_MS)
        self.timer.timeout.connect(lambda: env.tasks.spawn(self.backup()))

    def start(self) -> None:
        self.env.tasks.spawn(self.check_audit_chain())
        self.env.tasks.spawn(self.backup())
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    async def backup(self) -> None:
        try:
            taken = await self.env.tasks.db(ensure_daily_backup, self.env.context)
        except (DomainError, OSError) as error:
            log.warning("daily backup failed: %s", error)
            self._status(f"自动备份未完成：{getattr(error, 'message', error)}")
            return
        if taken is not None:
            self._status(f"已自动备份数据库：{taken.name}")

    async def check_audit_chain(self) -> None:
        warning = await self.env.tasks.db(startup_integrity_warning, self.env.context.uow())
        if warning:
            log.error("audit chain check failed at start-up")
            box = QMessageBox(QMessageBox.Icon.Critical, "审计日志异常", warning,
                              QMessageBox.StandardButton.Ok, None)
            box.open()
            self._box = box  # keep it alive while open

    def _status(self, text: str) -> None:
        status_bar = getattr(self.window, "statusBar", None)
        if status_bar is not None:
            status_bar().showMessage(text, 15_000)
