"""The 事项清单 page's dialogs: the options of an import (name and publication date of
the new version) and the comparison of two versions (items added, removed, changed,
with the before and after of every changed field).

Both are opened with ``open()`` and awaited by the page (never ``exec()``); the
comparison loads through ``env.tasks`` and reloads when another pair is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.responsibilities import FIELD_LABELS
from desktop.services.responsibilities import (
    ItemChange,
    ItemRow,
    ListVersionRow,
    VersionComparison,
    compare_versions,
)
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.tasks import slot


class ImportOptionsDialog(QDialog):
    """What to call the new version and when the district published it."""

    def __init__(self, file_name: str, next_number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入事项清单新版本")
        self.setMinimumWidth(520)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("留空则取表格标题行（没有标题行时取文件名）")
        self.title_edit.setMaxLength(120)
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        form = QFormLayout()
        file_label = QLabel(file_name)
        file_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("文件：", file_label)
        form.addRow("清单名称：", self.title_edit)
        form.addRow("发布日期：", self.date_edit)
        note = QLabel(f"导入后生成第 {next_number} 版并设为现行版本；原有版本保留备查，"
                      "已办理的诉求仍关联原版本的事项。文件有错误时不导入任何数据，并逐行列出问题。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b78;")
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def values(self) -> tuple[str | None, date]:
        day = self.date_edit.date()
        return self.title_edit.text().strip() or None, date(day.year(), day.month(), day.day())


# --- comparing two versions ------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    kind: str  # 新增 | 删除 | 修改
    item: ItemRow  # the new item (the old one when removed)
    change: ItemChange | None = None

    @property
    def what(self) -> str:
        if self.change is not None:
            return "、".join(self.change.fields)
        return f"主体责任单位：{self.item.lead_unit}"


_KIND_COLOURS = {"新增": "#e3f3e6", "删除": "#fde2e1", "修改": "#fff4d6"}
CHANGE_COLUMNS: list[Column[ChangeRow]] = [
    Column("变化", lambda r: r.kind, background=lambda r: _KIND_COLOURS[r.kind]),
    Column("编号", lambda r: r.item.code),
    Column("类型", lambda r: r.item.item_type),
    Column("事项名称", lambda r: r.item.name, tooltip=lambda r: r.item.name),
    Column("变化内容", lambda r: r.what, tooltip=lambda r: r.what),
]
_ATTRIBUTES = {label: name for name, label in FIELD_LABELS.items()}


def change_rows(comparison: VersionComparison) -> list[ChangeRow]:
    return ([ChangeRow("新增", item) for item in comparison.added]
            + [ChangeRow("删除", item) for item in comparison.removed]
            + [ChangeRow("修改", change.new, change) for change in comparison.changed])


def _value(item: ItemRow, label: str) -> str:
    """A field as HTML: escaped, its line breaks kept."""
    value = getattr(item, _ATTRIBUTES[label])
    text = "、".join(value) if isinstance(value, tuple) else str(value)
    return escape(text).replace("\n", "<br>")


def change_html(row: ChangeRow, comparison: VersionComparison) -> str:
    """The before and after of every changed field (or the whole item)."""
    old, new = comparison.old.number, comparison.new.number
    head = f"<h4>{escape(row.item.code)} {escape(row.item.name)}（{row.kind}）</h4>"
    if row.change is None:
        where = f"第 {new} 版新增" if row.kind == "新增" else f"第 {new} 版已删除（第 {old} 版中有）"
        body = "".join(f"<p><b>{label}：</b>{_value(row.item, label) or '—'}</p>"
                       for label in FIELD_LABELS.values())
        return f"{head}<p style='color:#5f6b78'>{where}</p>{body}"
    parts = [head]
    for label in row.change.fields:
        before = _value(row.change.old, label) or "—"
        after = _value(row.change.new, label) or "—"
        parts.append(f"<p><b>{label}</b><br>"
                     f"<span style='color:#8a1f1f'>第 {old} 版：{before}</span><br>"
                     f"<span style='color:#1e6b34'>第 {new} 版：{after}</span></p>")
    return "".join(parts)


class VersionCompareDialog(QDialog):
    """Two version pickers, the summary, the changed items and the selected one's detail."""

    def __init__(self, env: UiEnv, versions: Sequence[ListVersionRow], old_id: str,
                 new_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.comparison: VersionComparison | None = None
        self._generation = 0
        self.setWindowTitle("事项清单版本对比")
        self.resize(1040, 640)
        self.old_combo, self.new_combo = QComboBox(), QComboBox()
        for combo, chosen in ((self.old_combo, old_id), (self.new_combo, new_id)):
            for version in versions:
                combo.addItem(version.label, version.id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: bold; color: #1f3a5a;")
        self.model: RowTableModel[ChangeRow] = RowTableModel(CHANGE_COLUMNS, self)
        self.table = self._build_table()
        self.detail = QTextBrowser()
        self.detail.setStyleSheet("QTextBrowser { background: white; }")
        self._lay_out()
        self.old_combo.currentIndexChanged.connect(self._on_pick)
        self.new_combo.currentIndexChanged.connect(self._on_pick)
        self.table.selectionModel().currentRowChanged.connect(self._show_change)

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        return table

    def _lay_out(self) -> None:
        picks = QHBoxLayout()
        picks.addWidget(QLabel("旧版本："))
        picks.addWidget(self.old_combo, 1)
        picks.addSpacing(12)
        picks.addWidget(QLabel("新版本："))
        picks.addWidget(self.new_combo, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(picks)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

    async def load(self) -> None:
        """Compare the chosen pair on the database thread and show the result."""
        self._generation += 1
        generation = self._generation
        old_id, new_id = self.old_combo.currentData(), self.new_combo.currentData()
        if old_id == new_id:
            self.comparison = None
            self.model.set_rows([])
            self.summary.setText("请选择两个不同的版本进行对比。")
            self.detail.clear()
            return
        comparison = await self.env.tasks.db(compare_versions, self.env.context.uow(),
                                             old_id, new_id)
        if generation != self._generation:
            return  # another pair was chosen meanwhile
        self.comparison = comparison
        self.model.set_rows(change_rows(comparison))
        self.summary.setText(comparison.text)
        self.detail.setHtml("<p style='color:#6b7785'>选择一行查看变化前后的内容。</p>"
                            if self.model.rowCount() else "")
        if self.model.rowCount():
            self.table.selectRow(0)

    @slot(lambda dialog: dialog.env.tasks)
    async def _on_pick(self, _index: int) -> None:
        await self.load()

    def _show_change(self, current: object, _previous: object) -> None:
        row = self.table.currentIndex().row()
        if self.comparison is None or not 0 <= row < self.model.rowCount():
            return
        self.detail.setHtml(change_html(self.model.row_at(row), self.comparison))
