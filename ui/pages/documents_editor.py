"""The field editor of a draft: every text field of the document in a form, so the clerk
corrects the wording before approval. Read-only once the document is submitted.

Fields come from the document kind's drafting (plain JSON values). Each is shown under
its Chinese label (``kinds.field_labels``; a label's bracketed part becomes a grey hint
beside it): short texts get a line, long or multi-line texts (正文, 附件, 抄送) a plain
text box as tall as its text, numbers a line that must stay a number, tables a text box
with one row a line and the cells separated by "｜" (the way the clerk reads them on
paper, never JSON). Fields that only record where the text came from
(``kinds.record_fields``) are kept unchanged and not shown.
"""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.documents import fields as field_texts
from desktop.domain.errors import ValidationError

LONG_FIELDS = frozenset({"body", "attachments", "cc", "facts", "measures", "evidence",
                         "requirements", "duties", "notes", "matter", "requirement", "reason",
                         "parties", "officers"})
CELL = "｜"
_HINT = re.compile(r"^(?P<name>[^（]+?)（(?P<hint>.+)）$")


def field_label(key: str, labels: dict[str, str] | None = None) -> str:
    return (labels or field_texts.LABELS).get(key, key)


def label_html(label: str) -> str:
    """"正文（每段一行…）" → the name, and its bracketed hint in grey."""
    match = _HINT.match(label)
    if match is None:
        return f"<b>{label}</b>"
    return (f"<b>{match['name']}</b>&nbsp;&nbsp;"
            f"<span style='color:#777; font-weight:normal'>{match['hint']}</span>")


def _is_long(key: str, value: str) -> bool:
    return key in LONG_FIELDS or "\n" in value or len(value) > 40


def table_text(value: list[Any]) -> str:
    """A list field as lines: rows of cells joined by "｜", or one item a line."""
    return "\n".join(CELL.join(str(cell) for cell in row) if isinstance(row, list | tuple)
                     else str(row) for row in value)


def table_value(text: str, original: list[Any]) -> list[Any]:
    """The lines back into the original shape (rows of cells, or items)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    as_rows = any(isinstance(row, list | tuple) for row in original) or (
        not original and any(CELL in line for line in lines))
    if as_rows:
        return [[cell.strip() for cell in line.split(CELL)] for line in lines]
    return lines


class AutoHeightTextEdit(QPlainTextEdit):
    """A plain text box whose height follows its text (between ``min_lines`` and
    ``max_lines``, wrapped lines counted), so a form shows each text whole."""

    def __init__(self, text: str, *, min_lines: int = 2, max_lines: int = 24) -> None:
        super().__init__(text)
        self.min_lines, self.max_lines = min_lines, max_lines
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _s: self.fit())
        self.fit()

    def fit(self) -> None:
        lines, line_height = self._lines()
        lines = max(self.min_lines, min(self.max_lines, lines))
        margins = self.contentsMargins()
        height = (round(lines * line_height) + 2 * int(self.document().documentMargin())
                  + margins.top() + margins.bottom() + 2 * self.frameWidth() + 2)
        if height != self.height():
            self.setFixedHeight(height)

    def _lines(self) -> tuple[int, float]:
        """Wrapped lines and their height as laid out (Chinese text falls back to a
        taller font than the widget's own, so its metrics would cut the last line)."""
        lines, height = 0, 0.0
        block = self.document().firstBlock()
        while block.isValid():
            lines += max(1, block.layout().lineCount())
            height += self.blockBoundingRect(block).height()
            block = block.next()
        if not height:  # not laid out yet
            return max(1, lines), float(QFontMetrics(self.font()).lineSpacing())
        return max(1, lines), height / max(1, lines)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self.fit()  # a narrower box wraps into more lines


Editor = QLineEdit | AutoHeightTextEdit


class FieldEditor(QWidget):
    """A form over a document's fields; ``values()`` gives them back with their types."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original: dict[str, Any] = {}
        self.labels: dict[str, str] = {}
        self.editors: dict[str, Editor] = {}
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self._form_host: QWidget | None = None
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.scroll, 1)

    def set_fields(self, fields: dict[str, Any], *, editable: bool, hint: str,
                   labels: dict[str, str] | None = None,
                   hidden: frozenset[str] = frozenset()) -> None:
        host = QWidget()  # a fresh form: the old one goes with its editors
        form = QVBoxLayout(host)
        form.setContentsMargins(4, 4, 12, 8)
        form.setSpacing(4)
        self.editors.clear()
        self._original = dict(fields)
        self.labels = dict(labels or field_texts.LABELS)
        self.hint.setText(hint)
        for key, value in fields.items():
            if key in hidden:
                continue
            editor = self._editor(key, value)
            editor.setReadOnly(not editable)
            editor.setObjectName(f"field_{key}")
            self.editors[key] = editor
            label = QLabel(label_html(field_label(key, self.labels)))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setContentsMargins(0, 6, 0, 0)
            label.setBuddy(editor)
            form.addWidget(label)
            form.addWidget(editor)
        form.addStretch(1)
        self.scroll.setWidget(host)  # deletes the previous form
        self._form_host = host

    def clear(self, hint: str) -> None:
        self.set_fields({}, editable=False, hint=hint)

    def _editor(self, key: str, value: Any) -> Editor:
        if isinstance(value, str) and not _is_long(key, value):
            return QLineEdit(value)
        if isinstance(value, bool | int | float) or value is None:
            return QLineEdit("" if value is None else json.dumps(value))
        if isinstance(value, list) and not any(isinstance(row, dict) for row in value):
            return AutoHeightTextEdit(table_text(value))
        if isinstance(value, str):
            return AutoHeightTextEdit(value, min_lines=6 if key == "body" else 2,
                                      max_lines=40 if key == "body" else 16)
        return AutoHeightTextEdit(json.dumps(value, ensure_ascii=False, indent=1))

    def values(self) -> dict[str, Any]:
        """All the fields (the hidden ones unchanged), each back in its original type
        (refuses a broken number in Chinese, naming the field)."""
        result = dict(self._original)
        for key, editor in self.editors.items():
            text = editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()
            original = self._original.get(key)
            if isinstance(original, str):
                result[key] = text
            elif isinstance(original, list) and not any(isinstance(r, dict) for r in original):
                result[key] = table_value(text, original)
            else:
                result[key] = self._parsed(key, text)
        return result

    def _parsed(self, key: str, text: str) -> Any:
        try:
            return json.loads(text) if text.strip() else None
        except json.JSONDecodeError as error:
            raise ValidationError(field_label(key, self.labels),
                                  "格式不正确，请填写数字（或按原来的格式填写）"
                                  f"（第 {error.lineno} 行）。") from error

    def is_modified(self) -> bool:
        try:
            return self.values() != self._original
        except ValidationError:
            return True
