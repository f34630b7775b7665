"""How the 执法队伍 page is laid out: its header, the certificate-expiry banner, the
people tab's toolbar, group panel, list and detail.

Kept apart from ``roster_page`` so the page module reads as behaviour. The builders
create the widgets the page works with and attach them to it (``page.table``,
``page.search``, ``page.groups``, ``page.count_label``, ``page.banner``...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.actor import Role
from desktop.domain.permissions import Permission
from desktop.domain.roster import Force
from desktop.services.certificates import CertificateWarning
from desktop.services.roster_rows import OfficerRow
from ui.pages.grids_layout import TOOLBAR_STYLE, TREE_STYLE
from ui.pages.work_page import TIP_PROPERTY, list_table, read_only_note, role_note_label

if TYPE_CHECKING:
    from ui.pages.roster_page import RosterPage

ROSTER_TOOLBAR_STYLE = TOOLBAR_STYLE.replace("#gridsToolbar", "#rosterToolbar")
GROUP_ROLE = Qt.ItemDataRole.UserRole + 10
BANNER_SHOWN = 3
FORCE_GROUPS = {Force.STREET: "1 · 街道执法队", Force.SUNK: "X · 区直部门下沉",
                Force.COOPERATING: "Y · 协同力量"}
# Widest a column of the list may start (pixels); 执法领域 takes what is left.
COLUMN_CAPS = {"原单位": 130, "执法证": 150, "职务": 90, "中队": 80}
STRETCH_TITLE = "执法领域"

# What each command needs; the services refuse the same (desktop/domain/permissions).
ACTION_PERMISSIONS: dict[str, Permission] = {
    key: Permission.ROSTER_EDIT for key in (
        "new", "edit", "status", "secondment", "leave", "cert_add", "cert_renew", "cert_revoke")
}
BUTTON_PERMISSIONS: dict[str, Permission] = {
    "import_button": Permission.ROSTER_IMPORT, "export_button": Permission.DATA_EXPORT,
}
EDIT_PERMISSIONS = (Permission.ROSTER_EDIT, Permission.ROSTER_IMPORT, Permission.UNIT_EDIT,
                    Permission.DUTY_EDIT)


def make_action(page: QWidget, text: str, shortcut: str, tip: str) -> QAction:
    """A command whose shortcut works anywhere inside ``page`` (a tab: tabs reuse keys,
    F2 edits what the tab shows)."""
    action = QAction(text, page)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        tip = f"{tip}（{shortcut}）"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.setProperty(TIP_PROPERTY, tip)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    page.addAction(action)
    return action


def build_actions(page: RosterPage) -> dict[str, QAction]:
    commands = page.commands
    specs = [
        ("new", "新增人员", "Ctrl+N", commands.new_officer, "登记一名执法队伍人员"),
        ("edit", "编辑", "F2", commands.edit_officer, "编辑所选人员（也可双击或按 Enter）"),
        ("status", "变更状态", "", commands.change_status, "在岗、请假、借调、离岗"),
        ("secondment", "设置下沉期", "", commands.set_secondment, "设置 X 类人员的下沉起止日期"),
        ("leave", "登记请假", "Ctrl+L", commands.add_leave, "为所选人员登记请假起止日期"),
        ("cert_add", "添加执法证", "", commands.add_certificate, "为所选人员登记执法证"),
        ("cert_renew", "续期", "", commands.renew_certificate,
         "执法证续期（先在下方“执法证”中选择一本）"),
        ("cert_revoke", "注销", "", commands.revoke_certificate,
         "注销或吊销执法证（先在下方“执法证”中选择一本）"),
    ]
    return {key: _connect(make_action(page, text, shortcut, tip), handler)
            for key, text, shortcut, handler, tip in specs}


def _connect(action: QAction, handler: object) -> QAction:
    action.triggered.connect(handler)
    return action


def page_header(page: RosterPage) -> QHBoxLayout:
    title = QLabel("执法队伍")
    title.setObjectName("pageTitle")
    page.summary_label = QLabel()
    page.summary_label.setStyleSheet("color: #5f6b78;")
    page.role_note = role_note_label()
    row = QHBoxLayout()
    row.addWidget(title)
    row.addSpacing(12)
    row.addWidget(page.summary_label, 0, Qt.AlignmentFlag.AlignBottom)
    row.addStretch(1)
    row.addWidget(page.role_note, 0, Qt.AlignmentFlag.AlignBottom)
    return row


def build_banner(page: RosterPage) -> QLabel:
    banner = QLabel()
    banner.setObjectName("expiryBanner")
    banner.setWordWrap(True)
    banner.setTextFormat(Qt.TextFormat.RichText)
    banner.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                   | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    banner.linkActivated.connect(lambda link: page.select_officer(link.removeprefix("officer:")))
    banner.hide()
    return banner


def banner_html(warnings: Sequence[CertificateWarning]) -> tuple[str, str]:
    """The banner's text (names link to the person) and its style; ("", "") when none."""
    if not warnings:
        return "", ""
    expired = [w for w in warnings if w.days_left < 0]
    soon = [w for w in warnings if w.days_left >= 0]
    parts = []
    if expired:
        parts.append(f"<b>{len(expired)} 人的执法证已过期</b>（现不能从事执法）")
    if soon:
        parts.append(f"<b>{len(soon)} 本执法证 30 天内到期</b>")
    items = []
    for warning in warnings[:BANNER_SHOWN]:
        when = (f"已过期 {-warning.days_left} 天" if warning.days_left < 0
                else f"{warning.days_left} 天后到期")
        items.append(f'<a href="officer:{warning.officer_id}">{warning.officer_name}</a>'
                     f"（{warning.force.short}）{warning.number} {when}")
    more = (f"；另有 {len(warnings) - BANNER_SHOWN} 条，见列表“有效期至”列的红、黄标记"
            if len(warnings) > BANNER_SHOWN else "")
    lines = [f"执法证提醒：{'，'.join(parts)}，请及时办理换证。", "；".join(items) + more]
    colour = ("#a5281b", "#fde2e1", "#f2b8b5") if expired else ("#7a5b00", "#fff4d6", "#f0d48a")
    style = (f"QLabel#expiryBanner {{ color: {colour[0]}; background: {colour[1]};"
             f" border: 1px solid {colour[2]}; border-radius: 4px; padding: 6px 10px; }}")
    return "<br>".join(lines), style


