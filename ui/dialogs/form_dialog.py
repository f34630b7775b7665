"""A dialog whose OK button calls a core service and stays open on a refusal.

The service validates; its Chinese message appears under the form and the field it
names gets the focus and a red frame, so the user corrects it without retyping the rest.
Dialogs are opened with ``open()`` and awaited (``await_dialog``), never ``exec()``: the
qasync loop keeps running, and tests can reach the dialog object and click its buttons.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import DomainError, ValidationError
from ui.env import UiEnv
from ui.tasks import slot

_ERROR_FRAME = "border: 1px solid #c0392b;"


class FormDialog(QDialog):
    """Subclasses put their form in ``self.body`` and implement ``submit()``."""

    def __init__(self, env: UiEnv, title: str, ok_text: str = "保存",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(460)
        self.body = QVBoxLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button: QPushButton = self.buttons.addButton(
            ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.cancel_button: QPushButton = self.buttons.addButton(
            "取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.body)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._marked: QWidget | None = None

    # --- for subclasses ------------------------------------------------------------------
    async def submit(self) -> None:
        """Call the service; raise DomainError to refuse. Runs on the GUI thread and
        awaits the database thread through ``env.tasks``."""
        raise NotImplementedError

    def field_widget(self, field: str) -> QWidget | None:
        """The input named by a ValidationError's field label, to focus and mark."""
        return None

    def show_error(self, message: str, widget: QWidget | None = None) -> None:
        self._unmark()
        self.error_label.setText(message)
        self.error_label.show()
        if widget is not None:
            widget.setStyleSheet(_ERROR_FRAME)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            self._marked = widget

    def _unmark(self) -> None:
        if self._marked is not None:
            self._marked.setStyleSheet("")
            self._marked = None

    # --- behaviour -----------------------------------------------------------------------
    @slot(lambda dialog: dialog.env.tasks)
    async def _on_ok(self) -> None:
        self._unmark()
        self.error_label.hide()
        self.ok_button.setEnabled(False)
        try:
            await self.submit()
        except ValidationError as error:
            self.show_error(error.message, self.field_widget(error.field))
            return
        except DomainError as error:
            self.show_error(error.message)
            return
        finally:
            self.ok_button.setEnabled(True)
        self.accept()


async def await_dialog(dialog: QDialog) -> int:
    """Show ``dialog`` window-modal without a nested event loop; return its result code."""
    finished: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(code: int) -> None:
        if not finished.done():
            finished.set_result(code)

    dialog.finished.connect(done)
    dialog.open()
    try:
        return await finished
    finally:
        dialog.finished.disconnect(done)
