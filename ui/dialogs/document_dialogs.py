"""Dialogs of the 文书 page: a new document (kind and the record it is drafted from) and
a reason (for 作废 and 退回修改). Opened with ``open()`` and awaited by the page."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.documents.kinds import KIND_SPECS, DocumentKind
from desktop.services.document_rows import SourceChoice

SOURCE_NAMES = {"demand": "诉求", "whistle": "吹哨", "handover": "移送登记", "action": "联合执法行动",
                "grid": "网格", "month": "月份", "roster": "人员范围"}


class NewDocumentDialog(QDialog):
    """Choose the kind and its record; the clerk may type an id or a printed number.

    ``preferred`` names, per kind, the record selected first (one whose draft has no
    placeholder: a demand with a lead unit and a list item), else the newest.
    """

    def __init__(self, choices: dict[DocumentKind, list[SourceChoice]],
                 parent: QWidget | None = None, *,
                 preferred: dict[DocumentKind, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建公文")
        self.setMinimumWidth(620)
        self._choices = choices
        self._preferred = preferred or {}
        self.kind_combo = QComboBox()
        for kind in DocumentKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.source_combo = QComboBox()
        self.source_combo.setEditable(True)
        self.source_combo.setMaxVisibleItems(20)
        self.source_combo.lineEdit().setPlaceholderText("选择记录，或输入受理编号、哨号、ID")
        self.source_label = QLabel()
        self.empty_note = QLabel("")
        self.empty_note.setWordWrap(True)
        self.empty_note.setStyleSheet("color: #7a5b00;")
        form = QFormLayout()
        form.addRow("公文种类", self.kind_combo)
        form.addRow(self.source_label, self.source_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("起草")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.empty_note)
        layout.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._fill_sources())
        self._fill_sources()

    @property
    def kind(self) -> DocumentKind:
        return DocumentKind(self.kind_combo.currentData())

    @property
    def source_id(self) -> str:
        index = self.source_combo.currentIndex()
        text = self.source_combo.currentText().strip()
        if index >= 0 and self.source_combo.itemText(index) == text:
            return str(self.source_combo.itemData(index))
        return text  # typed by hand: an id or a printed number

    def choose(self, kind: DocumentKind, source_id: str | None = None) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))
        if source_id is not None:
            index = self.source_combo.findData(source_id)
            if index >= 0:
                self.source_combo.setCurrentIndex(index)
            else:
                self.source_combo.setEditText(source_id)

    def _fill_sources(self) -> None:
        kind = self.kind
        source_type = KIND_SPECS[kind].source_type
        name = "诉求或吹哨" if kind is DocumentKind.LETTER else SOURCE_NAMES.get(source_type, "记录")
        self.source_label.setText(f"依据的{name}")
        self.source_combo.clear()
        for choice in self._choices.get(kind, []):
            self.source_combo.addItem(choice.text, choice.id)
        preferred = self.source_combo.findData(self._preferred.get(kind))
        self.source_combo.setCurrentIndex(max(preferred, 0) if self.source_combo.count() else -1)
        empty = self.source_combo.count() == 0
        self.empty_note.setText(f"当前没有可用的{name}记录，可直接输入编号或 ID。" if empty else "")
        self.empty_note.setVisible(empty)

    def _accept(self) -> None:
        if self.source_id:
            self.accept()
        else:
            self.empty_note.setText("请选择或输入公文所依据的记录。")
            self.empty_note.setVisible(True)


class ReasonDialog(QDialog):
    """One line of reason (作废原因, 退回原因); OK only once something is typed."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(prompt)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.edit.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        layout.addWidget(self.edit)
        layout.addWidget(buttons)

    @property
    def reason(self) -> str:
        return self.edit.text().strip()
