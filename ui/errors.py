"""The last line of defence: uncaught exceptions are logged and shown as a Chinese
dialog instead of the program dying silently."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def install_excepthook(tasks: TaskRunner) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.messages import show_error

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook
    tasks.on_error = lambda exc: show_error(QApplication.activeWindow(), exc)