def _menu_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setProperty(TIP_PROPERTY, tip)
    return button


def build_toolbar(page: RosterPage, actions: dict[str, QAction]) -> QToolBar:
    bar = QToolBar()
    bar.setObjectName("rosterToolbar")
    bar.setStyleSheet(ROSTER_TOOLBAR_STYLE)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for group in (("new", "edit", "status", "secondment", "leave"),
                  ("cert_add", "cert_renew", "cert_revoke")):
        if group[0] == "cert_add":
            caption = QLabel(" 执法证：")
            caption.setStyleSheet("color: #5f6b78;")
            bar.addWidget(caption)
        for key in group:
            bar.addAction(actions[key])
        bar.addSeparator()
    bar.widgetForAction(actions["new"]).setObjectName("primary")
    page.import_button = _menu_button("导入花名册…", "从 Excel 花名册导入人员和执法证（先预览，无误后导入）")
    page.import_button.clicked.connect(page.files.import_roster)
    page.export_button = _menu_button("导出", "导出 Excel 花名册或打印 PDF 花名册（身份证号、电话脱敏）")
    page.export_button.setMenu(page.files.export_menu)
    page.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    bar.addWidget(page.import_button)
    bar.addWidget(page.export_button)
    return bar


def build_people_tab(page: RosterPage) -> QWidget:
    """Group panel on the left; the searchable list above the selected person's detail."""
    page.groups = QTreeWidget()
    page.groups.setHeaderLabels(["分组", "人数"])
    page.groups.setRootIsDecorated(True)
    page.groups.setStyleSheet(TREE_STYLE)
    page.groups.header().setStretchLastSection(False)
    page.groups.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    page.groups.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    page.search = QLineEdit()
    page.search.setPlaceholderText("姓名、执法证号或电话/身份证号后四位（Ctrl+F）")
    page.search.setClearButtonEnabled(True)
    page.search.setMinimumWidth(320)
    page.count_label = QLabel()
    page.count_label.setStyleSheet("color: #5f6b78;")
    top = QHBoxLayout()
    top.addWidget(page.search)
    top.addStretch(1)
    top.addWidget(page.count_label)
    page.table = officer_table(page)
    upper = QWidget()
    upper_layout = QVBoxLayout(upper)
    upper_layout.setContentsMargins(0, 0, 0, 0)
    upper_layout.addLayout(top)
    upper_layout.addWidget(page.table, 1)
    centre = QSplitter(Qt.Orientation.Vertical)
    centre.addWidget(upper)
    centre.addWidget(page.detail)
    centre.setStretchFactor(0, 3)
    centre.setStretchFactor(1, 2)
    centre.setChildrenCollapsible(False)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(page.groups)
    splitter.addWidget(centre)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([190, 1000])
    tab = QWidget()
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(0, 8, 0, 0)
    layout.addWidget(page.banner)
    layout.addWidget(page.toolbar)
    layout.addWidget(splitter, 1)
    return tab


