"""导入花名册: a two-step wizard. 1. choose the file; 2. see how it was understood — the
header row found, what each column was taken to mean (an unknown or misread header
can be pointed at a field with its combo box, and the file is checked again), the
first rows as they will be stored, and every problem with its row and column.
「导入」 is enabled only when the file has no problem; the import itself is all or
nothing, behind a progress bar, and a file refused at that point (the data changed
since the preview) shows the row-level report.

The chosen mapping is passed to the import, which remembers it for the next file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import DomainError, ImportRejectedError, RowError
from desktop.progress import CancelToken, ProgressCallback
from desktop.spreadsheets.roster import (
    PreviewRow,
    RosterImportSummary,
    RosterPreview,
    import_roster,
    preview_roster,
)
from desktop.spreadsheets.roster_columns import RosterField
from ui.dialogs import messages
from ui.dialogs.staff_dialog import hint_label
from ui.env import UiEnv
from ui.models.row_table import Column
from ui.tasks import run_with_progress, slot
from ui.widgets.grid_detail import row_table

IGNORE = "— 不导入 —"
UNKNOWN_COLOUR = "#fff1c7"

PREVIEW_COLUMNS: list[Column[PreviewRow]] = [
    Column("行", lambda r: str(r.row), sort_key=lambda r: r.row, align_right=True),
    Column("姓名", lambda r: r.name),
    Column("性别", lambda r: r.gender),
    Column("身份证号", lambda r: r.id_number_masked),
    Column("电话", lambda r: r.phone_masked or "—"),
    Column("原单位", lambda r: r.unit_name or "—", tooltip=lambda r: r.unit_name),
    Column("力量", lambda r: r.force),
    Column("编制", lambda r: r.staffing_type),
    Column("职务", lambda r: r.position or "—"),
    Column("中队", lambda r: r.squad or "—"),
    Column("状态", lambda r: r.status),
    Column("执法证", lambda r: r.certificates or "无", tooltip=lambda r: r.certificates),
]
ERROR_COLUMNS: list[Column[RowError]] = [
    Column("行", lambda e: str(e.row) if e.row else "表头", sort_key=lambda e: e.row,
           align_right=True),
    Column("列", lambda e: e.column or "—"),
    Column("问题", lambda e: e.message, tooltip=lambda e: e.message),
]


class RosterImportDialog(QDialog):
    """``choose_path()`` asks for a file (the page's file chooser; tests replace it)."""

    def __init__(self, env: UiEnv, choose_path: Callable[[], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.choose_path = choose_path
        self.path: Path | None = None
        self.preview: RosterPreview | None = None
        self.mapping: dict[str, RosterField | None] = {}
        self.summary: RosterImportSummary | None = None
        self._filling = False
        self.setWindowTitle("导入花名册")
        self.setModal(True)
        self.resize(1080, 680)
        self.steps = QStackedWidget()
        self.steps.addWidget(self._build_choose_step())
        self.steps.addWidget(self._build_preview_step())
        self.back_button = QPushButton("上一步")
        self.import_button = QPushButton("导入")
        self.cancel_button = QPushButton("取消")
        self.back_button.clicked.connect(lambda: self._show_step(0))
        self.import_button.clicked.connect(self._on_import)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()  # wizard order: back, forward, cancel
        buttons.addStretch(1)
        for button in (self.back_button, self.import_button, self.cancel_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addLayout(buttons)
        self._show_step(0)

    # --- construction --------------------------------------------------------------------
    def _build_choose_step(self) -> QWidget:
        title = QLabel("第 1 步：选择花名册文件")
        title.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3a5a;")
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("尚未选择文件")
        self.browse_button = QPushButton("选择文件…")
        self.browse_button.setDefault(True)
        self.browse_button.clicked.connect(self._on_browse)
        self.choose_error = QLabel()
        self.choose_error.setStyleSheet("color: #c0392b;")
        self.choose_error.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        step = QWidget()
        layout = QVBoxLayout(step)
        layout.addWidget(title)
        layout.addWidget(hint_label(
            "支持 Excel 工作簿（.xlsx）。表头不必在第一行，可以有标题行、合并的两级表头"
            "（如“执法证”下分“证号、发证机关、有效期至”），表头措辞不同也能识别；"
            "无法识别的表头可在下一步指定对应字段，指定后下次导入会记住。"))
        layout.addWidget(hint_label(
            "身份证号码列请设为“文本”格式：Excel 把 18 位号码当作数字时会丢失后几位"
            "（显示为 4.30105E+17），这样的号码无法导入。"))
        layout.addSpacing(8)
        layout.addLayout(row)
        layout.addWidget(self.choose_error)
        layout.addStretch(1)
        return step

    def _build_preview_step(self) -> QWidget:
        self.preview_title = QLabel()
        self.preview_title.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3a5a;")
        self.preview_status = QLabel()
        self.preview_status.setObjectName("previewStatus")
        self.preview_status.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #7a5b00;")
        self.mapping_table = QTableWidget(0, 4)
        self.mapping_table.setHorizontalHeaderLabels(["列", "文件中的表头", "对应字段", "识别方式"])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rows_view, self.rows_model = row_table(PREVIEW_COLUMNS, self, stretch=11)
        self.errors_view, self.errors_model = row_table(ERROR_COLUMNS, self, stretch=2)
        self.errors_view.setWordWrap(True)  # every message whole: the user acts on it
        self.tabs = QTabWidget()
        self.tabs.addTab(self.errors_view, "问题")
        self.tabs.addTab(self.rows_view, "前几行")
        columns = QWidget()
        columns_layout = QVBoxLayout(columns)
        columns_layout.setContentsMargins(0, 0, 0, 0)
        columns_layout.addWidget(QLabel("表头识别（黄色为未识别的列，可在“对应字段”中指定）："))
        columns_layout.addWidget(self.mapping_table, 1)
        body = QHBoxLayout()
        body.addWidget(columns, 2)
        body.addWidget(self.tabs, 3)
        step = QWidget()
        layout = QVBoxLayout(step)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview_status)
        layout.addLayout(body, 1)
        layout.addWidget(self.notes)
        return step

    def _show_step(self, index: int) -> None:
        self.steps.setCurrentIndex(index)
        self.back_button.setVisible(index == 1)
        self.import_button.setVisible(index == 1)
        self._update_import()

    def _update_import(self) -> None:
        ready = self.preview is not None and self.preview.ok and self.steps.currentIndex() == 1
        self.import_button.setEnabled(ready)
        self.import_button.setToolTip("" if ready else "文件中还有问题（见“问题”），改正或指定对应字段后才能导入")

    # --- step 1 ---------------------------------------------------------------------------
    def _on_browse(self) -> None:
        chosen = self.choose_path()
        if chosen:
            self.env.tasks.spawn(self.load(Path(chosen)))

    async def load(self, path: Path) -> None:
        """Preview a newly chosen file (the mapping chosen for another file is dropped)."""
        self.path = path
        self.mapping = {}
        self.path_edit.setText(str(path))
        await self.refresh()

    async def refresh(self) -> None:
        """Check the file again with the current mapping and show the result."""
        if self.path is None:
            return
        self.choose_error.clear()
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            preview = await self.env.tasks.db(preview_roster, self.env.context.uow(), self.path,
                                              mapping=dict(self.mapping))
        except DomainError as error:
            self.preview = None
            self.choose_error.setText(error.message)
            self._show_step(0)
            return
        finally:
            self.unsetCursor()
        self.show_preview(preview)

    # --- step 2 ---------------------------------------------------------------------------
    def show_preview(self, preview: RosterPreview) -> None:
        self.preview = preview
        self.preview_title.setText(f"第 2 步：检查 {preview.file_name}")
        where = (f"工作表“{preview.sheet_title}”，表头在第 {preview.header_row} 行"
                 + (f"（两级表头，第 {preview.header_row}–{preview.header_row + 1} 行）"
                    if preview.header_depth == 2 else "")
                 if preview.header_row else "未找到表头")
        people = f"，共 {preview.total_rows} 人" if preview.total_rows else ""
        if preview.ok:
            text = f"{where}{people}，未发现问题，可以导入。"
            style = "color: #1e6b34; background: #e3f3e6;"
        else:
            text = (f"{where}{people}，发现 {len(preview.errors)} 处问题："
                    "请改正文件后重新选择，或为未识别的列指定对应字段。改正前不能导入。")
            style = "color: #a5281b; background: #fde2e1;"
        self.preview_status.setText(text)
        self.preview_status.setStyleSheet(style + "padding: 6px 8px; border-radius: 3px;")
        self.notes.setText("\n".join(preview.notes))
        self.notes.setVisible(bool(preview.notes))
        self._fill_mapping(preview)
        self.rows_model.set_rows(list(preview.rows))
        self.errors_model.set_rows(list(preview.errors))
        self.errors_view.resizeRowsToContents()
        self.tabs.setTabText(0, f"问题（{len(preview.errors)}）")
        self.tabs.setTabText(1, f"预览前 {len(preview.rows)} 人")
        self.tabs.setCurrentIndex(0 if preview.errors else 1)
        self._show_step(1)

    def _fill_mapping(self, preview: RosterPreview) -> None:
        self._filling = True
        table = self.mapping_table
        table.setRowCount(len(preview.columns))
        for row, column in enumerate(preview.columns):
            known = column.field is not None or column.source == "忽略"
            items = [QTableWidgetItem(column.letter), QTableWidgetItem(column.text),
                     QTableWidgetItem(), QTableWidgetItem(column.source or "未识别")]
            for index, item in enumerate(items):
                if not known:
                    item.setBackground(QColor(UNKNOWN_COLOUR))
                table.setItem(row, index, item)
            table.setCellWidget(row, 2, self._field_combo(column.text, column.field))
        self._filling = False

    def _field_combo(self, header: str, field: RosterField | None) -> QComboBox:
        combo = QComboBox()
        combo.addItem(IGNORE, None)
        for member in RosterField:
            combo.addItem(member.label, member.value)
        combo.setCurrentIndex(combo.findData(field.value) if field is not None else 0)
        combo.setProperty("header", header)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._on_field_chosen(c))
        return combo

    def field_combo(self, header: str) -> QComboBox:
        """The combo of the column whose header reads ``header`` (tests use it)."""
        for row in range(self.mapping_table.rowCount()):
            combo = self.mapping_table.cellWidget(row, 2)
            if isinstance(combo, QComboBox) and combo.property("header") == header:
                return combo
        raise KeyError(header)

    def _on_field_chosen(self, combo: QComboBox) -> None:
        if self._filling:
            return
        value = combo.currentData()
        self.mapping[str(combo.property("header"))] = RosterField(value) if value else None
        self.env.tasks.spawn(self.refresh())

    # --- importing ------------------------------------------------------------------------
    @slot(lambda dialog: dialog.env.tasks)
    async def _on_import(self) -> None:
        if self.path is None or self.preview is None or not self.preview.ok:
            return
        context, path, mapping = self.env.context, self.path, dict(self.mapping)

        def work(progress: ProgressCallback, cancel: CancelToken) -> RosterImportSummary:
            return import_roster(context.uow(), actor=context.actor, path=path,
                                 mapping=mapping or None, progress=progress, cancel=cancel)

        self.import_button.setEnabled(False)
        try:
            self.summary = await run_with_progress(self.env.tasks, self, "正在导入花名册", work)
        except ImportRejectedError as error:
            self.report = messages.show_error(self, error)
            await self.refresh()
            return
        except DomainError as error:
            messages.show_error(self, error)
            self._update_import()
            return
        self.accept()
