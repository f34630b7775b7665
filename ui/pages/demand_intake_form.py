"""The widgets of the intake form, in the order the keyboard visits them, and the
side list of possible duplicates. Built here so the tab module reads as behaviour.

The order follows a call: where it came from and what it is about, the words, who
and where, then routing (the list item proposes the units; the level decides whether
the demand is triaged at once). ``KIND_BY_MAJOR`` gives the kind a category usually
has (执法 for city order and safety, 发展 for enterprise services, 民生 otherwise): a
default the operator may change.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_states import HandlingLevel
from ui.widgets.demand_picker import PickCombo

if TYPE_CHECKING:
    from ui.pages.demand_intake_tab import DemandIntakeTab

KIND_BY_MAJOR = {
    "城市管理": DemandKind.ENFORCEMENT, "生态环境": DemandKind.ENFORCEMENT,
    "市场监管": DemandKind.ENFORCEMENT, "安全生产": DemandKind.ENFORCEMENT,
    "企业服务": DemandKind.DEVELOPMENT,
}
NO_TRIAGE = "暂不研判（受理后在列表中研判）"


def _combo(entries: list[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    for text, value in entries:
        box.addItem(text, value)
    return box


def build_form(tab: DemandIntakeTab) -> QWidget:
    tab.source = _combo([(s.label, s) for s in DemandSource])
    tab.category = PickCombo("输入分类名称，如“占道”")
    tab.kind = _combo([(k.label, k) for k in DemandKind])
    tab.nature = _combo([(n.label, n) for n in DemandNature])
    tab.nature.setCurrentIndex(tab.nature.findData(DemandNature.COMPLAINT))
    tab.urgent = QCheckBox("紧急")
    tab.title_edit = QLineEdit()
    tab.title_edit.setPlaceholderText("一句话概括诉求，如“朝阳新村3栋井盖缺失”")
    tab.content = QPlainTextEdit()
    tab.content.setTabChangesFocus(True)
    tab.content.setPlaceholderText("诉求人反映的具体情况（Ctrl+Enter 保存）")
    tab.content.setFixedHeight(86)
    tab.reporter = QLineEdit()
    tab.phone = QLineEdit()
    tab.phone.setPlaceholderText("手机号或带区号的固定电话")
    tab.address = QLineEdit()
    tab.address.setPlaceholderText("输入地址，可从已登记地址中选择（自动带出网格）")
    tab.grid = PickCombo("输入网格或社区名称")
    tab.map_button = QPushButton("地图选择…")
    tab.item = PickCombo("（可选）输入清单事项名称或编号")
    tab.proposal = QLabel("")
    tab.proposal.setWordWrap(True)
    tab.proposal.setStyleSheet("color: #2e5a88;")
    tab.level = _combo([(NO_TRIAGE, None), *((lv.label, lv) for lv in HandlingLevel)])
    tab.received = QDateTimeEdit(QDateTime.currentDateTime())
    tab.received.setDisplayFormat("yyyy-MM-dd HH:mm")
    tab.received.setCalendarPopup(True)
    tab.external = QLineEdit()
    tab.external.setPlaceholderText("区级平台派单时填写")
    tab.save_button = QPushButton("保存受理（Enter）")
    tab.save_button.setObjectName("primary")
    tab.clear_button = QPushButton("清空")
    tab.result_label = QLabel("")
    tab.result_label.setWordWrap(True)
    tab.result_label.setStyleSheet("color: #1e6b3a; font-weight: 600;")
    tab.error_label = QLabel("")
    tab.error_label.setWordWrap(True)
    tab.error_label.setStyleSheet("color: #c0392b;")
    tab.error_label.hide()
    return _arrange(tab)


def _pair(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    for widget in widgets:
        row.addWidget(widget, 1 if isinstance(widget, (QLineEdit, PickCombo)) else 0)
    return row


def _arrange(tab: DemandIntakeTab) -> QWidget:
    form = QFormLayout()
    form.setVerticalSpacing(8)
    form.addRow("诉求来源：", _pair(tab.source, QLabel("受理时间："), tab.received,
                                 QLabel("区级工单号："), tab.external))
    form.addRow("诉求分类*：", _pair(tab.category, QLabel("类型："), tab.kind, QLabel("性质："),
                                 tab.nature, tab.urgent))
    form.addRow("标题*：", tab.title_edit)
    form.addRow("诉求内容*：", tab.content)
    form.addRow("诉求人：", _pair(tab.reporter, QLabel("联系电话："), tab.phone))
    form.addRow("地址：", tab.address)
    form.addRow("所属网格：", _pair(tab.grid, tab.map_button))
    form.addRow("清单事项：", tab.item)
    form.addRow("", tab.proposal)
    form.addRow("处置层级：", tab.level)
    buttons = QHBoxLayout()
    buttons.addWidget(tab.save_button)
    buttons.addWidget(tab.clear_button)
    buttons.addWidget(QLabel("Tab 下一项 · Enter 或 Ctrl+Enter 保存"))
    buttons.addStretch(1)
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addLayout(form)
    layout.addWidget(tab.error_label)
    layout.addLayout(buttons)
    layout.addWidget(tab.result_label)
    layout.addStretch(1)
    QWidget.setTabOrder(tab.source, tab.category)
    chain = (tab.category, tab.kind, tab.nature, tab.urgent, tab.title_edit, tab.content,
             tab.reporter, tab.phone, tab.address, tab.grid, tab.item, tab.level, tab.received,
             tab.external, tab.save_button)
    for first, second in pairwise(chain):
        QWidget.setTabOrder(first, second)
    return box


def build_duplicates(tab: DemandIntakeTab) -> QGroupBox:
    box = QGroupBox("可能重复的诉求")
    tab.duplicates = QListWidget()
    tab.duplicates.setWordWrap(True)
    tab.duplicates_hint = QLabel("填写网格、分类或标题后，这里会列出近 30 天同网格同类别或内容相似的诉求。")
    tab.duplicates_hint.setWordWrap(True)
    tab.duplicates_hint.setStyleSheet("color: #5f6b78;")
    tab.merge_button = QPushButton("合并为重复件")
    tab.merge_button.setToolTip("保存本次受理，并作为重复件并入所选诉求")
    tab.new_anyway_button = QPushButton("仍然新建")
    tab.new_anyway_button.setToolTip("不是重复件：忽略提示，作为新诉求保存")
    row = QHBoxLayout()
    row.addWidget(tab.merge_button)
    row.addWidget(tab.new_anyway_button)
    layout = QVBoxLayout(box)
    layout.addWidget(tab.duplicates_hint)
    layout.addWidget(tab.duplicates, 1)
    layout.addLayout(row)
    return box