def officer_table(page: RosterPage) -> QTableView:
    table = list_table(page.proxy, sort_column=2)
    table.setToolTip("双击或按 Enter 编辑；有效期至：红色为已过期，黄色为 30 天内到期")
    return table


def fit_officer_columns(table: QTableView) -> None:
    """Each column to its content (some capped), 执法领域 taking the rest, so the list
    reads at 1280 pixels; only the sorted column gets room for the sort arrow."""
    header = table.horizontalHeader()
    model = table.model()
    bold = QFont(header.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        if title == STRETCH_TITLE:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        arrow = 18 if column == header.sortIndicatorSection() else 0
        width = max(table.sizeHintForColumn(column), metrics.horizontalAdvance(title) + 18 + arrow)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, min(width, COLUMN_CAPS.get(title, width)))


def fill_groups(tree: QTreeWidget, rows: Sequence[OfficerRow],
                chosen: tuple[str, str]) -> None:
    """全部 / 按力量 / 按单位 / 按中队, each with its head count; keeps ``chosen``."""
    tree.blockSignals(True)
    tree.clear()
    everyone = _group_item(tree, "全部人员", len(rows), ("all", ""))
    sections = (
        ("按力量", [(FORCE_GROUPS[f], f.value) for f in Force], Counter(r.force.value for r in rows),
         "force"),
        ("按单位", sorted({(r.unit_name or "未填原单位", r.unit_id or "") for r in rows}),
         Counter(r.unit_id or "" for r in rows), "unit"),
        ("按中队", sorted({(r.squad or "未分中队", r.squad) for r in rows}),
         Counter(r.squad for r in rows), "squad"),
    )
    selected = everyone
    for title, members, counts, kind in sections:
        head = QTreeWidgetItem(tree, [title])
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        head.setExpanded(kind != "unit" or len(members) <= 8)
        for caption, value in members:
            item = _group_item(head, caption, counts.get(value, 0), (kind, value))
            if (kind, value) == chosen:
                selected = item
    tree.setCurrentItem(selected)
    tree.blockSignals(False)


def _group_item(parent: QTreeWidget | QTreeWidgetItem, caption: str, count: int,
                group: tuple[str, str]) -> QTreeWidgetItem:
    item = QTreeWidgetItem(parent, [caption, str(count)])
    item.setData(0, GROUP_ROLE, group)
    item.setToolTip(0, caption)
    item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def page_read_only_note(role: Role) -> str:
    """A word in the header when the role may change nothing on this page."""
    return read_only_note(role, EDIT_PERMISSIONS, "执法队伍")
