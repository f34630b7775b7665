"""How the 事项清单 page is laid out: its header, its bar (version, search, type filter,
commands) and the item table. Kept apart from ``responsibilities_page`` so the page
module reads as behaviour; the builders attach the widgets they make to the page.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
)

from desktop.domain.actor import Role
from desktop.domain.permissions import Permission, allowed
from desktop.services.responsibilities import ItemRow
from ui.models.row_table import Column
from ui.pages.work_page import list_table, role_note_label

if TYPE_CHECKING:
    from ui.pages.responsibilities_page import ResponsibilitiesPage

BUTTON_STYLE = """
QPushButton { padding: 4px 12px; border: 1px solid #c9d3de; border-radius: 4px; background: white; }
QPushButton:hover { background: #eef4fb; border-color: #8fb0d3; }
QPushButton:disabled { color: #a3adb8; border-color: #e1e6ec; }
QPushButton#primary { background: #2e5a88; color: white; border-color: #2e5a88; }
QPushButton#primary:hover { background: #366aa0; }
QPushButton#primary:disabled { background: #e9eef4; color: #a3adb8; border-color: #e1e6ec; }
"""
ALL_TYPES = "全部类型"
IMPORT_TIP = "从 Excel 导入区级下发的新版清单，导入后设为现行版本（原版本保留）"
NAME_COLUMN, COOPERATING_COLUMN = 2, 4
COOPERATING_WIDTH = 240


def code_sort_text(code: str) -> str:
    """"CG-2" sorts before "CG-10" (Qt compares the sort role as text)."""
    return re.sub(r"\d+", lambda m: m.group().zfill(8), code)


ITEM_COLUMNS: list[Column[ItemRow]] = [
    Column("编号", lambda r: r.code, sort_key=lambda r: code_sort_text(r.code)),
    Column("类型", lambda r: r.item_type),
    Column("事项名称", lambda r: r.name, tooltip=lambda r: r.name),
    Column("主体责任单位", lambda r: r.lead_unit),
    Column("配合责任单位", lambda r: r.cooperating_text, tooltip=lambda r: r.cooperating_text),
]


def read_only_note(role: Role) -> str:
    if allowed(role, Permission.RESPONSIBILITY_EDIT):
        return ""
    return f"只读：清单由区级下发，您的角色（{role.label}）可以查询和对比，不能导入新版本"


def page_header(page: ResponsibilitiesPage) -> QHBoxLayout:
    """The title, what is in force, and the commands."""
    title = QLabel("事项清单")
    title.setObjectName("pageTitle")
    page.summary_label = QLabel()
    page.summary_label.setStyleSheet("color: #5f6b78;")
    # a long title is clipped (full text in the tooltip) rather than squeezing the buttons
    page.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    page.compare_button = _button("版本对比", "对比两个版本：新增、删除和修改的事项",
                                  page.compare_versions)
    page.template_button = _button("下载模板", "下载事项清单的 Excel 导入模板",
                                   page.save_template)
    page.import_button = _button("导入新版本…", IMPORT_TIP, page.import_list)
    page.import_button.setObjectName("primary")
    row = QHBoxLayout()
    row.addWidget(title)
    row.addSpacing(12)
    row.addWidget(page.summary_label, 1, Qt.AlignmentFlag.AlignBottom)
    row.addSpacing(12)
    for button in (page.compare_button, page.template_button, page.import_button):
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
    return row


def _button(text: str, tip: str, handler: object) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setStyleSheet(BUTTON_STYLE)
    button.clicked.connect(handler)
    return button


def filter_bar(page: ResponsibilitiesPage) -> QHBoxLayout:
    """Version, search (Ctrl+F), type, and how many items are shown."""
    page.version_combo = QComboBox()
    page.version_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    page.version_combo.setToolTip("选择要查看的清单版本（派遣、吹哨以现行版本为准）")
    page.version_combo.setPlaceholderText("（尚无清单）")
    page.search = QLineEdit()
    page.search.setPlaceholderText("搜索编号、名称、职责、依据或单位（Ctrl+F）")
    page.search.setClearButtonEnabled(True)
    page.search.setMinimumWidth(240)
    page.type_combo = QComboBox()
    page.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    page.type_combo.addItem(ALL_TYPES, "")
    page.count_label = QLabel()
    page.count_label.setStyleSheet("color: #5f6b78;")
    row = QHBoxLayout()
    row.setSpacing(6)
    row.addWidget(QLabel("版本："))
    row.addWidget(page.version_combo)
    row.addSpacing(12)
    row.addWidget(page.search, 1)
    row.addSpacing(12)
    row.addWidget(QLabel("类型："))
    row.addWidget(page.type_combo)
    row.addSpacing(12)
    row.addWidget(page.count_label)
    return row


def _note(page_attribute: str, page: ResponsibilitiesPage) -> QLabel:
    label = role_note_label()
    setattr(page, page_attribute, label)
    return label


def notes_row(page: ResponsibilitiesPage) -> QHBoxLayout:
    """Shown only when they apply: the role is read-only; an old version is shown."""
    row = QHBoxLayout()
    row.setSpacing(8)
    row.addWidget(_note("role_note", page))
    row.addWidget(_note("history_note", page), 1)
    return row


def item_table(page: ResponsibilitiesPage) -> QTableView:
    table = list_table(page.proxy)
    return table


def fit_item_columns(table: QTableView) -> None:
    """Code, type and lead to their content; the name takes the rest; the cooperating
    units get a fixed width (their full text is in the tooltip and the detail)."""
    header = table.horizontalHeader()
    for column in range(table.model().columnCount()):
        if column == NAME_COLUMN:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        elif column == COOPERATING_COLUMN:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, COOPERATING_WIDTH)
        else:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, max(table.sizeHintForColumn(column), 64) + 24)
