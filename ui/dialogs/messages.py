"""Showing errors to the user: domain errors as their Chinese sentence; anything else as
a short Chinese apology that points at the log file (the details go to the log only)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.domain.errors import CancelledError, DomainError, ImportRejectedError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, CancelledError):
        QMessageBox.information(parent, "已取消", exc.message)
        return
    if isinstance(exc, ImportRejectedError):
        from ui.dialogs.import_report import ImportReportDialog

        ImportReportDialog(exc, parent).exec()
        return
    if isinstance(exc, DomainError):
        QMessageBox.warning(parent, "无法完成操作", exc.message)
        return
    log.error("unexpected error", exc_info=exc)
    QMessageBox.critical(
        parent,
        "程序出错",
        "操作时发生了意外错误，数据已回滚，未作更改。\n"
        "详细信息已写入日志文件（见“设置 › 关于”中的日志目录），请联系技术支持。",
    )


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent, title, text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
