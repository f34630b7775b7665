"""Base class of the pages in the main window's navigation.

A page builds its widgets in ``__init__`` (no I/O there) and loads its data in
``reload()``, a coroutine the window awaits when the page is first shown and whenever
the data may have changed. Slots that do work are ``@page_slot`` methods.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.env import UiEnv
from ui.tasks import slot

page_slot: Callable[[Callable[..., Awaitable[None]]], Callable[..., None]] = slot(
    lambda page: page.env.tasks
)


class Page(QWidget):
    title = ""
    status_message = Signal(str)  # short Chinese text for the status bar
    data_changed = Signal()  # other pages may need to reload

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.loaded = False

    async def reload(self) -> None:
        """Load or refresh the page's data. Override; call the services via env.tasks."""
        self.loaded = True

    def run(self, coro: Any) -> None:
        self.env.tasks.spawn(coro)


class PlannedPage(Page):
    """A navigation entry whose module is not built yet: says so plainly."""

    def __init__(self, env: UiEnv, title: str, description: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.title = title
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        body = QLabel(
            f"“{title}”模块尚在开发中，将在后续版本中提供。\n\n{description}"
        )
        body.setWordWrap(True)
        body.setObjectName("plannedText")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(heading)
        layout.addSpacing(12)
        layout.addWidget(body)
        layout.addStretch(1)
