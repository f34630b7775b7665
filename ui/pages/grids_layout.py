"""How the 网格 page is laid out: its header, toolbar, list tab and map tab.

Kept apart from ``grids_page`` so the page module reads as behaviour. The builders
create the widgets the page works with and attach them to it (``page.table``,
``page.search``, ``page.count_label``, ``page.colour_mode``, ``page.map_status``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.actor import Role
from desktop.domain.permissions import Permission
from ui.pages.work_page import TIP_PROPERTY, list_table, read_only_note, role_note_label

if TYPE_CHECKING:
    from ui.pages.grid_files import GridFiles
    from ui.pages.grids_page import GridsPage

TOOLBAR_STYLE = """
QToolBar#gridsToolbar { border: none; spacing: 4px; background: transparent; }
QToolBar#gridsToolbar QToolButton {
    padding: 4px 10px; border: 1px solid #c9d3de; border-radius: 4px; background: white;
}
QToolBar#gridsToolbar QToolButton:hover { background: #eef4fb; border-color: #8fb0d3; }
QToolBar#gridsToolbar QToolButton:pressed { background: #dce8f5; }
QToolBar#gridsToolbar QToolButton:disabled { color: #a3adb8; border-color: #e1e6ec; }
QToolBar#gridsToolbar QToolButton#primary {
    background: #2e5a88; color: white; border-color: #2e5a88;
}
QToolBar#gridsToolbar QToolButton#primary:hover { background: #366aa0; }
QToolBar#gridsToolbar QToolButton#primary:disabled {
    background: #e9eef4; color: #a3adb8; border-color: #e1e6ec;
}
QToolBar#gridsToolbar QToolButton[popupMode="2"] { padding-right: 20px; }
QToolBar#gridsToolbar QToolButton::menu-indicator {
    subcontrol-origin: padding; subcontrol-position: center right; right: 6px;
}
"""
TREE_STYLE = """
QTreeWidget::item { padding: 3px 0; }
QTreeWidget::item:selected { background: #cfe2f7; color: black; }
"""


# What each toolbar command needs; the services refuse the same (desktop/domain/permissions).
ACTION_PERMISSIONS: dict[str, Permission] = {
    "community": Permission.GRID_EDIT, "new": Permission.GRID_EDIT, "edit": Permission.GRID_EDIT,
    "merge": Permission.GRID_EDIT, "split": Permission.GRID_EDIT, "retire": Permission.GRID_EDIT,
    "assign": Permission.GRID_STAFF_EDIT, "presence": Permission.GRID_STAFF_EDIT,
    "end": Permission.GRID_STAFF_EDIT,
}
BUTTON_PERMISSIONS: dict[str, Permission] = {
    "import_button": Permission.GRID_IMPORT, "export_button": Permission.DATA_EXPORT,
}


def build_actions(page: GridsPage) -> dict[str, QAction]:
    """The page's commands, with shortcuts that work anywhere inside the page."""
    specs = [
        ("community", "新建社区/村", "", page.commands.new_community, "新建一个社区或村，网格建在其下"),
        ("new", "新建网格", "Ctrl+N", page.commands.new_grid, "在所选社区/村下新建网格"),
        ("edit", "编辑", "F2", page.commands.edit_grid, "编辑所选网格（也可双击或按 Enter）"),
        ("assign", "配备人员", "Ctrl+Shift+A", page.commands.assign_staff, "为所选网格配备网格长、网格员、指导员等"),
        ("presence", "记录在格天数", "Ctrl+Shift+D", page.commands.record_presence,
         "记录网格员本月在格天数（所选网格须已配备网格员）"),
        ("end", "结束任职", "", page.commands.end_assignment, "先在下方“在任人员”中选择一人"),
        ("merge", "合并", "Ctrl+M", page.commands.merge_grids,
         "按住 Ctrl 在列表中选择同一社区/村的两个或以上网格后合并"),
        ("split", "拆分", "", page.commands.split_grid, "把所选网格拆分为两个或以上新网格"),
        ("retire", "撤销", "", page.commands.retire_grid, "撤销所选网格（保留历史记录）"),
    ]
    actions: dict[str, QAction] = {}
    for key, text, shortcut, handler, tip in specs:
        action = QAction(text, page)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip}（{shortcut}）"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setProperty(TIP_PROPERTY, tip)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(handler)
        page.addAction(action)
        actions[key] = action
    return actions


