"""A grid's staff: assign a person in a role, record a 网格员's days in the grid for a
month, end an assignment. Each dialog calls its service and stays open on a refusal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from desktop.clock import today
from desktop.domain.errors import DomainError
from desktop.domain.grids import MIN_INSTRUCTORS_PER_GRID, MIN_MEMBER_DAYS_PER_MONTH, StaffRole
from desktop.services.grid_staff import (
    PersonInput,
    StaffRow,
    assign_staff,
    current_month,
    end_assignment,
    record_presence,
)
from desktop.services.grids import GridRow
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.grid_dialog import enum_combo
from ui.env import UiEnv


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def to_date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #666;")
    return label


class AssignStaffDialog(FormDialog):
    """配备人员: the same name and phone is the same person, who may serve several grids."""

    def __init__(self, env: UiEnv, grid: GridRow, parent: QWidget | None = None) -> None:
        super().__init__(env, f"配备人员 — {grid.name}", "配备", parent)
        self.grid = grid
        self.result_row: StaffRow | None = None
        self.role = enum_combo(list(StaffRole))
        self.role.set_value(StaffRole.MEMBER)
        self.name = QLineEdit(placeholderText="真实姓名（实名制公示）")
        self.phone = QLineEdit(placeholderText="手机号或带区号的固定电话")
        self.unit = QLineEdit(placeholderText="如：街道城管办、区市场监管局")
        self.duties = QLineEdit(placeholderText="选填，如：负责楼栋巡查")
        self.started_on = date_edit(today())
        form = QFormLayout()
        form.addRow("网格", QLabel(f"{grid.code} {grid.name}"))
        form.addRow("角色 *", self.role)
        form.addRow("姓名 *", self.name)
        form.addRow("联系电话", self.phone)
        form.addRow("所在单位", self.unit)
        form.addRow("职责", self.duties)
        form.addRow("任职起始", self.started_on)
        self.body.addLayout(form)
        self.body.addWidget(hint_label(
            f"每个网格配 1 名网格长、至少 1 名网格员（每月在格不少于 {MIN_MEMBER_DAYS_PER_MONTH} 天）"
            f"和至少 {MIN_INSTRUCTORS_PER_GRID} 名网格指导员。列表中电话号码脱敏显示。"))
        self.name.setFocus()

    async def submit(self) -> None:
        context = self.env.context
        person = PersonInput(self.name.text(), self.phone.text(), self.unit.text(),
                             self.duties.text())
        self.result_row = await self.env.tasks.db(
            assign_staff, context.uow(), actor=context.actor, grid_id=self.grid.id,
            person=person, role=self.role.value(), started_on=to_date(self.started_on))

    def field_widget(self, field: str) -> QWidget | None:
        return {"姓名": self.name, "联系电话": self.phone}.get(field)


class PresenceDialog(FormDialog):
    """记录在格天数 of one 网格员 for one month (recording again corrects the figure)."""

    def __init__(self, env: UiEnv, grid: GridRow, members: Sequence[StaffRow],
                 selected: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(env, f"记录在格天数 — {grid.name}", "保存", parent)
        self.member = QComboBox()
        for row in members:
            self.member.addItem(f"{row.name}（{row.phone_masked or '无电话'}）", row.assignment_id)
        if selected is not None and self.member.findData(selected) >= 0:
            self.member.setCurrentIndex(self.member.findData(selected))
        year, month = (int(part) for part in current_month().split("-"))
        self.month = QDateEdit(QDate(year, month, 1))
        self.month.setDisplayFormat("yyyy-MM")
        self.days = QSpinBox()
        self.days.setRange(0, 31)
        self.days.setSuffix(" 天")
        form = QFormLayout()
        form.addRow("网格员 *", self.member)
        form.addRow("月份 *", self.month)
        form.addRow("在格天数 *", self.days)
        self.body.addLayout(form)
        self.body.addWidget(hint_label(
            f"网格员每月在格应不少于 {MIN_MEMBER_DAYS_PER_MONTH} 天，不足时列入配备提醒。"
            "同一月份再次记录将覆盖原数。"))
        self.days.setFocus()

    async def submit(self) -> None:
        assignment_id = self.member.currentData()
        if assignment_id is None:
            raise DomainError("该网格还没有网格员，请先“配备人员”，角色选“网格员”。")
        context = self.env.context
        await self.env.tasks.db(
            record_presence, context.uow(), actor=context.actor, assignment_id=assignment_id,
            month=self.month.date().toString("yyyy-MM"), days=self.days.value())

    def field_widget(self, field: str) -> QWidget | None:
        return {"月份": self.month, "在格天数": self.days}.get(field)


class EndAssignmentDialog(FormDialog):
    """结束任职: the person stays on file; the grid's history keeps the assignment."""

    def __init__(self, env: UiEnv, grid: GridRow, staff: StaffRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(env, "结束任职", "结束任职", parent)
        self.staff = staff
        self.ended_on = date_edit(today())
        form = QFormLayout()
        form.addRow("网格", QLabel(f"{grid.code} {grid.name}"))
        form.addRow("人员", QLabel(f"{staff.name}（{staff.role.label}）"))
        form.addRow("任职起始", QLabel(staff.started_on.isoformat()))
        form.addRow("结束日期 *", self.ended_on)
        self.body.addLayout(form)
        self.body.addWidget(hint_label("结束后该人员不再列入本网格的在任人员和公示名单，历史记录保留。"))

    async def submit(self) -> None:
        context = self.env.context
        await self.env.tasks.db(
            end_assignment, context.uow(), actor=context.actor,
            assignment_id=self.staff.assignment_id, ended_on=to_date(self.ended_on))

    def field_widget(self, field: str) -> QWidget | None:
        return self.ended_on if field == "结束日期" else None
