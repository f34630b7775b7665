"""How the 联合行动 page is laid out: the header (period, 日/周/月, the role note), the
command bar (planning, the life steps, 智能排班, export) and the load table under the
calendar. Builders attach the widgets to the page (``page.buttons``, ``page.loads``…).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
)

from desktop.domain.action_states import ActionStep
from desktop.domain.permissions import Permission
from desktop.services.action_checks import PeriodPlan
from ui.pages.work_page import TIP_PROPERTY, role_note_label
from ui.widgets.action_calendar import WEEKDAYS, CalendarMode

if TYPE_CHECKING:
    from ui.pages.actions_page import ActionsPage

STEP_BUTTONS = (ActionStep.SUBMIT, ActionStep.APPROVE, ActionStep.REOPEN, ActionStep.NOTIFY,
                ActionStep.START, ActionStep.COMPLETE, ActionStep.RECORD_RESULTS,
                ActionStep.EVALUATE, ActionStep.CANCEL)
STEP_TEXT = {ActionStep.SUBMIT: "提交", ActionStep.APPROVE: "审批", ActionStep.REOPEN: "退回修改",
             ActionStep.NOTIFY: "通知", ActionStep.START: "开始", ActionStep.COMPLETE: "完成",
             ActionStep.RECORD_RESULTS: "登记结果", ActionStep.EVALUATE: "评价",
             ActionStep.CANCEL: "取消行动"}
PLAN_BUTTONS = {"new": ("新建行动", "计划一次新的联合执法行动"),
                "edit": ("修改", "修改所选行动的计划（草稿或已提交）"),
                "participants": ("参加人员", "选择参加人员，查看每人的执法证领域"),
                "schedule": ("智能排班", "为本周草稿和已提交的行动推荐参加人员：满足全部硬性规则、工作量均衡"),
                "export_ics": ("导出日历", "把本周行动导出为 iCalendar（.ics），可导入手机日历"),
                "export_xlsx": ("导出周计划", "把本周行动和人员工作量导出为 Excel（.xlsx）")}
BUTTON_PERMISSIONS = {"new": Permission.ACTION_PLAN, "edit": Permission.ACTION_PLAN,
                      "participants": Permission.ACTION_PLAN, "schedule": Permission.ACTION_PLAN,
                      "export_ics": Permission.DATA_EXPORT, "export_xlsx": Permission.DATA_EXPORT}


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setProperty(TIP_PROPERTY, tip)
    return button


def build_header(page: ActionsPage) -> QHBoxLayout:
    title = QLabel("联合行动")
    title.setObjectName("pageTitle")
    page.previous = QToolButton(text="◀")
    page.previous.setToolTip("上一段（Alt+←）")
    page.previous.setShortcut("Alt+Left")
    page.next = QToolButton(text="▶")
    page.next.setToolTip("下一段（Alt+→）")
    page.next.setShortcut("Alt+Right")
    page.today_button = QToolButton(text="今天")
    page.period_label = QLabel()
    page.period_label.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1f3a5a;")
    page.mode_buttons = {}
    group = QButtonGroup(page)
    row = QHBoxLayout()
    row.addWidget(title)
    row.addSpacing(16)
    for button in (page.previous, page.today_button, page.next):
        button.setMinimumSize(34, 28)
        row.addWidget(button)
    row.addWidget(page.period_label)
    row.addStretch(1)
    page.role_note = role_note_label()
    row.addWidget(page.role_note)
    for mode in CalendarMode:
        button = QToolButton(text=mode.value)
        button.setCheckable(True)
        button.setMinimumSize(40, 28)
        button.setToolTip(f"按{mode.value}显示")
        group.addButton(button)
        page.mode_buttons[mode] = button
        row.addWidget(button)
    page.mode_buttons[CalendarMode.WEEK].setChecked(True)
    return row


def build_commands(page: ActionsPage) -> QHBoxLayout:
    row = QHBoxLayout()
    page.plan_buttons = {key: _button(text, tip) for key, (text, tip) in PLAN_BUTTONS.items()}
    for key in ("new", "edit", "participants"):
        row.addWidget(page.plan_buttons[key])
    row.addSpacing(12)
    page.buttons = {}
    for step in STEP_BUTTONS:
        tip = f"{step.label}（仅在行动处于相应状态时可用）"
        page.buttons[step] = _button(STEP_TEXT[step], tip)
        row.addWidget(page.buttons[step])
    row.addStretch(1)
    for key in ("schedule", "export_ics", "export_xlsx"):
        row.addWidget(page.plan_buttons[key])
    page.plan_buttons["schedule"].setStyleSheet("font-weight: bold;")
    return row


def period_text(mode: CalendarMode, anchor: date) -> str:
    if mode is CalendarMode.DAY:
        return f"{anchor.year}年{anchor.month}月{anchor.day}日 周{WEEKDAYS[anchor.weekday()]}"
    if mode is CalendarMode.MONTH:
        return f"{anchor.year}年{anchor.month}月"
    monday = anchor - timedelta(days=anchor.weekday())
    sunday = monday + timedelta(days=6)
    week = monday.isocalendar()[1]
    return f"{monday.year}年{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日（第{week}周）"


def build_loads() -> QTableWidget:
    table = QTableWidget(0, 0)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(24)
    return table


def fill_loads(table: QTableWidget, plan: PeriodPlan, mode: CalendarMode) -> None:
    """Each officer on an action in the period: actions, hours (per day in the week
    view) and the conflicts the checks found, conflicts in red."""
    days = list(plan.days) if mode is CalendarMode.WEEK else []
    titles = ["姓名", "力量", "单位", "行动数", "时长（小时）"] + [
        f"周{WEEKDAYS[d.weekday()]} {d.day}日" for d in days] + ["冲突"]
    table.clear()
    table.setColumnCount(len(titles))
    table.setHorizontalHeaderLabels(titles)
    table.setRowCount(len(plan.loads))
    for row, load in enumerate(plan.loads):
        conflicts = "；".join(dict.fromkeys(v.rule.label for v in load.conflicts))
        cells = [load.name, load.force.value, load.unit_name, str(load.total_actions),
                 f"{load.total_hours:g}"] + [
            f"{load.hours_per_day.get(d, 0):g}" if load.hours_per_day.get(d) else ""
            for d in days] + [conflicts or ""]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if load.conflicts:
                item.setForeground(QColor("#c0392b"))
            table.setItem(row, column, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
    table.setColumnWidth(2, 150)  # unit names are long: the cell elides them
    header.setSectionResizeMode(len(titles) - 1, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(40)
