"""Small figure cards for the 工作台: a big number and a caption."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class FigureCard(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.value_label = QLabel("—")
        self.value_label.setObjectName("cardValue")
        caption_label = QLabel(caption)
        caption_label.setObjectName("cardCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.value_label)
        layout.addWidget(caption_label)

    def set_value(self, value: int | str) -> None:
        self.value_label.setText(f"{value:,}" if isinstance(value, int) else value)
