"""Showing errors to the user: domain errors as their Chinese sentence; anything else as
a short Chinese apology that points at the log file (the details go to the log only).

Threading/loop contract: nothing here runs a nested event loop. ``show_error`` opens
its box window-modal with ``open()`` and returns at once, so it is safe to call from a
coroutine (a modal ``exec()`` inside a task step would stop every other task on the
qasync loop). ``ask`` is awaited for an answer.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from desktop.domain.errors import CancelledError, DomainError, ImportRejectedError

log = logging.getLogger(__name__)

UNEXPECTED = (
    "操作时发生了意外错误，数据已回滚，未作更改。\n"
    "详细信息已写入日志文件（见“设置”页中的日志目录），请联系技术支持。"
)


def _open(dialog: QDialog) -> QDialog:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog


def show_error(parent: QWidget | None, exc: BaseException) -> QDialog:
    """Open the right box for ``exc`` without blocking; returns it (tests inspect it)."""
    if isinstance(exc, ImportRejectedError):
        from ui.dialogs.import_report import ImportReportDialog

        return _open(ImportReportDialog(exc, parent))
    if isinstance(exc, CancelledError):
        icon, title, text = QMessageBox.Icon.Information, "已取消", exc.message
    elif isinstance(exc, DomainError):
        icon, title, text = QMessageBox.Icon.Warning, "无法完成操作", exc.message
    else:
        log.error("unexpected error", exc_info=exc)
        icon, title, text = QMessageBox.Icon.Critical, "程序出错", UNEXPECTED
    return _open(QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent))


async def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question, awaited without a nested event loop."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    box.finished.connect(
        lambda _code: answer.done()
        or answer.set_result(box.clickedButton() == box.button(QMessageBox.StandardButton.Yes))
    )
    _open(box)
    return await answer
