"""督办 tab of 诉求与吹哨 (placeholder until its module is written)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.env import UiEnv
from ui.pages.base import Page


class SupervisionTab(Page):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        QVBoxLayout(self).addWidget(QLabel("“督办”正在建设中。"))
