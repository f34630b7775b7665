"""The row-level report of a rejected import: every problem with its row and column,
copyable, so the user can fix the file and try again."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import ImportRejectedError


class ImportReportDialog(QDialog):
    def __init__(self, error: ImportRejectedError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入未成功")
        self.resize(760, 420)
        summary = QLabel(
            f"文件 {error.file} 有 {len(error.errors)} 处错误，未导入任何数据，数据库保持原样。"
            "请按下表改正后重新导入。"
        )
        summary.setWordWrap(True)
        self.table = QTableWidget(len(error.errors), 3)
        self.table.setHorizontalHeaderLabels(["行", "列", "问题"])
        self.table.verticalHeader().setVisible(False)
        for index, row_error in enumerate(error.errors):
            values = [str(row_error.row) if row_error.row else "表头", row_error.column,
                      row_error.message]
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("复制全部", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(error.message))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