def page_header(page: GridsPage) -> QHBoxLayout:
    title = QLabel("网格")
    title.setObjectName("pageTitle")
    page.summary_label = QLabel()
    page.summary_label.setStyleSheet("color: #5f6b78;")
    page.role_note = role_note_label()
    page.tree.setStyleSheet(TREE_STYLE)
    row = QHBoxLayout()
    row.addWidget(title)
    row.addSpacing(12)
    row.addWidget(page.summary_label, 0, Qt.AlignmentFlag.AlignBottom)
    row.addStretch(1)
    row.addWidget(page.role_note, 0, Qt.AlignmentFlag.AlignBottom)
    return row


def _menu_button(text: str, menu: QMenu, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setToolTip(tip)
    return button


def build_toolbar(page: GridsPage, actions: dict[str, QAction], files: GridFiles) -> QToolBar:
    bar = QToolBar()
    bar.setObjectName("gridsToolbar")
    bar.setStyleSheet(TOOLBAR_STYLE)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    groups = (("community", "new", "edit"), ("assign", "presence", "end"),
              ("merge", "split", "retire"))
    for group in groups:
        for key in group:
            bar.addAction(actions[key])
        bar.addSeparator()
    bar.widgetForAction(actions["new"]).setObjectName("primary")
    page.import_button = _menu_button("导入", files.import_menu,
                                      "导入网格表、网格人员表或网格边界文件")
    page.export_button = _menu_button("导出", files.export_menu, "导出网格表或网格人员表（Excel）")
    page.template_button = _menu_button("下载模板", files.template_menu, "下载 Excel 导入模板")
    for button in (page.import_button, page.export_button, page.template_button):
        button.setProperty(TIP_PROPERTY, button.toolTip())
        bar.addWidget(button)
    return bar


def build_list_tab(page: GridsPage) -> QWidget:
    page.search = QLineEdit()
    page.search.setPlaceholderText("按编码或名称筛选（Ctrl+F）")
    page.search.setClearButtonEnabled(True)
    page.search.setMaximumWidth(320)
    page.count_label = QLabel()
    page.count_label.setStyleSheet("color: #5f6b78;")
    top = QHBoxLayout()
    top.addWidget(page.search, 1)
    top.addStretch(1)
    top.addWidget(page.count_label)
    table = list_table(page.proxy, multi_select=True)
    table.setToolTip("双击或按 Enter 编辑；按住 Ctrl/Shift 可多选（用于合并）")
    page.table = table
    tab = QWidget()
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(0, 8, 0, 0)
    layout.addLayout(top)
    layout.addWidget(table, 1)
    return tab


def fit_columns(table: QTableView, stretch: int) -> None:
    """Size each column to its content and header; ``stretch`` takes the rest.

    Qt's own sizing reserves room for the sort arrow in every header, which on a
    1280-pixel screen costs the name column most of its width; here only the sorted
    column gets that room. Call again when the sort column changes.
    """
    header = table.horizontalHeader()
    model = table.model()
    bold = QFont(header.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    for column in range(model.columnCount()):
        if column == stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        arrow = 18 if column == header.sortIndicatorSection() else 0
        width = max(table.sizeHintForColumn(column), metrics.horizontalAdvance(title) + 18 + arrow)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)


def build_map_tab(page: GridsPage) -> QWidget:
    page.colour_mode = QComboBox()
    page.colour_mode.addItem("按类别", "category")
    page.colour_mode.addItem("按人口", "population")
    fit = QPushButton("显示全部")
    fit.setToolTip("缩放到整个街道")
    fit.clicked.connect(page.map.fit_all)
    page.map_status = QLabel()
    page.map_status.setStyleSheet("color: #5f6b78;")
    hint = QLabel("滚轮缩放 · 拖动平移 · 单击选择网格")
    hint.setStyleSheet("color: #5f6b78;")
    top = QHBoxLayout()
    top.addWidget(QLabel("着色："))
    top.addWidget(page.colour_mode)
    top.addWidget(fit)
    top.addSpacing(12)
    top.addWidget(page.map_status, 1)
    top.addWidget(hint)
    tab = QWidget()
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(0, 8, 0, 0)
    layout.addLayout(top)
    layout.addWidget(page.map, 1)
    return tab


def page_read_only_note(role: Role) -> str:
    """A word in the header when the role may change nothing on this page."""
    return read_only_note(role, (*ACTION_PERMISSIONS.values(), Permission.GRID_IMPORT), "网格")
