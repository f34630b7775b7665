"""A combo box to pick from a long list by typing any part of a name (分类, 网格,
清单事项): the completer lists what contains the typed text, and leaving the field
picks the entry the text names (exactly, or the only one containing it). Keyboard
first: type, Tab, done."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QComboBox, QCompleter, QWidget


class PickCombo(QComboBox):
    picked = Signal(object)  # the value (None when cleared)

    def __init__(self, empty: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.lineEdit().setPlaceholderText(empty)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.lineEdit().editingFinished.connect(self.resolve)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus)  # Qt drops it when the combo goes
        self.currentIndexChanged.connect(lambda _i: self.picked.emit(self.value()))

    def _on_focus(self, old: QWidget | None, new: QWidget | None) -> None:
        # Leaving by Tab while the completer's popup is open reaches neither the combo's
        # nor the line edit's focus-out, so watch the application's focus instead.
        mine = (self, self.lineEdit(), self.completer().popup())
        if old in mine and new not in mine:
            self.resolve()

    def set_entries(self, entries: list[tuple[str, Any]]) -> None:
        kept = self.value()
        self.blockSignals(True)
        self.clear()
        for text, value in entries:
            self.addItem(text, value)
        self.blockSignals(False)
        self.set_value(kept)

    def value(self) -> Any:
        if self.currentIndex() < 0 or self.currentText() != self.itemText(self.currentIndex()):
            return None
        return self.currentData()

    def set_value(self, value: Any) -> None:
        index = self.findData(value) if value is not None else -1
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")

    def resolve(self) -> None:
        """Pick the entry the typed text names; clear the text when it names none."""
        text = self.currentText().strip()
        if not text:
            self.setCurrentIndex(-1)
            return
        names = [self.itemText(i) for i in range(self.count())]
        if text in names:
            index = names.index(text)
        else:
            found = [i for i, name in enumerate(names) if text.lower() in name.lower()]
            index = found[0] if len(found) == 1 else -1
        if index >= 0:
            if index != self.currentIndex():
                self.setCurrentIndex(index)
            else:
                self.setEditText(names[index])
        else:
            self.setCurrentIndex(-1)
            self.setEditText(text)  # kept so the user sees what did not match

