"""How the 诉求列表 tab is laid out: two filter rows (search and the filters; saved
filters, the total, the legend and export) above the list and the detail. The builders
attach the widgets they make to the tab, so the tab module reads as behaviour."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton

from desktop.domain.deadlines import DemandKind, DemandSource
from desktop.services.demand_lists import DemandSort, status_choices
from ui.models.demand_list_model import DUE_SOON_COLOUR, OVERDUE_COLOUR

if TYPE_CHECKING:
    from ui.pages.demand_list_tab import DemandListTab

DEADLINE_CHOICES = (("全部期限", (False, False)), ("已超期", (True, False)),
                    ("即将到期", (False, True)), ("超期或即将到期", (True, True)))
# received-date presets, relative to the day the filter is read (see received_range)
RECEIVED_CHOICES = (("全部日期", None), ("今天受理", "today"), ("近 7 天受理", "7d"),
                    ("本月受理", "month"), ("上月受理", "last_month"))


def received_range(choice: object, today: date) -> tuple[date | None, date | None]:
    """(from, to), both inclusive, of a received-date choice: a preset code, or a
    ("range", from, to) entry a saved filter or the 工作台 brought in."""
    if isinstance(choice, tuple):
        return choice[1], choice[2]
    if choice == "today":
        return today, today
    if choice == "7d":
        return today - timedelta(days=6), today
    if choice == "month":
        return today.replace(day=1), today
    if choice == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    return None, None


def received_choice(start: date | None, end: date | None, today: date) -> object:
    """The entry that shows ``start``–``end``: a preset when one matches, else a range."""
    if start is None and end is None:
        return None
    for _text, code in RECEIVED_CHOICES:
        if code is not None and received_range(code, today) == (start, end):
            return code
    return ("range", start, end)


def range_text(start: date | None, end: date | None) -> str:
    return f"受理 {start or '不限'} 至 {end or '不限'}"


def combo(entries: list[tuple[str, object]], tip: str) -> QComboBox:
    box = QComboBox()
    for text, value in entries:
        box.addItem(text, value)
    box.setToolTip(tip)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    box.setMaxVisibleItems(20)
    return box


def filter_row(tab: DemandListTab) -> QHBoxLayout:
    tab.search = QLineEdit()
    tab.search.setPlaceholderText("搜索受理编号、标题、内容或地址（三个字以上全库检索，Ctrl+F）")
    tab.search.setClearButtonEnabled(True)
    tab.search.setMinimumWidth(300)
    tab.status_combo = combo([("全部状态", None), *((label, code) for code, label
                                                  in status_choices())], "按办理状态筛选")
    tab.kind_combo = combo([("全部类型", None), *((k.label, k.value) for k in DemandKind)],
                           "按诉求类型筛选")
    tab.source_combo = combo([("全部来源", None), *((s.label, s.value) for s in DemandSource)],
                             "按诉求来源筛选")
    tab.grid_combo = combo([("全部网格", None)], "按所属网格筛选")
    tab.unit_combo = combo([("全部主办单位", None)], "按主办单位筛选")
    tab.deadline_combo = combo(list(DEADLINE_CHOICES), "按办理期限筛选：已超期为红色，即将到期为黄色")
    tab.sort_combo = combo([(s.label, s) for s in DemandSort], "排序方式")
    for box in (tab.grid_combo, tab.unit_combo):
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(8)
    row = QHBoxLayout()
    row.setSpacing(6)
    row.addWidget(tab.search, 1)
    for widget in (tab.status_combo, tab.kind_combo, tab.source_combo, tab.grid_combo,
                   tab.unit_combo, tab.deadline_combo, tab.sort_combo):
        row.addWidget(widget)
    return row


def _swatch(colour: str, text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"background: {colour}; padding: 1px 8px; border-radius: 3px;")
    return label


def command_row(tab: DemandListTab) -> QHBoxLayout:
    tab.saved_combo = combo([("（已保存的筛选）", None)], "应用一个已保存的筛选条件")
    tab.save_filter_button = QPushButton("保存筛选…")
    tab.save_filter_button.setToolTip("把当前筛选条件保存下来，下次一键应用")
    tab.delete_filter_button = QPushButton("删除筛选")
    tab.delete_filter_button.setToolTip("删除所选的已保存筛选")
    tab.clear_button = QPushButton("清除条件")
    tab.received_combo = combo(list(RECEIVED_CHOICES), "按受理日期筛选")
    tab.total_label = QLabel("")
    tab.total_label.setStyleSheet("color: #2e3b4a; font-weight: 600;")
    tab.notice_label = QLabel("")
    tab.notice_label.setStyleSheet("color: #7a5b00;")
    tab.notice_label.setWordWrap(True)
    tab.export_button = QPushButton("导出 Excel…")
    tab.export_button.setProperty("allowedTip", "把当前筛选出的诉求导出为 Excel（姓名、电话脱敏）")
    tab.refresh_button = QPushButton("刷新")
    row = QHBoxLayout()
    row.setSpacing(6)
    row.addWidget(tab.saved_combo)
    row.addWidget(tab.save_filter_button)
    row.addWidget(tab.delete_filter_button)
    row.addWidget(tab.clear_button)
    row.addWidget(tab.received_combo)
    row.addSpacing(12)
    row.addWidget(tab.total_label)
    row.addWidget(tab.notice_label, 1)
    row.addWidget(QLabel("图例："))
    row.addWidget(_swatch(OVERDUE_COLOUR, "已超期"))
    row.addWidget(_swatch(DUE_SOON_COLOUR, "即将到期"))
    row.addSpacing(12)
    row.addWidget(tab.refresh_button)
    row.addWidget(tab.export_button)
    return row
